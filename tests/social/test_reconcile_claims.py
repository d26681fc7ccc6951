"""Facebook, Instagram and Pinterest keep no key of SellerDesk's, so a lost answer is looked for by the post's exact
text; a post SellerDesk already recorded for another product with the same text is never taken."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.app import App
from core.db.types import utcnow
from core.platforms.publish import build_listing_request, publish_listing
from core.publishing.jobs import claim, create_job, move
from tests.social.conftest import Opener, add_product


def _published(app: App, opener: Opener, platform: str, product_id: int) -> str:
    """Publish ``product_id`` and record it as the queue does; returns the post's id."""
    with opener(app, platform) as target:
        result = publish_listing(app, product_id, platform, target=target)
    now = utcnow()
    job = create_job(app.db, product_id, platform, at=now)
    claim(app.db, job.id, now=now)
    move(app.db, job.id, "published", "done", remote_id=result.remote_id, remote_url=result.url)
    return result.remote_id


@pytest.mark.parametrize("platform", ["facebook", "instagram", "pinterest"])
def test_a_post_of_another_product_with_the_same_text_is_never_taken(platform: str, request: pytest.FixtureRequest,
                                                                     opener: Opener, tmp_path: Path) -> None:
    app: App = request.getfixturevalue(f"{platform}_app")
    request.getfixturevalue("pinterest" if platform == "pinterest" else "meta")
    first = add_product(app, tmp_path, photos=1, platforms=[platform])
    second = add_product(app, tmp_path, photos=1, platforms=[platform], sku="MUG-BLUE-02")
    posted = _published(app, opener, platform, first)
    with opener(app, platform) as target:
        mine = build_listing_request(app.db, first, platform, app.image_store)
        assert target.find_existing(mine) is not None and target.find_existing(mine).remote_id == posted
        # The second product's attempt was cut off before anything was posted: nothing of its own is there.
        theirs = build_listing_request(app.db, second, platform, app.image_store)
        assert target.find_existing(theirs) is None

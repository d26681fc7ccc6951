"""Instagram: containers and their status, carousels, limits checked before anything is sent, the daily quota,
Meta's refusals of a picture named for the seller, and a 60-day token that renews itself."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image

from core.app import App
from core.db.types import utcnow
from core.platforms.connections import platform_status
from core.platforms.errors import (
    AuthExpired,
    ContentRejected,
    OutcomeUnknown,
    PlatformError,
    RateLimited,
    TransientFailure,
)
from core.platforms.publish import build_listing_request, publish_listing
from core.platforms.registry import http_options, open_platform
from core.platforms.service import verify_connection
from tests.fakes.social.meta import MetaStandIn
from tests.fakes.social.s3 import S3StandIn
from tests.fakes.social.sync_service import SyncService
from tests.social.conftest import Opener, Sleeps, add_product

PRODUCT = "'Blue Glazed Stoneware Mug - 350 ml'"


class OddVariants:
    """The app's image store, except that one photo's Instagram picture is replaced (PNG, wrong shape, ...)."""

    def __init__(self, app: App, folder: Path, index: int, make: Any) -> None:
        self.app, self.folder, self.index, self.make = app, folder, index, make
        self.seen: list[str] = []

    def variants(self, sha256: str, platforms: Sequence[str], focal: Any = None) -> list[Any]:
        real = self.app.image_store.variants(sha256, platforms, focal)
        if sha256 not in self.seen:
            self.seen.append(sha256)
        if self.seen.index(sha256) != self.index:
            return real
        with Image.open(real[0].path) as image:
            path = self.make(image.copy(), self.folder)
        return [SimpleNamespace(path=path)]


def _png(image: Image.Image, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    image.save(folder / "instagram-odd.png", "PNG")
    return folder / "instagram-odd.png"


def _panorama(image: Image.Image, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    image.resize((1080, 400)).save(folder / "instagram-wide.jpg", "JPEG")
    return folder / "instagram-wide.jpg"


def _publish(app: App, opener: Opener, product_id: int, variants: Any = None) -> Any:
    with opener(app, "instagram") as platform:
        return publish_listing(app, product_id, "instagram", target=platform, variants=variants)


def test_a_single_photo_post_waits_for_its_container(connected: App, meta: MetaStandIn, sync: SyncService,
                                                      opener: Opener, sleeps: Sleeps, tmp_path: Path) -> None:
    meta.instagram.in_progress_polls = 2
    product_id = add_product(connected, tmp_path, photos=1, alt="Blue mug on a wooden table")
    result = _publish(connected, opener, product_id)
    media = meta.instagram.media[result.remote_id]
    assert media.children == [] and media.caption.startswith("A hand-thrown stoneware mug")
    assert result.url and result.state == "active" and result.image_count == 1
    assert sleeps.taken.count(3.0) == 2  # two polls answered IN_PROGRESS, each followed by the configured wait
    assert sync.media_count() == 0


@pytest.mark.parametrize(("field", "hashtags", "description", "said"), [
    ("characters", ("#mug",), "x" * 2200, "the limit is 2,200"),
    ("hashtags", tuple(f"#tag{i}" for i in range(31)), None, "31 hashtags"),
    ("mentions", ("#mug",), " ".join(f"@friend{i}" for i in range(21)), "21 @mentions"),
], ids=["characters", "hashtags", "mentions"])
def test_caption_limits_are_enforced_before_anything_is_sent(instagram_app: App, meta: MetaStandIn, s3: S3StandIn,
                                                             opener: Opener, tmp_path: Path, field: str,
                                                             hashtags: tuple[str, ...], description: str | None,
                                                             said: str) -> None:
    product_id = add_product(instagram_app, tmp_path, photos=2, hashtags=hashtags, description=description)
    calls = meta.graph_calls
    with pytest.raises(ContentRejected) as caught:
        _publish(instagram_app, opener, product_id)
    message = str(caught.value)
    assert message.startswith("Instagram: rejected the caption:") and said in message
    assert PRODUCT in message and "Edit the Instagram copy in the Content tab" in message
    assert meta.graph_calls == calls and not meta.instagram.fetched and not s3.objects


def test_the_daily_quota_is_checked_before_uploading(instagram_app: App, meta: MetaStandIn, opener: Opener,
                                                     tmp_path: Path) -> None:
    meta.instagram.quota_usage = 100
    product_id = add_product(instagram_app, tmp_path, photos=2)
    with pytest.raises(RateLimited) as caught:
        _publish(instagram_app, opener, product_id)
    assert caught.value.retry_after == 3600
    assert "used its publishing limit (100 of 100 posts in 24 hours)" in str(caught.value)
    assert PRODUCT in str(caught.value) and "tries again by itself" in str(caught.value)
    assert not meta.instagram.containers and not meta.instagram.fetched


def test_a_png_is_accepted_then_refused_at_publish_naming_the_photo(instagram_app: App, meta: MetaStandIn,
                                                                    s3: S3StandIn, opener: Opener,
                                                                    tmp_path: Path) -> None:
    product_id = add_product(instagram_app, tmp_path, photos=3)
    with pytest.raises(ContentRejected) as caught:
        _publish(instagram_app, opener, product_id, OddVariants(instagram_app, tmp_path / "odd", 1, _png))
    message = str(caught.value)
    assert message.startswith("Instagram: rejected the images: photo 2 of 3 (instagram-odd.png): it is not a JPEG")
    assert "code 100/2207003" in message and PRODUCT in message
    assert "Re-make the product's Instagram pictures" in message
    assert all(c.status == "FINISHED" for c in meta.instagram.containers.values())  # accepted at creation
    assert not meta.instagram.media and not s3.objects


def test_a_wrong_shape_is_refused_when_the_container_is_made(instagram_app: App, meta: MetaStandIn, opener: Opener,
                                                             tmp_path: Path) -> None:
    product_id = add_product(instagram_app, tmp_path, photos=2)
    with pytest.raises(ContentRejected) as caught:
        _publish(instagram_app, opener, product_id, OddVariants(instagram_app, tmp_path / "odd", 0, _panorama))
    message = str(caught.value)
    assert "photo 1 of 2 (instagram-wide.jpg): its size or shape is outside what Instagram allows" in message
    assert "aspect ratio ('1080/400')" in message and "2207009" in message


@pytest.mark.parametrize(("outcome", "error", "said"), [
    ("ERROR", ContentRejected, "photo 1 of 1"),
    ("EXPIRED", TransientFailure, "the upload of photo 1 of 1"),
    ("STUCK", TransientFailure, "was still processing photo 1 of 1 (instagram-"),
], ids=["error", "expired", "stuck"])
def test_containers_that_do_not_finish(instagram_app: App, meta: MetaStandIn, s3: S3StandIn, opener: Opener,
                                       tmp_path: Path, outcome: str, error: type[Exception], said: str) -> None:
    meta.instagram.next_outcome = outcome
    product_id = add_product(instagram_app, tmp_path, photos=1)
    with pytest.raises(error) as caught:
        _publish(instagram_app, opener, product_id)
    assert said in str(caught.value) and PRODUCT in str(caught.value)
    assert not meta.instagram.media and not s3.objects


def test_an_expired_sign_in_asks_to_reconnect(instagram_app: App, meta: MetaStandIn, opener: Opener,
                                              tmp_path: Path) -> None:
    product_id = add_product(instagram_app, tmp_path, photos=1)
    meta.revoke_all(463)
    with pytest.raises(AuthExpired) as caught:
        _publish(instagram_app, opener, product_id)
    assert str(caught.value).startswith("Instagram: the sign-in has expired")
    assert "Reconnect Instagram in the Platforms tab" in str(caught.value)
    assert platform_status(instagram_app.db, "instagram").state == "needs_attention"


def test_the_token_is_renewed_well_before_its_60_days_end(instagram_app: App, meta: MetaStandIn) -> None:
    status = platform_status(instagram_app.db, "instagram")
    assert status.state == "connected" and status.days_left in (59, 60)
    later = utcnow() + timedelta(days=31)
    meta.age_tokens(31 * 86400)
    with open_platform(instagram_app, "instagram", http=http_options(instagram_app.settings), now=lambda: later) as ig:
        verify_connection(instagram_app, "instagram", target=ig)
    renewed = platform_status(instagram_app.db, "instagram", now=later)
    assert renewed.expires_at is not None and renewed.days_left in (59, 60)
    assert platform_status(instagram_app.db, "instagram", now=later + timedelta(days=54)).state == "expiring"


def test_connecting_with_the_sellers_own_app(instagram_app: App, meta: MetaStandIn) -> None:
    status = platform_status(instagram_app.db, "instagram")
    assert status.account_name == "@ashapottery" and status.days_left in (59, 60)
    assert instagram_app.secrets.get("instagram:app_secret") == meta.apps["instagram"][1]
    assert not instagram_app.secrets.get("sync:refresh_token")  # no sync service involved


def test_update_and_delist_say_what_to_do_in_the_app(instagram_app: App, opener: Opener, tmp_path: Path) -> None:
    product_id = add_product(instagram_app, tmp_path, photos=1)
    result = _publish(instagram_app, opener, product_id)
    with opener(instagram_app, "instagram") as ig, pytest.raises(PlatformError) as caught:
        ig.delist(result.remote_id, product="#1 'Mug'")
    assert "Archive the post in the Instagram app" in str(caught.value)


def test_a_lost_publish_answer_is_found_instead_of_posting_twice(instagram_app: App, meta: MetaStandIn,
                                                                 opener: Opener, tmp_path: Path) -> None:
    product_id = add_product(instagram_app, tmp_path, photos=2)
    meta.drop("POST", r"/media_publish$")
    with pytest.raises(OutcomeUnknown):
        _publish(instagram_app, opener, product_id)
    with opener(instagram_app, "instagram") as ig:
        request = build_listing_request(instagram_app.db, product_id, "instagram", instagram_app.image_store)
        found = ig.find_existing(request)
        assert found is not None and found.remote_id in meta.instagram.media
        assert ig.publish(request, existing=found) == found
    assert len(meta.instagram.media) == 1


def test_insights_need_their_own_permission_and_say_so_when_missing(
        app: App, meta: MetaStandIn, pinterest: Any, s3: S3StandIn, browser: Any, opener: Opener,
        tmp_path: Path) -> None:
    from tests.social.conftest import _own

    meta.granted = {"instagram_business_basic", "instagram_business_content_publish"}  # the seller unticked one
    connected = _own(app, meta, pinterest, s3, browser, opener, ["instagram"])
    product_id = add_product(connected, tmp_path, photos=1)
    result = _publish(connected, opener, product_id)
    meta.instagram.engage(result.remote_id, like_count=3, reach=40)
    with opener(connected, "instagram") as instagram:
        (figures,) = instagram.fetch_engagement([result.remote_id])
    assert figures.likes == 3 and set(figures.unavailable) == {"reach", "saves", "shares"}
    assert "instagram_business_manage_insights" in (figures.problem or "")

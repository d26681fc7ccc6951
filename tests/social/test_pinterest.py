"""Pinterest: boards (chosen or created), pins checked against Pinterest's OpenAPI description, limits enforced
before sending, the sandbox for trial apps, tokens that renew themselves, and refusals the seller can act on."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from core.app import App
from core.db.types import utcnow
from core.platforms.connections import get_preferences, platform_status, set_preferences
from core.platforms.errors import ContentRejected, OutcomeUnknown, PlatformError, RateLimited
from core.platforms.publish import build_listing_request, publish_listing
from core.platforms.registry import http_options, open_platform
from core.platforms.service import verify_connection
from tests.fakes.social.pinterest import PinterestStandIn
from tests.fakes.social.s3 import S3StandIn
from tests.social.conftest import Opener, Sleeps, add_product

PRODUCT = "(product #1 'Blue Glazed Stoneware Mug - 350 ml')"


def _publish(app: App, opener: Opener, product_id: int) -> Any:
    with opener(app, "pinterest") as pinterest:
        return publish_listing(app, product_id, "pinterest", target=pinterest)


def test_boards_are_offered_with_a_new_one(pinterest_app: App, opener: Opener) -> None:
    with opener(pinterest_app, "pinterest") as pinterest:
        (field,) = pinterest.preference_fields()
    assert [(c.value, c.label) for c in field.choices] == [
        ("549755885175", "Kitchen"), ("549755885176", "Gifts"), ("new:Shop", "Create a new board “Shop”")]


def test_a_new_board_is_made_once_and_remembered(pinterest_app: App, pinterest: PinterestStandIn, s3: S3StandIn,
                                                 opener: Opener, tmp_path: Path) -> None:
    set_preferences(pinterest_app.db, "pinterest", {"board_id": "new:Stoneware"})
    first = _publish(pinterest_app, opener, add_product(pinterest_app, tmp_path, photos=1))
    board_id = get_preferences(pinterest_app.db, "pinterest")["board_id"]
    assert pinterest.boards[board_id]["name"] == "Stoneware"
    assert pinterest.pins[first.remote_id]["board_id"] == board_id
    assert first.url == f"https://www.pinterest.com/pin/{first.remote_id}/"
    assert not s3.objects and len(s3.deleted) == 1 and len(s3.served) == 1  # fetched once, then taken down


@pytest.mark.parametrize(("field", "kwargs", "said"), [
    ("title", {"title": "M" * 92}, "Pinterest title is 101 characters; the limit is 100"),
    ("description", {"description": "d" * 801}, "Pinterest description is 801 characters; the limit is 800"),
    ("alt_text", {"alt": "a" * 501}, "the alt text of photo 1 of 1 (pinterest-"),
], ids=["title", "description", "alt-text"])
def test_limits_are_enforced_before_sending(pinterest_app: App, pinterest: PinterestStandIn, s3: S3StandIn,
                                            opener: Opener, tmp_path: Path, field: str, kwargs: dict[str, Any],
                                            said: str) -> None:
    product_id = add_product(pinterest_app, tmp_path, photos=1, **kwargs)
    with pytest.raises(ContentRejected) as caught:
        _publish(pinterest_app, opener, product_id)
    message = str(caught.value)
    assert message.startswith(f"Pinterest: rejected the {field.replace('_', ' ')}:") and said in message
    assert "#1 '" in message and not pinterest.pins and not s3.objects and not s3.served


def test_a_trial_app_is_told_about_the_sandbox(pinterest_app: App, pinterest: PinterestStandIn, opener: Opener,
                                               tmp_path: Path) -> None:
    product_id = add_product(pinterest_app, tmp_path, photos=1)
    pinterest.trial = True
    with pytest.raises(PlatformError) as caught:
        _publish(pinterest_app, opener, product_id)
    message = str(caught.value)
    assert "this Pinterest app has trial access, which works only with Pinterest's sandbox" in message
    assert "(code 29)" in message and PRODUCT in message
    assert "sellerdesk config set platforms.pinterest.sandbox true" in message
    pinterest_app.settings.set("platforms.pinterest.sandbox", True)
    result = _publish(pinterest_app, opener, product_id)
    assert result.remote_id in pinterest.pins and ("POST", "/pins") in pinterest.calls


def test_a_refused_access_token_is_renewed_and_the_new_end_recorded(pinterest_app: App, pinterest: PinterestStandIn,
                                                                   opener: Opener, tmp_path: Path) -> None:
    before = pinterest_app.secrets.get("pinterest:refresh_token")
    pinterest.expire_access_tokens()
    _publish(pinterest_app, opener, add_product(pinterest_app, tmp_path, photos=1))
    assert pinterest_app.secrets.get("pinterest:refresh_token") not in (None, before)  # continuous refresh: replaced
    status = platform_status(pinterest_app.db, "pinterest")
    assert status.state == "connected" and status.days_left in (59, 60)


def test_the_token_is_renewed_ahead_of_expiry(pinterest_app: App, pinterest: PinterestStandIn) -> None:
    later = utcnow() + timedelta(days=26)  # the 30-day access token has 4 days left: inside the 5-day margin
    tokens = len(pinterest.access)
    with open_platform(pinterest_app, "pinterest", http=http_options(pinterest_app.settings), now=lambda: later) as pin:
        verify_connection(pinterest_app, "pinterest", target=pin)
    assert len(pinterest.access) == tokens + 1
    assert platform_status(pinterest_app.db, "pinterest", now=later).days_left in (59, 60)


def test_a_rate_limit_waits_what_pinterest_asks(pinterest_app: App, pinterest: PinterestStandIn, opener: Opener,
                                                sleeps: Sleeps, tmp_path: Path) -> None:
    pinterest.throttled = [2.0]
    result = _publish(pinterest_app, opener, add_product(pinterest_app, tmp_path, photos=1))
    assert result.remote_id in pinterest.pins and 2.0 in sleeps.taken
    pinterest.throttled = [7200.0]
    second = add_product(pinterest_app, tmp_path, photos=1, title="Green Bowl", sku="BOWL-1")
    with pytest.raises(RateLimited) as caught:
        _publish(pinterest_app, opener, second)
    assert caught.value.retry_after == 7200 and "wait 2 hours" in str(caught.value)


def test_a_bucket_that_refuses_the_upload_says_what_to_check(pinterest_app: App, s3: S3StandIn, opener: Opener,
                                                             tmp_path: Path) -> None:
    product_id = add_product(pinterest_app, tmp_path, photos=1)
    pinterest_app.secrets.set("media:s3_secret_access_key", "a-wrong-secret")
    with pytest.raises(PlatformError) as caught:
        _publish(pinterest_app, opener, product_id)
    message = str(caught.value)
    assert message.startswith("Pinterest: the S3 bucket refused the picture (HTTP 403: ")
    assert "SignatureDoesNotMatch" in message and PRODUCT in message
    assert "Check the media.s3.* settings and the secret access key" in message


def test_a_picture_pinterest_cannot_download_is_named(pinterest_app: App, s3: S3StandIn, pinterest: PinterestStandIn,
                                                      opener: Opener, tmp_path: Path) -> None:
    product_id = add_product(pinterest_app, tmp_path, photos=1)
    s3.refuse_reads = True
    with pytest.raises(ContentRejected) as caught:
        _publish(pinterest_app, opener, product_id)
    message = str(caught.value)
    assert message.startswith("Pinterest: rejected the images: photo 1 of 1 (pinterest-")
    assert "Pinterest could not download it from its public address" in message and PRODUCT in message
    assert "Check that the public image host works" in message
    assert not pinterest.pins and not s3.objects


def test_delisting_explains_what_pinterest_allows(pinterest_app: App, opener: Opener) -> None:
    with opener(pinterest_app, "pinterest") as pinterest, pytest.raises(PlatformError) as caught:
        pinterest.delist("1080863210000000001", product="#1 'Mug'")
    assert "a pin cannot be taken off sale, only deleted" in str(caught.value)
    assert "Delete the pin in Pinterest if you want it gone" in str(caught.value)


def test_a_lost_pin_answer_is_found_on_the_board(pinterest_app: App, pinterest: PinterestStandIn, opener: Opener,
                                                 tmp_path: Path) -> None:
    product_id = add_product(pinterest_app, tmp_path, photos=1)
    pinterest.drop("POST", r"/v5/pins$")
    with pytest.raises(OutcomeUnknown):
        _publish(pinterest_app, opener, product_id)
    with opener(pinterest_app, "pinterest") as pin:
        request = build_listing_request(pinterest_app.db, product_id, "pinterest", pinterest_app.image_store)
        found = pin.find_existing(request)
    assert found is not None and list(pinterest.pins) == [found.remote_id]

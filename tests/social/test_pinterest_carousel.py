"""Pinterest as of OpenAPI 5.23.0: continuous refresh asked for by older apps, and carousel pins (2-5 images)
made from the product's photos; the stand-in refuses the shapes Pinterest refuses."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.app import App
from core.platforms.publish import publish_listing
from tests.fakes.social.pinterest import PinterestStandIn
from tests.fakes.social.s3 import S3StandIn
from tests.social.conftest import Opener, add_product


def _publish(app: App, opener: Opener, product_id: int) -> Any:
    with opener(app, "pinterest") as pinterest:
        return publish_listing(app, product_id, "pinterest", target=pinterest)


@pytest.mark.parametrize(("photos", "pinned"), [(1, 1), (2, 2), (3, 3), (7, 5)])
def test_photos_become_an_image_pin_or_a_carousel_of_up_to_five(pinterest_app: App, pinterest: PinterestStandIn,
                                                                 s3: S3StandIn, opener: Opener, tmp_path: Path,
                                                                 photos: int, pinned: int) -> None:
    result = _publish(pinterest_app, opener, add_product(pinterest_app, tmp_path, photos=photos))
    pin = pinterest.pins[result.remote_id]
    assert result.image_count == pinned and len(pin["pictures"]) == pinned and len(pinterest.fetched) == pinned
    assert (pin["items"] is None) == (pinned == 1)
    media = pinterest._pin_json(pin)["media"]
    assert media["media_type"] == ("image" if pinned == 1 else "multiple_images")
    assert not s3.objects  # every picture taken down again once the pin was made


def test_a_carousel_picture_pinterest_cannot_fetch_is_named(pinterest_app: App, pinterest: PinterestStandIn,
                                                           s3: S3StandIn, opener: Opener, tmp_path: Path) -> None:
    from core.platforms.errors import ContentRejected

    s3.refuse_reads = True
    with pytest.raises(ContentRejected) as caught:
        _publish(pinterest_app, opener, add_product(pinterest_app, tmp_path, photos=3))
    assert "photo 1 of 3" in str(caught.value) and "could not download it" in str(caught.value)
    assert not pinterest.pins


def _token_call(pinterest: PinterestStandIn, **form: str) -> httpx.Response:
    basic = base64.b64encode(f"{pinterest.client_id}:{pinterest.client_secret}".encode()).decode()
    return httpx.post(f"{pinterest.url}/v5/oauth/token", data=form, headers={"Authorization": f"Basic {basic}"})


def test_an_older_app_gets_tokens_only_with_continuous_refresh(pinterest: PinterestStandIn) -> None:
    pinterest.codes["c1"] = pinterest.codes["c2"] = ("http://127.0.0.1:1/callback", "pins:read")
    refused = _token_call(pinterest, grant_type="authorization_code", code="c1",
                          redirect_uri="http://127.0.0.1:1/callback")
    assert refused.status_code == 400 and "continuous_refresh must be true" in refused.json()["message"]
    granted = _token_call(pinterest, grant_type="authorization_code", code="c2",
                          redirect_uri="http://127.0.0.1:1/callback", continuous_refresh="true")
    assert granted.status_code == 200 and granted.json()["refresh_token_expires_in"] == 60 * 86400


def test_the_own_app_sign_in_asks_for_continuous_refresh(pinterest_app: App, pinterest: PinterestStandIn) -> None:
    # pinterest_app signed in through the seller's own (pre-September 2025) app: only possible with the parameter.
    assert pinterest_app.secrets.get("pinterest:refresh_token") in pinterest.refresh


@pytest.mark.parametrize("count", [1, 6])
def test_the_stand_in_refuses_carousels_outside_two_to_five(pinterest_app: App, pinterest: PinterestStandIn,
                                                            count: int) -> None:
    token = pinterest_app.secrets.get("pinterest:access_token")
    body = {"board_id": "549755885175", "media_source": {
        "source_type": "multiple_image_urls", "items": [{"url": f"{pinterest.url}/x{i}.jpg"} for i in range(count)]}}
    answer = httpx.post(f"{pinterest.url}/v5/pins", json=body, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400 and "must have 2 to 5 items" in answer.json()["message"]
    assert not pinterest.pins

"""Facebook Pages: choosing the Page, one-photo and several-photo posts, lost answers, and every Graph error
family turned into a message the seller can act on."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from core.app import App
from core.db.models import EngagementSnapshot
from core.platforms.connections import get_preferences, platform_status, set_preferences
from core.platforms.errors import AuthExpired, ContentRejected, OutcomeUnknown, PlatformError, RateLimited
from core.platforms.publish import build_listing_request, publish_listing
from core.platforms.service import import_engagement
from tests.fakes.social.meta import MetaStandIn
from tests.fakes.social.pinterest import PinterestStandIn
from tests.social.conftest import FakeBrowser, Opener, add_product, connect, point_at

PRODUCT = "(product #1 'Blue Glazed Stoneware Mug - 350 ml')"


def _publish(app: App, opener: Opener, product_id: int) -> Any:
    with opener(app, "facebook") as facebook:
        return publish_listing(app, product_id, "facebook", target=facebook)


def test_the_page_is_chosen_among_those_the_seller_may_post_to(facebook_app: App, meta: MetaStandIn,
                                                               opener: Opener) -> None:
    # Only one Page allows creating content, so connecting chose it; the other is named in the help text.
    assert get_preferences(facebook_app.db, "facebook")["page_id"] == "2001"
    status = platform_status(facebook_app.db, "facebook")
    assert status.account_name == "Asha's Pottery" and status.expires_at is None  # Page tokens do not expire
    with opener(facebook_app, "facebook") as facebook:
        (field,) = facebook.preference_fields()
    assert [(c.value, c.label) for c in field.choices] == [("2001", "Asha's Pottery")]
    assert "Pottery Fans Club" in field.help


def test_a_single_photo_becomes_a_photo_post_with_its_caption(facebook_app: App, meta: MetaStandIn, opener: Opener,
                                                             tmp_path: Path) -> None:
    set_preferences(facebook_app.db, "facebook", {"shop_url": "https://ashapottery.in/p/{sku}"})
    product_id = add_product(facebook_app, tmp_path, photos=1)
    result = _publish(facebook_app, opener, product_id)
    post = meta.facebook.state.posts[result.remote_id]
    assert post.message.endswith("#handmade #pottery #mug\n\n🛒 https://ashapottery.in/p/MUG-BLUE-01")
    (photo_id,) = post.photos
    assert meta.facebook.state.photos[photo_id].published and meta.facebook.state.photos[photo_id].format == "JPEG"


def test_a_lost_answer_is_found_on_the_page_instead_of_posting_twice(facebook_app: App, meta: MetaStandIn,
                                                                    opener: Opener, tmp_path: Path) -> None:
    product_id = add_product(facebook_app, tmp_path, photos=2)
    meta.drop("POST", r"/2001/feed$")
    with pytest.raises(OutcomeUnknown):
        _publish(facebook_app, opener, product_id)
    with opener(facebook_app, "facebook") as facebook:
        request = build_listing_request(facebook_app.db, product_id, "facebook", facebook_app.image_store)
        found = facebook.find_existing(request)
        assert found is not None and found.state == "active"
        assert facebook.publish(request, existing=found) == found
    assert len(meta.facebook.state.posts) == 1


def test_delisting_hides_the_post(facebook_app: App, meta: MetaStandIn, opener: Opener, tmp_path: Path) -> None:
    product_id = add_product(facebook_app, tmp_path, photos=1)
    result = _publish(facebook_app, opener, product_id)
    with opener(facebook_app, "facebook") as facebook:
        hidden = facebook.delist(result.remote_id)
    assert hidden.state == "inactive" and meta.facebook.state.posts[hidden.remote_id].hidden


@pytest.mark.parametrize(("subcode", "said"), [
    (458, "SellerDesk's access was removed in the Facebook account's app settings"),
    (459, "Facebook wants the account owner to log in on its website"),
    (460, "the Facebook password was changed"),
    (463, "the sign-in has expired"),
    (467, "the sign-in is no longer valid"),
], ids=["removed", "checkpoint", "password", "expired", "logged-out"])
def test_token_errors_ask_to_reconnect(facebook_app: App, meta: MetaStandIn, opener: Opener, tmp_path: Path,
                                       subcode: int, said: str) -> None:
    product_id = add_product(facebook_app, tmp_path, photos=2)
    meta.revoke_all(subcode)
    with pytest.raises(AuthExpired) as caught:
        _publish(facebook_app, opener, product_id)
    message = str(caught.value)
    assert message.startswith(f"Facebook: {said}") and f"code 190/{subcode}" in message and PRODUCT in message
    assert message.endswith("Reconnect Facebook in the Platforms tab (or run: sellerdesk platforms connect facebook).")
    assert platform_status(facebook_app.db, "facebook").state == "needs_attention"


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80001])
def test_rate_limits_wait_as_long_as_meta_says(facebook_app: App, meta: MetaStandIn, opener: Opener, tmp_path: Path,
                                               code: int) -> None:
    product_id = add_product(facebook_app, tmp_path, photos=2)
    meta.fail("POST", r"/2001/photos$", code, f"(#{code}) Application request limit reached", usage=100,
              regain_minutes=7)
    with pytest.raises(RateLimited) as caught:
        _publish(facebook_app, opener, product_id)
    assert caught.value.retry_after == 420
    message = str(caught.value)
    assert message.startswith("Facebook: Facebook is limiting how often SellerDesk may call it")
    assert f"code {code}" in message and PRODUCT in message and "tries again by itself" in message


def test_a_spent_budget_stops_calls_until_meta_said(facebook_app: App, meta: MetaStandIn, opener: Opener,
                                                    tmp_path: Path) -> None:
    product_id = add_product(facebook_app, tmp_path, photos=1)
    with opener(facebook_app, "facebook") as facebook:
        meta.usage_percent = 100
        facebook.check_connection()  # succeeds, but the usage header says the budget is gone
        calls = meta.graph_calls
        with pytest.raises(RateLimited) as caught:
            publish_listing(facebook_app, product_id, "facebook", target=facebook)
    assert meta.graph_calls == calls  # nothing was sent
    assert 800 < caught.value.retry_after <= 900  # no estimate given: the configured 15 minutes


def test_a_temporary_block_is_explained(facebook_app: App, meta: MetaStandIn, opener: Opener, tmp_path: Path) -> None:
    product_id = add_product(facebook_app, tmp_path, photos=1)
    meta.facebook.state.pages["2001"].blocked = True
    with pytest.raises(ContentRejected) as caught:
        _publish(facebook_app, opener, product_id)
    message = str(caught.value)
    assert message.startswith("Facebook: rejected the post: Facebook has temporarily blocked this account from "
                              "posting") and "code 368" in message and PRODUCT in message
    assert "Wait before posting again" in message


def test_a_duplicate_post_is_explained(facebook_app: App, meta: MetaStandIn, opener: Opener, tmp_path: Path) -> None:
    product_id = add_product(facebook_app, tmp_path, photos=1)
    _publish(facebook_app, opener, product_id)
    with pytest.raises(ContentRejected) as caught:
        _publish(facebook_app, opener, product_id)
    message = str(caught.value)
    assert "the same text was already posted here (duplicate post)" in message and "code 506" in message
    assert PRODUCT in message and "change the copy in the Content tab" in message


@pytest.mark.parametrize("code", [10, 200, 299])
def test_missing_permissions_say_what_to_allow(facebook_app: App, meta: MetaStandIn, opener: Opener, tmp_path: Path,
                                               code: int) -> None:
    product_id = add_product(facebook_app, tmp_path, photos=1)
    meta.fail("POST", r"/2001/photos$", code, f"(#{code}) Requires pages_manage_posts permission")
    with pytest.raises(PlatformError) as caught:
        _publish(facebook_app, opener, product_id)
    message = str(caught.value)
    assert message.startswith("Facebook: SellerDesk is not allowed to do this") and PRODUCT in message
    assert "Reconnect Facebook in the Platforms tab and allow every permission SellerDesk asks for " \
           "(pages_show_list, pages_manage_posts, pages_read_engagement)" in message


def test_a_permission_declined_at_sign_in_shows_when_posting(app: App, meta: MetaStandIn,
                                                             pinterest: PinterestStandIn, opener: Opener,
                                                             browser: FakeBrowser, tmp_path: Path) -> None:
    meta.granted = {"pages_show_list", "pages_read_engagement"}
    point_at(app, meta, pinterest)
    app.settings.set("platforms.facebook.client_id", meta.apps["facebook"][0])
    connect(app, "facebook", browser, opener, app_secret=meta.apps["facebook"][1])
    product_id = add_product(app, tmp_path, photos=1)
    with pytest.raises(PlatformError) as caught:
        _publish(app, opener, product_id)
    assert "missing permission pages_manage_posts" in str(caught.value) and "code 200" in str(caught.value)


def test_reach_uses_the_current_metric_and_a_withheld_figure_is_never_stored_as_zero(
        facebook_app: App, meta: MetaStandIn, opener: Opener, tmp_path: Path) -> None:
    product_id = add_product(facebook_app, tmp_path, photos=1)
    result = _publish(facebook_app, opener, product_id)
    meta.facebook.engage(result.remote_id, reactions=4, reach=99)
    with opener(facebook_app, "facebook") as facebook:
        assert import_engagement(facebook_app, "facebook", [result.remote_id], target=facebook) == 1
        # Meta's deprecated metric is refused like any unknown one, so the client must not ask for it.
        with pytest.raises(PlatformError, match="valid insights metric"):
            facebook._graph.get(f"{result.remote_id}/insights", token=facebook._page(None)[1],
                                metric="post_impressions_unique")
    meta.facebook.engage(result.remote_id, reactions=6, reach=150)
    meta.fail("GET", r"/insights$", 100, "(#100) The value must be a valid insights metric", times=2)
    with opener(facebook_app, "facebook") as facebook:
        (figures,) = facebook.fetch_engagement([result.remote_id])
        assert (figures.likes, figures.unavailable) == (6, ("reach",))
        assert "reach (post_total_media_view_unique) is unavailable" in (figures.problem or "")
        import_engagement(facebook_app, "facebook", [result.remote_id], target=facebook)
    with facebook_app.db.session() as session:
        reach = [r.reach for r in session.scalars(select(EngagementSnapshot).order_by(EngagementSnapshot.id))]
    assert reach == [99, 99]  # the last known reach is kept: no false drop to 0 in the chart


class _Broken:
    """Variants where the second photo's Facebook picture is damaged on disk."""

    def __init__(self, app: App, folder: Path) -> None:
        self.app, self.folder = app, folder
        self.seen: list[str] = []

    def variants(self, sha256: str, platforms: Any, focal: Any = None) -> list[Any]:
        self.seen.append(sha256)
        real = self.app.image_store.variants(sha256, platforms, focal)
        if len(self.seen) != 2:
            return real
        self.folder.mkdir(parents=True, exist_ok=True)
        broken = self.folder / "facebook-broken.jpg"
        broken.write_bytes(real[0].path.read_bytes()[:200])
        return [SimpleNamespace(path=broken)]


def test_a_photo_facebook_cannot_read_is_named(facebook_app: App, meta: MetaStandIn, opener: Opener,
                                               tmp_path: Path) -> None:
    product_id = add_product(facebook_app, tmp_path, photos=3)
    with opener(facebook_app, "facebook") as facebook, pytest.raises(ContentRejected) as caught:
        publish_listing(facebook_app, product_id, "facebook", target=facebook,
                        variants=_Broken(facebook_app, tmp_path / "broken"))
    message = str(caught.value)
    assert message.startswith("Facebook: rejected the images: photo 2 of 3 (facebook-broken.jpg): Facebook could "
                              "not read the picture") and "code 324" in message and PRODUCT in message
    assert message.endswith("Replace that photo, or re-make the product's Facebook pictures, then publish again.")
    assert not meta.facebook.state.posts


def test_a_product_without_photos_becomes_a_link_post(facebook_app: App, meta: MetaStandIn, opener: Opener,
                                                      tmp_path: Path) -> None:
    set_preferences(facebook_app.db, "facebook", {"shop_url": "https://ashapottery.in/p/{product_id}"})
    result = _publish(facebook_app, opener, add_product(facebook_app, tmp_path, photos=0))
    post = meta.facebook.state.posts[result.remote_id]
    assert post.link == "https://ashapottery.in/p/1" and not post.photos
    assert post.message.endswith("#handmade #pottery #mug")  # the link is the post's attachment, not in the text

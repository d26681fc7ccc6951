"""Etsy against its stand-in: connect, publish live with photos and approved copy, refresh, limits, refusals."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.app import App
from core.db.models import EngagementSnapshot, SaleEvent
from core.db.types import utcnow
from core.platforms.connections import platform_status, set_preferences
from core.platforms.errors import AuthExpired, ContentRejected, OutcomeUnknown, RateLimited
from core.platforms.publish import build_listing_request, publish_listing
from core.platforms.service import import_engagement, import_sales, preference_fields, verify_connection
from core.secrets.store import folder_service
from tests.fakes.etsy import EtsyStandIn
from tests.platforms.conftest import FakeTime, FakeVariants, add_product, opener


def stored_tokens() -> dict[str, str]:
    import os

    import keyring

    service = folder_service(Path(os.environ["SELLERDESK_DATA_DIR"]))  # the test's data folder
    return dict(json.loads(keyring.get_password(service, "etsy:bundle") or "{}"))


def test_connecting_finds_the_shop_and_keeps_tokens_in_the_keychain(etsy_app: App,
                                                                     etsy_server: EtsyStandIn) -> None:
    status = platform_status(etsy_app.db, "etsy")
    assert status.state == "connected" and status.account_name == "ClayCorner"
    assert status.summary == "connected as ClayCorner — sign-in expires in 89 days"  # 90-day refresh token
    tokens = stored_tokens()
    assert tokens["etsy:access_token"] in etsy_server.access_tokens
    assert tokens["etsy:refresh_token"] in etsy_server.refresh_tokens


def test_a_product_goes_live_with_its_photos_and_approved_copy(etsy_app: App, etsy_server: EtsyStandIn,
                                                               variants: FakeVariants) -> None:
    product_id = add_product(etsy_app)
    with opener(etsy_app)("etsy") as etsy:
        result = publish_listing(etsy_app, product_id, "etsy", variants=variants, target=etsy)
    listing = etsy_server.listings[int(result.remote_id)]
    assert result.state == "active" and result.url == listing["url"] and result.image_count == 3
    assert listing["title"] == "Blue Glazed Stoneware Mug - handmade 350 ml"
    assert listing["description"].endswith("Dishwasher safe.\n\n• 350 ml\n• Microwave safe")
    assert listing["tags"] == ["stoneware mug", "blue mug", "handmade"]
    assert (listing["taxonomy_id"], listing["shipping_profile_id"], listing["readiness_state_id"]) == (1064, 71, 81)
    assert listing["skus"] == ["MUG-BLUE-01"] and listing["price"]["amount"] == 2450 and listing["quantity"] == 5
    images = etsy_server.images[int(result.remote_id)]
    assert [i["rank"] for i in images] == [1, 2, 3]
    assert sorted(i["size"] for i in images) == sorted(p.stat().st_size for p in variants.folder.iterdir())
    assert all(platforms == ("etsy",) for _, platforms in variants.calls)


def test_an_expired_token_is_refreshed_and_the_rotated_refresh_token_stored(etsy_app: App,
                                                                           etsy_server: EtsyStandIn) -> None:
    before = stored_tokens()
    etsy_server.expire_access_tokens()  # Etsy refuses the token: 401, refresh once, try again
    verify_connection(etsy_app, "etsy")
    after = stored_tokens()
    assert after["etsy:refresh_token"] != before["etsy:refresh_token"]
    assert before["etsy:refresh_token"] in etsy_server.dead_refresh_tokens
    assert after["etsy:refresh_token"] in etsy_server.refresh_tokens
    assert after["etsy:access_token"] != before["etsy:access_token"]


def test_a_token_near_expiry_is_refreshed_before_use(etsy_app: App, etsy_server: EtsyStandIn) -> None:
    from core.platforms.registry import http_options, open_platform

    before = stored_tokens()
    later = utcnow() + timedelta(minutes=58)  # inside the 5-minute margin of the 1-hour token
    with open_platform(etsy_app, "etsy", http=http_options(etsy_app.settings), now=lambda: later) as etsy:
        etsy.check_connection()
    token_calls = [r for r in etsy_server.requests if r.path == "/v3/public/oauth/token"]
    assert len(token_calls) == 2  # the sign-in, then one refresh
    assert stored_tokens()["etsy:refresh_token"] != before["etsy:refresh_token"]
    auth_headers = [r.headers.get("Authorization") for r in etsy_server.requests if r.path.endswith("/users/me")]
    assert f"Bearer {before['etsy:access_token']}" not in auth_headers[-1:]


def test_a_refused_refresh_asks_the_seller_to_reconnect(etsy_app: App, etsy_server: EtsyStandIn,
                                                       variants: FakeVariants) -> None:
    etsy_server.expire_access_tokens()
    etsy_server.refresh_tokens.clear()  # e.g. the seller changed the Etsy password
    product_id = add_product(etsy_app)
    with pytest.raises(AuthExpired) as caught:
        publish_listing(etsy_app, product_id, "etsy", variants=variants)
    message = str(caught.value)
    assert message.startswith("Etsy: would not renew the sign-in; refused the request (invalid_grant")
    assert f"#{product_id}" in message
    assert "sellerdesk platforms connect etsy" in message
    assert platform_status(etsy_app.db, "etsy").state == "needs_attention"


def test_a_429_waits_the_time_etsy_asks(etsy_app: App, etsy_server: EtsyStandIn, fake_time: FakeTime) -> None:
    etsy_server.throttle_next(7)
    with opener(etsy_app, fake_time)("etsy") as etsy:
        assert etsy.check_connection().account_name == "ClayCorner"
        assert 7.0 in fake_time.sleeps
        etsy_server.throttle_next(900)
        with pytest.raises(RateLimited) as caught:
            etsy.check_connection()
    assert caught.value.retry_after == 900 and caught.value.retryable


def test_a_rejected_field_comes_back_naming_the_field(etsy_app: App, etsy_server: EtsyStandIn,
                                                      variants: FakeVariants) -> None:
    product_id = add_product(etsy_app, title="50% off: cups & mugs + 10% extra")
    with pytest.raises(ContentRejected) as caught:
        publish_listing(etsy_app, product_id, "etsy", variants=variants)
    error = caught.value
    assert error.field == "title" and "only once" in error.reason
    assert str(error).startswith(f"Etsy: rejected the title: title may contain the character % only once "
                                 f"(product #{product_id} '50% off")
    assert "Change the title of the Etsy copy" in str(error)
    assert etsy_server.listings == {}


def test_a_missing_choice_is_refused_before_anything_is_sent(etsy_app: App, etsy_server: EtsyStandIn,
                                                             variants: FakeVariants) -> None:
    set_preferences(etsy_app.db, "etsy", {"readiness_state_id": None})
    product_id = add_product(etsy_app)
    sent = len(etsy_server.requests)
    with pytest.raises(ContentRejected, match="no Etsy processing profile has been chosen") as caught:
        publish_listing(etsy_app, product_id, "etsy", variants=variants)
    assert caught.value.field == "readiness_state_id" and "platforms prefs etsy" in str(caught.value)
    assert len(etsy_server.requests) == sent


def test_a_dropped_create_is_outcome_unknown_and_reconciled(etsy_app: App, etsy_server: EtsyStandIn,
                                                            variants: FakeVariants) -> None:
    product_id = add_product(etsy_app)
    etsy_server.drop("POST", r"/shops/\d+/listings$")  # Etsy makes the draft, the answer never arrives
    with pytest.raises(OutcomeUnknown, match="may or may not have been done"):
        publish_listing(etsy_app, product_id, "etsy", variants=variants)
    assert len(etsy_server.listings) == 1
    request = build_listing_request(etsy_app.db, product_id, "etsy", variants)
    with opener(etsy_app)("etsy") as etsy:
        found = etsy.find_existing(request)
        assert found is not None and found.state == "draft" and found.image_count == 0
        result = publish_listing(etsy_app, product_id, "etsy", variants=variants, existing=found, target=etsy)
    assert len(etsy_server.listings) == 1 and result.remote_id == found.remote_id and result.state == "active"
    assert len(etsy_server.images[int(found.remote_id)]) == 3


def test_a_dropped_photo_upload_resumes_without_duplicates(etsy_app: App, etsy_server: EtsyStandIn,
                                                           variants: FakeVariants) -> None:
    product_id = add_product(etsy_app)
    etsy_server.drop("POST", r"/images$")  # the first photo arrives, its answer does not
    with pytest.raises(OutcomeUnknown):
        publish_listing(etsy_app, product_id, "etsy", variants=variants)
    request = build_listing_request(etsy_app.db, product_id, "etsy", variants)
    with opener(etsy_app)("etsy") as etsy:
        found = etsy.find_existing(request)
        assert found is not None and found.image_count == 1
        etsy.publish(request, existing=found)
    assert [i["rank"] for i in etsy_server.images[int(found.remote_id)]] == [1, 2, 3]


def test_no_answer_in_time_after_create_is_outcome_unknown(etsy_app: App, etsy_server: EtsyStandIn,
                                                           variants: FakeVariants) -> None:
    product_id = add_product(etsy_app)
    etsy_server.delay("POST", r"/shops/\d+/listings$", 2.0)
    with opener(etsy_app, timeout=0.3)("etsy") as etsy, pytest.raises(OutcomeUnknown, match="ReadTimeout"):
        publish_listing(etsy_app, product_id, "etsy", variants=variants, target=etsy)


def test_a_wrong_app_secret_is_a_clear_403(etsy_app: App, etsy_server: EtsyStandIn) -> None:
    from core.secrets import SecretStore

    SecretStore(etsy_app.data_dir).set("etsy:shared_secret", "not-the-secret")
    with opener(etsy_app)("etsy") as etsy, pytest.raises(AuthExpired, match="did not accept the app keystring "
                                                                             "and shared secret") as caught:
        etsy.check_connection()
    assert "enter both again in the Connect dialog" in str(caught.value)


def test_choices_come_from_the_shop(etsy_app: App) -> None:
    fields = {f.key: f for f in preference_fields(etsy_app, "etsy")}
    assert ("1064", "Home & Living > Mugs") in [(c.value, c.label) for c in fields["taxonomy_id"].choices]
    assert [c.label for c in fields["shipping_profile_id"].choices] == ["India Post"]
    assert [c.value for c in fields["readiness_state_id"].choices] == ["81"]
    assert fields["when_made"].choices[0].value == "made_to_order"


def test_stock_update_delist_sales_and_engagement(etsy_app: App, etsy_server: EtsyStandIn,
                                                  variants: FakeVariants) -> None:
    product_id = add_product(etsy_app)
    with opener(etsy_app)("etsy") as etsy:
        live = publish_listing(etsy_app, product_id, "etsy", variants=variants, target=etsy)
        etsy.update_inventory(live.remote_id, quantity=2)
        listing = etsy_server.listings[int(live.remote_id)]
        assert listing["quantity"] == 2 and listing["price"]["amount"] == 2450 and listing["skus"] == ["MUG-BLUE-01"]
        assert etsy.delist(live.remote_id).state == "inactive"
    created = int(utcnow().timestamp())
    etsy_server.add_receipt(1, created, [(501, 2, 24.5, "MUG-BLUE-01"), (502, 1, 10.0, None)])
    first = import_sales(etsy_app, "etsy")
    again = import_sales(etsy_app, "etsy")
    assert (first.new, first.known, again.new, again.known) == (2, 0, 0, 2)
    with etsy_app.db.session() as session:
        rows = {r.external_id: r for r in session.scalars(select(SaleEvent))}
        assert session.scalar(select(func.count()).select_from(SaleEvent)) == 2
    assert rows["501"].amount == 49 and rows["501"].product_id == product_id and rows["501"].currency == "USD"
    assert rows["502"].product_id is None
    etsy_server.listings[int(live.remote_id)].update(views=40, num_favorers=3)
    assert import_engagement(etsy_app, "etsy", [live.remote_id]) == 1
    with etsy_app.db.session() as session:
        snapshot = session.scalars(select(EngagementSnapshot)).one()
        assert (snapshot.remote_id, snapshot.likes, snapshot.impressions) == (live.remote_id, 3, 40)

"""Shopify against its stand-in: pasted token, productSet with staged uploads, stock, throttling, refusals."""

from __future__ import annotations

import keyring
import pytest
from sqlalchemy import select

from core.app import App
from core.db.models import ContentDraft, SaleEvent
from core.platforms.base import ConnectOptions
from core.platforms.connections import platform_status
from core.platforms.errors import AuthExpired, ContentRejected, OutcomeUnknown, RateLimited
from core.platforms.publish import build_listing_request, publish_listing
from core.platforms.service import connect_platform, import_sales, verify_connection
from core.platforms.shopify_api import SHOP
from core.secrets.store import folder_service
from tests.fakes.shopify import LOCATION, ShopifyStandIn
from tests.platforms.conftest import FakeTime, FakeVariants, add_product, opener, point_at_shopify


def test_the_pasted_token_is_checked_then_kept_in_the_keychain(shopify_app: App,
                                                                shopify_server: ShopifyStandIn) -> None:
    status = platform_status(shopify_app.db, "shopify")
    assert status.state == "connected" and status.summary == "connected as Clay Corner"
    assert keyring.get_password(folder_service(shopify_app.data_dir), "shopify:access_token") == shopify_server.token


def test_a_wrong_token_is_refused_and_not_kept(app: App, shopify_server: ShopifyStandIn) -> None:
    point_at_shopify(app, shopify_server)
    with pytest.raises(AuthExpired, match="did not accept that Admin API token"):
        connect_platform(app, "shopify", ConnectOptions(token="shpat_wrong"))
    assert keyring.get_password(folder_service(app.data_dir), "shopify:access_token") is None
    assert platform_status(app.db, "shopify").state == "not_connected"


def test_a_product_goes_live_with_staged_photos_copy_and_stock(shopify_app: App, shopify_server: ShopifyStandIn,
                                                              variants: FakeVariants) -> None:
    product_id = add_product(shopify_app)
    with opener(shopify_app)("shopify") as shopify:
        result = publish_listing(shopify_app, product_id, "shopify", variants=variants, target=shopify)
    product = shopify_server.products[result.remote_id]
    assert result.state == "active" and result.url == f"https://{shopify_server.shop_domain}/products/product-4"
    assert product["title"] == "Blue Glazed Stoneware Mug - handmade 350 ml"
    assert product["descriptionHtml"] == ("<p>A hand-thrown stoneware mug in a deep blue glaze.</p>"
                                          "<p>Dishwasher safe.</p><ul><li>350 ml</li><li>Microwave safe</li></ul>")
    assert product["tags"] == ["stoneware mug", "blue mug", "handmade"]
    assert product["variant"]["sku"] == "MUG-BLUE-01" and product["variant"]["price"] == "24.5"
    uploads = [t["data"] for t in shopify_server.staged.values()]
    assert len(product["media"]) == 3 and len(uploads) == 3
    assert sorted(uploads) == sorted(p.read_bytes() for p in variants.folder.iterdir())
    assert shopify_server.inventory[(product["variant"]["inventoryItem"]["id"], LOCATION)] == 5
    assert product["meta"][("sellerdesk", "idempotency_key")] == build_listing_request(
        shopify_app.db, product_id, "shopify", variants).idempotency_key


def test_throttled_waits_for_the_cost_shopify_reports(shopify_app: App, shopify_server: ShopifyStandIn,
                                                      fake_time: FakeTime) -> None:
    shopify_server.throttle_next(0.5)
    with opener(shopify_app, fake_time)("shopify") as shopify:
        assert shopify._api.execute(SHOP)["shop"]["name"] == "Clay Corner"
    # The shop query costs 3 points; 0.5 were left, restored at 100 a second.
    assert fake_time.sleeps == [pytest.approx((3 - 0.5) / 100)]
    shopify_server.throttle_next(0.0)
    shopify_server.restore_rate = 0.01
    with opener(shopify_app, fake_time)("shopify") as shopify, pytest.raises(RateLimited) as caught:
        shopify._api.execute(SHOP)
    assert caught.value.retry_after == pytest.approx(300)


def test_an_invalid_field_comes_back_naming_the_field(shopify_app: App, variants: FakeVariants) -> None:
    product_id = add_product(shopify_app)
    with shopify_app.db.session() as session:
        session.scalars(select(ContentDraft).where(ContentDraft.platform == "shopify")).one().title = " "
    with pytest.raises(ContentRejected) as caught:
        publish_listing(shopify_app, product_id, "shopify", variants=variants)
    assert caught.value.field == "title"
    assert str(caught.value).startswith(f"Shopify: rejected the title: Title can't be blank (product #{product_id}")


def test_a_dropped_product_set_is_outcome_unknown_and_reconciled(shopify_app: App,
                                                                 shopify_server: ShopifyStandIn,
                                                                 variants: FakeVariants) -> None:
    product_id = add_product(shopify_app)
    # Shopify makes the product (photos included: productSet is all-or-nothing); the answer never arrives.
    shopify_server.drop("POST", r"graphql\.json$", body_contains=b"SellerDeskProductSet")
    with opener(shopify_app)("shopify") as shopify:
        with pytest.raises(OutcomeUnknown):
            publish_listing(shopify_app, product_id, "shopify", variants=variants, target=shopify)
        request = build_listing_request(shopify_app.db, product_id, "shopify", variants)
        found = shopify.find_existing(request)
        assert found is not None and found.image_count == 3
        result = shopify.publish(request, existing=found)
    assert len(shopify_server.products) == 1 and result.remote_id == found.remote_id
    item = shopify_server.products[found.remote_id]["variant"]["inventoryItem"]["id"]
    assert shopify_server.inventory[(item, LOCATION)] == 5


def test_a_revoked_token_marks_the_connection_for_attention(shopify_app: App, shopify_server: ShopifyStandIn,
                                                            variants: FakeVariants) -> None:
    shopify_server.token = "shpat_rotated_by_owner"
    product_id = add_product(shopify_app)
    with pytest.raises(AuthExpired, match="Reconnect Shopify"):
        publish_listing(shopify_app, product_id, "shopify", variants=variants)
    assert platform_status(shopify_app.db, "shopify").state == "needs_attention"
    with pytest.raises(AuthExpired):
        verify_connection(shopify_app, "shopify")


def test_delist_and_sales_import(shopify_app: App, shopify_server: ShopifyStandIn, variants: FakeVariants) -> None:
    shopify_server.restore_rate = 5000.0  # a fast-refilling bucket: the order pages need not wait here
    product_id = add_product(shopify_app)
    with opener(shopify_app)("shopify") as shopify:
        live = publish_listing(shopify_app, product_id, "shopify", variants=variants, target=shopify)
        shopify.update_inventory(live.remote_id, quantity=1)
        assert shopify.delist(live.remote_id).state == "inactive"
    item = shopify_server.products[live.remote_id]["variant"]["inventoryItem"]["id"]
    assert shopify_server.inventory[(item, LOCATION)] == 1
    for n in range(12):  # more than one page of orders
        shopify_server.add_order(n, "2099-01-01T10:00:00Z", [(100 + n, 1, "24.50", "MUG-BLUE-01")])
    assert import_sales(shopify_app, "shopify").new == 12
    assert import_sales(shopify_app, "shopify").known == 12
    with shopify_app.db.session() as session:
        rows = list(session.scalars(select(SaleEvent)))
    assert len(rows) == 12 and {r.product_id for r in rows} == {product_id}

"""After publishing, against the Etsy and Shopify stand-ins: edits reach each live listing once, a sale on one
channel lowers the stock everywhere and takes a sold-out product off sale, a deleted product is taken down, and
an attempt cut off by a crash is finished at the next start without a duplicate."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from core.app import App
from core.db.models import Product
from core.errors import ValidationError
from core.listings.plan import request
from core.listings.polling import sync_sales
from core.listings.store import list_listings
from core.products.service import delete_product, update_product
from core.publishing.jobs import claim, create_job, list_jobs
from tests.fakes.etsy import EtsyStandIn
from tests.fakes.shopify import ShopifyStandIn
from tests.platforms.conftest import add_product, opener
from tests.publishing.conftest import wait_for


def _count_requests(server: Any, monkeypatch: pytest.MonkeyPatch) -> Counter[tuple[str, str]]:
    seen: Counter[tuple[str, str]] = Counter()
    original = server.dispatch

    def counting(req: Any) -> Any:
        reply = original(req)
        if reply.status < 300:  # a request the stand-in throttled (429) is not a change made
            seen[(req.method, req.path)] += 1
        return reply

    monkeypatch.setattr(server, "dispatch", counting)
    return seen


def _published_everywhere(shop: App, make_publisher: Any) -> tuple[int, Any]:
    product = add_product(shop)
    publisher = make_publisher(shop)
    publisher.schedule([product], ["all"], "now")
    wait_for(lambda: len(list_listings(shop.db, product_id=product)) == 2, message="two listings")
    return product, publisher


def _settled(shop: App) -> bool:
    jobs = list_jobs(shop.db)
    return all(j.state in ("published", "cancelled") for j in jobs) and not any(
        x.open_job for x in list_listings(shop.db))


def _shopify_product(server: ShopifyStandIn) -> dict[str, Any]:
    return next(iter(server.products.values()))


def test_a_price_edit_reaches_etsy_and_shopify_once_each(
        shop: App, etsy_server: EtsyStandIn, shopify_server: ShopifyStandIn, make_publisher: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    product, _ = _published_everywhere(shop, make_publisher)
    etsy_calls = _count_requests(etsy_server, monkeypatch)
    shopify_calls = _count_requests(shopify_server, monkeypatch)
    update_product(shop.db, product, {"price": "999"})
    wait_for(lambda: {j.action for j in list_jobs(shop.db, states=["published"])} >= {"update"}
             and _settled(shop), message="updates sent")
    listing_id = next(iter(etsy_server.listings))
    assert etsy_server.listings[listing_id]["price"]["amount"] == 99900
    assert etsy_calls[("PATCH", f"/v3/application/shops/{etsy_server.shop_id}/listings/{listing_id}")] == 1
    assert sum(n for (method, _), n in shopify_calls.items() if method == "POST") >= 1
    updates = [j for j in list_jobs(shop.db) if j.action == "update"]
    assert sorted(j.platform for j in updates) == ["etsy", "shopify"]  # one each, never twice
    # Nothing changed since: no further job is made however often the runner looks.
    assert all(x.state == "live" and x.pending is None for x in list_listings(shop.db))


def test_a_sale_on_etsy_lowers_stock_everywhere_and_a_sellout_takes_it_off_sale(
        shop: App, etsy_server: EtsyStandIn, shopify_server: ShopifyStandIn, make_publisher: Any) -> None:
    product, _ = _published_everywhere(shop, make_publisher)
    now = int(datetime.now(UTC).timestamp()) + 2
    etsy_server.add_receipt(1, now, [(501, 2, 24.50, "MUG-BLUE-01")])
    # The runner fetches sales by itself too (listings.sales_poll_minutes); whoever fetches first, it counts once.
    assert sync_sales(shop, "etsy", opener=opener(shop)).error is None
    wait_for(lambda: list(shopify_server.inventory.values()) == [3] and _settled(shop), message="stock 3")
    # Importing the same sales again changes nothing: the sale is counted once.
    assert sync_sales(shop, "etsy", opener=opener(shop)).stock == ()
    with shop.db.session() as session:
        assert session.get(Product, product).quantity == 3  # type: ignore[union-attr]

    etsy_server.add_receipt(2, now + 1, [(502, 3, 24.50, "MUG-BLUE-01")])
    sync_sales(shop, "etsy", opener=opener(shop))
    wait_for(lambda: _shopify_product(shopify_server)["status"] == "DRAFT" and _settled(shop), message="sold out")
    assert next(iter(etsy_server.listings.values()))["state"] == "inactive"
    assert {x.state for x in list_listings(shop.db)} == {"sold_out"}

    # Restocked by hand: both come back on sale.
    update_product(shop.db, product, {"quantity": "4"})
    wait_for(lambda: _shopify_product(shopify_server)["status"] == "ACTIVE" and _settled(shop), message="relisted")
    assert next(iter(etsy_server.listings.values()))["state"] == "active"
    assert {x.state for x in list_listings(shop.db)} == {"live"}


def test_deleting_a_product_takes_its_listings_down(
        shop: App, etsy_server: EtsyStandIn, shopify_server: ShopifyStandIn, make_publisher: Any) -> None:
    product, _ = _published_everywhere(shop, make_publisher)
    delete_product(shop.db, product)
    wait_for(lambda: {x.state for x in list_listings(shop.db)} == {"taken_down"}, message="taken down")
    assert next(iter(etsy_server.listings.values()))["state"] == "inactive"
    assert _shopify_product(shopify_server)["status"] == "DRAFT"


def test_ask_mode_waits_for_the_seller_and_publishing_again_is_refused_with_a_true_hint(
        shop: App, etsy_server: EtsyStandIn, make_publisher: Any) -> None:
    shop.settings.set("listings.updates", "ask")
    product, _ = _published_everywhere(shop, make_publisher)
    update_product(shop.db, product, {"title": "Blue Mug, larger"})
    update_product(shop.db, product, {"price": "30"})
    wait_for(lambda: {x.pending for x in list_listings(shop.db)} == {"update"}, message="waiting for the seller")
    assert not [j for j in list_jobs(shop.db) if j.action == "update"]
    etsy = next(x for x in list_listings(shop.db) if x.platform == "etsy")
    request(shop, [etsy.id], "update")
    wait_for(lambda: next(iter(etsy_server.listings.values()))["price"]["amount"] == 3000, message="sent")
    with pytest.raises(ValidationError) as refused:
        create_job(shop.db, product, "etsy", at=datetime.now(UTC))
    assert "reach the Etsy listing by themselves" in (refused.value.hint or "")


def test_a_follow_up_cut_off_by_a_crash_is_sent_again_at_the_next_start_once(
        shop: App, shopify_server: ShopifyStandIn, make_publisher: Any) -> None:
    product, publisher = _published_everywhere(shop, make_publisher)
    publisher.stop()
    update_product(shop.db, product, {"quantity": "2"})
    from core.listings.plan import queue_follow_ups

    jobs = queue_follow_ups(shop).jobs
    assert sorted(j.action for j in jobs) == ["stock", "stock"]
    claim(shop.db, jobs[0].id, now=datetime.now(UTC))  # "publishing" when SellerDesk died
    make_publisher(shop)
    wait_for(lambda: list(shopify_server.inventory.values()) == [2] and _settled(shop), message="recovered")
    stock_jobs = [j for j in list_jobs(shop.db) if j.action == "stock"]
    assert len(stock_jobs) == 2 and all(j.state == "published" for j in stock_jobs)


def test_a_sale_entered_by_hand_reaches_every_listing_and_the_seller_is_told(
        shop: App, shopify_server: ShopifyStandIn, make_publisher: Any) -> None:
    from core.analytics.sales import SaleRecord, record_sale

    product, publisher = _published_everywhere(shop, make_publisher)
    notices: list[str] = []
    publisher.add_observer(lambda event: notices.append(event.message) if event.kind == "notice" else None)
    record_sale(shop.db, SaleRecord(platform="meesho", external_id="", occurred_at=datetime.now(UTC),
                                    amount=Decimal("24.50"), currency="USD", quantity=5, product_id=product))
    wait_for(lambda: {x.state for x in list_listings(shop.db)} == {"sold_out"} and _settled(shop), message="sold out")
    assert any(f"#{product} 'Blue Glazed Stoneware Mug': sold on Meesho, stock 5 → 0; Etsy and Shopify are taken "
               "off sale" in text for text in notices), notices
    assert _shopify_product(shopify_server)["status"] == "DRAFT"

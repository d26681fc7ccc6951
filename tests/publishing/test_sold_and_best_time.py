"""Sold on one channel: offers for the others. Best times: the seller's history, else the documented defaults."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from core.app import App
from core.db.models import EngagementSnapshot, Product, SaleEvent
from core.publishing.best_time import best_time, default_slots, history_slots, suggest
from core.publishing.jobs import claim, create_job, list_jobs, move
from core.publishing.sold import apply_offers, on_sale
from core.publishing.timezones import seller_zone
from tests.fakes.etsy import EtsyStandIn
from tests.fakes.shopify import ShopifyStandIn
from tests.platforms.conftest import add_product
from tests.publishing.conftest import wait_for

KOLKATA = seller_zone("Asia/Kolkata")


def _published_everywhere(shop: App, make_publisher) -> int:
    product = add_product(shop)
    publisher = make_publisher(shop)
    jobs = publisher.schedule([product], ["all"], "now").jobs
    assert len(jobs) == 2
    wait_for(lambda: all(j.state == "published" for j in list_jobs(shop.db)), message="published")
    return product


def _sale(shop: App, product: int, quantity: int, external: str) -> int:
    with shop.db.session() as session:
        sale = SaleEvent(platform="etsy", external_id=external, product_id=product, quantity=quantity,
                         amount=Decimal("24.50"), currency="USD", occurred_at=datetime.now(UTC))
        session.add(sale)
        session.flush()
        return sale.id


def test_a_sale_offers_to_lower_stock_elsewhere_and_applies_the_choice(
        shop: App, etsy_server: EtsyStandIn, shopify_server: ShopifyStandIn, make_publisher) -> None:
    product = _published_everywhere(shop, make_publisher)
    offers = on_sale(shop, _sale(shop, product, 2, "t-1"))
    assert [(o.platform, o.action, o.quantity) for o in offers] == [("shopify", "set_stock", 3)]
    assert offers[0].text == f"#{product} 'Blue Glazed Stoneware Mug' sold on Etsy: set its Shopify stock to 3"
    outcomes = apply_offers(shop, offers)
    assert [o.ok for o in outcomes] == [True]
    assert list(shopify_server.inventory.values()) == [3]
    with shop.db.session() as session:
        assert session.get(Product, product).quantity == 3  # type: ignore[union-attr]


def test_a_sellout_offers_to_take_it_off_sale_elsewhere(shop: App, etsy_server: EtsyStandIn,
                                                        shopify_server: ShopifyStandIn, make_publisher) -> None:
    product = _published_everywhere(shop, make_publisher)
    offers = on_sale(shop, _sale(shop, product, 5, "t-2"))
    assert [(o.platform, o.action) for o in offers] == [("shopify", "delist")]
    assert "sold out on Etsy: take it off sale on Shopify" in offers[0].text
    apply_offers(shop, offers)
    assert next(iter(shopify_server.products.values()))["status"] == "DRAFT"


def test_defaults_until_there_is_history_then_the_sellers_own_best_hour(app: App) -> None:
    monday = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)  # Monday 05:30 IST
    assert history_slots(app.db, "instagram", KOLKATA) == []
    first = suggest(app.db, "instagram", KOLKATA, after=monday, count=1)[0]
    assert first.at == datetime(2026, 12, 8, 5, 30, tzinfo=UTC)  # Tuesday 11:00 IST, from best_times.json
    assert "commonly recommended" in first.reason
    assert {s.at for s in default_slots("no-such-platform")} == {time(10, 0), time(18, 0)}
    # Six posts: the ones made on Wednesdays at 20:00 IST did three times better than the rest.
    for n in range(6):
        wednesday = n % 2 == 0
        posted = datetime(2026, 11, 4 + 7 * (n // 2), 14, 30, tzinfo=UTC) if wednesday else \
            datetime(2026, 11, 2 + 7 * (n // 2), 4, 30, tzinfo=UTC)
        product = add_product(app, platforms=("instagram",), sku=f"S{n}", title=f"Post {n}")
        job = create_job(app.db, product, "instagram", at=posted, now=posted)
        claim(app.db, job.id, now=posted)
        move(app.db, job.id, "published", "done", remote_id=f"ig-{n}", published_at=posted)
        with app.db.session() as session:
            session.add(EngagementSnapshot(platform="instagram", remote_id=f"ig-{n}",
                                           taken_at=posted + timedelta(days=1), likes=30 if wednesday else 10))
    slots = history_slots(app.db, "instagram", KOLKATA)
    assert (slots[0].weekday, slots[0].at) == (2, time(20, 0))
    assert "get 1.5× your average (3 posts)" in slots[0].reason
    best = suggest(app.db, "instagram", KOLKATA, after=monday, count=1)[0]
    assert best.at == datetime(2026, 12, 9, 14, 30, tzinfo=UTC)
    assert best_time(app.db, "instagram", KOLKATA, after=monday).at <= best.at  # the soonest of the top slots

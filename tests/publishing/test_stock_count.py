"""Counting sales into stock a few thousand at a time gives exactly what counting them all at once gives: each
product's sales and refunds once, history from before the product came into SellerDesk moving nothing, sales of no
product marked counted, one audit entry per product, and nothing left for the next round."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

import core.listings.stock as stock
from core.analytics.sales import SaleRecord, import_sales
from core.app import App
from core.db.models import AuditEvent, Listing, Product, SaleEvent
from core.platforms.specs import display_name
from tests.desktop.shop import add_many_products

ADDED = datetime(2025, 1, 1, tzinfo=UTC)


def _shop(app: App) -> list[int]:
    add_many_products(app.db, 6)
    with app.db.session() as session:
        products = list(session.scalars(select(Product).order_by(Product.id)))
        for product in products:
            product.quantity, product.created_at = 50, ADDED
        ids = [p.id for p in products]
    records = []
    for n in range(120):  # 20 sales a product over the five first; every seventh a refund; two of two units
        records.append(SaleRecord(platform=("etsy", "meesho", "offline")[n % 3], external_id=f"s-{n}",
                                  occurred_at=ADDED + timedelta(days=1 + n), amount=Decimal(100), currency="INR",
                                  quantity=2 if n % 11 == 0 else 1, product_id=ids[n % 5],
                                  kind="refund" if n % 7 == 6 else "sale"))
    records += [SaleRecord(platform="etsy", external_id=f"old-{n}", occurred_at=ADDED - timedelta(days=n + 1),
                           amount=Decimal(100), currency="INR", product_id=ids[5]) for n in range(4)]  # history
    records += [SaleRecord(platform="offline", external_id=f"none-{n}", occurred_at=ADDED + timedelta(days=n),
                           amount=Decimal(100), currency="INR") for n in range(3)]  # of no product
    assert not import_sales(app.db, records).problems
    return ids


def _expected(ids: list[int]) -> dict[int, int]:
    moved = dict.fromkeys(ids, 0)
    for n in range(120):
        units = 2 if n % 11 == 0 else 1
        moved[ids[n % 5]] += units if n % 7 == 6 else -units
    return {pid: max(0, 50 + delta) for pid, delta in moved.items()}


@pytest.mark.parametrize("batch_sales", [5_000, 7])
def test_a_backlog_counted_in_batches_counts_every_sale_once(app: App, monkeypatch: pytest.MonkeyPatch,
                                                             batch_sales: int) -> None:
    monkeypatch.setattr(stock, "BATCH_SALES", batch_sales)  # 7: a transaction for each product or two
    ids = _shop(app)
    changes = stock.settle_stock(app.db)
    expected = _expected(ids)
    with app.db.engine.connect() as conn:
        quantities = dict(conn.execute(select(Product.id, Product.quantity)).all())
        uncounted = conn.execute(select(func.count()).where(SaleEvent.stock_applied.is_(False))).scalar()
        audited = conn.execute(select(func.count()).where(AuditEvent.kind == "stock.sale")).scalar()
    assert quantities == expected  # the sixth product's sales are history: it keeps its 50
    assert {c.product_id: (c.before, c.after) for c in changes} == {pid: (50, expected[pid]) for pid in ids[:5]}
    shown = tuple(sorted(display_name(p) for p in ("etsy", "meesho", "offline")))
    assert all(c.sold_on == shown for c in changes)  # every product sold on all three
    assert uncounted == 0 and audited == 5
    assert stock.settle_stock(app.db) == []  # nothing counted twice


def test_a_backlog_over_many_products_is_one_notice_beside_the_sold_out_ones(app: App) -> None:
    from core.listings.polling import poll_due

    add_many_products(app.db, 8)
    with app.db.session() as session:
        ids = list(session.scalars(select(Product.id).order_by(Product.id)))
        for product in session.scalars(select(Product)):
            product.quantity, product.created_at = (1 if product.id in ids[:2] else 9), ADDED
    assert not import_sales(app.db, [
        SaleRecord(platform="offline", external_id=f"b-{pid}", occurred_at=ADDED + timedelta(days=1),
                   amount=Decimal(100), currency="INR", product_id=pid) for pid in ids]).problems
    lines = poll_due(app)  # what the runner tells the window: a notice a line
    assert len(lines) == 3, lines
    assert [line.split(":")[0] for line in lines[:2]] == [f"#{pid} '{title}'" for pid, title in _titles(app, ids[:2])]
    assert all(line.endswith("stock 1 → 0") for line in lines[:2])
    assert lines[2] == ("Stock counted from sales for 8 products (2 sold out); each change is in the audit log "
                        "(Help › Audit log…).")
    with app.db.session() as session:
        assert session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.kind == "stock.sale")) == 8


def test_the_stock_notices_of_a_round_read_the_listings_once(app: App) -> None:
    add_many_products(app.db, 5)
    with app.db.session() as session:
        ids = list(session.scalars(select(Product.id).order_by(Product.id)))
        for pid, platforms in zip(ids, (("etsy", "shopify"), ("meesho",), ("instagram",), (), ("etsy",)), strict=True):
            session.add_all(Listing(product_id=pid, platform=p, remote_id=f"{p}-{pid}", sent_price=Decimal(100))
                            for p in platforms)
    changes = [stock.StockChange(pid, f"P{pid}", 1, after, sold)
               for pid, after, sold in zip(ids, (0, 3, 0, 0, 0), ((), (), (), (), ("Etsy",)), strict=True)]
    reads: list[str] = []
    event.listen(app.db.engine, "before_cursor_execute", lambda *args: reads.append(args[2]))
    lines = stock.describe_all(changes, app.db)
    assert len(reads) == 2 and reads[0] == "BEGIN" and "FROM listings" in reads[1]  # one session, one query
    assert [line.split(": ", 1)[1] for line in lines] == [
        "stock 1 → 0; Etsy and Shopify are taken off sale", "stock 1 → 3; Meesho is updated",
        "stock 1 → 0", "stock 1 → 0", "sold on Etsy, stock 1 → 0"]


def _titles(app: App, ids: list[int]) -> list[tuple[int, str]]:
    with app.db.session() as session:
        return [(pid, session.get(Product, pid).title) for pid in ids]  # type: ignore[union-attr]

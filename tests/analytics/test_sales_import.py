"""Sales in from connectors and by hand: never counted twice, corrected when the platform corrects them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from core.analytics.periods import Period
from core.analytics.sales import SaleRecord, import_sales, record_sale
from core.analytics.summary import summarize
from core.db.models import SaleEvent
from core.products.service import create_product, product_input

NOV = Period(date(2025, 11, 1), date(2025, 11, 30))


def _sale(n: int, **changes) -> SaleRecord:
    base = SaleRecord("etsy", f"order-{n}", datetime(2025, 11, 3, 10, n, tzinfo=UTC), Decimal("1299.50"), "INR",
                      quantity=2, fees=Decimal("80"), product_sku="DIYA-1", buyer=f"Asha {n}")
    return replace(base, **changes)


def _product(app) -> int:
    return create_product(app.db, product_input({"title": "Brass diya", "price": "649.75", "sku": "DIYA-1"})).id


def test_reimport_never_double_counts(app) -> None:
    _product(app)
    records = [_sale(n) for n in range(5)] + [_sale(9, kind="refund", amount=Decimal("-1299.50"), quantity=-2,
                                                    fees=Decimal(0))]
    first = import_sales(app.db, records)
    assert (first.added, first.updated, first.unchanged, first.problems) == (6, 0, 0, [])
    before = summarize(app.db, NOV).main()
    again = import_sales(app.db, records)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 6)
    after = summarize(app.db, NOV).main()
    assert after == before
    assert (after.orders, after.sales, after.refunds, after.units) == (5, Decimal("6497.5"), Decimal("1299.5"), 8)


def test_a_corrected_sale_replaces_the_old_figures(app) -> None:
    _product(app)
    import_sales(app.db, [_sale(1), _sale(2)])
    report = import_sales(app.db, [_sale(1, fees=Decimal("95.25")), _sale(2)])
    assert (report.added, report.updated, report.unchanged) == (0, 1, 1)
    figures = summarize(app.db, NOV).main()
    assert figures.fees == Decimal("175.25") and figures.orders == 2
    moved = import_sales(app.db, [_sale(2, occurred_at=datetime(2025, 12, 2, tzinfo=UTC))])
    assert moved.updated == 1
    assert summarize(app.db, NOV).main().orders == 1  # the sale moved to December, out of November's figures


def test_the_same_sale_twice_in_one_import_counts_once(app) -> None:
    _product(app)
    report = import_sales(app.db, [_sale(1), _sale(1, fees=Decimal(90))])
    assert (report.added, report.unchanged) == (1, 1)
    assert summarize(app.db, NOV).main().fees == Decimal(90)  # the later line wins


def test_connector_sale_of_an_unknown_product_still_counts(app) -> None:
    _product(app)
    report = import_sales(app.db, [_sale(1, product_sku="NOT-IN-SELLERDESK"), _sale(2)])
    assert (report.added, report.unlinked, report.problems) == (2, 1, [])
    with app.db.session() as session:
        links = {e: p for e, p in session.execute(select(SaleEvent.external_id, SaleEvent.product_id))}
    assert links["order-1"] is None and links["order-2"] is not None
    assert summarize(app.db, NOV).main().orders == 2
    strict = import_sales(app.db, [_sale(3, product_sku="NOPE")], require_product=True)
    assert strict.added == 0 and "NOPE" in strict.problems[0].message


def test_a_connector_without_the_link_keeps_the_sellers_link(app) -> None:
    product_id = _product(app)
    import_sales(app.db, [_sale(1)])
    import_sales(app.db, [_sale(1, product_sku=None, fees=Decimal(81))])
    with app.db.session() as session:
        assert session.scalars(select(SaleEvent.product_id)).one() == product_id


def test_bad_records_are_refused_one_by_one(app) -> None:
    _product(app)
    report = import_sales(app.db, [
        _sale(1, occurred_at=datetime(2025, 11, 3, 10, 0)),  # no time zone
        _sale(2, kind="gift"),
        _sale(3, amount=Decimal("-5")),
        _sale(4, amount=Decimal("1.23456")),
        _sale(5, currency="RUPEES"),
        _sale(6, platform="my shop!"),
        _sale(7),
    ])
    assert report.added == 1
    assert [(p.line, p.field) for p in report.problems] == [
        (1, "occurred_at"), (2, "kind"), (3, "amount"), (4, "amount"), (5, "currency"), (6, "platform")]


def test_buyer_names_are_stored_encrypted_but_read_back(app) -> None:
    _product(app)
    import_sales(app.db, [_sale(1, buyer="Priya Sharma")])
    with app.db.engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT buyer FROM sale_events").scalar()
    assert "Priya" not in raw
    with app.db.session() as session:
        assert session.scalars(select(SaleEvent.buyer)).one() == "Priya Sharma"


def test_a_hand_entry_sent_twice_is_recorded_once(app) -> None:
    product_id = _product(app)
    walk_in = SaleRecord("offline", "", datetime(2025, 11, 8, 18, 30, tzinfo=UTC), Decimal(499), "INR",
                         product_id=product_id)
    first_id, added = record_sale(app.db, walk_in)
    again_id, added_again = record_sale(app.db, walk_in)
    assert added and not added_again and first_id == again_id and first_id.startswith("hand-")
    other_id, _ = record_sale(app.db, replace(walk_in, buyer="Meena"))
    assert other_id != first_id
    assert summarize(app.db, NOV).main().orders == 2

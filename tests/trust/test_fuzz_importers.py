"""Fuzzing the importers: whatever a CSV holds, SellerDesk stores only valid rows or says why, and never crashes."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.app import App
from core.errors import SellerDeskError
from core.products.listing import list_products

PRODUCT_COLUMNS = ["title", "price", "sku", "quantity", "currency", "category", "attributes", "images", "status",
                   "language", "description", "bogus"]
SALE_COLUMNS = ["date", "platform", "sku", "amount", "quantity", "currency", "fees", "kind", "buyer", "order_id"]

cell = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "1e9", "12.50", "₹1,23,456.78", "INR", "XXX", "../../etc/passwd", "/abs.jpg",
                     "<script>alert(1)</script>", "=cmd|' /C calc'!A0", "2026-02-30", "2026-11-01T10:00:00+05:30",
                     "sale", "refund", "lead", "etsy", "\x00", "\ufeff", "🛍️👜", "a=b;c", "{\"k\": 1}"]),
)


@pytest.fixture(scope="module")
def fresh_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty data folder, created (database migrated) once; each example works on a copy of it."""
    data = tmp_path_factory.mktemp("fuzz") / "data"
    app = App(data)
    try:
        assert app.db is not None  # opening it creates and migrates the database
    finally:
        app.close()
    return data


def _new_app(fresh_data: Path, tmp_path: Path) -> tuple[App, Path]:
    """A fresh data folder for one example (a copy of ``fresh_data``) and a folder for its files."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    shutil.copytree(fresh_data, folder / "data")
    return App(folder / "data"), folder


def _csv(columns: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", errors="surrogatepass")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(columns=st.lists(st.sampled_from(PRODUCT_COLUMNS), min_size=1, max_size=8, unique=True),
       rows=st.lists(st.lists(cell, max_size=9), max_size=6), raw=st.none() | st.binary(max_size=200))
def test_product_import_never_crashes_or_stores_invalid_rows(tmp_path: Path, fresh_data: Path, columns: list[str],
                                                             rows: list[list[str]], raw: bytes | None) -> None:
    from core.products.csvio import import_products

    app, tmp_path = _new_app(fresh_data, tmp_path)
    try:
        path = tmp_path / "in.csv"
        try:
            path.write_bytes(raw if raw is not None else _csv(columns, rows))
        except UnicodeEncodeError:
            return
        try:
            report = import_products(app.db, path, store=app.image_store)
        except SellerDeskError as exc:
            assert str(exc).strip()  # refused as a whole, with a reason
            return
        stored = list_products(app.db)
        assert len(stored) == len(set(report.created))
        for row in stored:
            # a price, or none yet on a draft (which is never listed until it has one)
            assert row["title"].strip() and (float(row["price"]) > 0 or row["status"] == "draft")
        for problem in report.problems:
            assert problem.line >= 2 and problem.message.strip()
    finally:
        app.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(columns=st.lists(st.sampled_from(SALE_COLUMNS), min_size=1, max_size=8, unique=True),
       rows=st.lists(st.lists(cell, max_size=10), max_size=6))
def test_sales_import_never_crashes(tmp_path: Path, fresh_data: Path, columns: list[str],
                                    rows: list[list[str]]) -> None:
    from core.analytics.csvio import import_sales_csv

    app, tmp_path = _new_app(fresh_data, tmp_path)
    try:
        path = tmp_path / "sales.csv"
        try:
            path.write_bytes(_csv(columns, rows))
        except UnicodeEncodeError:
            return
        try:
            report = import_sales_csv(app.db, path)
        except SellerDeskError as exc:
            assert str(exc).strip()
            return
        again = import_sales_csv(app.db, path)
        assert again.added == 0  # re-import never double-counts
        assert report.added + len(report.problems) <= len(rows)
    finally:
        app.close()

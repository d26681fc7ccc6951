"""Sales from a spreadsheet: bad rows named by line, good rows landed, Excel's BOM understood, nothing counted twice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from core.analytics.csvio import export_sales_csv, import_sales_csv
from core.analytics.periods import Period
from core.analytics.summary import summarize
from core.products.csvio import CsvFormatError
from core.products.service import create_product, product_input

NOV = Period(date(2025, 11, 1), date(2025, 11, 30))
GOOD_AND_BAD = (
    "date,platform,sku,quantity,amount,currency,fees,kind,buyer\n"
    "2025-11-02,whatsapp,DIYA-1,2,\"1,299.50\",,,,Asha\n"  # line 2: fine (Indian-style thousands)
    "2025-11-02,whatsapp,NOPE,1,499,,,,\n"  # line 3: unknown SKU
    "02/11/2025,whatsapp,DIYA-1,1,499,,,,\n"  # line 4: not an ISO date
    "2025-11-03 21:15,offline,DIYA-1,1,₹649.75,INR,0,sale,\n"  # line 5: fine, a local time
    "\n"  # line 6: blank, ignored
    "2025-11-04,offline,DIYA-1,1,abc,,,,\n"  # line 7: amount not a number
    "2025-11-05,offline,DIYA-1,1,10.5,JPY,,,\n"  # line 8: yen have no decimals
    "2025-11-06,instagram,DIYA-1,1,649.75,,,refund,\n"  # line 9: fine, a refund
    "2025-11-06,instagram,DIYA-1,1,0,,,lead,\n"  # line 10: fine, an enquiry
    "2099-11-06,instagram,DIYA-1,1,649.75,,,,\n"  # line 11: a typo'd year
)


@pytest.fixture
def product(app) -> int:
    return create_product(app.db, product_input({"title": "Brass diya", "price": "649.75", "sku": "DIYA-1"})).id


def _write(tmp_path: Path, text: str, bom: bool = True, name: str = "sales.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8"))
    return path


def test_bad_rows_are_named_by_line_and_good_rows_land(app, product, tmp_path: Path) -> None:
    report = import_sales_csv(app.db, _write(tmp_path, GOOD_AND_BAD))
    assert report.added == 4
    assert [(p.line, p.field) for p in report.problems] == [
        (3, "sku"), (4, "date"), (7, "amount"), (8, "amount"), (11, "date")]
    assert "NOPE" in report.problems[0].message and "YYYY-MM-DD" in report.problems[1].message
    figures = summarize(app.db, NOV).main()
    assert (figures.sales, figures.refunds, figures.orders, figures.leads, figures.units) == (
        Decimal("1949.25"), Decimal("649.75"), 2, 1, 2)


def test_importing_the_same_file_again_adds_nothing(app, product, tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_AND_BAD)
    import_sales_csv(app.db, path)
    again = import_sales_csv(app.db, path)
    assert (again.added, again.unchanged) == (0, 4)
    assert summarize(app.db, NOV).main().orders == 2


def test_identical_lines_are_separate_sales(app, product, tmp_path: Path) -> None:
    two_buyers = "date,platform,sku,amount\n2025-11-08,offline,DIYA-1,649.75\n2025-11-08,offline,DIYA-1,649.75\n"
    path = _write(tmp_path, two_buyers, bom=False)
    assert import_sales_csv(app.db, path).added == 2
    assert import_sales_csv(app.db, path).added == 0
    assert summarize(app.db, NOV).main().orders == 2


def test_export_then_import_round_trips_without_double_counting(app, product, tmp_path: Path) -> None:
    import_sales_csv(app.db, _write(tmp_path, GOOD_AND_BAD))
    out = tmp_path / "export.csv"
    assert export_sales_csv(app.db, out) == 4
    text = out.read_bytes()
    assert text.startswith("\ufeff".encode())
    assert "2025-11-03T21:15:00+05:30" in text.decode("utf-8-sig")  # the seller's own clock, with its offset
    again = import_sales_csv(app.db, out)
    assert (again.added, again.updated, again.problems) == (0, 0, [])
    assert export_sales_csv(app.db, tmp_path / "nov2.csv", period=Period(date(2025, 11, 2), date(2025, 11, 2))) == 1


def test_a_formula_like_buyer_name_is_defused_in_the_export(app, product, tmp_path: Path) -> None:
    text = "date,platform,sku,amount,buyer\n2025-11-02,offline,DIYA-1,5,=HYPERLINK(1)\n"
    import_sales_csv(app.db, _write(tmp_path, text))
    out = tmp_path / "export.csv"
    export_sales_csv(app.db, out)
    assert ",'=HYPERLINK(1)" in out.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(("content", "words"), [
    (b"date,platform,amount\n2025-11-01,offline,5\n", "no sku or product_id column"),
    (b"date,platform,sku,amount,colour\n", "unknown column(s) colour"),
    (b"platform,sku\n", "missing column(s) amount, date"),
    (b"", "is empty"),
    ("date,platform,sku,amount\n2025-11-01,offline,DIYA-1,499\n".encode("utf-16"), "not UTF-8"),
])
def test_unusable_files_are_refused_whole(app, product, tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CsvFormatError, match=words.replace("(", r"\(").replace(")", r"\)")):
        import_sales_csv(app.db, path)
    assert summarize(app.db, NOV).main().orders == 0


def test_cli_import_reports_lines_and_fails_when_rows_were_skipped(cli, product, tmp_path: Path) -> None:
    result = cli("analytics", "import-sales", str(_write(tmp_path, GOOD_AND_BAD)))
    assert result.code == 1
    assert "sales.csv, line 3: No product has the SKU 'NOPE'" in result.out
    assert "Imported 4 new sales" in result.out
    again = cli("analytics", "import-sales", str(_write(tmp_path, GOOD_AND_BAD)), "--json")
    assert '"added": 0' in again.out and '"unchanged": 4' in again.out

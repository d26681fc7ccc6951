"""Product CSV import: whole chunks or nothing, an exact report, continuing without duplicates, plain messages for
hostile files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.db.models import Product
from core.errors import StorageError
from core.products import csvio
from core.products.csvio import CsvFormatError, ImportProgress, ImportStopped, import_products


def _count(app) -> int:  # type: ignore[no-untyped-def]
    with app.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Product)) or 0)


def _titles(app) -> list[str]:  # type: ignore[no-untyped-def]
    with app.db.session() as session:
        return list(session.scalars(select(Product.title).order_by(Product.id)))


def _skuless(path: Path, rows: int) -> Path:
    path.write_text("title,price\n" + "".join(f"Item {n},{n + 1}\n" for n in range(rows)), encoding="utf-8")
    return path


def test_cancel_keeps_whole_chunks_and_a_rerun_continues_without_duplicates(app, tmp_path: Path) -> None:
    path = _skuless(tmp_path / "big.csv", 5000)
    asked = 0

    def cancel() -> bool:
        nonlocal asked
        asked += 1
        return asked > 2500

    seen: list[ImportProgress] = []
    with pytest.raises(ImportStopped) as stopped:
        import_products(app.db, path, store=app.image_store, chunk_rows=1000, cancel=cancel, progress=seen.append)
    assert "cancelled" in str(stopped.value)
    assert "Lines 2–2,001 are imported; nothing after line 2,001 was stored." in str(stopped.value)
    assert stopped.value.report.through_line == 2001
    assert _count(app) == 2000  # the half-read third chunk is not there at all
    assert [(p.done, p.total, p.created) for p in seen] == [(1000, 5000, 1000), (2000, 5000, 2000)]

    again = import_products(app.db, path, store=app.image_store, chunk_rows=1000)
    assert again.resumed_after == 2001 and len(again.created) == 3000
    assert _titles(app) == [f"Item {n}" for n in range(5000)]  # every row once, in file order


def test_a_failure_mid_import_reports_exactly_what_is_stored(app, tmp_path: Path, monkeypatch) -> None:
    path = _skuless(tmp_path / "disk.csv", 3500)
    real = csvio._apply_rows
    calls = 0

    def failing(session, rows):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        result = real(session, rows)
        if calls == 3:  # the third chunk's rows reached the database, then the disk filled up
            raise StorageError("The database sellerdesk.db failed: database or disk is full.")
        return result

    monkeypatch.setattr(csvio, "_apply_rows", failing)
    with pytest.raises(ImportStopped) as stopped:
        import_products(app.db, path, store=app.image_store, chunk_rows=1000)
    assert "disk is full" in str(stopped.value) and "Lines 2–2,001 are imported" in str(stopped.value)
    assert _count(app) == 2000
    monkeypatch.setattr(csvio, "_apply_rows", real)
    import_products(app.db, path, store=app.image_store, chunk_rows=1000)
    assert _count(app) == 3500
    # A finished file imported again is a new import (the seller asked for it): SKU rows update, as always.
    assert import_products(app.db, path, store=app.image_store).resumed_after == 0


@pytest.mark.parametrize(("delimiter", "named"), [(";", "semicolons"), ("\t", "tabs")])
def test_semicolon_and_tab_files_are_read_with_a_plain_message(cli, tmp_path: Path, delimiter: str,
                                                                named: str) -> None:
    path = tmp_path / "excel.csv"
    path.write_text(delimiter.join(["sku", "title", "price", "description"]) + "\n"
                    + delimiter.join(["C-1", "Candle", "1299.50",
                                      "Soy, hand-poured"]) + "\n", encoding="utf-8")
    result = cli("products", "import", str(path))
    assert result.code == 0, result.out + result.err
    assert f"has its columns separated by {named}" in result.out
    rows = json.loads(cli("products", "list", "--json").out)
    assert [(r["sku"], r["title"]) for r in rows] == [("C-1", "Candle")]


def test_duplicate_skus_extra_cells_and_multiline_records_are_reported_where_they_start(cli, tmp_path: Path) -> None:
    path = tmp_path / "messy.csv"
    path.write_text(
        "sku,title,price,description\n"              # line 1
        "A-1,Bowl,100,plain\n"                       # line 2
        'B-1,Cup,abc,"two\nlines"\n'                 # lines 3-4: a bad price in a record that spans two lines
        "A-1,Bowl again,150,\n"                      # line 5: the same SKU again
        "C-1,Plate,90,dinner,extra cell\n"           # line 6: a cell the header has no column for
        "D-1,Spoon,15,,\n",                          # line 7: an empty trailing cell is only a trailing comma
        encoding="utf-8")
    result = cli("products", "import", str(path))
    assert result.code == 1
    assert "line 3: The price 'abc' is not a number" in result.out
    assert "line 5: The SKU 'A-1' is also on line 2; only that row is used." in result.out
    assert "line 6: This row has 5 cells but the first line names 4 columns" in result.out
    assert "'extra cell'" in result.out
    assert "Imported 2 new and updated 0 products; skipped 3 rows." in result.out
    rows = {r["sku"]: r["title"] for r in json.loads(cli("products", "list", "--json").out)}
    assert rows == {"A-1": "Bowl", "D-1": "Spoon"}


def test_an_unterminated_quote_is_named_and_nothing_is_stored(cli, tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text("title,price,description\nBowl,100,fine\nCup,120,\"a quote never closed\n"
                    + "".join(f"Item {n},{n + 1},x\n" for n in range(200)), encoding="utf-8")
    result = cli("products", "import", str(path))
    assert result.code == 1
    assert "record starting on line 3 is never closed" in result.err and "Nothing was imported" in result.err
    assert json.loads(cli("products", "list", "--json").out) == []


def test_a_file_of_the_wrong_kind_is_refused_before_anything_is_stored(app, tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    path.write_bytes(b"title,price\n" + b"Mug,10\n" * 3000 + "Café,10\n".encode("cp1252"))
    with pytest.raises(CsvFormatError, match="first bad byte on line 3002"):
        import_products(app.db, path, store=app.image_store, chunk_rows=1000)
    assert _count(app) == 0

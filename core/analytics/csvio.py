"""Sales made elsewhere (WhatsApp, walk-in, a marketplace's own report) in from CSV, and every sale out to CSV.

Exported files import again unchanged: the order_id column carries each sale's id, so nothing is counted twice.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.analytics.periods import Period, utc_bounds, zone
from core.analytics.sales import (
    SaleProblem,
    SaleRecord,
    SalesImport,
    hand_external_id,
    import_sales,
    link_products,
    parse_amount,
    parse_kind,
    parse_platform,
    parse_quantity,
)
from core.db.database import Database
from core.db.models import Product, SaleEvent
from core.db.types import plain_decimal, utcnow
from core.errors import Cancelled, ValidationError
from core.fileio import atomic_write_text
from core.i18n import _
from core.spreadsheet import read_cell, safe_cell

COLUMNS = ["date", "platform", "order_id", "sku", "product_id", "quantity", "amount", "currency", "fees", "kind",
           "buyer"]
REQUIRED = {"date", "platform", "amount"}
MAX_ROWS = 200_000
READ_PROGRESS_EVERY = 2_000  # lines read between two progress reports (and looks at the cancel flag)
_FUTURE = timedelta(days=1)  # a sale dated later than tomorrow is a typo (2052 for 2025), not a pre-order


def _csv_error(message: str, hint: str | None = None) -> Exception:
    from core.products.csvio import CsvFormatError

    return CsvFormatError(message, hint=hint)


def parse_when(raw: str, tz: ZoneInfo) -> datetime:
    """When a sale happened: 2025-11-01 (local noon), 2025-11-01 23:30 (local), or ISO with an offset."""
    text = raw.strip()
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("{value} is not a date.").format(value=repr(raw)), field="date",
                              hint=_("Write it as YYYY-MM-DD or YYYY-MM-DD HH:MM, e.g. 2025-11-01 19:30.")) from None
    if len(text) == 10:
        # A day without a time: noon is safely inside that day in the seller's zone, whatever its offset.
        when = datetime.combine(when.date(), time(12), tzinfo=tz)
    elif when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    if when > utcnow() + _FUTURE:
        raise ValidationError(_("The date {date} is in the future.").format(date=raw), field="date",
                              hint=_("Check the year."))
    return when


def _read(path: Path) -> tuple[list[str], Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _csv_error(_("Cannot read {path}: {reason}.").format(path=path, reason=exc.strerror)) from exc
    try:
        text = raw.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _csv_error(_("{file} is not UTF-8 text (first bad byte on line {line}).").format(file=path.name,
                                                                                              line=line),
                         _("In Excel choose 'Save as' → 'CSV UTF-8'; in Google Sheets 'Download' → CSV.")) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise _csv_error(_("{file} is empty.").format(file=path.name),
                         _("The first line names the columns: {columns}.").format(columns=", ".join(COLUMNS))) from None
    except csv.Error as exc:
        raise _csv_error(_("{file} is not a CSV file ({reason}).").format(file=path.name, reason=exc)) from None
    unknown = [h for h in header if h and h not in COLUMNS]
    missing = REQUIRED - set(header)
    if missing or unknown or not {"sku", "product_id"} & set(header):
        parts = [_("missing column(s) {columns}").format(columns=", ".join(sorted(missing)))] if missing else []
        if unknown:
            parts.append(_("unknown column(s) {columns}").format(columns=", ".join(unknown)))
        if not {"sku", "product_id"} & set(header):
            parts.append(_("no sku or product_id column"))
        raise _csv_error(_("{file} has {problems}.").format(file=path.name, problems=_(" and ").join(parts)),
                         _("Columns SellerDesk reads: {columns} (date, platform, amount and sku or product_id are "
                           "needed).").format(columns=", ".join(COLUMNS)))
    return header, reader


def _record(values: dict[str, str], tz: ZoneInfo, default_currency: str) -> SaleRecord:
    from core.products.fields import parse_currency

    currency = parse_currency(values.get("currency") or default_currency)
    product_id = None
    if values.get("product_id", "").strip():
        try:
            product_id = int(values["product_id"])
        except ValueError:
            raise ValidationError(_("The product_id {value} is not a number.").format(
                value=repr(values["product_id"])), field="product_id") from None
    return SaleRecord(
        platform=parse_platform(values.get("platform")), external_id=values.get("order_id", "").strip(),
        occurred_at=parse_when(values.get("date", ""), tz), amount=parse_amount(values.get("amount"), currency),
        currency=currency, quantity=parse_quantity(values.get("quantity")),
        fees=parse_amount(values.get("fees") or "0", currency, "fees"), product_sku=values.get("sku") or None,
        product_id=product_id, kind=parse_kind(values.get("kind")), buyer=values.get("buyer") or None,
    )


def import_sales_csv(db: Database, path: Path, *, timezone: str = "Asia/Kolkata", default_currency: str = "INR",
                     progress: Callable[[int, int], None] | None = None,
                     cancel: Callable[[], bool] | None = None) -> SalesImport:
    """Import sales from a CSV file; bad rows are reported by line number and skipped, good rows land.

    Times without an offset are the seller's (``timezone``). A row without an order_id gets an id made from its
    facts, so importing the same file again adds nothing. A file with the wrong encoding or columns is refused
    as a whole before anything is stored. ``progress(done, total)`` hears the rows read (total 0: not known yet),
    then the sales stored; ``cancel`` stops the import with Cancelled before anything is stored (import_sales).
    """
    tz = zone(timezone)
    header, reader = _read(path)
    records: list[SaleRecord] = []
    lines: list[int] = []
    problems: list[SaleProblem] = []
    seen: Counter[str] = Counter()
    for row in reader:
        line = reader.line_num
        if line % READ_PROGRESS_EVERY == 0:
            if cancel is not None and cancel():
                raise Cancelled("The sales import was cancelled; no sales were added.")
            if progress is not None:
                progress(line, 0)
        if not any(cell.strip() for cell in row):
            continue
        if len(records) + len(problems) >= MAX_ROWS:
            problems.append(SaleProblem(line, None, f"Only {MAX_ROWS:,} rows are read per file; split the file."))
            break
        values = {name: (read_cell(row[n].strip()) if n < len(row) else "") for n, name in enumerate(header) if name}
        try:
            records.append(_record(values, tz, default_currency))
        except ValidationError as exc:
            problems.append(SaleProblem(line, exc.field, str(exc)))
            continue
        lines.append(line)
    records = link_products(db, records)
    for n, record in enumerate(records):
        if not record.external_id:
            # Identical lines are different sales (two walk-in buyers); number them so each keeps its own id.
            facts = hand_external_id(record)
            records[n] = replace(record, external_id=hand_external_id(record, seen[facts]))
            seen[facts] += 1
    report = import_sales(db, records, require_product=True, lines=lines, progress=progress, cancel=cancel)
    report.problems = sorted(problems + report.problems, key=lambda p: p.line)
    return report


def export_sales_csv(db: Database, path: Path, *, timezone: str = "Asia/Kolkata", period: Period | None = None) -> int:
    """Write sales (every one, or those in ``period``) to ``path`` as UTF-8 CSV with a BOM, in the seller's times."""
    tz = zone(timezone)
    query = (select(SaleEvent.occurred_at, SaleEvent.platform, SaleEvent.external_id, Product.sku,
                    SaleEvent.product_id, SaleEvent.quantity, SaleEvent.amount, SaleEvent.currency, SaleEvent.fees,
                    SaleEvent.kind, SaleEvent.buyer)
             .outerjoin(Product, Product.id == SaleEvent.product_id).order_by(SaleEvent.occurred_at, SaleEvent.id))
    if period is not None:
        start, end = utc_bounds(period, tz)
        query = query.where(SaleEvent.occurred_at >= start, SaleEvent.occurred_at < end)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    with db.session() as session:
        for when, platform, ext, sku, product_id, quantity, amount, currency, fees, kind, buyer in session.execute(
                query).yield_per(2000):
            writer.writerow([when.astimezone(tz).isoformat(timespec="seconds"), safe_cell(platform),
                             safe_cell(ext), safe_cell(sku or ""), product_id or "", quantity, _text(amount),
                             currency, _text(fees), kind, safe_cell(buyer or "")])
            count += 1
    try:
        atomic_write_text(path, "\ufeff" + out.getvalue())
    except OSError as exc:
        raise _csv_error(f"Cannot write {path}: {exc.strerror}.", "Choose another folder.") from exc
    return count


def _text(amount: Decimal) -> str:
    return str(plain_decimal(amount))

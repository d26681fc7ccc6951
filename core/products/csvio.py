"""Bulk CSV import and export of products (sellers keep catalogues in spreadsheets).

An import is stored in chunks, each in one transaction together with a note of the last line it covers (an audit
entry keyed by the file's sha256). A kill, a full disk or a cancel therefore leaves whole chunks or nothing, the
report says exactly which lines are in, and running the same file again continues after them, so rows without a
SKU are never stored twice.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from core.db.database import Database
from core.db.models import AuditEvent, Product
from core.errors import Cancelled, SellerDeskError, ValidationError
from core.fileio import atomic_write_text
from core.i18n import _
from core.products.csvscan import DELIMITERS, CsvFormatError, key_hash, open_text, records, scan, unreadable
from core.products.fields import format_attributes
from core.products.marketplace import COLUMNS as DETAIL_COLUMNS
from core.products.marketplace import FIELDS as MARKETPLACE_FIELDS
from core.products.marketplace import as_text, details_of
from core.products.service import NO_PRICE, ProductInput, image_rows, product_input, store_photos
from core.spreadsheet import read_cell, safe_cell

if TYPE_CHECKING:  # Pillow loads only when photos are really handled
    from core.images.store import ImageStore, StoredImage

__all__ = ["COLUMNS", "DELIMITERS", "CsvFormatError", "ImportProgress", "ImportReport", "ImportStopped", "RowProblem",
           "export_products", "import_products"]

COLUMNS = ["sku", "title", "description", "price", "currency", "quantity", "category", "status", "language",
           "attributes", "images", "cost_price", *MARKETPLACE_FIELDS]
REQUIRED = {"title", "price"}
# A commit per 500 rows costs nothing measurable, and keeps each chunk's transaction (which holds the write lock)
# under about 0.1 s, so the window and the publishing queue never wait long for it.
CHUNK_ROWS = 500
EXPORT_PROGRESS_EVERY = 100  # products between two progress reports of an export
IMPORT_EVENT = "products.import"


@dataclass
class RowProblem:
    """A CSV row that was skipped, and why (``line``: where the record starts)."""

    line: int
    field: str | None
    message: str


@dataclass
class ImportProgress:
    """How far an import has come: records handled out of the file's total, and what became of them."""

    done: int
    total: int
    created: int
    updated: int
    skipped: int


@dataclass
class ImportReport:
    """What a CSV import did: products created and updated (by SKU), rows skipped with reasons.

    ``through_line`` is the last line stored (by this run, or by an earlier run it continued, which had stored
    everything up to ``resumed_after``); ``stopped`` says why the import ended early, if it did.
    """

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    file_key: str = ""
    delimiter: str = ","
    total_rows: int = 0
    first_line: int = 2
    through_line: int = 0
    resumed_after: int = 0
    earlier: dict[str, int] = field(default_factory=dict)  # counts of the run that was continued
    stopped: str | None = None

    def stored_lines(self) -> str:
        """Which lines of the file are in the database, e.g. "lines 2–5,001 are imported; nothing after"."""
        if self.through_line < self.first_line:
            return _("Nothing from this file was stored.")
        return _("Lines {first}–{last} are imported; nothing after line {last} was stored.").format(
            first=f"{self.first_line:,}", last=f"{self.through_line:,}")

    def to_json(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {"created": self.created, "updated": self.updated, "problems": [asdict(p) for p in self.problems],
                "import_id": self.file_key, "delimiter": DELIMITERS[self.delimiter], "rows": self.total_rows,
                "through_line": self.through_line, "resumed_after": self.resumed_after, "earlier": self.earlier,
                "stopped": self.stopped}


class ImportStopped(SellerDeskError):
    """An import ended before the end of the file (cancelled, disk full, ...); ``report`` says what is stored."""

    def __init__(self, report: ImportReport, path: Path, reason: str) -> None:
        report.stopped = reason
        super().__init__(f"{path.name}: {reason} {report.stored_lines()}",
                         hint=_("Run the same import again to continue after the last stored line; "
                                "nothing is imported twice."))
        self.report = report


def _header_map(header: list[str], path: Path) -> dict[str, int]:
    names = [h.strip().lower() for h in header]
    unknown = [h for h in names if h and h not in COLUMNS and h != "id"]
    missing = REQUIRED - set(names)
    if missing or unknown:
        if not unknown:
            text = _("{file} has missing column(s) {missing}.")
        elif not missing:
            text = _("{file} has unknown column(s) {unknown}.")
        else:
            text = _("{file} has missing column(s) {missing} and unknown column(s) {unknown}.")
        raise CsvFormatError(
            text.format(file=path.name, missing=", ".join(sorted(missing)), unknown=", ".join(unknown)),
            hint=_("Columns SellerDesk reads (separated by commas, semicolons or tabs): {columns}.").format(
                columns=", ".join(COLUMNS)),
        )
    return {name: i for i, name in enumerate(names) if name in COLUMNS}


def _photo_paths(cell: str, folder: Path) -> list[Path]:
    """Photo paths of one row: ``;``-separated, relative to the CSV's folder and never outside it."""
    if not cell.strip():
        return []  # most rows: no resolving of folders for them
    paths = []
    root = folder.resolve()
    for name in (part.strip() for part in cell.split(";")):
        if not name:
            continue
        candidate = (root / name).resolve()
        if Path(name).is_absolute() or not candidate.is_relative_to(root):
            raise ValidationError(
                _("The photo path {path} points outside the CSV's folder.").format(path=repr(name)), field="images",
                hint=_("Put the photos in the CSV's folder (or below it) and give paths relative to it."),
            )
        paths.append(candidate)
    return paths


@dataclass
class _Run:
    """One import run: the file's facts, where it continues from, and the running report."""

    db: Database
    path: Path
    store: ImageStore
    currency: str
    columns: dict[str, int]
    width: int
    report: ImportReport
    event_id: int | None = None
    skipped: int = 0
    sku_first_line: dict[str, int] = field(default_factory=dict)

    def prepare(self, line: int, row: list[str], repeated: set[int]) -> tuple[int, ProductInput,
                                                                              list[StoredImage]] | None:
        """The row checked and its photos stored; None (with the problem noted) for a row that is skipped."""
        try:
            if len(row) > self.width and any(cell.strip() for cell in row[self.width:]):
                raise ValidationError(
                    _("This row has {cells} cells but the first line names {columns} columns; the extra cells "
                      "start with {extra}.").format(cells=len(row), columns=self.width,
                                                    extra=repr(row[self.width].strip()[:40])),
                    hint=_("A comma inside a cell needs the cell in quotes."))
            values = {name: read_cell(row[i]) if i < len(row) else "" for name, i in self.columns.items()}
            data = product_input(values, default_currency=self.currency)
            if data.sku and key_hash(data.sku) in repeated:
                first = self.sku_first_line.setdefault(data.sku, line)
                if first != line:
                    raise ValidationError(_("The SKU {sku} is also on line {line}; only that row is used.").format(
                        sku=repr(data.sku), line=first), field="sku", hint=_("Give each product its own SKU."))
            photos = store_photos(self.store, _photo_paths(values.get("images", ""), self.path.parent))
        except ValidationError as exc:
            self.problem(line, exc.field, str(exc))
            return None
        except SellerDeskError as exc:
            self.problem(line, "images", str(exc))
            return None
        return line, data, photos

    def problem(self, line: int, field_name: str | None, message: str) -> None:
        """Note a skipped row."""
        self.report.problems.append(RowProblem(line, field_name, message))
        self.skipped += 1

    def store_chunk(self, rows: list[tuple[int, ProductInput, list[StoredImage]]], through: int,
                    finished: bool) -> None:
        """Store ``rows`` and the note that lines up to ``through`` are done, in one transaction."""
        try:
            with self.db.session() as session:
                created, updated = _apply_rows(session, rows)
                self._note(session, through, finished, len(created), len(updated))
        except IntegrityError:
            # A SKU taken between our lookup and the write (the window saving at the same moment): find the row
            # that breaks the rule, each in its own savepoint, and keep the others.
            with self.db.session() as session:
                created, updated = [], []
                for row in rows:
                    try:
                        with session.begin_nested():
                            new, changed = _apply_rows(session, [row])
                    except IntegrityError:
                        self.problem(row[0], "sku", _("Another product already has SKU {sku}.").format(
                            sku=repr(row[1].sku)))
                        continue
                    created += new
                    updated += changed
                self._note(session, through, finished, len(created), len(updated))
        self.report.created += [p.id for p in created]
        self.report.updated += [p.id for p in updated]
        self.report.through_line = max(self.report.through_line, through)

    def _note(self, session: Session, through: int, finished: bool, created: int, updated: int) -> None:
        earlier = self.report.earlier
        detail = {"file": self.path.name, "through_line": through, "finished": finished,
                  "created": earlier.get("created", 0) + len(self.report.created) + created,
                  "updated": earlier.get("updated", 0) + len(self.report.updated) + updated,
                  "skipped": earlier.get("skipped", 0) + self.skipped}
        event = session.get(AuditEvent, self.event_id) if self.event_id is not None else None
        if event is None:
            event = AuditEvent(kind=IMPORT_EVENT, subject=self.report.file_key, detail=detail)
            session.add(event)
            session.flush()
            self.event_id = event.id
        else:
            event.detail = detail  # a new dict: the JSON column notices only reassignment


def _fields(data: ProductInput) -> dict[str, Any]:
    # dataclasses.asdict deep-copies every value; the attribute dict is fresh per row already, so a shallow read
    # is enough and a tenth of the cost.
    return {f.name: getattr(data, f.name) for f in fields(ProductInput)}


def _apply_rows(session: Session, rows: list[tuple[int, ProductInput, list[StoredImage]]]
                ) -> tuple[list[Product], list[Product]]:
    skus = [data.sku for _line, data, _photos in rows if data.sku]
    existing: dict[str | None, Product] = {}
    if skus:
        query = select(Product).where(Product.sku.in_(skus), Product.deleted_at.is_(None)) \
            .options(selectinload(Product.images))
        existing = {p.sku: p for p in session.scalars(query)}
    created, updated = [], []
    for _line, data, photos in rows:
        product = existing.get(data.sku) if data.sku else None
        values = _fields(data)
        if product is not None:
            for key, value in values.items():
                # An empty cost or marketplace cell keeps what is already known.
                if key == "legal" and value:
                    product.legal = {**(product.legal or {}), **value}
                elif key != "legal" and (value is not None or key not in ("cost_price", *DETAIL_COLUMNS)):
                    setattr(product, key, value)
            known = {image.sha256 for image in product.images}
            product.images.extend(image_rows([p for p in photos if p.sha256 not in known], len(product.images)))
            updated.append(product)
        else:
            product = Product(**values)
            if photos:  # an untouched collection costs the flush nothing
                product.images = image_rows(photos, 0)
            session.add(product)
            created.append(product)
    session.flush()  # one flush per chunk: the inserts go out as a few multi-row statements
    return created, updated


def _unfinished(db: Database, file_key: str) -> AuditEvent | None:
    with db.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.kind == IMPORT_EVENT,
                                                         AuditEvent.subject == file_key)
                                .order_by(AuditEvent.id.desc()).limit(1)).first()
    return event if event is not None and not event.detail.get("finished") else None


def import_products(
    db: Database, path: Path, *, store: ImageStore, default_currency: str = "INR",
    progress: Callable[[ImportProgress], None] | None = None, cancel: Callable[[], bool] | None = None,
    chunk_rows: int = CHUNK_ROWS, restart: bool = False,
) -> ImportReport:
    """Import products from a CSV file (comma, semicolon or tab separated). A row whose SKU exists updates that
    product; others create new ones. Photos named in ``images`` (relative to the CSV's folder) are added.

    The file is read as a stream and stored in chunks of ``chunk_rows``; ``progress`` hears after each chunk and
    ``cancel`` (asked before every row) stops the import. Bad rows — unreadable values, extra cells, a SKU that
    appears again in the file — are reported by the line their record starts on and skipped. A file with the wrong
    encoding, columns or quoting is refused as a whole before anything is stored. An import of the same file that
    stopped early is continued after its last stored line (``restart`` starts from the top instead).

    Raises ImportStopped (with the report) when the import ends before the end of the file.
    """
    shape = scan(path, [*COLUMNS, "id"], "sku")
    columns = _header_map(shape.header, path)
    report = ImportReport(file_key=shape.file_key, delimiter=shape.delimiter, total_rows=shape.records)
    run = _Run(db, path, store, default_currency, columns, len(shape.header), report)
    earlier = None if restart else _unfinished(db, shape.file_key)
    if earlier is not None:
        run.event_id = earlier.id
        report.resumed_after = report.through_line = int(earlier.detail.get("through_line", 0))
        report.earlier = {k: int(earlier.detail.get(k, 0)) for k in ("created", "updated", "skipped")}
    done = 0
    pending: list[tuple[int, ProductInput, list[StoredImage]]] = []
    last_line = report.resumed_after

    def tell() -> None:
        if progress is not None:
            progress(ImportProgress(done, shape.records, len(report.created), len(report.updated), run.skipped))

    try:
        with open_text(path) as fh:
            rows = records(fh, shape.delimiter, path.name)
            next(rows)  # the header, read by scan()
            for line, row in rows:
                if done == 0:
                    report.first_line = line
                if line <= report.resumed_after:
                    done += 1  # stored by the run this one continues; only its SKUs matter, for duplicates
                    if shape.repeated and "sku" in columns and columns["sku"] < len(row):
                        sku = read_cell(row[columns["sku"]]).strip()
                        if sku and key_hash(sku) in shape.repeated:
                            run.sku_first_line.setdefault(sku, line)
                    continue
                if cancel is not None and cancel():
                    raise ImportStopped(report, path, _("The import was cancelled."))
                prepared = run.prepare(line, row, shape.repeated)
                if prepared is not None:
                    pending.append(prepared)
                done += 1
                last_line = line
                if done % chunk_rows == 0:
                    run.store_chunk(pending, last_line, finished=False)
                    pending = []
                    tell()
            run.store_chunk(pending, last_line, finished=True)
            tell()
    except ImportStopped:
        raise
    except (SellerDeskError, OSError) as exc:  # a full disk, a photo folder gone, the file changed under us
        reason = exc.message if isinstance(exc, SellerDeskError) else unreadable(path, exc).message
        raise ImportStopped(report, path, reason) from exc
    return report


def export_products(db: Database, path: Path, *, store: ImageStore,
                    progress: Callable[[int, int], None] | None = None,
                    cancel: Callable[[], bool] | None = None) -> int:
    """Write every live product to ``path`` as UTF-8 CSV (with BOM, so Excel shows ₹ and Hindi right).

    Photos are copied into ``<name>_photos/`` beside the file, so the CSV imports again with its photos.
    Text that a spreadsheet would run as a formula is written with a leading ``'`` (removed again on import).
    ``progress(done, total)`` hears every ``EXPORT_PROGRESS_EVERY`` products; ``cancel`` (asked before each
    product) stops the export with Cancelled, and so does any failure: the file is written only at the end, and the
    photos this export copied are removed again, so nothing half-written is left.
    """
    photo_dir = path.parent / f"{path.stem}_photos"
    copied: list[Path] = []
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", *COLUMNS])
    count = 0
    try:
        with db.reading() as session:  # copying photos takes a while: writers must not wait for it
            live = Product.deleted_at.is_(None)
            total = session.scalar(select(func.count()).select_from(Product).where(live)) or 0
            for product in session.scalars(select(Product).where(live).order_by(Product.id)).yield_per(1000):
                if cancel is not None and cancel():
                    raise Cancelled(_("The export was cancelled after {done} of {total} products; {file} was not "
                                      "written.").format(done=f"{count:,}", total=f"{total:,}", file=path.name))
                writer.writerow([product.id, *map(safe_cell, [
                    product.sku or "", product.title, product.description,
                    "" if product.price == NO_PRICE else str(product.price),  # a draft waiting for its price
                    product.currency, product.quantity, product.category, product.status, product.language,
                    format_attributes(product.attributes), _export_photos(store, product, photo_dir, copied),
                    "" if product.cost_price is None else str(product.cost_price),
                    *as_text(details_of(product)).values(),
                ])])
                count += 1
                if progress is not None and (count % EXPORT_PROGRESS_EVERY == 0 or count == total):
                    progress(count, total)
        try:
            atomic_write_text(path, "\ufeff" + out.getvalue())
        except OSError as exc:
            raise CsvFormatError(_("Cannot write {path}: {reason}.").format(path=path, reason=exc.strerror)) from exc
    except BaseException:
        _remove_copies(copied, photo_dir)
        raise
    return count


def _export_photos(store: ImageStore, product: Product, folder: Path, copied: list[Path]) -> str:
    names = []
    for image in product.images:
        source = store.original_path(image.sha256)
        target = folder / f"{image.sha256[:16]}{source.suffix}"
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            copied.append(target)
        names.append(f"{folder.name}/{target.name}")
    return ";".join(names)


def _remove_copies(copied: list[Path], folder: Path) -> None:
    """Take back the photos a stopped export copied (those already there before it are left alone)."""
    for target in copied:
        target.unlink(missing_ok=True)
    if copied and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()

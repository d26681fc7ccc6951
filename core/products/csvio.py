"""Bulk CSV import and export of products (sellers keep catalogues in spreadsheets)."""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from core.db.database import Database
from core.db.models import Product
from core.errors import SellerDeskError, ValidationError
from core.fileio import atomic_write_text
from core.products.fields import format_attributes
from core.products.service import image_rows, product_input, store_photos

if TYPE_CHECKING:  # Pillow loads only when photos are really handled
    from core.images.store import ImageStore

COLUMNS = ["sku", "title", "description", "price", "currency", "quantity", "category", "status", "language",
           "attributes", "images"]
REQUIRED = {"title", "price"}
MAX_ROWS = 100_000


@dataclass
class RowProblem:
    """A CSV row that was skipped, and why."""

    line: int
    field: str | None
    message: str


@dataclass
class ImportReport:
    """What a CSV import did: products created and updated (by SKU), rows skipped with reasons."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {"created": self.created, "updated": self.updated, "problems": [asdict(p) for p in self.problems]}


class CsvFormatError(SellerDeskError):
    """The file as a whole cannot be imported (not CSV, wrong encoding, wrong columns)."""


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CsvFormatError(f"Cannot read {path}: {exc.strerror}.") from exc
    try:
        return raw.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CsvFormatError(
            f"{path.name} is not UTF-8 text (first bad byte on line {line}).",
            hint="In Excel choose 'Save as' → 'CSV UTF-8'; in Google Sheets 'Download' → CSV.",
        ) from None


def _header_map(header: list[str], path: Path) -> dict[str, int]:
    names = [h.strip().lower() for h in header]
    unknown = [h for h in names if h and h not in COLUMNS and h != "id"]
    missing = REQUIRED - set(names)
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(sorted(missing))}")
        if unknown:
            parts.append(f"unknown column(s) {', '.join(unknown)}")
        raise CsvFormatError(
            f"{path.name} has {' and '.join(parts)}.", hint=f"Columns SellerDesk reads: {', '.join(COLUMNS)}."
        )
    return {name: i for i, name in enumerate(names) if name in COLUMNS}


def _photo_paths(cell: str, folder: Path) -> list[Path]:
    """Photo paths of one row: ``;``-separated, relative to the CSV's folder and never outside it."""
    paths = []
    root = folder.resolve()
    for name in (part.strip() for part in cell.split(";")):
        if not name:
            continue
        candidate = (root / name).resolve()
        if Path(name).is_absolute() or not candidate.is_relative_to(root):
            raise ValidationError(
                f"The photo path {name!r} points outside the CSV's folder.", field="images",
                hint="Put the photos in the CSV's folder (or below it) and give paths relative to it.",
            )
        paths.append(candidate)
    return paths


def import_products(
    db: Database, path: Path, *, store: ImageStore, default_currency: str = "INR"
) -> ImportReport:
    """Import products from a CSV file. A row whose SKU exists updates that product; others create new ones.

    Photos named in the ``images`` column (relative to the CSV's folder) are added to the product.
    Bad rows are reported by line number and skipped; good rows land even when others fail.
    A file with the wrong encoding or columns is refused as a whole before anything is stored.
    """
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise CsvFormatError(
            f"{path.name} is empty.", hint=f"The first line names the columns: {', '.join(COLUMNS)}."
        ) from None
    except csv.Error as exc:
        raise CsvFormatError(f"{path.name} is not a CSV file ({exc}).") from None
    columns = _header_map(header, path)
    report = ImportReport()
    with db.session() as session:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if line > MAX_ROWS + 1:
                report.problems.append(RowProblem(line, None, f"Only {MAX_ROWS} rows are read per file."))
                break
            values = {name: (row[i] if i < len(row) else "") for name, i in columns.items()}
            try:
                data = product_input(values, default_currency=default_currency)
                photos = store_photos(store, _photo_paths(values.get("images", ""), path.parent))
            except ValidationError as exc:
                report.problems.append(RowProblem(line, exc.field, str(exc)))
                continue
            except SellerDeskError as exc:
                report.problems.append(RowProblem(line, "images", str(exc)))
                continue
            existing = None
            if data.sku:
                existing = session.scalars(
                    select(Product).where(Product.sku == data.sku, Product.deleted_at.is_(None))
                ).first()
            with session.begin_nested():
                if existing is not None:
                    for key, value in asdict(data).items():
                        setattr(existing, key, value)
                    known = {image.sha256 for image in existing.images}
                    new = [p for p in photos if p.sha256 not in known]  # re-import adds no duplicate photos
                    existing.images.extend(image_rows(new, len(existing.images)))
                    session.flush()
                    report.updated.append(existing.id)
                else:
                    product = Product(**asdict(data))
                    product.images = image_rows(photos, 0)
                    session.add(product)
                    session.flush()
                    report.created.append(product.id)
    return report


def export_products(db: Database, path: Path, *, store: ImageStore) -> int:
    """Write every live product to ``path`` as UTF-8 CSV (with BOM, so Excel shows ₹ and Hindi right).

    Photos are copied into ``<name>_photos/`` beside the file, so the CSV imports again with its photos.
    """
    photo_dir = path.parent / f"{path.stem}_photos"
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", *COLUMNS])
    count = 0
    with db.session() as session:
        for product in session.scalars(
            select(Product).where(Product.deleted_at.is_(None)).order_by(Product.id)
        ).yield_per(1000):
            writer.writerow([
                product.id, product.sku or "", product.title, product.description, str(product.price),
                product.currency, product.quantity, product.category, product.status, product.language,
                format_attributes(product.attributes), _export_photos(store, product, photo_dir),
            ])
            count += 1
    try:
        atomic_write_text(path, "\ufeff" + out.getvalue())
    except OSError as exc:
        raise CsvFormatError(f"Cannot write {path}: {exc.strerror}.") from exc
    return count


def _export_photos(store: ImageStore, product: Product, folder: Path) -> str:
    names = []
    for image in product.images:
        source = store.original_path(image.sha256)
        target = folder / f"{image.sha256[:16]}{source.suffix}"
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        names.append(f"{folder.name}/{target.name}")
    return ";".join(names)

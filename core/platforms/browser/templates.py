"""The bulk-upload route: a portal's per-category Excel template filled from selected products, photos alongside.

It needs no browser, so it keeps working when a portal's pages change. Layouts are data
(resources/portals/templates/<platform>.json: columns with value sources, per-category columns, image columns,
how many products a file may hold). With the template the seller downloaded from the panel (``template``),
SellerDesk fills that file, finding each column by its header; without one it writes a workbook of the layout's
columns. Every product is checked first: nothing is written while a value the portal requires is missing.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import StorageError, ValidationError
from core.i18n import _
from core.paths import resources_dir
from core.platforms.browser.spec import FieldSpec
from core.platforms.connections import get_preferences
from core.platforms.publish import VariantSource
from core.platforms.specs import display_name
from core.spreadsheet import safe_cell

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from core.app import App
    from core.platforms.browser.catalog import Catalog

IMAGES_DIR = "images"


@dataclass(frozen=True)
class TemplateExport:
    """What was written: the workbook, the photo folder, and how many products and photos."""

    workbook: Path
    images: Path
    products: int
    photos: int
    filled_template: bool


def layout_path(platform: str) -> Path:
    """Where the bulk template layout of ``platform`` is (it may not exist: only some portals have one)."""
    return resources_dir() / "portals" / "templates" / f"{platform}.json"


def layout_of(platform: str) -> dict[str, Any]:
    """The bulk template layout of ``platform``; a platform without one is refused."""
    path = layout_path(platform)
    if not path.is_file():
        raise ValidationError(_("{platform} has no bulk upload template in SellerDesk.").format(
            platform=display_name(platform)), field="platform",
                              hint=_("Bulk templates exist for: {names}.").format(names="meesho, snapdeal"))
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StorageError(f"The template layout {path} cannot be read ({exc}).",
                           hint="Undo the last edit to it, or reinstall SellerDesk.") from exc
    return data


def categories(platform: str) -> list[str]:
    """The categories the layout of ``platform`` knows, in file order."""
    return list(layout_of(platform)["categories"])


def _norm(text: object) -> str:
    return " ".join(str(text or "").split()).casefold()


def _columns(layout: dict[str, Any], category: str) -> tuple[str, list[FieldSpec]]:
    known = {_norm(k): k for k in layout["categories"]}
    key = known.get(_norm(category))
    if key is None:
        raise ValidationError(_("The bulk template has no category '{category}'.").format(category=category),
                              field="category", hint=_("Choose one of: {choices}.").format(
                                  choices=", ".join(layout["categories"])))
    from core.platforms.browser.catalog import column_fields

    return key, column_fields(list(layout["columns"]) + list(layout["categories"][key].get("columns", [])))


def _rows(app: App, platform: str, layout: dict[str, Any], fields: list[FieldSpec], catalog: Catalog
          ) -> list[tuple[dict[str, str], list[Path]]]:
    from core.platforms.browser.catalog import design_values

    rows, problems = design_values(fields, catalog, get_preferences(app.db, platform))
    image_rules = layout["images"]
    out = []
    for request, row in zip(catalog.designs, rows, strict=True):
        photos = list(request.images[:int(image_rules["max"])])
        if not photos:
            problems.append(_("{product}: no photo. Add one in the Products tab.").format(
                product=request.product_label))
        low, high = image_rules.get("min_bytes", 0), image_rules.get("max_bytes", 0)
        for n, photo in enumerate(photos, 1):
            size = photo.stat().st_size
            if (low and size < low) or (high and size > high):
                problems.append(_("{product}: photo {n} is {size} KB; {platform} takes {low} KB to {high} MB. Use a "
                                  "larger original photo.").format(
                    product=request.product_label, n=n, size=size // 1024, platform=display_name(platform),
                    low=low // 1024, high=high // (1024 * 1024)))
        out.append((row, photos))
    if problems:
        raise ValidationError(_("The {platform} template was not written: {problems}").format(
            platform=display_name(platform), problems=" ".join(problems)), field="products")
    return out


def _header_row(sheet: Worksheet, headers: list[str]) -> tuple[int, dict[str, int]]:
    """The row of a downloaded template holding the most of our headers, and each header's column."""
    wanted = {_norm(h): h for h in headers}
    best: tuple[int, dict[str, int]] = (0, {})
    for r in range(1, min(sheet.max_row, 15) + 1):
        found = {wanted[_norm(c.value)]: c.column for c in sheet[r] if _norm(c.value) in wanted}
        if len(found) > len(best[1]):
            best = (r, found)
    return best


def export_template(app: App, platform: str, category: str, product_ids: Sequence[int], out_dir: Path, *,
                    template: Path | None = None, catalog_name: str | None = None,
                    variants: VariantSource | None = None) -> TemplateExport:
    """Fill ``platform``'s bulk template for ``category`` with the products, copying their photos alongside."""
    from openpyxl import Workbook, load_workbook  # only when a template is written

    # (and the catalog's browser driver: the Platforms tab asks only where the layout is)
    from core.platforms.browser.catalog import check_count, group_designs

    layout = layout_of(platform)
    name = display_name(platform)
    check_count(platform, layout, len(product_ids))
    key, fields = _columns(layout, category)
    image_headers = list(layout["images"]["headers"])
    headers = [f.key for f in fields] + image_headers
    catalog = group_designs(app, platform, layout, product_ids, catalog_name=catalog_name, variants=variants)
    rows = _rows(app, platform, layout, fields, catalog)
    if template is not None:
        book = load_workbook(template)
        sheet = book[layout["sheet"]] if layout["sheet"] in book.sheetnames else book.worksheets[0]
        header_row, where = _header_row(sheet, headers)
        missing = [h for h in headers if h not in where]
        if missing:
            raise ValidationError(_("The template {name} has no column {columns}.").format(
                name=template.name, columns=", ".join(missing)), field="template",
                                  hint=_("Download the '{key}' template again from the {platform} panel, or correct "
                                         "the layout in {path}.").format(
                                      key=key, platform=name, path=f"resources/portals/templates/{platform}.json"))
        first = header_row + 1
    else:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = layout["sheet"]
        sheet.append(headers)
        where = {h: i for i, h in enumerate(headers, 1)}
        first = 2
    out_dir.mkdir(parents=True, exist_ok=True)
    images = out_dir / IMAGES_DIR
    images.mkdir(exist_ok=True)
    copied = 0
    for i, (row, photos) in enumerate(rows):
        for header, value in row.items():
            sheet.cell(first + i, where[header], safe_cell(value))
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", row.get("SKU ID") or row.get("Seller SKU") or f"product-{i + 1}")
        for n, photo in enumerate(photos, 1):
            target = images / f"{stem}-{n}{photo.suffix.lower() or '.jpg'}"
            shutil.copyfile(photo, target)
            sheet.cell(first + i, where[image_headers[n - 1]], target.name)
            copied += 1
    slug = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
    workbook = out_dir / f"{platform}-{slug}.xlsx"
    book.save(workbook)
    return TemplateExport(workbook, images, len(rows), copied, template is not None)

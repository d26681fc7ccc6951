"""The bulk template route: a Meesho catalog of designs (Legal Metrology details included) or Snapdeal products
written into the portal's per-category Excel template, photos alongside; from the command line and the window."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from PIL import Image
from PySide6.QtCore import Qt

from core import cli
from core.app import App
from core.errors import ValidationError
from core.platforms.browser.templates import categories, export_template
from tests.portals.conftest import LEGAL_METROLOGY, add_product
from tests.portals.platform_page import click_on_page, tick

CATALOG = {"mrp": "499", "gst_rate": "12", "hsn_code": "6912", "material": "Stoneware", "capacity": "350 ml",
           **LEGAL_METROLOGY}


def photo(folder: Path, seed: int) -> Path:
    """A real photo of a few hundred KB (noise does not compress), as a seller's camera gives."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (700, 700), bytes(rng.getrandbits(8) for _ in range(700 * 700 * 3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    path = folder / f"photo-{seed}.jpg"
    path.write_bytes(out.getvalue())
    return path


def designs(app: App, platform: str, tmp_path: Path, colours: list[str],
            attributes: dict[str, str] | None = None) -> list[int]:
    ids = []
    for i, colour in enumerate(colours):
        shas = [app.image_store.add(photo(tmp_path, i * 10 + n)).sha256 for n in range(2)]
        ids.append(add_product(app, platform, sku=f"MUG-{colour.upper()}", title=f"Glazed Mug, {colour}",
                               photos=shas, attributes={**(attributes or CATALOG), "colour": colour}))
    return ids


def test_a_meesho_catalog_of_three_designs_with_legal_metrology(app: App, tmp_path: Path) -> None:
    ids = designs(app, "meesho", tmp_path, ["blue", "green", "ochre"])
    done = export_template(app, "meesho", "mugs", ids, tmp_path / "out")
    sheet = load_workbook(done.workbook)["Catalog"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 3 and (done.products, done.photos) == (3, 6)
    assert {r["Catalog Name"] for r in rows} == {"Glazed Mug, blue"}  # three designs, one catalog
    first = rows[0]
    assert (first["SKU ID"], first["Meesho Price"], first["MRP"], first["GST %"], first["HSN Code"]) == (
        "MUG-BLUE", "249", "499", "12", "6912")
    assert (first["Net Quantity"], first["Weight (g)"], first["Country of Origin"]) == ("1 N", "350", "India")
    assert first["Manufacturer Name"] == first["Packer Name"] == "Asha Handicrafts"
    assert first["Packer Address"] == "12 Potters Lane, Khurja, UP 203131"
    assert (first["Material"], first["Capacity"], first["Color"]) == ("Stoneware", "350 ml", "blue")
    assert first["Image 1 (Front)"] == "MUG-BLUE-1.jpg" and (done.images / "MUG-BLUE-1.jpg").stat().st_size > 0
    assert sorted(p.name for p in done.images.iterdir())[:2] == ["MUG-BLUE-1.jpg", "MUG-BLUE-2.jpg"]


def test_missing_legal_metrology_or_a_lone_design_is_refused_before_anything_is_written(
        app: App, tmp_path: Path) -> None:
    lacking = {k: v for k, v in CATALOG.items() if k != "net_quantity"}
    ids = designs(app, "meesho", tmp_path, ["blue", "green"], lacking)
    with pytest.raises(ValidationError) as caught:
        export_template(app, "meesho", "Mugs", ids, tmp_path / "out")
    assert "'Glazed Mug, blue': no Net quantity" in str(caught.value)
    assert "Fill in 'Net quantity' under Marketplace details in the product editor" in str(caught.value)
    with pytest.raises(ValidationError, match="Meesho takes 2 to 9 products in a catalog; 1 were chosen"):
        export_template(app, "meesho", "Mugs", ids[:1], tmp_path / "out")
    with pytest.raises(ValidationError, match="no category 'Garden'") as unknown:
        export_template(app, "meesho", "Garden", ids, tmp_path / "out")
    assert "Mugs" in str(unknown.value.hint)
    assert not (tmp_path / "out").exists()


def test_the_template_downloaded_from_the_panel_is_filled_by_header(app: App, tmp_path: Path) -> None:
    ids = designs(app, "snapdeal", tmp_path, ["blue", "green"], {"material": "Stoneware"})
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Products"
    sheet.append(["Snapdeal bulk upload - Mugs. Do not change the headers."])
    sheet.append(["Mandatory fields are marked"])
    headers = ["Seller SKU", "Product Name", "Warranty", "Selling Price", "MRP", "Brand", "Inventory", "Description",
               "Material", "Capacity"] + [f"Image {n}" for n in range(1, 6)]
    sheet.append(headers)
    downloaded = tmp_path / "snapdeal-mugs-template.xlsx"
    book.save(downloaded)
    done = export_template(app, "snapdeal", "Mugs", ids, tmp_path / "out", template=downloaded)
    filled = load_workbook(done.workbook)["Products"]
    assert filled["A1"].value.startswith("Snapdeal bulk upload") and done.filled_template
    row = {h: filled.cell(4, i + 1).value for i, h in enumerate(headers)}
    assert (row["Seller SKU"], row["Selling Price"], row["MRP"], row["Brand"]) == ("MUG-BLUE", "249.00", "249.00",
                                                                                  "Generic")
    assert row["Warranty"] is None and row["Image 1"] == "MUG-BLUE-1.jpg"
    assert filled.cell(5, 1).value == "MUG-GREEN"
    sheet.delete_cols(1)  # a template without the Seller SKU column is the wrong one
    book.save(downloaded)
    with pytest.raises(ValidationError, match="has no column Seller SKU"):
        export_template(app, "snapdeal", "Mugs", ids, tmp_path / "again", template=downloaded)


def test_snapdeal_refuses_photos_under_100_kb(app: App, tmp_path: Path) -> None:
    small = tmp_path / "small.jpg"
    Image.new("RGB", (300, 300), (200, 180, 160)).save(small, "JPEG")
    pid = add_product(app, "snapdeal", sku="TINY-1", title="Tiny photo mug", photos=[app.image_store.add(small).sha256],
                      attributes={"material": "Clay"})
    with pytest.raises(ValidationError, match=r"photo 1 is \d+ KB; Snapdeal takes 100 KB to 10 MB"):
        export_template(app, "snapdeal", "Mugs", [pid], tmp_path / "out")


def test_export_template_from_the_command_line(app: App, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = designs(app, "meesho", tmp_path, ["blue", "green", "ochre"])
    argv = ["--data-dir", str(app.data_dir), "--json", "platforms", "export-template", "meesho", "--category", "Mugs",
            "--products", ",".join(map(str, ids)), "--out", str(tmp_path / "cli"), "--catalog-name", "Glazed Mugs"]
    assert cli.main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["products"] == 3 and out["photos"] == 6
    assert load_workbook(out["workbook"])["Catalog"]["A2"].value == "Glazed Mugs"
    assert cli.main(["--data-dir", str(app.data_dir), "platforms", "export-template", "meesho", "--category", "Mugs",
                     "--products", "4,x"]) != 0
    assert "is not a list of product ids" in capsys.readouterr().err


def test_bulk_upload_file_from_the_window(app: App, tmp_path: Path, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.platforms import bulk_template

    ids = designs(app, "meesho", tmp_path, ["blue", "green"])
    monkeypatch.setattr(bulk_template.QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path / "win"))
    detail, tasks = click_on_page(app, qtbot, "meesho", "template_button")
    dialog = detail.template_dialog
    assert dialog is not None and [dialog.category.itemText(i) for i in range(dialog.category.count())] == \
        categories("meesho")
    tick(dialog.products, ids)
    qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=30_000)
    assert dialog.written.products == 2 and dialog.written.workbook.parent == tmp_path / "win"
    assert "Wrote 2 products" in dialog.status.text()
    dialog.grab().save(str(tmp_path / "bulk-dialog.png"))
    qtbot.waitUntil(lambda: not tasks._running, timeout=5_000)
    dialog.close()

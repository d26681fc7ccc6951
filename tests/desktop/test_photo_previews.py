"""The crop previews in the product editor: every platform's picture, the product never cut, and a warning
where a platform's shape would have cut it (clicked through as a seller would)."""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image, ImageDraw
from PySide6.QtCore import Qt

# The three shapes sellers struggle with, drawn on a light backdrop: (photo size, product box).
SHAPES = {
    "tall bottle": ((1200, 3600), (430, 180, 770, 3420)),
    "wide runner": ((4000, 1000), (120, 330, 3880, 670)),
    "4:3 product": ((4000, 3000), (500, 350, 3500, 2650)),
}


def product_photo(folder: Path, shape: str) -> Path:
    size, box = SHAPES[shape]
    image = Image.new("RGB", size, (228, 226, 222))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(box, radius=min(box[2] - box[0], box[3] - box[1]) // 6, fill=(40, 90, 150))
    draw.line((box[0], box[1], box[2], box[3]), fill=(240, 190, 60), width=25)  # corner to corner: cuts show
    path = folder / f"{shape.replace(' ', '-').replace(':', 'x')}.jpg"
    image.save(path, quality=90)
    return path


def _editor_with_photo(qtbot, window, photo: Path):  # type: ignore[no-untyped-def]
    window.new_product()
    editor = window.products.editor
    qtbot.keyClicks(editor.title, "Photo check")
    qtbot.keyClicks(editor.price, "100")
    qtbot.waitUntil(lambda: editor.product_id is not None, timeout=5000)
    editor.photos.add_files([str(photo)])
    qtbot.waitUntil(lambda: editor.photos.list.count() == 1, timeout=15000)
    return editor.photos


def _previews_done(panel) -> bool:  # type: ignore[no-untyped-def]
    return all(picture.pixmap() is not None and not picture.pixmap().isNull()
               for picture, _ in panel._preview_labels.values())


def test_a_tall_bottle_is_padded_not_cut_and_the_seller_is_told(qtbot, window, tmp_path: Path) -> None:
    panel = _editor_with_photo(qtbot, window, product_photo(tmp_path, "tall bottle"))
    qtbot.waitUntil(lambda: _previews_done(panel) and panel.warnings.isVisible(), timeout=30000)
    text = panel.warnings.text()
    assert "Pinterest: cropping to its shape would cut the product, so the picture is padded with white" in text
    assert "Instagram" in text
    assert "⚠" in panel._preview_labels["pinterest"][1].text()
    assert "⚠" not in panel._preview_labels["meesho"][1].text()  # fit platforms are meant to be padded
    _save(panel, "tall-bottle-white")

    # The seller prefers a blurred extension: chosen in the panel, kept in the settings, previews redone.
    panel.padding.setFocus()
    qtbot.keyClick(panel.padding, Qt.Key.Key_Down)  # the seller picks the next choice with the keyboard
    assert window.app.settings.get("images.padding") == "blur"
    qtbot.waitUntil(lambda: "blurred extension" in panel.warnings.text(), timeout=30000)
    _save(panel, "tall-bottle-blur")


def test_a_wide_runner_and_a_4_3_product_show_every_platform(qtbot, window, tmp_path: Path) -> None:
    for shape in ("wide runner", "4:3 product"):
        panel = _editor_with_photo(qtbot, window, product_photo(tmp_path, shape))
        qtbot.waitUntil(lambda p=panel: _previews_done(p), timeout=30000)
        qtbot.waitUntil(lambda p=panel: p.warnings.isVisible(), timeout=30000)
        captions = {name: caption.text() for name, (_, caption) in panel._preview_labels.items()}
        assert captions["shopify"].endswith("×2000") or "2048×2048" in captions["shopify"]  # square, never cut
        assert "Pinterest" in panel.warnings.text()
        _save(panel, shape.replace(" ", "-").replace(":", "x"))


def _save(panel, name: str) -> None:  # type: ignore[no-untyped-def]
    # CROP_SCREENSHOTS=DIR keeps a picture of the panel for a person to look at.
    folder = os.environ.get("CROP_SCREENSHOTS")
    if folder:
        panel.grab().save(str(Path(folder) / f"crops-{name}.png"))


def test_a_product_too_small_in_its_photo_is_flagged_on_snapdeal(qtbot, window, tmp_path: Path) -> None:
    # A small photo of a small charm: Snapdeal wants the product to fill 75 % of its picture, and a closer crop
    # would blow this photo up too far.
    image = Image.new("RGB", (800, 600), (228, 226, 222))
    ImageDraw.Draw(image).rounded_rectangle((355, 255, 445, 345), radius=12, fill=(40, 90, 150))
    path = tmp_path / "charm.jpg"
    image.save(path, quality=92)
    panel = _editor_with_photo(qtbot, window, path)
    qtbot.waitUntil(lambda: _previews_done(panel) and panel.warnings.isVisible(), timeout=30000)
    picture, caption = panel._preview_labels["snapdeal"]
    assert "⚠" in caption.text()
    assert "Snapdeal asks for the product to fill at least 75 % of the picture; in this photo it fills" in (
        panel.warnings.text())
    assert "Take the photo closer to the product" in picture.toolTip()
    _save(panel, "small-charm")

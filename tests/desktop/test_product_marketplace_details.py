"""The product editor's Marketplace details section, clicked through as a seller would."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from core.products import marketplace
from core.products.service import create_product, get_product, product_input


def _new_product(qtbot, window) -> int:
    window.new_product()
    editor = window.products.editor
    qtbot.keyClicks(editor.title, "Blue glazed mug")
    qtbot.keyClicks(editor.price, "249")
    qtbot.waitUntil(lambda: editor.product_id is not None, timeout=5000)
    return editor.product_id


def test_marketplace_details_open_fill_and_save(qtbot, window) -> None:
    product_id = _new_product(qtbot, window)
    section = window.products.editor.details
    assert section.body is None or not section.body.isVisible()
    qtbot.mouseClick(section.toggle, Qt.MouseButton.LeftButton)
    assert section.body is not None and section.body.isVisible()
    typed = {"mrp": "299", "net_quantity": "1 N", "weight_grams": "350", "country_of_origin": "India",
             "hsn_code": "6912", "gst_percent": "12", "manufacturer_name": "Asha Pottery",
             "manufacturer_address": "12 Kiln Rd, Khurja 203131"}
    for key, text in typed.items():
        qtbot.mouseClick(section.fields[key], Qt.MouseButton.LeftButton)
        qtbot.keyClicks(section.fields[key], text)
    qtbot.waitUntil(lambda: get_product(window.app.db, product_id).legal.get("manufacturer_address")
                    == "12 Kiln Rd, Khurja 203131", timeout=5000)
    stored = get_product(window.app.db, product_id)
    assert (stored.mrp, stored.weight_grams, stored.hsn_code, stored.gst_percent, stored.net_quantity) == (
        Decimal("299"), 350, "6912", Decimal("12"), "1 N")
    window.products.editor.grab().save("/tmp/eng20-editor.png")


def test_a_bad_hsn_is_shown_under_its_field_and_not_saved(qtbot, window) -> None:
    product_id = _new_product(qtbot, window)
    editor = window.products.editor
    qtbot.mouseClick(editor.details.toggle, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor.details.fields["hsn_code"], "691")
    error = editor.details.errors["hsn_code"]
    qtbot.waitUntil(error.isVisible, timeout=5000)
    assert "must be 4, 6 or 8 digits" in error.text()
    assert editor.details.fields["hsn_code"].property("invalid") is True
    assert get_product(window.app.db, product_id).hsn_code is None
    qtbot.keyClicks(editor.details.fields["hsn_code"], "2")
    qtbot.waitUntil(lambda: get_product(window.app.db, product_id).hsn_code == "6912", timeout=5000)
    assert not error.isVisible()


def test_saved_details_come_back_when_the_product_is_opened(qtbot, window) -> None:
    first = _new_product(qtbot, window)
    editor = window.products.editor
    qtbot.mouseClick(editor.details.toggle, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor.details.fields["packer_name"], "Pack Co")
    qtbot.waitUntil(lambda: get_product(window.app.db, first).legal == {"packer_name": "Pack Co"}, timeout=5000)
    _new_product(qtbot, window)
    assert editor.details.fields["packer_name"].text() == ""
    editor.load(first)
    assert editor.details.fields["packer_name"].text() == "Pack Co"
    assert editor.details.body is not None and editor.details.body.isVisible()


def _open(qtbot, window, product_id: int) -> None:
    """Pick ``product_id`` in the Products list, as a seller clicking its row."""
    products = window.products
    products.model.refresh()
    qtbot.waitUntil(lambda: products.model.row_of(product_id) is not None, timeout=5000)
    products.select(product_id)
    qtbot.waitUntil(lambda: products.editor.product_id == product_id and products.editor.isVisible(), timeout=5000)


def _marketplace_edits(widget) -> list[QLineEdit]:
    names = {marketplace.label(key) for key in marketplace.FIELDS}
    return [edit for edit in widget.findChildren(QLineEdit) if edit.accessibleName() in names]


def test_the_section_is_built_on_its_first_opening_and_shows_the_products_values(qtbot, window) -> None:
    editor = window.products.editor
    plain = create_product(window.app.db, product_input({"title": "Plain mug", "price": "199"})).id
    _open(qtbot, window, plain)
    assert not editor.details.built and _marketplace_edits(window) == []  # not made for the first paint
    qtbot.mouseClick(editor.title, Qt.MouseButton.LeftButton)
    editor.title.end(False)
    qtbot.keyClicks(editor.title, " XL")
    qtbot.waitUntil(lambda: get_product(window.app.db, plain).title == "Plain mug XL", timeout=5000)
    stored = get_product(window.app.db, plain)
    assert (stored.hsn_code, stored.mrp, stored.legal) == (None, None, {})  # the unbuilt section cleared nothing
    assert not editor.details.built

    qtbot.mouseClick(editor.details.toggle, Qt.MouseButton.LeftButton)
    assert editor.details.built and editor.details.body.isVisible()
    assert len(_marketplace_edits(window)) == len(marketplace.FIELDS)
    assert all(edit.text() == "" for edit in editor.details.fields.values())
    qtbot.mouseClick(editor.details.toggle, Qt.MouseButton.LeftButton)
    assert not editor.details.body.isVisible()


def test_a_product_with_details_builds_the_section_with_its_values(qtbot, window) -> None:
    detailed = create_product(window.app.db, product_input(
        {"title": "Glazed mug", "price": "249", "mrp": "299", "hsn_code": "6912", "packer_name": "Pack Co"})).id
    section = window.products.editor.details
    assert not section.built
    _open(qtbot, window, detailed)
    assert section.built and section.body.isVisible()  # opened, as details are there
    assert (section.fields["mrp"].text(), section.fields["hsn_code"].text(), section.fields["packer_name"].text()) \
        == ("299", "6912", "Pack Co")
    qtbot.mouseClick(section.toggle, Qt.MouseButton.LeftButton)  # closed and opened again: the same values
    qtbot.mouseClick(section.toggle, Qt.MouseButton.LeftButton)
    assert section.body.isVisible() and section.values()["hsn_code"] == "6912"

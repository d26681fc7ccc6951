"""A first run that starts from photos: the empty Products tab says what to do, and photos picked or dropped there
become a new draft product with its title ready for typing; a draft may wait for its price, nothing else may."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from core.errors import ValidationError
from core.platforms.publish import build_listing_request
from core.products.csvio import export_products, import_products
from core.products.listing import list_products
from core.products.photos import create_from_photos, title_from_photos
from core.products.service import create_product, get_product, product_input, update_product


def test_an_empty_shop_starts_from_picked_photos(qtbot, window, photos: list[Path], monkeypatch) -> None:
    tab = window.products
    assert tab.pages.currentWidget() is tab.empty
    assert "Start with a photo" in [label.text() for label in tab.empty.findChildren(type(tab.count))]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: ([str(p) for p in photos], ""))
    qtbot.mouseClick(tab.empty.pick, Qt.MouseButton.LeftButton)
    editor = tab.editor
    qtbot.waitUntil(lambda: editor.product_id is not None, timeout=10_000)
    assert tab.pages.currentWidget() is tab.splitter
    product = get_product(window.app.db, editor.product_id)
    assert (product.title, product.price, product.status, len(product.images)) == ("New product", 0, "draft", 3)
    assert editor.title.selectedText() == "New product" and editor.price.text() == ""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.title)
    qtbot.keyClicks(editor.title, "Blue ceramic mug")  # replaces the selected first title
    assert editor.save_now()  # a draft is kept without a price
    assert get_product(window.app.db, product.id).title == "Blue ceramic mug"
    qtbot.keyClicks(editor.price, "450")
    assert editor.save_now() and get_product(window.app.db, product.id).price == 450


def test_photos_dropped_on_the_tab_make_a_product_named_after_them(qtbot, window, photos: list[Path]) -> None:
    tab = window.products
    named = photos[0].with_name("brass-diya_gold.jpg")
    photos[0].rename(named)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(named)), QUrl.fromLocalFile(str(photos[1])),
                  QUrl.fromLocalFile(str(named.with_name("notes.txt")))])  # not a photo: left out
    where = QPointF(tab.width() / 2, tab.height() / 2)
    enter = QDragEnterEvent(where.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(tab, enter)  # Qt delivers the drop to the widget that took the drag in
    assert enter.isAccepted() and tab.empty.drop_hint.isVisibleTo(tab)
    drop = QDropEvent(where, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(tab, drop)
    qtbot.waitUntil(lambda: tab.editor.product_id is not None, timeout=10_000)
    product = get_product(window.app.db, tab.editor.product_id)
    assert product.title == "Brass diya gold" and len(product.images) == 2
    assert [row["id"] for row in list_products(window.app.db)] == [product.id]  # the text file made nothing


def test_file_add_photos_with_no_product_open_starts_one(qtbot, window, photos: list[Path], monkeypatch) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: ([str(photos[2])], ""))
    action = next(a for a in window.menuBar().actions()[0].menu().actions() if a.text() == "Add &photos…")
    action.trigger()
    qtbot.waitUntil(lambda: window.products.editor.product_id is not None, timeout=10_000)
    assert len(get_product(window.app.db, window.products.editor.product_id).images) == 1


def test_a_draft_waits_for_its_price_but_nothing_is_listed_without_one(app, photos: list[Path], tmp_path) -> None:
    draft = create_from_photos(app.db, app.image_store, photos[:1], currency="INR")
    with pytest.raises(ValidationError, match="has no price yet"):
        build_listing_request(app.db, draft.id, "etsy", variants=None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="A ready product needs a price"):
        update_product(app.db, draft.id, {"status": "ready"})
    with pytest.raises(ValidationError, match="A ready product needs a price"):
        create_product(app.db, product_input({"title": "Mug", "price": "", "status": "ready"}))
    with pytest.raises(ValidationError, match="more than zero"):
        create_product(app.db, product_input({"title": "Mug", "price": "0"}))  # a 0 typed is a slip, not "later"
    path = tmp_path / "out.csv"
    export_products(app.db, path, store=app.image_store)
    assert ",New product,," in path.read_text(encoding="utf-8-sig")  # the price cell is empty, not 0
    again = import_products(app.db, path, store=app.image_store)
    assert not again.problems and again.updated == [] and len(again.created) == 1  # no SKU: a second draft
    assert get_product(app.db, again.created[0]).price == 0


def test_the_cli_starts_from_photos_too(cli, photos: list[Path]) -> None:
    named = photos[0].rename(photos[0].with_name("kantha_quilt.jpg"))
    result = cli("products", "add", "--image", str(named), "--image", str(photos[1]))
    assert result.code == 0 and "Added product #1: Kantha quilt (a draft: give it a price" in result.out
    assert "A ready product needs a price" in cli("products", "edit", "1", "--status", "ready").err
    assert cli("products", "edit", "1", "--price", "2400", "--status", "ready").code == 0


def test_titles_come_from_names_people_gave_photos() -> None:
    assert title_from_photos([Path("IMG_20251203_101010.jpg"), Path("kantha-quilt.jpg")]) == "Kantha quilt"
    assert title_from_photos([Path("WhatsApp Image 2025-11-02 at 10.22.31.jpeg")]) == "New product"
    assert title_from_photos([Path("हाथ से बना दीया.jpg")]) == "हाथ से बना दीया"

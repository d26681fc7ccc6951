"""An open product editor and a sync round that changes its product, clicked through in the window against the real
service with a second computer: a form without unsaved edits shows the new content; one with edits asks (Reload /
Keep mine) and its autosave never writes the old fields back over the synced change."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from sqlalchemy import select

from core.db.models import Product
from core.products.service import create_product, delete_product, product_input, update_product
from core.sync.engine import sync_now
from desktop.products.editor import ProductEditor
from tests.sync.conftest import PASSWORD, Device, LiveServer
from tests.sync.test_desktop import WAIT_MS, shoot

TYPING_MS = 60_000  # the autosave delay while the seller is still typing (the real one is 600 ms)


def _stored(db_owner, sku: str) -> tuple[str, str, str]:
    with db_owner.app.db.session() as session:
        row = session.scalars(select(Product).where(Product.sku == sku)).one()
        return row.title, str(row.price), row.description


def _binned(device, sku: str) -> bool:
    with device.app.db.session() as session:
        return session.scalars(select(Product.deleted_at).where(Product.sku == sku)).one() is not None


def _signed_in_pair(window, qtbot, make_device, server: LiveServer) -> Device:
    """The window's computer and a laptop on one account, both holding the laptop's lamp; the lamp open in the
    window's editor (clicked in the list)."""
    laptop = make_device("laptop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    create_product(laptop.app.db, product_input({"title": "Brass lamp", "price": "1200", "sku": "L1",
                                                 "description": "Hand-beaten brass."}))
    laptop.sync()
    ui = window.sync
    ui.controller.account.sign_in("asha@example.com", PASSWORD, server_url=server.url)
    ui.controller.refresh()
    ui.sync_action.trigger()
    tab = window.products
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not ui.controller.syncing, timeout=WAIT_MS)
    table = tab.table
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(tab.model.index(0, 1)).center())
    assert tab.editor.title.text() == "Brass lamp" and tab.editor.isEnabled()
    return laptop


def _type_at_end(qtbot, widget, text: str) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


def _sync_window(window, qtbot) -> None:
    ui = window.sync
    ui.sync_action.trigger()
    qtbot.waitUntil(lambda: ui.controller.syncing, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not ui.controller.syncing, timeout=WAIT_MS)


def _edits_then_theirs(window, qtbot, make_device, server: LiveServer, field: str, typed: str,
                       theirs: dict[str, str]) -> tuple[Device, ProductEditor]:
    """The seller types ``typed`` into ``field`` and is still typing (no autosave yet) while the laptop's change
    ``theirs`` reaches the service."""
    laptop = _signed_in_pair(window, qtbot, make_device, server)
    editor = window.products.editor
    editor._timer.setInterval(TYPING_MS)
    _type_at_end(qtbot, getattr(editor, field), typed)
    update_product(laptop.app.db, 1, theirs)
    laptop.sync()
    return laptop, editor


def test_an_editor_without_edits_shows_the_synced_change(window, qtbot, make_device, server: LiveServer,
                                                         tmp_path: Path) -> None:
    laptop = _signed_in_pair(window, qtbot, make_device, server)
    editor = window.products.editor
    lamp_id = editor.product_id
    update_product(laptop.app.db, 1, {"title": "Brass lamp (large)", "price": "1500"})
    laptop.sync()

    _sync_window(window, qtbot)
    qtbot.waitUntil(lambda: editor.title.text() == "Brass lamp (large)", timeout=WAIT_MS)
    assert editor.price.text() == "1500" and editor.heading.text() == "Brass lamp (large)"
    assert editor.state.text() == "Updated from another computer" and not editor.changed_bar.isVisible()
    assert window.products.selected_ids() == [lamp_id]  # still selected in the list
    shoot(editor, tmp_path / "editor-refreshed.png")

    # The seller edits the refreshed form: the autosave keeps the other computer's title and price.
    _type_at_end(qtbot, editor.description, " Polished.")
    qtbot.waitUntil(lambda: editor.state.text() == "All changes saved", timeout=WAIT_MS)
    _sync_window(window, qtbot)
    laptop.sync()
    assert _stored(laptop, "L1") == ("Brass lamp (large)", "1500", "Hand-beaten brass. Polished.")


def test_unsaved_edits_ask_and_reload_takes_the_other_computers_version(window, qtbot, make_device,
                                                                        server: LiveServer, tmp_path: Path) -> None:
    _laptop, editor = _edits_then_theirs(window, qtbot, make_device, server, "description", " Polished.",
                                         {"price": "1800"})
    _sync_window(window, qtbot)
    qtbot.waitUntil(editor.changed_bar.isVisible, timeout=WAIT_MS)
    assert "changed on another computer" in editor.changed_bar.text.text()
    assert "(Price)" in editor.changed_bar.text.text()
    assert editor.description.toPlainText() == "Hand-beaten brass. Polished." and editor.price.text() == "1200"
    assert editor.state.text() == "Not saved yet"
    window.resize(1280, 800)
    shoot(editor, tmp_path / "editor-changed-elsewhere.png")
    assert editor.save_now() is False  # the autosave holds while the seller has not chosen
    assert _stored(window, "L1") == ("Brass lamp", "1800", "Hand-beaten brass.")

    qtbot.mouseClick(editor.changed_bar.reload, Qt.MouseButton.LeftButton)
    assert not editor.changed_bar.isVisible()
    assert editor.price.text() == "1800" and editor.description.toPlainText() == "Hand-beaten brass."
    assert editor.journal.load(editor.journal_key) is None  # the dropped edits are not offered back later
    _type_at_end(qtbot, editor.title, " XL")  # the form saves normally again
    editor.save_now()
    assert _stored(window, "L1") == ("Brass lamp XL", "1800", "Hand-beaten brass.")


def test_keep_mine_saves_the_form_and_sends_it(window, qtbot, make_device, server: LiveServer) -> None:
    laptop, editor = _edits_then_theirs(window, qtbot, make_device, server, "title", " (gift)",
                                        {"description": "Brass, beaten by hand in Moradabad."})
    _sync_window(window, qtbot)
    qtbot.waitUntil(editor.changed_bar.isVisible, timeout=WAIT_MS)
    assert "(Description)" in editor.changed_bar.text.text()
    qtbot.mouseClick(editor.changed_bar.keep_mine, Qt.MouseButton.LeftButton)
    assert not editor.changed_bar.isVisible() and editor.state.text() == "All changes saved"
    assert _stored(window, "L1") == ("Brass lamp (gift)", "1200", "Hand-beaten brass.")
    _sync_window(window, qtbot)
    assert window.sync.button.text().startswith("● Up to date ")  # a choice, not a conflict
    laptop.sync()
    assert _stored(laptop, "L1") == ("Brass lamp (gift)", "1200", "Hand-beaten brass.")


def test_an_autosave_after_a_round_the_window_has_not_heard_of_asks_first(window, qtbot, make_device,
                                                                          server: LiveServer) -> None:
    """The round may apply the other computer's edit just before the autosave timer fires (before the window
    hears that the round ended): the save notices the product changed under the form and asks."""
    _laptop, editor = _edits_then_theirs(window, qtbot, make_device, server, "description", " Polished.",
                                         {"title": "Brass lamp (large)"})
    sync_now(window.sync.controller.account)  # applied here; the window's views were not told

    editor._timer.setInterval(10)
    _type_at_end(qtbot, editor.description, "!")  # the next keystroke's autosave
    qtbot.waitUntil(editor.changed_bar.isVisible, timeout=WAIT_MS)
    assert "(Title)" in editor.changed_bar.text.text()
    assert _stored(window, "L1") == ("Brass lamp (large)", "1200", "Hand-beaten brass.")

    # Closing over the question and opening the product again asks again (the journal remembers the base).
    window.products.new_product()
    qtbot.mouseClick(window.products.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.products.table.visualRect(window.products.model.index(0, 1)).center())
    assert editor.description.toPlainText() == "Hand-beaten brass. Polished.!"
    assert editor.changed_bar.isVisible() and _stored(window, "L1")[0] == "Brass lamp (large)"


def test_a_product_deleted_elsewhere_asks_while_edited_and_keep_mine_puts_it_back(window, qtbot, make_device,
                                                                                 server: LiveServer) -> None:
    laptop = _signed_in_pair(window, qtbot, make_device, server)
    editor = window.products.editor
    editor._timer.setInterval(TYPING_MS)
    _type_at_end(qtbot, editor.description, " Polished.")
    delete_product(laptop.app.db, 1)
    laptop.sync()

    _sync_window(window, qtbot)
    qtbot.waitUntil(editor.changed_bar.isVisible, timeout=WAIT_MS)
    assert "deleted on another computer" in editor.changed_bar.text.text()
    assert window.products.model.rowCount() == 0 and editor.save_now() is False
    qtbot.mouseClick(editor.changed_bar.keep_mine, Qt.MouseButton.LeftButton)
    assert editor.state.text() == "All changes saved" and window.products.model.rowCount() == 1
    _sync_window(window, qtbot)
    laptop.sync()
    assert _stored(laptop, "L1") == ("Brass lamp", "1200", "Hand-beaten brass. Polished.")
    assert not _binned(laptop, "L1")

    # Deleted again, with nothing unsaved here: the editor closes and says so.
    delete_product(laptop.app.db, 1)
    laptop.sync()
    _sync_window(window, qtbot)
    qtbot.waitUntil(lambda: not editor.isEnabled(), timeout=WAIT_MS)
    assert window.products.model.rowCount() == 0 and editor.product_id is None
    assert "“Brass lamp” was deleted on another computer." in window.statusBar().currentMessage()

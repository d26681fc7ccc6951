"""The window's side: the Account menu, the status bar button, the sign-in dialog (with "check your email" and
Resend, and a password reset by emailed code) and conflict dialogs (offscreen, with
screenshots saved next to the test's files), against the real service."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QWidget
from shiboken6 import isValid

from core.products.service import create_product, product_input, update_product
from core.sync.engine import sync_now
from core.sync.errors import SyncError
from desktop.sync.conflict_dialog import ConflictDialog
from desktop.sync.signin_dialog import SignInDialog
from tests.fakes.mailbox import reset_code
from tests.sync.conftest import PASSWORD, LiveServer

WAIT_MS = 15_000


def shoot(widget: QWidget, path: Path) -> None:
    assert widget.grab().save(str(path)) and path.stat().st_size > 2000


def test_sign_in_dialog_and_status_bar(window, qtbot, server, tmp_path: Path) -> None:
    ui = window.sync
    assert ui.button.text() == "● Sync: signed out"
    assert [a.text() for a in window.menuBar().actions()][-2:] == ["&Account", "&Help"]
    assert not ui.sync_action.isEnabled() and not ui.sign_out_action.isEnabled()

    ui.button.click()  # signed out: the click asks to sign in
    dialog = window.findChild(SignInDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.server.setText(server.url)
    dialog.email.setText("asha@example.com")
    dialog.new_account.setChecked(True)
    dialog.password.setText("short")
    dialog.submit.click()
    assert "10 characters" in dialog.error.text()
    dialog.password.setText(PASSWORD)
    dialog.again.setText(PASSWORD)
    shoot(dialog, tmp_path / "signin-dialog.png")
    dialog.submit.click()
    # A new account: the dialog says which address to check, and offers to send the email again.
    qtbot.waitUntil(dialog.confirm_box.isVisible, timeout=WAIT_MS)
    assert "Check your email to confirm your address" in dialog.confirm_note.text()
    assert "asha@example.com" in dialog.confirm_note.text() and not dialog.submit.isVisible()
    dialog.resend.click()
    qtbot.waitUntil(dialog.notice.isVisible, timeout=WAIT_MS)
    assert "on its way to asha@example.com" in dialog.notice.text()
    shoot(dialog, tmp_path / "signin-confirm-email.png")
    dialog.resend.click()  # again at once: the service asks to wait, said plainly
    qtbot.waitUntil(dialog.error.isVisible, timeout=WAIT_MS)
    assert "wait" in dialog.error.text() and dialog.resend.isEnabled()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: not isValid(dialog), timeout=WAIT_MS)  # closed and deleted
    qtbot.waitUntil(lambda: ui.button.text() == "● Sync paused — confirm your email", timeout=WAIT_MS)
    assert ui.sign_out_action.isEnabled() and ui.sign_in_action.text() == "Signed in as asha@example.com"
    shoot(window.statusBar(), tmp_path / "status-confirm-email.png")

    ui.button.click()  # the status says what to do: the same "check your email" view opens
    again = window.findChild(SignInDialog)
    assert again is not None and again.confirm_box.isVisible() and not again.sign_in_box.isVisible()
    server.confirm("asha@example.com")  # the seller opens the newest link in the browser
    again.check_again.click()
    qtbot.waitUntil(lambda: not isValid(again), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: ui.button.text().startswith("● Up to date "), timeout=WAIT_MS)

    create_product(window.app.db, product_input({"title": "Lamp", "price": "500"}))
    ui.controller.refresh()
    assert "1 change waiting" in ui.button.text()
    ui.button.click()  # signed in: the click syncs now
    qtbot.waitUntil(lambda: ui.button.text().startswith("● Up to date "), timeout=WAIT_MS)
    shoot(window.statusBar(), tmp_path / "status-up-to-date.png")

    server.stop()
    update_product(window.app.db, 1, {"title": "Brass lamp"})
    ui.sync_action.trigger()
    qtbot.waitUntil(lambda: ui.button.text() == "● Offline — 1 change waiting for network", timeout=WAIT_MS)
    shoot(window.statusBar(), tmp_path / "status-offline.png")
    server.start()
    ui.controller.sync_now()
    qtbot.waitUntil(lambda: ui.button.text().startswith("● Up to date "), timeout=WAIT_MS)

    ui.controller.sign_out()
    qtbot.waitUntil(lambda: ui.button.text() == "● Sync: signed out", timeout=WAIT_MS)
    assert not ui.sync_action.isEnabled()


def test_wrong_password_is_said_in_the_dialog(window, qtbot, server, tmp_path: Path) -> None:
    ui = window.sync
    ui.sign_in_action.trigger()
    dialog = window.findChild(SignInDialog)
    dialog.server.setText(server.url)
    dialog.email.setText("nobody@example.com")
    dialog.password.setText("not the password")
    dialog.submit.click()
    qtbot.waitUntil(dialog.error.isVisible, timeout=WAIT_MS)
    assert dialog.error.text().startswith("The email or password is wrong.")
    assert dialog.submit.isEnabled() and dialog.isVisible()
    shoot(dialog, tmp_path / "signin-wrong-password.png")
    dialog.reject()
    assert ui.button.text() == "● Sync: signed out"


def test_conflict_dialog_shows_both_versions_and_keeps_the_choice(window, qtbot, make_device, tmp_path: Path,
                                                                  server: LiveServer) -> None:
    ui = window.sync
    laptop = make_device("laptop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    ui.controller.account.sign_in("asha@example.com", PASSWORD, server_url=laptop.account.server_url)
    lamp = create_product(laptop.app.db, product_input({"title": "Brass lamp", "price": "1200", "sku": "L1",
                                                        "description": "Hand-beaten brass."}))
    laptop.sync()
    sync_now(ui.controller.account)
    update_product(laptop.app.db, lamp.id, {"title": "Brass lamp (large)", "price": "1500"})
    update_product(window.app.db, 1, {"title": "Diwali brass lamp", "quantity": "4"})
    laptop.sync()
    ui.controller.sync_now()
    qtbot.waitUntil(lambda: ui.button.text() == "● 1 conflict to resolve", timeout=WAIT_MS)
    assert ui.conflicts_action.isEnabled()
    shoot(window.statusBar(), tmp_path / "status-conflict.png")

    ui.button.click()  # conflicts: the click opens them
    dialog = window.findChild(ConflictDialog)
    assert dialog is not None and dialog.list.count() == 1
    cells = {dialog.table.item(r, 0).text(): (dialog.table.item(r, 1).text(), dialog.table.item(r, 2).text())
             for r in range(dialog.table.rowCount())}
    assert cells["Title"] == ("Diwali brass lamp", "Brass lamp (large)")
    assert cells["Price"] == ("1200", "1500") and cells["Quantity"] == ("4", "1")
    shoot(dialog, tmp_path / "conflict-dialog.png")
    dialog.keep_mine.click()
    qtbot.waitUntil(lambda: dialog.heading.text() == "No conflicts left", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: ui.button.text().startswith("● Up to date "), timeout=WAIT_MS)
    dialog.accept()
    laptop.sync()
    with laptop.app.db.session() as session:
        from core.db.models import Product

        kept = session.get(Product, lamp.id)
        assert kept is not None and (kept.title, kept.quantity, str(kept.price)) == ("Diwali brass lamp", 4, "1200")


def test_forgotten_password_is_reset_from_the_dialog(window, qtbot, make_device, server: LiveServer,
                                                     tmp_path: Path) -> None:
    laptop = make_device("laptop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    window.sync.sign_in_action.trigger()
    dialog = window.findChild(SignInDialog)
    dialog.server.setText(server.url)
    dialog.email.setText("asha@example.com")
    dialog.forgot.click()
    assert dialog.reset_box.isVisible()
    dialog.send_code.click()
    qtbot.waitUntil(dialog.notice.isVisible, timeout=WAIT_MS)
    assert "If an account uses this address" in dialog.notice.text()
    dialog.code.setText(reset_code(server.mailbox, "asha@example.com"))
    dialog.new_password.setText("password123")
    dialog.set_password.click()
    qtbot.waitUntil(dialog.error.isVisible, timeout=WAIT_MS)
    assert "too easy to guess" in dialog.error.text()
    dialog.new_password.setText("lantern otter velvet 42")
    shoot(dialog, tmp_path / "signin-reset.png")
    dialog.set_password.click()
    qtbot.waitUntil(lambda: "password is changed" in dialog.notice.text(), timeout=WAIT_MS)
    assert not dialog.reset_box.isVisible() and dialog.password.text() == "lantern otter velvet 42"
    dialog.submit.click()
    qtbot.waitUntil(lambda: not isValid(dialog), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.sync.button.text().startswith("● Up to date "), timeout=WAIT_MS)
    with pytest.raises(SyncError):
        laptop.sync()  # the other computer was signed out by the reset

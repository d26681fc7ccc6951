"""Edit → Settings, clicked as a seller would: grouped settings, plain refusals, secrets that are never shown."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QMessageBox

from core.preferences.layout import GROUPS


def _open(qtbot, window):
    action = next(a for a in window.menuBar().actions()[1].menu().actions() if a.text() == "&Settings…")
    assert action.shortcut().toString() == "Ctrl+,"
    action.trigger()
    dialog = window.settings_dialog
    qtbot.waitUntil(dialog.isVisible)
    qtbot.waitUntil(lambda: dialog.secret("gemini:api_key").stored is not None)  # the keychain has answered
    return dialog


def _click(qtbot, dialog, which: QDialogButtonBox.StandardButton) -> None:
    qtbot.mouseClick(dialog.buttons.button(which), Qt.MouseButton.LeftButton)


def test_groups_hold_every_setting_and_saving_takes_effect_at_once(qtbot, window) -> None:
    dialog = _open(qtbot, window)
    assert [dialog.groups.item(row).text() for row in range(dialog.groups.count())] == list(GROUPS)
    assert "general.timezone" in dialog.editors and "platforms.shopify.shop_domain" not in dialog.editors  # built
    # when first shown
    assert dialog.editor("platforms.shopify.api_version").place.group == "Advanced"
    for row in range(dialog.groups.count()):
        dialog.groups.setCurrentRow(row)
    assert "general.first_run_done" not in dialog.editors
    from core.settings import schema

    assert set(dialog.editors) == set(schema()) - {"general.first_run_done"}  # every other setting has a field
    theme = dialog.editor("general.theme").field
    theme.setCurrentIndex(theme.findData("dark"))
    shop = dialog.editor("platforms.shopify.shop_domain").field
    qtbot.keyClicks(shop, "https://MyStore.myshopify.com/")
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.Save)
    assert not dialog.isVisible()
    settings = window.app.settings
    assert settings.get("general.theme") == "dark"
    assert settings.get("platforms.shopify.shop_domain") == "mystore.myshopify.com"  # tidied as it is checked
    assert QApplication.instance().palette().color(QPalette.ColorRole.Window).lightness() < 60  # no restart
    from desktop.theme import apply_theme

    apply_theme(QApplication.instance(), "light")


def test_a_wrong_value_is_said_in_plain_words_and_nothing_is_saved(qtbot, window) -> None:
    dialog = _open(qtbot, window)
    dialog.show_group("Advanced")
    qtbot.keyClicks(dialog.editor("general.currency").field, "RUPEES")  # the field is on General
    interval = dialog.editor("sync.interval_seconds").field
    interval.clear()
    qtbot.keyClicks(interval, "often")
    tone = dialog.editor("content.tone").field
    tone.clear()
    qtbot.keyClicks(tone, "premium")
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.Save)
    assert dialog.isVisible()
    currency, sync = dialog.editor("general.currency"), dialog.editor("sync.interval_seconds")
    assert currency.error.isVisibleTo(dialog) and "is not a currency code" in currency.error.text()
    assert "Use three letters such as INR" in currency.error.text()
    assert sync.error.text().startswith("Sync every (seconds) must be a whole number")
    assert dialog.pages.currentIndex() == GROUPS.index("General")  # taken to the first wrong field
    assert "Nothing was saved" in dialog.note.text()
    assert window.app.settings.get("content.tone") == "friendly"  # all or nothing
    currency.field.clear()
    qtbot.keyClicks(currency.field, "usd")
    interval.clear()
    qtbot.keyClicks(interval, "600")
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.Apply)
    assert not currency.error.isVisibleTo(dialog)
    assert (window.app.settings.get("general.currency"), window.app.settings.get("sync.interval_seconds"),
            window.app.settings.get("content.tone")) == ("USD", 600, "premium")


# The completer's pop-up asks the offscreen platform to raise it and grab the keyboard, which it cannot.
@pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support grabbing")
def test_time_zone_is_picked_by_city(qtbot, window) -> None:
    dialog = _open(qtbot, window)
    box = dialog.editor("general.timezone").field
    assert box.currentText().startswith("Kolkata, India · UTC+05:30")  # this computer's zone (TZ in the tests)
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "Los Angeles")
    popup = box.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    assert popup.model().data(popup.model().index(0, 0)).startswith("Los Angeles, United States")
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.Save)
    assert window.app.settings.get("general.timezone") == "America/Los_Angeles"


def test_secrets_are_write_only_and_kept_in_the_keychain(qtbot, window, monkeypatch) -> None:
    app = window.app
    app.secrets.set("gemini:api_key", "AIzaOldKey-0123456789")
    dialog = _open(qtbot, window)
    gemini, etsy = dialog.secret("gemini:api_key"), dialog.secret("etsy:shared_secret")
    assert gemini.status.text().startswith("✓ Stored in your keychain")
    assert gemini.field.text() == "" and gemini.field.placeholderText() == "stored in your keychain"
    assert gemini.field.echoMode() == QLineEdit.EchoMode.Password
    assert etsy.status.text() == "Not set." and not etsy.remove.isEnabled()
    dialog.show_group("Platforms")
    qtbot.keyClicks(etsy.field, "short")
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.Apply)
    assert "too short" in etsy.error.text() and app.secrets.get("etsy:shared_secret") is None
    etsy.field.clear()
    qtbot.keyClicks(etsy.field, "  s3cretShared42  ")
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.Apply)
    qtbot.waitUntil(lambda: etsy.stored is True)
    assert app.secrets.get("etsy:shared_secret") == "s3cretShared42"
    assert etsy.field.text() == "" and "s3cretShared42" not in etsy.status.text()
    assert b"s3cretShared42" not in (app.data_dir / "settings.json").read_bytes() if (
        app.data_dir / "settings.json").exists() else True
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(gemini.remove, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gemini.stored is False)
    assert app.secrets.get("gemini:api_key") is None


def test_a_setting_fixed_by_the_environment_cannot_be_changed_here(qtbot, window, monkeypatch) -> None:
    monkeypatch.setenv("SELLERDESK_CONTENT__TONE", "playful")
    dialog = _open(qtbot, window)
    tone = dialog.editor("content.tone")
    assert not tone.field.isEnabled() and not tone.changed()


@pytest.mark.parametrize("size", [(1366, 728), (1024, 600)])
def test_the_dialog_fits_small_screens(qtbot, window, size) -> None:
    dialog = _open(qtbot, window)
    assert dialog.minimumSizeHint().width() <= size[0] - 40 and dialog.minimumSizeHint().height() <= size[1] - 40
    assert dialog.pages.count() == len(GROUPS)


def test_the_portals_browser_can_be_kept_minimised_instead_of_hidden(qtbot, window) -> None:
    dialog = _open(qtbot, window)
    dialog.groups.setCurrentRow(list(GROUPS).index("Platforms"))
    hidden, minimised = dialog.editor("browser.headless"), dialog.editor("browser.minimised")
    assert (hidden.place.section, minimised.place.section) == ("Meesho, Snapdeal, IndiaMART",) * 2
    assert minimised.place.label == "Otherwise, keep its window minimised"
    for editor in (hidden, minimised):  # hidden: on → off; minimised: off → on
        editor.field.setFocus()
        qtbot.keyClick(editor.field, Qt.Key.Key_Space)
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.Save)
    settings = window.app.settings
    assert settings.get("browser.headless") is False and settings.get("browser.minimised") is True

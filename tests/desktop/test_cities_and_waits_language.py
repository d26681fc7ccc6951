"""Time zones by city name and lengths of time in the interface language, from Babel's CLDR data: a Hindi seller
picks "कोलकाता" (or types "Kolkata" or "Asia/Kolkata") in Settings and reads "5 मिनट" where a wait is told; the
stored zone stays the IANA name, and English reads as before."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from core.app import App
from core.db.types import utcnow
from core.i18n import format_duration, use_language
from core.platforms.connections import platform_status, set_preferences

# The completer's pop-up asks the offscreen platform to raise it and grab the keyboard, which it cannot.
quiet_popup = pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support grabbing")


def _app_in(language: str, data_dir: Path) -> App:
    app = App(data_dir)
    app.settings.set("general.language", language)
    app.settings.set("general.first_run_done", True)
    app.close()
    return App(data_dir)  # the next start takes the language


@pytest.fixture
def hindi_window(qtbot, isolated_env: Path) -> Iterator:
    from desktop.main_window import MainWindow

    app = _app_in("hi", isolated_env)
    window = MainWindow(app)
    qtbot.addWidget(window)
    window.show()
    try:
        yield window
        assert window.tasks.shutdown(10_000)
    finally:
        window.close()
        app.close()
        use_language("en")


def _open_settings(qtbot, window):
    edit = window.menuBar().actions()[1].menu()
    next(a for a in edit.actions() if a.shortcut() == QKeySequence("Ctrl+,")).trigger()
    dialog = window.settings_dialog
    qtbot.waitUntil(dialog.isVisible)
    qtbot.waitUntil(lambda: dialog.secret("gemini:api_key").stored is not None)  # the keychain has answered
    return dialog


def _search(qtbot, box, typed: str) -> list[str]:
    """Type into the zone box as a seller does; the pop-up's entries."""
    line = box.lineEdit()
    line.selectAll()
    for letter in typed:  # QTest's key names are ASCII only: Devanagari arrives as key events carrying the text
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(line, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, letter))
    popup = box.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    model = popup.model()
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


@quiet_popup
def test_a_hindi_seller_finds_a_city_by_its_hindi_english_or_iana_name(qtbot, hindi_window) -> None:
    window = hindi_window
    window.app.settings.set("general.timezone", "America/Los_Angeles")
    dialog = _open_settings(qtbot, window)
    box = dialog.editor("general.timezone").field
    assert box.currentText() == "लॉस एंजिल्स, संयुक्त राज्य · " + box.currentText().rsplit(" · ", 1)[1]
    assert _search(qtbot, box, "Kolkata") == ["कोलकाता, भारत · UTC+05:30"]  # by its English name
    assert _search(qtbot, box, "Asia/Kolkata") == ["कोलकाता, भारत · UTC+05:30"]  # by its IANA name
    assert _search(qtbot, box, "Mumbai") == ["कोलकाता, भारत · UTC+05:30"]  # a big city of the same zone
    found = _search(qtbot, box, "कोलका")
    assert found == ["कोलकाता, भारत · UTC+05:30"]
    popup = box.completer().popup()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert box.currentText() == "कोलकाता, भारत · UTC+05:30"
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert window.app.settings.get("general.timezone") == "Asia/Kolkata"  # stored as the IANA name


@quiet_popup
def test_an_english_seller_finds_a_city_by_its_iana_name_too(qtbot, window) -> None:
    dialog = _open_settings(qtbot, window)
    box = dialog.editor("general.timezone").field
    assert box.currentText() == "Kolkata, India · UTC+05:30"
    found = _search(qtbot, box, "America/Sao_Paulo")
    assert found == [f"São Paulo, Brazil · {found[0].rsplit(' · ', 1)[1]}"]  # CLDR's spelling, still found
    popup = box.completer().popup()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert window.app.settings.get("general.timezone") == "America/Sao_Paulo"


def test_zone_names_in_messages_follow_the_interface_language() -> None:
    from datetime import UTC, date, datetime
    from zoneinfo import ZoneInfo

    from core.preferences.zones import check_zone, describe
    from core.publishing.timezones import move_to_day

    london, friday = ZoneInfo("Europe/London"), datetime(2026, 3, 27, 1, 30, tzinfo=UTC)
    use_language("hi")
    try:
        assert describe("Asia/Kolkata") == "कोलकाता, भारत (UTC+05:30)"
        assert check_zone("कोलकाता") == check_zone("kolkata") == check_zone("Mumbai") == "Asia/Kolkata"
        assert "लंदन, यूनाइटेड किंगडम" in move_to_day(friday, date(2026, 3, 29), london).message  # a skipped hour
    finally:
        use_language("en")
    assert describe("Asia/Kolkata") == "Kolkata, India (UTC+05:30)"
    assert " in London, United Kingdom (the clocks jump" in move_to_day(friday, date(2026, 3, 29), london).message


@pytest.mark.parametrize(("language", "said"), [
    ("hi", "IndiaMART हर 5 मिनट में एक ही बार लीड डाउनलोड करने देता है; 4 मिनट बाद फिर कोशिश करें"),
    ("en", "IndiaMART allows one leads download every 5 minutes; try again in 4 minutes"),
], ids=["hi", "en"])
def test_the_wait_for_the_next_leads_download_is_told_in_the_interface_language(qtbot, isolated_env, language,
                                                                                said) -> None:
    from desktop.platforms.detail import PlatformDetail
    from desktop.tasks import TaskRunner

    app = _app_in(language, isolated_env)
    try:
        app.secrets.set("indiamart:crm_key", "a-stored-key")
        set_preferences(app.db, "indiamart", {"leads_api_last_call": (utcnow() - timedelta(minutes=1)).isoformat()})
        tasks = TaskRunner()
        detail = PlatformDetail(app, tasks)
        qtbot.addWidget(detail)
        detail.show_status(platform_status(app.db, "indiamart"))
        qtbot.mouseClick(detail.leads_button, Qt.MouseButton.LeftButton)
        dialog = detail.leads_dialog
        qtbot.mouseClick(dialog.refresh_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(dialog.refresh_button.isEnabled, timeout=10_000)
        assert said in dialog.status.text()
        assert tasks.shutdown(10_000)
    finally:
        app.close()
        use_language("en")


def test_lengths_of_time_come_from_babel_in_the_interface_language() -> None:
    use_language("hi")
    try:
        assert format_duration(timedelta(days=3), direction=True, unit="day") == "3 दिन में"
        assert (format_duration(7), format_duration(7200), format_duration(-120, direction=True)) == (
            "7 सेकंड", "2 घंटे", "2 मिनट पहले")
    finally:
        use_language("en")
    assert format_duration(timedelta(days=6), direction=True, unit="day") == "in 6 days"  # not "in 1 week"
    assert (format_duration(900), format_duration(timedelta(days=6))) == ("15 minutes", "1 week")


def test_recording_a_sale_names_the_time_zone_by_its_city(qtbot) -> None:
    from PySide6.QtWidgets import QLabel

    from desktop.analytics.dialogs import RecordSaleDialog

    use_language("hi")
    try:
        dialog = RecordSaleDialog([], [], "INR", "Asia/Kolkata")
        qtbot.addWidget(dialog)
        assert "कब (कोलकाता, भारत)" in [label.text() for label in dialog.findChildren(QLabel)]
    finally:
        use_language("en")

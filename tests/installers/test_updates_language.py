"""App updates speak the interface language where the seller sees them: Help › Check for updates… (its answers and
the status bar) and ``sellerdesk update``; the English is unchanged. In the pseudo-locale any English word outside
⟦…⟧ bypassed translation."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from core.i18n import use_language
from core.updates import Updater
from tests.desktop.test_refusals_language import hindi_cli  # noqa: F401  (the fixture)
from tests.installers.test_updates import _updater, feed  # noqa: F401  (feed: the fixture)
from tests.publishing.test_post_messages_language import bypassed


def _check_from_the_help_menu(window) -> None:
    from desktop.updates import ACTION_TEXT

    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    next(a for a in help_menu.actions() if a.text() == ACTION_TEXT).trigger()


def test_checking_for_updates_in_the_window_speaks_the_interface_language(
        window, qtbot, feed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, title, text, *a: told.append(f"{title} {text}"))
    trusted, url = feed
    use_language("pseudo")
    try:
        window.updates.updater = Updater("http://127.0.0.1:9/m", "http://127.0.0.1:9/t", work_dir=tmp_path / "c")
        _check_from_the_help_menu(window)  # a checkout cannot update itself
        window.updates.updater = _updater(tmp_path, trusted, url)
        _check_from_the_help_menu(window)
        qtbot.waitUntil(lambda: "0.2.0" in window.statusBar().currentMessage() and "⟦" in
                        window.statusBar().currentMessage() and not window.tasks.running, timeout=30_000)
        ready = window.statusBar().currentMessage()
    finally:
        use_language("en")
    assert told and told[0].startswith("⟦") and not bypassed(told[0].replace("git", "").replace("pip", "")), told
    assert ready.startswith("⟦") and not bypassed(ready), ready


def test_updates_read_in_hindi_from_the_cli(hindi_cli, feed, tmp_path: Path,  # noqa: F811
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    said = hindi_cli("update", "check")
    assert said.code != 0 and "SellerDesk ख़ुद को अपडेट नहीं कर सकता: यह एक चेकआउट है" in said.err, said.err
    trusted, url = feed
    updater = _updater(tmp_path, trusted, url)
    monkeypatch.setattr(Updater, "from_settings", classmethod(lambda _cls, _settings: updater))
    assert "SellerDesk 0.2.0 उपलब्ध है" in hindi_cli("update", "check").out
    downloaded = hindi_cli("update", "download")
    assert "SellerDesk 0.2.0 डाउनलोड और जाँच हो गया है" in downloaded.out, downloaded.out
    assert "SellerDesk 0.2.0 लग गया है; अगली बार शुरू करने से यही चलेगा।" in hindi_cli("update", "apply").out
    assert "कोई डाउनलोड किया हुआ अपडेट इंतज़ार में नहीं है।" in hindi_cli("update", "apply").out

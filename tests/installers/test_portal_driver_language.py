"""The portal driver's download speaks the interface language: Help › Add Indian marketplaces… (what it is for, the
question, what happened) and ``sellerdesk components``; the English is unchanged."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

import core.components as components
from core.i18n import use_language
from desktop.portal_driver import ACTION_TEXT
from tests.publishing.test_post_messages_language import bypassed

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the stand-in node is a shell script")
NAMES = ("Meesho", "Snapdeal", "IndiaMART", "Chrome", "Edge", "Node", "js", "Playwright", "MB")


def _left(text: str) -> list[str]:
    return [word for word in bypassed(text) if word not in NAMES]


def test_adding_indian_marketplaces_from_the_help_menu_in_the_interface_language(
        window, qtbot, driver: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[str, str]] = []

    def question(_parent, title, text, *_a, **_k):  # type: ignore[no-untyped-def]
        asked.append((title, text))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    add = next(a for a in help_menu.actions() if a.text() == ACTION_TEXT)
    use_language("pseudo")  # for what is said from now on (the menus were made in English)
    try:
        add.trigger()
        qtbot.waitUntil(lambda: components.status().installed, timeout=10_000)
        qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("⟦"), timeout=10_000)
        done = window.statusBar().currentMessage()
        told = components.status().describe()
    finally:
        use_language("en")
    (title, text), = asked
    for shown in (title, text, done, told):
        assert shown.startswith("⟦") and not _left(shown), shown


def test_the_portal_driver_cli_reads_in_hindi(driver: tuple[Path, Path], cli, tmp_path: Path) -> None:
    assert cli("config", "set", "general.language", "hi").code == 0
    try:
        listed = cli("components", "list")
        missing = cli("components", "add", "portals", "--from", str(tmp_path / "nothing.tar.gz"))
    finally:
        use_language("en")
    assert listed.out.startswith("भारतीय मार्केटप्लेस: अभी जोड़े नहीं गए (") and "MB डाउनलोड" in listed.out, listed.out
    assert f"{tmp_path / 'nothing.tar.gz'} मौजूद नहीं है" in missing.err, missing.err
    assert components.status().describe().startswith("Indian marketplaces: not added yet (")

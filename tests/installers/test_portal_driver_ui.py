"""Help › Add Indian marketplaces…: the window says what the part is for, downloads it in a worker when the seller
agrees, and says when it is in place."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

import core.components as components
from desktop.portal_driver import ACTION_TEXT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the stand-in node is a shell script")


def _help_action(window):  # type: ignore[no-untyped-def]
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    return next(a for a in help_menu.actions() if a.text() == ACTION_TEXT)


def test_the_help_menu_adds_the_portal_driver_after_saying_what_it_is_for(window, qtbot, driver: tuple[Path, Path],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def question(_parent, _title, text, *_a, **_k):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    _help_action(window).trigger()
    assert "Meesho, Snapdeal and IndiaMART" in asked[0] and "MB" in asked[0]
    qtbot.waitUntil(lambda: components.status().installed, timeout=10_000)
    qtbot.waitUntil(lambda: "Indian marketplaces added" in window.statusBar().currentMessage(), timeout=10_000)


def test_saying_no_adds_nothing_and_an_added_part_is_reported(window, qtbot, driver: tuple[Path, Path],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.No)
    _help_action(window).trigger()
    assert not components.status().installed and not window.tasks.running
    components.install(str(driver[0]))
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *_a, **_k: told.append(text))
    _help_action(window).trigger()
    assert told and "installed" in told[0]

"""A click harness: presses every enabled button and triggers every menu action the way a seller does, opens every
dialog that appears and presses its buttons too, and collects whatever went wrong.

Blocking questions (message boxes, input dialogs, opening a file) answer "Cancel" at once, so nothing waits for a
person; "Save as" answers a file in ``save_dir`` and "Add photos" picks ``photos``;
a dialog shown with exec() or open() stays on screen to be explored, then is closed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QCalendarWidget,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QStatusBar,
    QTabBar,
    QTabWidget,
    QToolButton,
    QWidget,
    QWizard,
)

from core.errors import SellerDeskError

# Clicked after the others in the same place: they take away what the other buttons act on (or close the place).
LAST = re.compile(r"delete|remove|cancel|close|disconnect|sign out|quit|reject", re.IGNORECASE)
# What the window says when it caught an error it did not expect: the harness counts these as failures.
UNEXPECTED = re.compile(r"something went wrong|ran into a problem|could not be loaded \(|Error\)", re.IGNORECASE)
SETTLE_MS = 20_000


def label(widget: QWidget | QAction) -> str:
    """How a seller would name the control (its text, else its tooltip, else its object or class name)."""
    text = widget.text() if hasattr(widget, "text") else ""
    return (text or widget.toolTip() or widget.objectName() or type(widget).__name__).replace("&", "")


class _Failures(logging.Handler):
    """Background tasks that failed with anything but a SellerDeskError (a message written for the seller)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        exc = record.exc_info[1] if record.exc_info else None
        # The runner logs a traceback only for errors that carry no message for the seller.
        if record.name == "desktop.tasks" and exc is not None and not isinstance(exc, SellerDeskError):
            self.seen.append(record.getMessage())


@dataclass
class Clicker:
    """Drives one main window; ``failures`` lists what went wrong, ``clicked`` what was pressed."""

    qtbot: Any
    window: Any
    monkeypatch: pytest.MonkeyPatch
    save_dir: Path | None = None  # where "Save as" dialogs answer (None: they are cancelled)
    photos: list[Path] = field(default_factory=list)  # what "Add photos" dialogs pick
    clicked: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)  # titles and texts of message boxes the window asked
    said: list[str] = field(default_factory=list)  # what the status bar said
    _explored: set[str] = field(default_factory=set)
    _walked: set[str] = field(default_factory=set)
    _current: str = ""

    def __post_init__(self) -> None:
        self._answer_every_question()
        self._task_failures = _Failures()
        logging.getLogger("desktop.tasks").addHandler(self._task_failures)
        for bar in self.window.findChildren(QStatusBar):
            bar.messageChanged.connect(self._said)

    def close(self) -> None:
        """Stop listening (call at the end of the test)."""
        logging.getLogger("desktop.tasks").removeHandler(self._task_failures)

    # -- the seller's answers ------------------------------------------------------------------------------------
    def _answer_every_question(self) -> None:
        def asked(answer: Any) -> Callable[..., Any]:
            def ask(*args: Any, **_kwargs: Any) -> Any:
                texts = [a for a in args if isinstance(a, str)]
                self.shown.append(" | ".join(texts))
                self._check_text(" ".join(texts))
                return answer
            return ask

        cancel = QMessageBox.StandardButton.Cancel
        for name in ("question", "warning", "information", "critical"):
            self.monkeypatch.setattr(QMessageBox, name, staticmethod(asked(cancel)))
        self.monkeypatch.setattr(QMessageBox, "about", staticmethod(asked(None)))
        def save_as(*args: Any, **kwargs: Any) -> tuple[str, str]:
            asked(None)(*args, **kwargs)
            suggested = next((a for a in args[2:] if isinstance(a, str)), "")
            if self.save_dir is None or not suggested:
                return "", ""
            return str(self.save_dir / Path(suggested).name), ""

        def pick_photos(*args: Any, **kwargs: Any) -> tuple[list[str], str]:
            asked(None)(*args, **kwargs)
            return [str(p) for p in self.photos], ""

        self.monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(asked(("", ""))))
        self.monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))
        self.monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(pick_photos))
        self.monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(asked("")))
        self.monkeypatch.setattr(QInputDialog, "getText", staticmethod(asked(("", False))))
        self.monkeypatch.setattr(QInputDialog, "getItem", staticmethod(asked(("", False))))
        self.monkeypatch.setattr(QInputDialog, "getInt", staticmethod(asked((0, False))))

        def exec_(dialog: QDialog) -> int:
            # Shown, not run: the harness finds it on screen, presses its buttons, then closes it.
            dialog.show()
            return int(QDialog.DialogCode.Rejected)

        self.monkeypatch.setattr(QDialog, "exec", exec_)

    def _said(self, text: str) -> None:
        self.said.append(text)
        self._check_text(text)

    def _check_text(self, text: str) -> None:
        if text and UNEXPECTED.search(text):
            self.failures.append(f"{self._current}: the window said {text!r}")

    # -- waiting -------------------------------------------------------------------------------------------------
    def settle(self) -> None:
        """Let queued events run and background work finish (what a seller waits for before the next click)."""
        tasks = self.window.tasks
        self.qtbot.wait(30)
        self.qtbot.waitUntil(lambda: not tasks.running and tasks.pool.activeThreadCount() == 0
                             and tasks.writer.activeThreadCount() == 0, timeout=SETTLE_MS)
        self.qtbot.wait(30)
        if self._task_failures.seen:
            self.failures.extend(f"{self._current}: {m}" for m in self._task_failures.seen)
            self._task_failures.seen.clear()

    # -- pressing ------------------------------------------------------------------------------------------------
    def _press(self, name: str, press: Callable[[], None], depth: int) -> None:
        self._current = name
        before = {id(w) for w in _open_dialogs()}
        with self.qtbot.captureExceptions() as caught:
            press()
            self.settle()
        for _type, exc, _tb in caught:
            self.failures.append(f"{name}: {type(exc).__name__}: {exc}")
        self.clicked.append(name)
        for dialog in _open_dialogs():
            if id(dialog) not in before:
                self._visit_dialog(dialog, f"{name} → {type(dialog).__name__}", depth + 1)

    def click(self, button: QAbstractButton, where: str, depth: int = 0) -> None:
        """Press ``button`` with the mouse."""
        self._press(f"{where}: {label(button)}",
                    lambda: self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center()),
                    depth)

    def trigger(self, action: QAction, where: str) -> None:
        """Choose ``action`` from its menu."""
        self._press(f"{where}: {label(action)}", action.trigger, 0)

    def explore(self, root: QWidget, where: str, *, prepare: Callable[[], None] | None = None,
                depth: int = 0) -> None:
        """Press every enabled button under ``root`` once (revealing inner tabs as a seller would);
        ``prepare()`` runs before each press to put back what the seller had selected."""
        buttons = [b for b in root.findChildren(QAbstractButton) if isinstance(b, QPushButton | QToolButton)]
        buttons.sort(key=_order)
        for button in buttons:
            if prepare is not None:
                prepare()
            if not shiboken6.isValid(button) or not shiboken6.isValid(root) or not _reveal(self.qtbot, button, root):
                continue
            if button.isVisible() and button.isEnabled() and not _is_chrome(button):
                self.click(button, where, depth)
            if depth and not (shiboken6.isValid(root) and root.isVisible()):
                return  # the dialog closed itself (and may be gone)

    def _visit_dialog(self, dialog: QDialog, where: str, depth: int) -> None:
        key = type(dialog).__name__ + ":" + dialog.windowTitle()
        if key not in self._explored and depth <= 2:
            self._explored.add(key)
            self._check_text(dialog.text() if isinstance(dialog, QMessageBox) else "")
            self.explore(dialog, where, depth=depth)
        elif isinstance(dialog, QWizard) and key not in self._walked:
            self._walked.add(key)
            self._walk(dialog, where, depth)
        if shiboken6.isValid(dialog) and dialog.isVisible():
            dialog.reject()
            self.settle()

    def _walk(self, wizard: QWizard, where: str, depth: int) -> None:
        """The second time a wizard opens: Next on every page, then Finish, as a seller going through it does."""
        for _page in range(len(wizard.pageIds())):
            finish = wizard.button(QWizard.WizardButton.FinishButton)
            if finish.isVisible() and finish.isEnabled():
                self.click(finish, where, depth)
                return
            following = wizard.button(QWizard.WizardButton.NextButton)
            if not (following.isVisible() and following.isEnabled()):
                return
            self.click(following, where, depth)

    def menu_actions(self) -> list[tuple[str, QAction]]:
        """Every enabled command in the menu bar, with its menu's name."""
        found: list[tuple[str, QAction]] = []

        def walk(menu: QMenu, where: str) -> None:
            for action in menu.actions():
                if action.menu() is not None:
                    walk(action.menu(), f"{where} › {label(action)}")
                elif not action.isSeparator():
                    found.append((where, action))

        for top in self.window.menuBar().actions():
            if top.menu() is not None:
                walk(top.menu(), label(top))
        return found


def _open_dialogs() -> list[QDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]


def _order(button: QAbstractButton) -> int:
    """Buttons that end a dialog go last, so that the dialog's other buttons are pressed first; of those, the one
    that accepts goes before the one that cancels (a refused form stays open for Cancel)."""
    box = button.parent()
    role = box.buttonRole(button) if isinstance(box, QDialogButtonBox) else None
    wizard = button.window()
    if role == QDialogButtonBox.ButtonRole.RejectRole or (
            isinstance(wizard, QWizard) and button is wizard.button(QWizard.WizardButton.CancelButton)):
        return 3
    if role == QDialogButtonBox.ButtonRole.AcceptRole or (
            isinstance(wizard, QWizard) and button is wizard.button(QWizard.WizardButton.FinishButton)):
        return 2
    return 1 if LAST.search(label(button)) else 0


def _is_chrome(button: QAbstractButton) -> bool:
    """Qt's own parts of other widgets (a tab bar's scroll arrows, a line edit's clear button, a calendar's month
    arrows): pressed through their widget's own tests, not part of SellerDesk's controls."""
    parent = button.parent()
    return isinstance(parent, QLineEdit | QAbstractSpinBox | QTabBar | QCalendarWidget) or (
        parent is not None and isinstance(parent.parent(), QCalendarWidget))


def _reveal(qtbot: Any, button: QWidget, root: QWidget) -> bool:
    """Click the tabs (outermost first) that hold ``button`` inside ``root``, as a seller would to reach it."""
    chain: list[tuple[QTabWidget, QWidget]] = []
    widget: QWidget | None = button
    while widget is not None and widget is not root:
        parent = widget.parentWidget()
        holder = parent.parentWidget() if parent is not None else None
        if isinstance(holder, QTabWidget) and holder.indexOf(widget) >= 0:
            chain.append((holder, widget))
        widget = parent
    for tabs, page in reversed(chain):
        index = tabs.indexOf(page)
        if tabs.currentIndex() != index:
            if not (tabs.isVisible() and tabs.isTabEnabled(index)):
                return False
            rect = tabs.tabBar().tabRect(index)
            qtbot.mouseClick(tabs.tabBar(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center()))
    return True

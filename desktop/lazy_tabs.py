"""Tabs made when they are first needed, so the window paints with the Products tab alone.

Each waiting tab holds an empty page. It is made on the GUI thread when the seller opens it, or, after the first
paint, one tab at a time: its module is imported in a worker, then the tab is made on the next turn of the event
loop (a few tens of milliseconds each, never one long stop).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QTabWidget, QWidget

from core.i18n import _
from desktop.tasks import TaskRunner


@dataclass
class _Waiting:
    page: QWidget  # the empty page shown until the tab is made
    module: str  # imported before ``make`` runs (in a worker, when there is time)
    make: Callable[[], QWidget]


class LazyTabs(QObject):
    """The tabs of ``tabs`` that are made on first use; ``get(name)`` makes one at once if it is still waiting."""

    def __init__(self, tabs: QTabWidget, tasks: TaskRunner) -> None:
        super().__init__(tabs)
        self.tabs = tabs
        self.tasks = tasks
        self._waiting: dict[str, _Waiting] = {}
        self._made: dict[str, QWidget] = {}
        tabs.currentChanged.connect(self._opened)

    def add(self, name: str, module: str, make: Callable[[], QWidget]) -> QWidget:
        """Register the tab ``name`` (``make()`` returns it); returns the empty page to add to the tab widget."""
        page = QWidget()
        self._waiting[name] = _Waiting(page, module, make)
        return page

    def get(self, name: str) -> QWidget:
        """The tab ``name``, made now if it was still waiting."""
        made = self._made.get(name)
        return made if made is not None else self._make(name)

    def waiting(self) -> list[str]:
        """Names of the tabs not made yet."""
        return list(self._waiting)

    def make_in_background(self, order: list[str], then: Callable[[], None]) -> None:
        """Make the waiting tabs in ``order``, each after importing its module in a worker; ``then()`` after the
        last. Stops when the window has closed."""
        names = [n for n in order if n in self._waiting]
        if not names or not self.tabs.window().isVisible():
            then()
            return
        name, rest = names[0], names[1:]

        def make(_result: object) -> None:  # an import error is reported by making the tab here, like any other
            if self.tabs.window().isVisible():
                self.get(name)
                self.make_in_background(rest, then)

        module = self._waiting[name].module
        self.tasks.start(_("Getting ready"), lambda _h: importlib.import_module(module), on_success=make,
                         on_failure=make)

    def _opened(self, index: int) -> None:
        page = self.tabs.widget(index)
        name = next((n for n, w in self._waiting.items() if w.page is page), None)
        if name is not None:
            self._make(name)

    def _make(self, name: str) -> QWidget:
        waiting = self._waiting[name]
        tab = waiting.make()
        del self._waiting[name]
        index = self.tabs.indexOf(waiting.page)
        showing = self.tabs.currentIndex() == index
        blocked = self.tabs.blockSignals(True)  # the seller stays where they are; nothing else is shown meanwhile
        try:
            self.tabs.insertTab(index, tab, self.tabs.tabIcon(index), self.tabs.tabText(index))
            if showing:
                self.tabs.setCurrentIndex(index)
            self.tabs.removeTab(index + 1)
        finally:
            self.tabs.blockSignals(blocked)
        waiting.page.deleteLater()
        self._made[name] = tab
        return tab

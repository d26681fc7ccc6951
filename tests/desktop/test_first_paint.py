"""The window's start-up collects no garbage before its first paint (start-up makes lasting objects, not garbage:
collecting meanwhile only delays the first frame); once painted, one full collection, the start-up heap frozen out
of the collector's sight, and collection as usual from then on."""

from __future__ import annotations

import gc
import sys
import threading

from core.app import App


def test_nothing_is_collected_before_the_first_paint_and_everything_after_it(qtbot, app: App) -> None:
    from PySide6.QtCore import QCoreApplication, QTimer

    from desktop.gui_thread import COLLECTOR, GIL_SWITCH_S
    from desktop.main import lighten_imports, show_main_window

    app.settings.set("general.first_run_done", True)
    collections: list[tuple[int, str]] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append((info["generation"], threading.current_thread().name))

    earlier = QCoreApplication.instance().findChild(QTimer, COLLECTOR)  # an earlier test's window started it
    if earlier is not None:
        earlier.stop()
        earlier.setParent(None)
    lighten_imports()  # as desktop.main.run_gui starts
    gc.callbacks.append(seen)
    try:
        window = show_main_window(app)
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.firstPainted, timeout=20_000):
            pass
        assert collections == [(2, "MainThread")]  # the one full collection once the window has painted
        assert not gc.isenabled() and gc.get_freeze_count() > 0  # from here on the GUI thread's timer collects
        assert sys.getswitchinterval() == GIL_SWITCH_S  # and a worker hands the GIL back to it sooner
        garbage = []
        for _ in range(gc.get_threshold()[0] + 100):  # cycles: only a collection frees them
            cycle: list[object] = []
            cycle.append(cycle)
            garbage.append(cycle)
        del garbage
        collector = QCoreApplication.instance().findChild(QTimer, COLLECTOR)
        assert collector is not None and collector.isActive()
        collector.timeout.emit()  # its next turn, now
        assert len(collections) > 1
        assert {thread for _generation, thread in collections} == {"MainThread"}
        window.close()
        assert window.tasks.shutdown(10_000)
    finally:
        gc.callbacks.remove(seen)
        gc.unfreeze()  # the rest of the test run collects as usual (after each test: tests/conftest.py)


def test_a_tab_made_in_the_background_is_laid_out_before_the_seller_opens_it(qtbot, app: App) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    from desktop.main import show_main_window

    app.settings.set("general.first_run_done", True)
    window = show_main_window(app)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not window.lazy_tabs.waiting() and not window.tasks.running, timeout=30_000)
    tab = window.analytics
    assert not tab.isVisible()
    assert tab.testAttribute(Qt.WidgetAttribute.WA_WState_Polished)
    # Its cards and charts polished and placed, two by two: the seller's first click on it only paints.
    assert all(widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished) for widget in tab.findChildren(QWidget))
    charts = tab.charts
    assert charts["revenue"].x() < charts["platforms"].x() and charts["revenue"].y() < charts["products"].y()
    window.close()
    assert window.tasks.shutdown(10_000)

"""Keeping the GUI thread answering once the window shows: the GIL handed to it promptly, and garbage collected on it
only, in short pauses.

Qt-free at import (PySide6 is imported only to start the timer), so the tests can collect between tests the way
the window does without importing the window.
"""

from __future__ import annotations

import gc
import sys

COLLECTOR = "sellerdesk-garbage-collector"
# At this pace a collection met at most ~25 ms of garbage (the charts workers draw leave thousands of objects in
# cycles); every 100 ms did no better.
COLLECT_EVERY_MS = 500
# How long a thread that wants the GIL waits before the running one must hand it over (Python's default: 5 ms).
# Every call from the GUI thread into Qt lets the GIL go; while a worker draws a chart or reads a summary, each
# return into Python waited up to 5 ms for it: showing one Analytics summary (a few dozen such calls) took 40–50 ms
# instead of 8–12 ms. Workers lose a little throughput to the more frequent hand-overs.
GIL_SWITCH_S = 0.0005


def settle_after_start() -> None:
    """Collect once, move everything start-up allocated out of the garbage collector's sight, collect on the GUI
    thread from here on, and hand the GIL to the GUI thread sooner (call once the window has painted: the collection
    takes a few tens of milliseconds; until then the long default hand-over suits the start-up's imports).

    Start-up leaves long-lived objects (Qt wrappers, Babel data; SQLAlchemy's, imported once the window shows, are
    kept out of sight the same way); without this the first full collection lands on the seller's first keystroke
    as a 40 ms stall.
    """
    gc.collect()
    gc.freeze()
    collect_on_the_gui_thread()
    sys.setswitchinterval(GIL_SWITCH_S)


def collect_on_the_gui_thread() -> None:
    """Collect cyclic garbage from a timer on the GUI thread, never wherever an allocation happens to set it off.

    A collection on a worker thread destroys any Qt object it finds in garbage there: Qt's destructor takes Qt's
    lock, then PySide asks for the GIL; if the GUI thread, holding the GIL, is meanwhile deleting another Qt object,
    it waits for that lock, and both wait forever (seen as a window frozen for good). So the automatic collector is
    off, and every COLLECT_EVERY_MS the GUI thread does what it would have done by then (needs a QApplication).
    """
    from PySide6.QtCore import QCoreApplication, QTimer

    app = QCoreApplication.instance()
    gc.disable()
    if app is None or app.findChild(QTimer, COLLECTOR) is not None:
        return
    timer = QTimer(app)
    timer.setObjectName(COLLECTOR)
    timer.timeout.connect(collect_due)
    timer.start(COLLECT_EVERY_MS)


def collect_due() -> None:
    """The collection the automatic collector would have made by now, if any (its thresholds, its generations)."""
    limits, counts = gc.get_threshold(), gc.get_count()
    due = [generation for generation in (2, 1, 0) if counts[generation] > limits[generation]]
    if due:
        gc.collect(due[0])

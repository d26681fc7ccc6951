"""The stall meter counts every way the GUI thread stops answering — busy, or blocked (on a lock, the GIL, a disk)
— and only leaves out the time the system kept it from a CPU while it was ready to run."""

from __future__ import annotations

import time

from tests.desktop.stalls import StallMeter


def _busy(seconds: float) -> None:
    end = time.thread_time() + seconds  # on a CPU that long, however loaded the machine
    while time.thread_time() < end:
        pass


def test_a_busy_or_blocked_gui_thread_is_measured_whole(qtbot) -> None:
    for stop, what in ((_busy, "busy"), (time.sleep, "blocked")):
        with StallMeter() as meter:
            meter.step = what
            qtbot.wait(30)
            stop(0.3)
            qtbot.wait(30)
        assert meter.where == what and 280 <= meter.longest_ms < 600, (what, meter.longest_ms)

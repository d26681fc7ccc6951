"""How long the GUI thread stops answering: a 10 ms timer's longest gap while a flow runs, less the time the
system kept the thread waiting for a CPU while it was ready to run (other processes' load, not the window's)."""

from __future__ import annotations

import time
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer

TICK_MS = 10
# Issue 16's goal is 100 ms, and benchmarks/gui.py holds the window to it. In the test run the gaps also take in
# the 2-core machine's noise that the waiting-for-a-CPU time does not cover (an idle CI run measured 104 ms once
# where runs on their own measure 8-40 ms), so the test fails at 150 ms: still far below the multi-second freezes
# it guards against.
LIMIT_MS = 150.0
_SCHEDSTAT = Path("/proc/thread-self/schedstat")  # Linux: ns on a CPU, ns ready but waiting for one, timeslices


def _waited_for_a_cpu_ms() -> float:
    """How long the calling thread has been ready to run but not running, in all (0 where the system cannot say).
    A loaded test run can keep it from the CPUs for a few hundred ms: a CI run measured a 221 ms 'stall' while
    photos were dropped, where the test alone measures 33-65 ms."""
    try:
        return int(_SCHEDSTAT.read_text().split()[1]) / 1e6
    except (OSError, IndexError, ValueError):
        return 0.0


class StallMeter:
    """``with StallMeter() as meter: ...`` — ``meter.longest_ms`` is the longest time the event loop was late,
    ``meter.where`` names the step it happened in (set ``meter.step`` as the flow goes)."""

    def __init__(self) -> None:
        self.longest_ms = 0.0
        self.where = ""
        self.step = ""
        self._last = 0.0
        self._waited = 0.0
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now, waited = time.perf_counter(), _waited_for_a_cpu_ms()
        late = (now - self._last) * 1000 - TICK_MS - (waited - self._waited)
        if late > self.longest_ms:
            self.longest_ms, self.where = late, self.step
        self._last, self._waited = now, waited

    def __enter__(self) -> StallMeter:
        self._last, self._waited = time.perf_counter(), _waited_for_a_cpu_ms()
        self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._tick()  # a stall at the very end counts too
        self._timer.stop()

    def check(self, limit_ms: float = LIMIT_MS) -> None:
        """Fail when the event loop was ever later than ``limit_ms``."""
        assert self.longest_ms <= limit_ms, (
            f"the window froze for {self.longest_ms:.0f} ms during {self.where!r} (limit {limit_ms:.0f} ms)")

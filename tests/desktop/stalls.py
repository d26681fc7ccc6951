"""How long the GUI thread stops answering: a 10 ms timer's longest gap while a flow runs."""

from __future__ import annotations

import time
from types import TracebackType

from PySide6.QtCore import QTimer

TICK_MS = 10
# Issue 16's goal is 100 ms, and benchmarks/gui.py holds the window to it. In the test run the meter's wall-clock
# gaps also take in the 2-core machine's scheduling noise (an idle CI run measured 104 ms once where runs on their
# own measure 8-40 ms), so the test fails at 150 ms: still far below the multi-second freezes it guards against.
LIMIT_MS = 150.0


class StallMeter:
    """``with StallMeter() as meter: ...`` — ``meter.longest_ms`` is the longest time the event loop was late,
    ``meter.where`` names the step it happened in (set ``meter.step`` as the flow goes)."""

    def __init__(self) -> None:
        self.longest_ms = 0.0
        self.where = ""
        self.step = ""
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        late = (now - self._last) * 1000 - TICK_MS
        if late > self.longest_ms:
            self.longest_ms, self.where = late, self.step
        self._last = now

    def __enter__(self) -> StallMeter:
        self._last = time.perf_counter()
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

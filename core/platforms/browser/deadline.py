"""Hard deadlines for work on the browser thread: a stuck page is ended by closing its browser.

Playwright waits have timeouts, but some calls have none (``page.content()``, ``locator.count()``, evaluating a
script) and block for as long as the page's own script keeps its main thread busy or its document never finishes.
So every named step, and saving what a failed step showed, runs under a :class:`Watchdog` limit: when one passes,
a timer thread kills the browser process (an operating-system call, safe from any thread), the blocked Playwright
call fails at once, and the step reports that the page stopped responding. The next job opens a new browser.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)


def kill_process(pid: int) -> bool:
    """End process ``pid`` at once (Chromium's helper processes end with their browser); False if it was gone."""
    try:
        # On Windows os.kill with SIGTERM is TerminateProcess; SIGKILL exists only on POSIX.
        os.kill(pid, signal.SIGTERM if sys.platform == "win32" else signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        return False
    return True


class Watchdog:
    """Limits for work on one platform's browser thread; ``pid`` is the browser process to end when one passes.

    ``fired`` tells the step that failed afterwards what ran out of time, so its message can say so plainly.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.pid: int | None = None
        self.fired: str | None = None
        self.killed = False  # the browser was ended: whoever owns it must start a new one
        self._lock = threading.Lock()

    @contextmanager
    def limit(self, seconds: float, what: str) -> Iterator[None]:
        """Run the block within ``seconds``; past that, the browser is killed so that the block fails fast."""
        timer = threading.Timer(seconds, self._fire, args=(what, seconds))
        timer.name = f"browser-{self.name}-deadline"
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            timer.join()

    def reset(self) -> None:
        """Forget an earlier overrun (a new step starts)."""
        with self._lock:
            self.fired = None

    def _fire(self, what: str, seconds: float) -> None:
        with self._lock:
            pid = self.pid
            self.fired = what
        log.warning("browser-%s: %s took longer than %g s; closing the browser", self.name, what, seconds)
        if pid is not None and kill_process(pid):
            with self._lock:
                self.killed = True
                if self.pid == pid:
                    self.pid = None

"""One publishing runner per data dir: an OS file lock, released by the OS when the process ends (even by a kill).

The window and ``sellerdesk run-scheduler`` may both be open; only the one holding the lock runs the queue, so a
job is never attempted by two processes. The other one writes its changes to the database, where the runner
picks them up.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import IO

LOCK_FILE = "publishing.lock"


class RunnerLock:
    """An exclusive, non-blocking lock on ``<data dir>/publishing.lock``."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        self._file: IO[str] | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._file is not None

    def acquire(self, wait: float = 0.0) -> bool:
        """Take the lock if no other runner has it, trying again for up to ``wait`` seconds (another process may be
        only looking: :meth:`taken_elsewhere`); True on success (also when already held here)."""
        if self._file is not None:
            return True
        deadline = time.monotonic() + wait
        while (handle := _locked(self.path)) is None:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle
        return True

    def taken_elsewhere(self) -> bool:
        """Whether another runner holds the lock. Looking takes it for an instant (so a runner starting at that very
        moment tries again: ``acquire(wait=...)``) and leaves the holder's process id in the file alone."""
        if self._file is not None:
            return False
        handle = _locked(self.path)
        if handle is None:
            return True
        handle.close()
        return False

    def holder(self) -> str:
        """The process id written by the runner holding the lock (empty if unknown)."""
        try:
            return self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return ""

    def release(self) -> None:
        """Let go of the lock (closing the file releases it)."""
        if self._file is not None:
            self._file.close()
            self._file = None


def _locked(path: Path) -> IO[str] | None:
    """``path`` opened and locked (exclusive, without waiting), or None if another process holds it."""
    handle = path.open("a+", encoding="utf-8")
    try:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle

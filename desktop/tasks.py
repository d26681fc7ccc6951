"""Background work for the window: core calls run in worker threads; results come back as Qt signals.

Two pools, as in Picard: a general pool for reads, images and network calls, and a one-thread pool for
database writes so that SQLite only ever sees one writer from this process.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
TRIM_DELAY_MS = 500  # how long the pools stay idle before freed memory is given back to the system
_M_ARENA_MAX = -8  # glibc's mallopt() parameter numbers
_M_MMAP_THRESHOLD = -3
_MMAP_FROM = 1 << 20  # blocks this big (a decoded photo is tens of MB) get pages of their own, given back when freed


@cache
def _glibc() -> Any:
    """glibc, to tune its allocator; None elsewhere (Windows, macOS, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    if not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):
        return None
    # By default glibc gives each new thread its own heap (up to 8 per core), and memory a worker freed after
    # decoding a 12-megapixel photo stays in its heap: two heaps hold as much at a fraction of the memory.
    libc.mallopt(_M_ARENA_MAX, 2)
    # Big blocks get pages of their own, but glibc raises that threshold to the size of each big block freed: after
    # the first photo every decoded photo lands in a heap, and what it frees there stays resident. A fixed threshold
    # keeps them on their own pages, given back to the system as each is freed (+7 MB for 10 photos, not +25).
    libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_FROM)
    return libc


class TaskSignals(QObject):
    """Signals of one task; they live in the GUI thread, so connected slots run there."""

    progress = Signal(int, int, str)  # done, total, what is being worked on
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    finished = Signal(object)  # the TaskHandle


@dataclass
class TaskHandle:
    """What the window keeps of a running task: its name, signals and a way to cancel it."""

    name: str
    signals: TaskSignals
    cancel_event: threading.Event = field(default_factory=threading.Event)
    shown: bool = False  # long work the seller started: the status bar shows its counts
    cancellable: bool = False  # … and a Cancel button for it
    done: int = 0
    total: int = 0
    unit: str = ""  # what is being counted ("photos", "rows", …)

    def report(self, done: int, total: int) -> None:
        """Tell the status bar how far the task has come (a core ``progress(done, total)`` callback; total 0:
        not known yet). Safe from the worker thread."""
        self.signals.progress.emit(done, total, "")

    def cancel(self) -> None:
        """Ask the task to stop; core functions check the event between units of work."""
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        """Whether cancel() was called."""
        return self.cancel_event.is_set()


class _Runnable(QRunnable):
    def __init__(self, handle: TaskHandle, fn: Callable[[TaskHandle], Any]) -> None:
        super().__init__()
        self.handle = handle
        self.fn = fn
        self.setAutoDelete(True)

    def run(self) -> None:
        signals = self.handle.signals
        try:
            result = self.fn(self.handle)
        except Exception as exc:  # every failure reaches the window as a signal, never as a dead thread
            log.warning("task %s failed: %s", self.handle.name, exc, exc_info=not hasattr(exc, "message"))
            signals.failed.emit(exc)
        else:
            signals.succeeded.emit(result)
        finally:
            signals.finished.emit(self.handle)


class TaskRunner(QObject):
    """Starts tasks on the right pool and tells the status bar what is running."""

    activity = Signal(int, str)  # number of running tasks, name of the newest
    progressed = Signal(object)  # the TaskHandle of a shown task whose counts moved (or that started or ended)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.writer = QThreadPool(self)
        self.writer.setMaxThreadCount(1)
        self._running: list[TaskHandle] = []
        self._trim = QTimer(self, singleShot=True, interval=TRIM_DELAY_MS)
        self._trim.timeout.connect(self._give_back_memory)

    def start(
        self,
        name: str,
        fn: Callable[[TaskHandle], Any],
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[Exception], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        writes: bool = False,
        shown: bool = False,
        cancellable: bool = False,
        unit: str = "",
    ) -> TaskHandle:
        """Run ``fn(handle)`` off the GUI thread; ``fn`` reports progress through ``handle.signals.progress``.

        A ``shown`` task is long work the seller started: the status bar shows its counts ("12 of 40 ``unit``");
        a ``cancellable`` one also gets a Cancel button, which sets ``handle.cancel_event`` (``fn`` passes it on
        to the core call).
        """
        shown = shown or cancellable
        handle = TaskHandle(name, TaskSignals(), shown=shown, cancellable=cancellable, unit=unit)
        if shown:
            handle.signals.progress.connect(self._moved)  # a bound method, for the same reason as _done below
        if on_success is not None:
            handle.signals.succeeded.connect(on_success)
        if on_failure is not None:
            handle.signals.failed.connect(on_failure)
        if on_progress is not None:
            handle.signals.progress.connect(on_progress)
        # A bound method of this QObject, not a lambda: Qt drops the connection if the runner (and its window)
        # is deleted before a task finishes, instead of calling into a deleted object.
        handle.signals.finished.connect(self._done)
        _glibc()  # before the pools' first threads
        self._trim.stop()  # memory is given back after the pools were idle a while, not between two tasks
        self._running.append(handle)
        self.activity.emit(len(self._running), name)
        if shown:
            self.progressed.emit(handle)
        (self.writer if writes else self.pool).start(_Runnable(handle, fn))
        return handle

    def _moved(self, done: int, total: int, _text: str) -> None:
        handle = next((h for h in self._running if h.signals is self.sender()), None)
        if handle is not None:
            handle.done, handle.total = done, total
            self.progressed.emit(handle)

    def _done(self, handle: TaskHandle) -> None:
        if handle in self._running:
            self._running.remove(handle)
        self.activity.emit(len(self._running), self._running[-1].name if self._running else "")
        if handle.shown:
            self.progressed.emit(handle)
        if not self._running:
            self._trim.start()

    def _give_back_memory(self) -> None:
        """Return the memory the finished work freed (photos decoded, files read) to the system (about 1 ms)."""
        libc = _glibc()
        if libc is not None and not self._running:
            libc.malloc_trim(0)

    def shown_task(self) -> TaskHandle | None:
        """The newest running long task the seller started (what the status bar shows), if any."""
        return next((h for h in reversed(self._running) if h.shown), None)

    @property
    def running(self) -> list[TaskHandle]:
        """Tasks started and not yet finished."""
        return list(self._running)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel what is running and wait for both pools; True if everything stopped in time."""
        for handle in self._running:
            handle.cancel()
        return self.pool.waitForDone(timeout_ms) and self.writer.waitForDone(timeout_ms)

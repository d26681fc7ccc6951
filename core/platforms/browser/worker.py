"""One thread that owns Playwright for one platform: every browser call runs there, one at a time.

Playwright's sync API is bound to the thread that started it, while SellerDesk's callers are worker threads of
the GUI, the queue or the CLI. So each platform gets a thread of its own; callers hand it a function and block
until it returns (or raises, with the original exception).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from playwright.sync_api import Playwright, sync_playwright

log = logging.getLogger(__name__)
T = TypeVar("T")
_Job = tuple[Callable[[Playwright], Any], "Future[Any]"]


class BrowserThread:
    """Runs functions of a Playwright instance on a dedicated thread; started on first use, ended by ``stop``.

    ``on_idle`` runs on the thread whenever no call came for ``idle`` seconds (e.g. to close the browser).
    """

    def __init__(self, name: str, *, idle: float | None = None,
                 on_idle: Callable[[Playwright], None] | None = None) -> None:
        self.name = name
        self._idle = idle
        self._on_idle = on_idle
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._watchers: list[threading.Thread] = []

    @property
    def running(self) -> bool:
        """Whether the thread (and so Playwright's driver) is up."""
        return self._thread is not None and self._thread.is_alive()

    def call(self, fn: Callable[[Playwright], T]) -> T:
        """Run ``fn(playwright)`` on the browser thread and return its result (or raise its exception)."""
        future: Future[T] = Future()
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._serve, name=f"browser-{self.name}")
                self._thread.start()
            thread = self._thread
        if threading.current_thread() is thread:
            raise RuntimeError("BrowserThread.call from its own thread would wait for itself")
        self._jobs.put((fn, future))
        return future.result()

    def stop(self) -> None:
        """End the thread after the jobs already queued; Playwright's driver stops with it."""
        with self._start_lock:
            thread, self._thread = self._thread, None
        if thread is None:
            return
        self._jobs.put(None)
        thread.join()
        # asyncio watches the driver process from a helper thread that ends just after the process does.
        for watcher in self._watchers:
            watcher.join(timeout=5)
        self._watchers.clear()

    def _serve(self) -> None:
        playwright: Playwright | None = None
        try:
            while True:
                try:
                    job = self._jobs.get(timeout=self._idle)
                except queue.Empty:
                    if playwright is not None and self._on_idle is not None:
                        try:
                            self._on_idle(playwright)
                        except Exception:  # tidying up while idle must never end the thread
                            log.exception("browser-%s: the idle clean-up failed", self.name)
                    continue
                if job is None:
                    return
                fn, future = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    if playwright is None:
                        before = set(threading.enumerate())
                        playwright = sync_playwright().start()
                        self._watchers = [t for t in threading.enumerate()
                                          if t not in before and t.name.startswith("asyncio-waitpid")]
                    future.set_result(fn(playwright))
                except BaseException as exc:  # handed to the caller, who re-raises it on its own thread
                    future.set_exception(exc)
        finally:
            if playwright is not None:
                playwright.stop()

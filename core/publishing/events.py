"""How publishing tells the world what happens: plain events to plain callbacks (the desktop adapts them to Qt).

Observers are called on whichever thread the event happened on (a queue worker, the scheduler); they must be
quick and must not raise. A failing observer is logged and skipped, never allowed to break a publish.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from core.publishing.jobs import JobView

log = logging.getLogger(__name__)

EventKind = Literal["job", "progress", "status", "notice"]


@dataclass(frozen=True)
class PublishEvent:
    """Something happened: a job changed (``job``), bulk work progressed (``done``/``total``), or the queue's
    condition changed (``status``: paused, offline, another SellerDesk is publishing), or something the seller
    should hear of at once (``notice``: a sale lowered the stock and listings are taken off sale). ``message`` is
    for people."""

    kind: EventKind
    message: str
    job: JobView | None = None
    done: int = 0
    total: int = 0


Observer = Callable[[PublishEvent], None]


class Observers:
    """A thread-safe list of observers."""

    def __init__(self) -> None:
        self._observers: list[Observer] = []
        self._lock = threading.Lock()

    def add(self, observer: Observer) -> None:
        """Start telling ``observer``."""
        with self._lock:
            self._observers.append(observer)

    def remove(self, observer: Observer) -> None:
        """Stop telling ``observer`` (unknown observers are ignored)."""
        with self._lock:
            if observer in self._observers:
                self._observers.remove(observer)

    def emit(self, event: PublishEvent) -> None:
        """Tell every observer about ``event``."""
        with self._lock:
            observers = list(self._observers)
        for observer in observers:
            try:
                observer(event)
            except Exception:
                log.exception("a publishing observer failed on %s", event.kind)

    def job(self, view: JobView, message: str) -> None:
        """Tell everyone that ``view`` changed."""
        self.emit(PublishEvent("job", message, job=view))

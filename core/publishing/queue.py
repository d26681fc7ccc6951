"""The publishing queue: one lane per platform, each with as many worker threads as the platform's data file allows
(spec.concurrency) and one shared platform client, whose token bucket keeps every worker within spec.rate_limits.

Lanes order their work by priority (publish-now first), then by due time. A lane can be paused by the seller,
held back after the platform asked to slow down, or wait for the network; the queue as a whole can be paused.
Nothing here touches the database: what an attempt does is the runner's business (attempt.py).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from core.platforms.base import Platform

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Hold:
    """The platform asked to slow down: the whole lane waits ``seconds``."""

    seconds: float


@dataclass(frozen=True)
class Offline:
    """The platform cannot be reached: the lane waits for the network and the job goes back into it."""


@dataclass(frozen=True)
class Reconnect:
    """The platform wants the seller (a sign-in, a CAPTCHA): its client is closed as soon as no attempt uses it (a
    portal's browser lets go of the profile, for the seller's sign-in window) and a fresh one, which reads the
    credentials the seller gives when connecting again, serves the lane's next job."""


LaneSignal = Hold | Offline | Reconnect


@dataclass(order=True, frozen=True)
class WorkItem:
    """One job waiting in a lane; ``checking`` means: look for an earlier attempt's listing on the platform."""

    sort_key: tuple[int, float, int]
    job_id: int = field(compare=False)
    platform: str = field(compare=False)
    checking: bool = field(compare=False, default=False)


Runner = Callable[[WorkItem, Platform], "LaneSignal | None"]
Opener = Callable[[str], Platform]
Probe = Callable[[Platform], bool]


@dataclass
class _Lane:
    name: str
    platform: Platform
    concurrency: int
    heap: list[WorkItem] = field(default_factory=list)
    queued: set[int] = field(default_factory=set)
    running: set[int] = field(default_factory=set)
    threads: list[threading.Thread] = field(default_factory=list)
    paused: bool = False
    offline: bool = False
    hold_until: float = 0.0
    stale: bool = False  # the client is replaced once no attempt uses it (Reconnect)


class PublishQueue:
    """Worker lanes per platform. ``on_waiting(platform, job_ids)`` is told which jobs wait for the network."""

    def __init__(self, run: Runner, opener: Opener, *, probe: Probe, probe_interval: float,
                 on_waiting: Callable[[str, list[int]], None],
                 on_online: Callable[[str], None] | None = None) -> None:
        self._run = run
        self._open = opener
        self._probe = probe
        self._probe_interval = probe_interval
        self._on_waiting = on_waiting
        self._on_online = on_online
        self._lanes: dict[str, _Lane] = {}
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._paused = False
        self._seq = itertools.count()
        self._prober: threading.Thread | None = None

    # -- feeding --------------------------------------------------------------------------------------------
    def submit(self, job_id: int, platform: str, *, priority: int, due: datetime | None,
               checking: bool = False) -> bool:
        """Queue ``job_id`` (a no-op if it is already queued or running); False once the queue is stopping.

        Raises what opening the platform raises (an unknown platform, a module that will not load).
        """
        if self._stopping.is_set():
            return False
        with self._cond:
            lane = self._lane(platform)
            if job_id in lane.queued or job_id in lane.running:
                return True
            due_key = due.timestamp() if due is not None else 0.0
            heapq.heappush(lane.heap, WorkItem((-priority, due_key, next(self._seq)), job_id, platform, checking))
            lane.queued.add(job_id)
            offline = lane.offline
            self._cond.notify_all()
        if offline:
            self._on_waiting(platform, [job_id])
        return True

    def _lane(self, name: str) -> _Lane:
        lane = self._lanes.get(name)
        if lane is None:
            platform = self._open(name)
            lane = _Lane(name, platform, max(1, platform.context.spec.concurrency))
            self._lanes[name] = lane
            for number in range(lane.concurrency):
                thread = threading.Thread(target=self._work, args=(lane,), name=f"publish-{name}-{number + 1}",
                                          daemon=True)
                lane.threads.append(thread)
                thread.start()
        return lane

    def discard(self, job_id: int) -> None:
        """Forget ``job_id`` if it is waiting in a lane (cancelled or rescheduled); a running attempt goes on."""
        with self._cond:
            for lane in self._lanes.values():
                if job_id in lane.queued:
                    lane.queued.discard(job_id)
                    lane.heap = [item for item in lane.heap if item.job_id != job_id]
                    heapq.heapify(lane.heap)

    def is_busy(self, job_id: int) -> bool:
        """Whether ``job_id`` is waiting in a lane or being attempted right now."""
        with self._cond:
            return any(job_id in lane.queued or job_id in lane.running for lane in self._lanes.values())

    # -- control --------------------------------------------------------------------------------------------
    def pause(self, platform: str | None = None) -> None:
        """Stop starting attempts (on one platform, or everywhere); attempts under way finish."""
        with self._cond:
            if platform is None:
                self._paused = True
            else:
                self._lane(platform).paused = True

    def resume(self, platform: str | None = None) -> None:
        """Start attempts again (on one platform, or everywhere: that also lifts every platform's own pause)."""
        with self._cond:
            if platform is None:
                self._paused = False
                for lane in self._lanes.values():
                    lane.paused = False
            else:
                self._lane(platform).paused = False
            self._cond.notify_all()

    def is_paused(self, platform: str | None = None) -> bool:
        """Whether the queue (or one platform's lane) is paused."""
        with self._cond:
            lane = self._lanes.get(platform) if platform else None
            return self._paused or (lane is not None and lane.paused)

    def stop(self, wait: float) -> bool:
        """Start nothing new, let attempts under way finish for up to ``wait`` seconds, close the platform clients.

        True if every worker ended in time. A worker still inside a platform call is left to the process's end; its
        job stays "publishing" in the database and is reconciled at the next start.
        """
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
            lanes = list(self._lanes.values())
            prober = self._prober
        deadline = time.monotonic() + wait
        threads = [t for lane in lanes for t in lane.threads] + ([prober] if prober is not None else [])
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        finished = not any(t.is_alive() for t in threads)
        for lane in lanes:
            if not any(t.is_alive() for t in lane.threads):
                lane.platform.close()
        return finished

    # -- workers --------------------------------------------------------------------------------------------
    def _next(self, lane: _Lane) -> WorkItem | None:
        with self._cond:
            while not self._stopping.is_set():
                held = lane.hold_until - time.monotonic()
                if lane.heap and not (self._paused or lane.paused or lane.offline or held > 0):
                    item = heapq.heappop(lane.heap)
                    lane.queued.discard(item.job_id)
                    lane.running.add(item.job_id)
                    return item
                self._cond.wait(held if held > 0 else None)
        return None

    def _work(self, lane: _Lane) -> None:
        while (item := self._next(lane)) is not None:
            signal: LaneSignal | None = None
            try:
                signal = self._run(item, lane.platform)
            except Exception:  # the runner records its own failures; this only guards the worker thread
                log.exception("publishing job %s on %s crashed its worker", item.job_id, lane.name)
            with self._cond:
                lane.running.discard(item.job_id)
                if isinstance(signal, Hold):
                    lane.hold_until = max(lane.hold_until, time.monotonic() + signal.seconds)
                elif isinstance(signal, Offline):
                    lane.offline = True
                    heapq.heappush(lane.heap, item)
                    lane.queued.add(item.job_id)
                    waiting = sorted(lane.queued)
                elif isinstance(signal, Reconnect):
                    lane.stale = True
                old = self._renew(lane)
                self._cond.notify_all()
            if old is not None:
                old.close()
            if isinstance(signal, Offline):
                self._on_waiting(lane.name, waiting)
                self._start_prober()

    def _renew(self, lane: _Lane) -> Platform | None:
        """Under the lock: give a stale lane a fresh client once no attempt uses the old one; the old one to close."""
        if not lane.stale or lane.running or self._stopping.is_set():
            return None
        try:
            fresh = self._open(lane.name)
        except Exception:  # the old client serves on; the next job's attempt reports what is wrong
            log.exception("could not open %s again", lane.name)
            return None
        old, lane.platform, lane.stale = lane.platform, fresh, False
        return old

    def _start_prober(self) -> None:
        with self._cond:
            if self._prober is not None:
                return
            self._prober = threading.Thread(target=self._probe_loop, name="publish-network-probe", daemon=True)
            self._prober.start()

    def _probe_loop(self) -> None:
        while not self._stopping.wait(self._probe_interval):
            with self._cond:
                offline = [lane for lane in self._lanes.values() if lane.offline]
                if not offline:
                    self._prober = None  # under the lock, so a lane going offline now starts a new prober
                    return
            for lane in offline:
                if self._probe(lane.platform):
                    log.info("%s is reachable again", lane.name)
                    with self._cond:
                        lane.offline = False
                        self._cond.notify_all()
                    if self._on_online is not None:
                        self._on_online(lane.name)

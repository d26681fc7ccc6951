"""The publishing service the window, the CLI and ``run-scheduler`` share: start it, ask it, observe it, stop it.

One process per data dir runs the queue and the schedule (it holds the runner lock); any other only writes its
changes to the jobs table, which the runner reads every few seconds, and takes over when the runner goes away.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from core.db.types import utcnow
from core.errors import SellerDeskError
from core.i18n import _
from core.listings.plan import queue_follow_ups
from core.listings.polling import poll_due
from core.platforms.base import Platform
from core.platforms.publish import VariantSource
from core.publishing import network
from core.publishing.attempt import WAITING_FOR_NETWORK, AttemptContext, run_attempt
from core.publishing.bulk import BulkResult, When, create_jobs
from core.publishing.config import PublishingConfig, load_config
from core.publishing.events import Observer, Observers, PublishEvent
from core.publishing.jobs import PRIORITY_NOW, JobView, get_job, list_jobs, move, note
from core.publishing.lock import RunnerLock
from core.publishing.queue import Probe, PublishQueue
from core.publishing.reconcile import MISSED_ASLEEP, mark_missed, plan_start
from core.publishing.rivals import HELD_PAST_ITS_TIME
from core.publishing.scheduler import PublishScheduler
from core.publishing.states import SELLER_MOVABLE
from core.publishing.timezones import seller_zone

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from core.app import App

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class Publisher:
    """Publishing for one app: schedule, publish now, reschedule, retry, cancel, pause; events to observers."""

    def __init__(self, app: App, *, clock: Clock = utcnow, opener: Callable[[str], Platform] | None = None,
                 variants: VariantSource | None = None, probe: Probe | None = None,
                 config: PublishingConfig | None = None, rng: random.Random | None = None) -> None:
        self.app = app
        self.clock = clock
        self.config = config or load_config(app.settings)
        self.observers = Observers()
        self._opener = opener
        self._variants = variants
        self._probe = probe or network.probe
        self._rng = rng or random.Random()
        self._lock = RunnerLock(app.data_dir)
        self._queue: PublishQueue | None = None
        self._scheduler: PublishScheduler | None = None
        self._stop = threading.Event()
        self._maintenance: threading.Thread | None = None
        self._guard = threading.RLock()
        self._seen: tuple[int, str] | None = None

    # -- life ---------------------------------------------------------------------------------------------------
    @property
    def zone(self) -> ZoneInfo:
        """The seller's time zone (general.timezone)."""
        return seller_zone(self.app.settings.get("general.timezone"))

    @property
    def is_runner(self) -> bool:
        """Whether this process runs the queue (else another SellerDesk does)."""
        return self._queue is not None

    def add_observer(self, observer: Observer) -> None:
        """Tell ``observer`` about every job change and progress (called on worker threads)."""
        self.observers.add(observer)

    def remove_observer(self, observer: Observer) -> None:
        """Stop telling ``observer``."""
        self.observers.remove(observer)

    def start(self) -> bool:
        """Recover, catch up and start publishing; True if this process runs the queue, False if another does."""
        self._stop.clear()
        runner = self._become_runner()
        self._maintenance = threading.Thread(target=self._maintain, name="publish-maintenance", daemon=True)
        self._maintenance.start()
        return runner

    def stop(self) -> bool:
        """Stop the schedule and the queue (attempts under way get config.stop_wait_seconds to finish).

        True if everything ended in time; an attempt still running is reconciled at the next start.
        """
        self._stop.set()
        if self._maintenance is not None:
            self._maintenance.join()
            self._maintenance = None
        with self._guard:
            finished = True
            if self._scheduler is not None:
                self._scheduler.shutdown()
                self._scheduler = None
            if self._queue is not None:
                finished = self._queue.stop(self.config.stop_wait_seconds)
                self._queue = None
            self._lock.release()
        return finished

    def _become_runner(self) -> bool:
        with self._guard:
            if self._queue is not None:
                return True
            if not self._lock.acquire():
                holder = self._lock.holder()
                self.observers.emit(PublishEvent("status", (
                    _("Another SellerDesk on this computer is publishing (process {process}); jobs made here go out "
                      "from there.").format(process=holder) if holder else
                    _("Another SellerDesk on this computer is publishing; jobs made here go out from there."))))
                return False
            context = AttemptContext(app=self.app, clock=self.clock, config=self.config, zone=self.zone,
                                     observers=self.observers, plan=self._plan, probe=self._probe,
                                     variants=self._variants, rng=self._rng)
            self._queue = PublishQueue(lambda item, platform: run_attempt(context, item, platform), self._open,
                                       probe=self._probe, probe_interval=self.config.probe_interval_seconds,
                                       on_waiting=self._waiting, on_online=self._online)
            self._scheduler = PublishScheduler(self.app.db.writer, grace_seconds=self.config.grace_seconds,
                                               on_due=self._due, on_missed=self._missed)
            self._scheduler.start()
            plan = plan_start(self.app.db, self.clock(), timedelta(seconds=self.config.grace_seconds))
            for job in plan.interrupted:
                self.observers.job(job, f"{job.label}: "
                                   + _("SellerDesk stopped during the attempt; checking the platform"))
            for job in plan.missed:
                self.observers.job(job, f"{job.label}: {job.next_step}")
            for job in [*plan.check_now, *plan.run_now]:
                self._enqueue(job)
            self._sync()
            self._scheduler.resume()
            self.observers.emit(PublishEvent("status", _("Publishing is running.")))
            return True

    def _open(self, name: str) -> Platform:
        if self._opener is not None:
            return self._opener(name)
        from core.platforms.registry import open_platform

        return open_platform(self.app, name)

    # -- the schedule ----------------------------------------------------------------------------------------
    def _enqueue(self, job: JobView) -> None:
        queue = self._queue
        if queue is None:
            return
        checking = job.state == "needs_attention" and job.outcome_unknown
        try:
            queue.submit(job.id, job.platform, priority=job.priority, due=job.due, checking=checking)
        except SellerDeskError as exc:
            view = move(self.app.db, job.id, "failed", _("cannot be published: {error}").format(error=exc.message),
                        now=self.clock(), last_error=exc.message,
                        next_step=exc.hint or _("Reinstall SellerDesk, then press Retry."))
            self.observers.job(view, f"{view.label}: {exc.message}")

    def _plan(self, job: JobView) -> None:
        scheduler = self._scheduler
        if scheduler is not None and job.due is not None:
            scheduler.plan(job.id, job.due)

    def _due(self, job_id: int) -> None:
        job = get_job(self.app.db, job_id)
        if job.state == "scheduled" or (job.state == "needs_attention" and job.outcome_unknown):
            self._enqueue(job)

    def _missed(self, job_id: int) -> None:
        job = get_job(self.app.db, job_id)
        if job.state == "scheduled":
            view = mark_missed(self.app.db, job_id, self.clock(), MISSED_ASLEEP)
            self.observers.job(view, f"{view.label}: {_(MISSED_ASLEEP)}")

    def _sync(self) -> None:
        """Bring the schedule and the queue in line with the jobs table (which other processes may have changed)."""
        with self._guard:
            queue, scheduler = self._queue, self._scheduler
            if queue is None or scheduler is None:
                return
            now = self.clock()
            self._follow_up(now)
            grace = timedelta(seconds=self.config.grace_seconds)
            wanted: dict[int, datetime] = {}
            # Only this computer's jobs: another computer's synced posts are shown here, never sent from here.
            for job in list_jobs(self.app.db, states=["scheduled", "needs_attention"], mine_only=True):
                due = job.due
                if due is None or (job.state == "needs_attention" and not job.outcome_unknown) \
                        or queue.is_busy(job.id):
                    continue
                if job.held_back is not None:
                    # It waits: the same product goes to the platform from another computer (core.publishing.rivals).
                    if due <= now and job.stored_note != HELD_PAST_ITS_TIME:  # released later, it goes out then
                        note(self.app.db, [job.id], HELD_PAST_ITS_TIME)  # (once: not a write lock every round)
                    continue
                if due > now:
                    wanted[job.id] = due
                elif (job.state == "scheduled" and now - due > grace and job.action == "publish"
                      and job.note not in (WAITING_FOR_NETWORK, HELD_PAST_ITS_TIME)):
                    self._missed(job.id)  # late beyond the grace window while running: the computer slept
                else:
                    self._enqueue(job)
            planned = scheduler.planned()
            for job_id in planned.keys() - wanted.keys():
                scheduler.unplan(job_id)
            for job_id, due in wanted.items():
                if planned.get(job_id) != due:
                    scheduler.plan(job_id, due)

    def _follow_up(self, now: datetime) -> None:
        """Queue what changed listings need (core.listings.plan)."""
        for job in queue_follow_ups(self.app, now=now).jobs:
            self.observers.job(job, f"{job.label}: " + _("queued"))

    def _poll(self) -> None:
        """Fetch sales and engagement from the platforms whose turn it is (outside the guard: network time)."""
        for text in poll_due(self.app, now=self.clock(), opener=self._open):
            self.observers.emit(PublishEvent("notice", text))

    def _maintain(self) -> None:
        from core.trust.housekeeping import run_daily

        while not self._stop.wait(self.config.poll_seconds):
            try:
                run_daily(self.app)  # the window and run-scheduler stay open for days: back up and purge daily
                if self.is_runner:
                    self._sync()
                    self._poll()
                elif self._become_runner():
                    continue
                else:
                    self._tell_if_changed()
            except Exception:  # a failed round is logged and tried again; it must never end the loop
                log.exception("publishing maintenance failed")

    def _tell_if_changed(self) -> None:
        jobs = list_jobs(self.app.db)
        seen = (len(jobs), max((j.updated_at.isoformat() for j in jobs), default=""))
        if seen != self._seen:
            self._seen = seen
            self.observers.emit(PublishEvent("status", "Jobs changed in another SellerDesk."))

    def _waiting(self, platform: str, job_ids: list[int]) -> None:
        note(self.app.db, job_ids, WAITING_FOR_NETWORK)
        self.observers.emit(PublishEvent("status", _("{platform}: cannot be reached; {count} post(s) are {waiting} "
                                                     "and go out when it returns.").format(
            platform=platform, count=len(job_ids), waiting=_(WAITING_FOR_NETWORK))))

    def _online(self, platform: str) -> None:
        self.observers.emit(PublishEvent("status", _("{platform} is reachable again; waiting posts are going out.")
                                         .format(platform=platform)))

    def _after_change(self, job: JobView, message: str) -> JobView:
        queue, scheduler = self._queue, self._scheduler
        if queue is not None and scheduler is not None:
            if job.state == "scheduled" and job.due is not None and job.due <= self.clock():
                scheduler.unplan(job.id)
                self._enqueue(job)
            elif job.state == "scheduled" and job.due is not None:
                queue.discard(job.id)
                scheduler.plan(job.id, job.due)
            else:
                queue.discard(job.id)
                scheduler.unplan(job.id)
        self.observers.job(job, f"{job.label}: {message}")
        return job

    # -- what the seller asks -----------------------------------------------------------------------------------
    def schedule(self, product_ids: Iterable[int], platforms: Iterable[str], when: When, *,
                 spread_days: int = 0, progress: Callable[[int, int, str], None] | None = None,
                 cancel: threading.Event | None = None, repost: bool = False) -> BulkResult:
        """Schedule every product on every platform (``when``: a time, "best" or "now"); see bulk.create_jobs."""
        def tell(done: int, total: int, text: str) -> None:
            self.observers.emit(PublishEvent("progress", text, done=done, total=total))
            if progress is not None:
                progress(done, total, text)

        result = create_jobs(self.app, list(product_ids), list(platforms), when, now=self.clock(), zone=self.zone,
                             spread_days=spread_days, progress=tell, cancel=cancel, repost=repost)
        for job in result.jobs:
            self._after_change(job, "publishing now" if when == "now" else "scheduled")
        return result

    def reschedule(self, job_id: int, at: datetime) -> JobView:
        """Move a job to ``at`` (a failed or needs-attention job is scheduled again)."""
        view = move(self.app.db, job_id, "scheduled", _("rescheduled to {time}").format(time=at.isoformat()),
                    now=self.clock(), expect=SELLER_MOVABLE, scheduled_at=at, retry_at=None, note=None, next_step=None)
        return self._after_change(view, "rescheduled")

    def retry(self, job_id: int) -> JobView:
        """Send a failed or needs-attention job now, ahead of scheduled work (an unknown outcome is checked first)."""
        now = self.clock()
        view = move(self.app.db, job_id, "scheduled", _("the seller asked to try again"), now=now,
                    expect=SELLER_MOVABLE, retry_at=now,
                    priority=PRIORITY_NOW, note=None, next_step=None)
        return self._after_change(view, "trying again now")

    def cancel(self, job_id: int) -> JobView:
        """Cancel a job that has not gone out (IllegalTransition while it is being published or once published)."""
        view = move(self.app.db, job_id, "cancelled", _("cancelled by the seller"), now=self.clock(),
                    expect=SELLER_MOVABLE, retry_at=None,
                    note=None, next_step=None)
        return self._after_change(view, "cancelled")

    def pause(self, platform: str | None = None) -> None:
        """Start no new attempts (on one platform, or anywhere) until resume()."""
        if self._queue is not None:
            self._queue.pause(platform)
            self.observers.emit(PublishEvent("status", _("Publishing paused on {platform}.").format(platform=platform)
                                             if platform else _("Publishing paused.")))

    def resume(self, platform: str | None = None) -> None:
        """Start attempts again."""
        if self._queue is not None:
            self._queue.resume(platform)
            self.observers.emit(PublishEvent("status", _("Publishing resumed.")))

    def is_paused(self, platform: str | None = None) -> bool:
        """Whether publishing (or one platform) is paused."""
        return self._queue is not None and self._queue.is_paused(platform)


def wait_settled(publisher: Publisher, job_ids: set[int], patience: timedelta) -> list[JobView]:
    """Block until every job of ``job_ids`` is :func:`settled` (a command waiting for what it queued); the jobs."""
    while True:
        jobs = list_jobs(publisher.app.db, ids=job_ids)
        if all(settled(job, publisher.clock(), patience) for job in jobs):
            return jobs
        time.sleep(0.2)


def settled(job: JobView, now: datetime, patience: timedelta) -> bool:
    """Whether a job waited on (``publish`` without ``--at``) has an outcome to report: it is done, needs the
    seller, or its next automatic attempt is further off than ``patience``."""
    if job.state in ("published", "failed", "needs_attention", "cancelled"):
        return True
    if job.state == "scheduled" and job.note == WAITING_FOR_NETWORK:
        return False
    return job.state == "scheduled" and job.due is not None and job.due - now > patience



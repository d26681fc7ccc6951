"""APScheduler (3.x) keeps each job's next automatic attempt in the app's own database, so schedules survive restarts.

APScheduler's job id is our PublishJob id; its job only says *when*. Our table stays the source of truth: at start
and every few seconds the schedule is brought in line with it (see service.py), and APScheduler's job calls
:func:`fire`, which hands the job to the running queue.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

log = logging.getLogger(__name__)

JOBS_TABLE = "apscheduler_jobs"  # created by SQLAlchemyJobStore itself, in the app database file

_active: Callable[[int], None] | None = None
_active_lock = threading.Lock()


def fire(job_id: int) -> None:
    """APScheduler's entry point (stored by reference in the job store): the job is due, queue it."""
    with _active_lock:
        target = _active
    if target is None:
        log.warning("publish job %s came due with no queue running; the next start picks it up", job_id)
        return
    target(job_id)


class _JobStore(SQLAlchemyJobStore):  # type: ignore[misc]  # APScheduler 3 has no type hints
    """APScheduler's SQLAlchemy job store, for which a job already gone counts as removed.

    After handing a due one-off job to the executor, APScheduler removes it from the store in its own thread; a
    JobLookupError there ends that thread, and no scheduled post would go out again until a restart. Within this
    process the scheduler's lock keeps our own unplan() from getting in between, but the row lives in the app
    database file, where another connection can delete it first. Removing is all either side wants, so a row
    already gone is not an error.
    """

    def remove_job(self, job_id: str) -> None:
        with contextlib.suppress(JobLookupError):
            super().remove_job(job_id)


class PublishScheduler:
    """A background APScheduler on the app database; ``on_due(job_id)`` and ``on_missed(job_id)`` are called from
    its thread."""

    def __init__(self, engine: Engine, *, grace_seconds: float, on_due: Callable[[int], None],
                 on_missed: Callable[[int], None]) -> None:
        self._on_due = on_due
        self._on_missed = on_missed
        self._scheduler = BackgroundScheduler(
            jobstores={"default": _JobStore(engine=engine, tablename=JOBS_TABLE)},
            executors={"default": ThreadPoolExecutor(2)},
            # A wake-up later than the grace window (the computer slept) is reported as missed, not run.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": max(1, int(grace_seconds))},
            timezone=UTC,
        )
        self._scheduler.add_listener(self._event, EVENT_JOB_MISSED | EVENT_JOB_ERROR)

    def start(self) -> None:
        """Start paused (so nothing fires before the schedule is in line with the jobs table); see resume()."""
        global _active
        with _active_lock:
            _active = self._on_due
        self._scheduler.start(paused=True)

    def resume(self) -> None:
        """Let due jobs fire."""
        self._scheduler.resume()

    def plan(self, job_id: int, at: datetime) -> None:
        """Fire ``job_id`` at ``at`` (replacing any earlier time)."""
        self._scheduler.add_job(fire, "date", run_date=at, args=[job_id], id=str(job_id), replace_existing=True)

    def unplan(self, job_id: int) -> None:
        """Forget ``job_id``'s time, if it has one."""
        self._scheduler.remove_job(str(job_id))

    def planned(self) -> dict[int, datetime]:
        """Every job id on the schedule with its time."""
        return {int(job.id): job.next_run_time for job in self._scheduler.get_jobs()}

    def shutdown(self) -> None:
        """Stop the scheduler thread and its executor (the stored schedule stays)."""
        global _active
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        with _active_lock:
            if _active is self._on_due:
                _active = None

    def _event(self, event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            self._on_missed(int(event.job_id))
        else:
            log.error("publish job %s could not be handed to the queue: %s", event.job_id, event.exception)

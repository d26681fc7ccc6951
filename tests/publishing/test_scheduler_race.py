"""The publish scheduler keeps firing after a job was taken off the schedule while it fired."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from core.publishing.scheduler import JOBS_TABLE, PublishScheduler


def test_a_job_removed_as_it_fires_does_not_stop_later_ones(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'jobs.db'}")
    fired: list[int] = []
    second = threading.Event()

    def due(job_id: int) -> None:
        fired.append(job_id)
        if job_id == 2:
            second.set()

    scheduler = PublishScheduler(engine, grace_seconds=60, on_due=due, on_missed=lambda _id: None)
    store = scheduler._scheduler._lookup_jobstore("default")
    remove = store.remove_job
    raced: list[str] = []

    def removed_already(job_id: str) -> None:  # another connection deleted job 1's row just before APScheduler did
        if job_id == "1" and not raced:
            raced.append(job_id)
            with engine.begin() as other:
                other.execute(text(f"DELETE FROM {JOBS_TABLE} WHERE id = :id"), {"id": job_id})
        remove(job_id)

    store.remove_job = removed_already
    scheduler.start()
    try:
        now = datetime.now(UTC)
        scheduler.plan(1, now)
        scheduler.plan(2, now + timedelta(seconds=1))
        scheduler.resume()
        assert second.wait(15), f"the scheduler stopped after the race; fired: {fired}"
    finally:
        scheduler.shutdown()
        engine.dispose()
    assert raced == ["1"] and fired == [1, 2]

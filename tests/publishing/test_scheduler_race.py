"""The publish scheduler keeps firing after a job was taken off the schedule while it fired."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from sqlalchemy import create_engine, text

from core.publishing.scheduler import JOBS_TABLE, PublishScheduler


def test_a_job_removed_as_it_fires_does_not_stop_later_ones(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'jobs.db'}")
    fired: list[int] = []
    second = threading.Event()

    def due(job_id: int) -> None:
        fired.append(job_id)
        if job_id == 2:
            second.set()

    remove = SQLAlchemyJobStore.remove_job
    raced: list[str] = []

    def removed_already(store: SQLAlchemyJobStore, job_id: str) -> None:
        if job_id == "1" and not raced:  # another connection deletes job 1's row just before APScheduler does
            raced.append(job_id)
            with engine.begin() as other:
                other.execute(text(f"DELETE FROM {JOBS_TABLE} WHERE id = :id"), {"id": job_id})
        remove(store, job_id)

    monkeypatch.setattr(SQLAlchemyJobStore, "remove_job", removed_already)
    scheduler = PublishScheduler(engine, grace_seconds=60, on_due=due, on_missed=lambda _id: None)
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

"""Once-a-day care, from whichever entry point runs first that day: the window, any CLI command, run-scheduler.

The full integrity check and the daily backup happen when today's backup does not exist yet; the bin (and data
sets moved aside by "delete all") is emptied of what has been there 30 days when no purge is recorded for today.
Both are cheap to ask about again, so long-running processes (the window, run-scheduler) ask every few minutes.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from core.db.database import DB_FILE
from core.db.models import AuditEvent
from core.errors import StorageError
from core.trust.backup import BACKUP_DIR, daily_backup_name, daily_maintenance

if TYPE_CHECKING:
    from pathlib import Path

    from core.app import App

log = logging.getLogger(__name__)
PURGE_EVENT = "data.purge"


class DamagedDatabase(StorageError):
    """The database file failed its full integrity check; nothing is written to it."""

    def __init__(self, data_dir: Path, integrity: str) -> None:
        super().__init__(f"The database file {data_dir / DB_FILE} is damaged ({integrity}).",
                         hint="Nothing more is written to it. Restore the newest backup (the window offers it; "
                         "'sellerdesk data backups' lists them).")
        self.integrity = integrity  # what SQLite's check found


def check_now(data_dir: Path, *, now: datetime | None = None) -> None:
    """The full check (and today's backup, when it is not made yet) before the database is opened for writing.

    Raises DamagedDatabase when the file fails it.
    """
    if (data_dir / DB_FILE).exists():
        done = daily_maintenance(data_dir, today=now)
        if not done.healthy:
            raise DamagedDatabase(data_dir, done.integrity)


def _purged_today(app: App, now: datetime) -> bool:
    start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    with app.db.session() as session:  # the index on audit_events.at keeps this to today's entries
        return session.scalar(select(AuditEvent.id).where(AuditEvent.at >= start, AuditEvent.kind == PURGE_EVENT)
                              .limit(1)) is not None


def run_daily(app: App, *, now: datetime | None = None) -> None:
    """Do today's check, backup and purge if they have not been done yet (by this or another process).

    A database that fails the full check is refused for the rest of this process (StorageError now, and from
    every later session), so nothing is written into it; the window offers the newest backup back.
    """
    moment = now or datetime.now(UTC)
    if (app.data_dir / DB_FILE).exists() and not (app.data_dir / BACKUP_DIR / daily_backup_name(moment)).exists():
        try:
            check_now(app.data_dir, now=moment)
        except DamagedDatabase as error:
            app.db.refuse(error)
            raise
    if not _purged_today(app, moment):
        from core.trust.deletion import purge  # (and the keychain library) only once a day, not at every command

        report = purge(app, now=moment, photo_grace=timedelta(days=1))
        if report.products or report.photos or report.trashed_sets:
            log.info("emptied the bin: %s products, %s photos, %s deleted data sets", report.products,
                     report.photos, report.trashed_sets)

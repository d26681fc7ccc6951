"""Scheduled housekeeping, on a thread of every instance (each step is small and safe to run twice at once):
expired public media, old rate-limit events, dead sign-ins, refresh tokens and emailed links or codes, settled
conflicts and superseded versions past the retention period, devices gone for a year, and abandoned upload staging
files."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, case, delete, select, update

from server import sync_engine
from server.context import Services
from server.media import sweep_expired
from server.metrics import HOUSEKEEPING_RUNS
from server.models import (
    Account,
    AuthSession,
    Device,
    EmailToken,
    RateEvent,
    RefreshToken,
    SyncChange,
    SyncConflict,
    utcnow,
)

log = logging.getLogger(__name__)
_DEVICE_GONE = timedelta(days=365)
_STAGING_AGE_SECONDS = 24 * 3600


def housekeep(services: Services) -> dict[str, int]:
    """One round of every step; returns how many rows (or files) each removed."""
    limits = services.config.limits
    now = utcnow()
    done: dict[str, int] = {"media": 0}
    while (swept := sweep_expired(services)) > 0:
        done["media"] += swept
    with services.db.writer() as session:
        window = max(limits.login_window_seconds, limits.registration_window_seconds)
        done["rate_events"] = _count(session.execute(delete(RateEvent).where(
            RateEvent.at < now - timedelta(seconds=window))))
        done["refresh_tokens"] = _count(session.execute(delete(RefreshToken).where(RefreshToken.expires_at <= now)))
        done["email_tokens"] = _count(session.execute(delete(EmailToken).where(EmailToken.expires_at <= now)))
        done["sessions"] = _count(session.execute(delete(AuthSession).where(
            AuthSession.revoked_at < now - timedelta(seconds=limits.refresh_ttl_seconds))))
        unused = and_(Device.last_seen_at < now - _DEVICE_GONE,
                      ~select(AuthSession.id).where(AuthSession.device_id == Device.id,
                                                    AuthSession.revoked_at.is_(None)).exists())
        by_account: dict[int, list[int]] = {}
        for device_id, account_id in session.execute(select(Device.id, Device.account_id).where(unused)):
            by_account.setdefault(account_id, []).append(device_id)
        for account_id, device_ids in by_account.items():
            # The conflicts they set aside are about to stop naming them: those lists change.
            sync_engine.conflicts_changed(session, account_id, device_ids)
        done["devices"] = _count(session.execute(delete(Device).where(
            Device.id.in_([d for ids in by_account.values() for d in ids]), unused)))
    retention = now - timedelta(seconds=limits.sync_retention_seconds)
    for table, condition in ((SyncConflict, SyncConflict.resolved_at < retention),
                             (SyncChange, SyncChange.superseded_at < retention)):
        with services.db.writer() as session:
            # Their bytes stop counting toward each account's quota in the same transaction.
            stamps = (SyncConflict.listed_version,) if table is SyncConflict else ()
            freed = session.execute(delete(table).where(condition)
                                    .returning(table.account_id, table.size, *stamps)).all()
            per_account: dict[int, int] = {}
            floors: dict[int, int] = {}
            for account_id, size, *stamp in freed:
                per_account[account_id] = per_account.get(account_id, 0) + size
                if stamp:
                    floors[account_id] = max(floors.get(account_id, 0), stamp[0])
            for account_id, size in per_account.items():
                values: dict[str, Any] = {"sync_bytes": Account.sync_bytes - size}
                if account_id in floors:
                    # Settled conflicts pruned: a device's tag from before they were settled can no longer be told
                    # what changed since (it is sent the whole list).
                    floor = floors[account_id]
                    values["conflicts_floor"] = case((Account.conflicts_floor < floor, floor),
                                                     else_=Account.conflicts_floor)
                session.execute(update(Account).where(Account.id == account_id).values(values))
            done[table.__tablename__] = len(freed)
    done["staging_files"] = 0
    for leftover in services.store.staging_dir.glob("upload-*"):
        if time.time() - leftover.stat().st_mtime > _STAGING_AGE_SECONDS:
            leftover.unlink(missing_ok=True)
            done["staging_files"] += 1
    return done


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


class Housekeeper:
    """Runs ``housekeep`` every ``interval`` seconds on a thread until ``stop()``; the first round comes after a
    short pause, so starting many instances at once does not start with a burst of deletes."""

    def __init__(self, services: Services, interval: float, first_after: float = 30.0) -> None:
        self._services = services
        self._interval = interval
        self._first_after = first_after
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="housekeeping")

    def start(self) -> None:
        """Begin the schedule."""
        self._thread.start()

    def stop(self) -> None:
        """End the schedule (a round in progress finishes first)."""
        self._stopping.set()
        self._thread.join(60)

    def _run(self) -> None:
        wait = self._first_after
        while not self._stopping.wait(wait):
            wait = self._interval
            try:
                done = housekeep(self._services)
            except Exception:
                HOUSEKEEPING_RUNS.labels("failed").inc()
                log.exception("housekeeping round failed; the next one tries again")
                continue
            HOUSEKEEPING_RUNS.labels("done").inc()
            if any(done.values()):
                log.info("housekeeping removed %s", ", ".join(f"{n} {what}" for what, n in done.items() if n))

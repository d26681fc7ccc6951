"""One sync round: push the outbox, pull the other computers' changes, mirror conflicts, fetch missing photos.

No database transaction is held across a network call. Entries are marked sent (and committed) before they go,
so an answer lost on the way back is retried with the same change id and applied once. A failure anywhere leaves
the outbox and cursor where they were; the next round catches up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from core.db.models import SyncOutboxEntry, SyncRecord
from core.db.types import utcnow
from core.sync import state
from core.sync.apply import apply_version, known_version, remember
from core.sync.capture import quietly
from core.sync.conflicts import keep
from core.sync.conflicts import refresh as refresh_conflicts
from core.sync.devices import send_name
from core.sync.errors import SyncError, translated
from core.sync.moves import settle as hand_over
from core.sync.outbox import RECORD_MAX_BYTES, pending_ids, record_bytes
from core.sync.photos import download_missing, upload_originals
from core.sync.records import APPLY_ORDER, IMAGE
from core.sync.restore import newest, reconcile
from core.sync.settings_sync import applier, capture_settings
from server.client_models import (
    RESTORED_CODES,
    PushOutcome,
    RecordChange,
    RecordVersion,
    ServiceConflict,
    SyncPosition,
)

if TYPE_CHECKING:
    from core.app import App
    from core.sync.account import SyncAccount
    from server.client import SyncServiceClient

BATCH = 500
BATCH_BYTES = 1_000_000  # well under the service's 4 MB request limit, whatever the descriptions' length
_MAX_BATCHES = 200  # a runaway guard: 100,000 changes in one round
log = logging.getLogger(__name__)
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


@dataclass
class RoundReport:
    """What one round did."""

    pushed: int = 0
    conflicts: int = 0
    pulled: int = 0
    photos_up: int = 0
    photos_down: int = 0

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def _round_lock(app: App) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(str(app.data_dir), threading.Lock())


def sync_now(account: SyncAccount, cancelled: Callable[[], bool] = lambda: False) -> RoundReport:
    """Run one round for ``account``'s data dir (rounds of one data dir take turns). Raises SyncError, after
    recording it for the status line, when the service cannot be reached, refuses, or the session has ended."""
    app = account.app
    report = RoundReport()
    with _round_lock(app):
        try:
            with account.client() as client, translated("syncing"):
                capture_settings(app.db, app.settings)
                send_name(app.db, client)
                try:
                    _round(app, client, report, cancelled)
                except ServiceConflict as exc:
                    if exc.code not in RESTORED_CODES:
                        raise
                    log.warning("the sync service was restored from a backup: comparing every record again")
                    _recover(app, client, report)
                    _round(app, client, report, cancelled)
        except SyncError as exc:
            log.warning("sync round stopped (%s): %s", exc.problem, exc.message)
            if exc.problem != "signed_out":
                _record_problem(app, exc)
            elif account.email is not None:  # the service ended the session (not the seller signing out)
                account.mark_signed_out(exc.message)
            raise
        if cancelled():
            return report  # stopped between steps: the next round finishes the job
        log.info("sync round: sent %d changes and %d photos, received %d changes and %d photos, %d new conflicts",
                 report.pushed, report.photos_up, report.pulled, report.photos_down, report.conflicts)
        with app.db.session() as session:
            state.write(session, state.LAST_SYNC, utcnow().isoformat())
            state.write(session, state.PROBLEM, None)
            state.write(session, state.PROBLEM_TEXT, None)
    return report


def _round(app: App, client: SyncServiceClient, report: RoundReport, cancelled: Callable[[], bool]) -> None:
    hand_over(app.db)  # posts other computers asked for (core.sync.moves): handed over in this round's push
    _push(app, client, report, cancelled)
    if cancelled():
        return
    _pull(app, client, report)
    hand_over(app.db)
    # Merging records that clashed here queues changes: send them now, not a round later.
    _push(app, client, report, cancelled)
    refresh_conflicts(app.db, client)  # listed only when the list changed since this computer last saw it
    report.photos_down = download_missing(app, client, cancelled)


def _recover(app: App, client: SyncServiceClient, report: RoundReport) -> None:
    """The service lost changes this computer has seen: read all it holds, queue what it lost (see
    core.sync.restore), take what it has that is newer, and carry on from its end of the log."""
    records, position = client.pull_since(SyncPosition(), include_own=True)
    heads = newest(records)
    with app.db.session() as session:
        reconcile(session.connection(), heads, utcnow())
        state.write(session, state.CONFLICTS_ETAG, None)  # the restored list may carry a tag handed out before
    _apply(app, heads.values(), position, report)


def _record_problem(app: App, exc: SyncError) -> None:
    with app.db.session() as session:
        state.write(session, state.PROBLEM, exc.problem)
        state.write(session, state.PROBLEM_TEXT, str(exc))


def _take_batch(app: App) -> list[tuple[int, RecordChange]]:
    """The oldest waiting change of each record (a record's next one waits for this one's answer), marked sent."""
    with app.db.session() as session:
        entries = session.scalars(select(SyncOutboxEntry).order_by(SyncOutboxEntry.id)).all()
        chosen: dict[str, SyncOutboxEntry] = {}
        size = 0
        too_large: set[str] = set()
        for entry in entries:
            if entry.sync_id not in chosen and entry.sync_id not in too_large:
                length = record_bytes(entry.data)
                if length > RECORD_MAX_BYTES:
                    too_large.add(entry.sync_id)  # would make the service refuse the batch: left out, reported
                    continue
                chosen[entry.sync_id] = entry
                size += length
                if len(chosen) == BATCH or size > BATCH_BYTES:
                    break
        if too_large:
            log.warning("%d records are too large to sync and were left out", len(too_large))
        state.write(session, state.TOO_LARGE, str(len(too_large)) if too_large else None)
        ids = list(chosen)
        versions = {sync_id: version for sync_id, version in session.execute(
            select(SyncRecord.sync_id, SyncRecord.version).where(SyncRecord.sync_id.in_(ids)))} if ids else {}
        batch = []
        for entry in chosen.values():
            entry.sent = True
            batch.append((entry.id, RecordChange(entry.kind, entry.sync_id, versions.get(entry.sync_id, 0),
                                                 dict(entry.data), entry.changed_at, entry.deleted, entry.change_id)))
        return batch


def _push(app: App, client: SyncServiceClient, report: RoundReport, cancelled: Callable[[], bool]) -> None:
    for _ in range(_MAX_BATCHES):
        batch = _take_batch(app)
        if not batch or cancelled():
            return
        report.photos_up += upload_originals(app, client, [
            change.data["sha256"] for _, change in batch if change.kind == IMAGE.name and not change.deleted])
        with app.db.session() as session:
            since = state.position(session)
        outcomes = client.push([change for _, change in batch], since)
        _settle(app, batch, outcomes, report)


def _settle(app: App, batch: list[tuple[int, RecordChange]], outcomes: list[PushOutcome],
            report: RoundReport) -> None:
    by_change = {outcome.change_id: outcome for outcome in outcomes}
    settings_apply = applier(app.settings)
    with app.db.session() as session:
        quietly(session)
        for entry_id, change in batch:
            outcome = by_change.get(change.change_id)
            if outcome is None:
                continue  # not answered: stays sent, retried with the same change id
            if outcome.status != "conflict" or outcome.conflict is None:
                remember(session, change.kind, change.id, outcome.version, None if change.deleted else change.data)
                session.execute(delete(SyncOutboxEntry).where(SyncOutboxEntry.id == entry_id))
                report.pushed += 1
                continue
            # The service kept its version. Edits queued behind the losing one belong to the same side: the
            # newest of them is what the seller would keep as "mine".
            queued = session.scalars(select(SyncOutboxEntry).where(SyncOutboxEntry.sync_id == change.id)
                                     .order_by(SyncOutboxEntry.id)).all()
            newest = queued[-1] if queued else None
            mine, mine_deleted = (dict(newest.data), newest.deleted) if newest else (change.data, change.deleted)
            keep(session, outcome.conflict, mine, mine_deleted)
            session.execute(delete(SyncOutboxEntry).where(SyncOutboxEntry.sync_id == change.id))
            current = outcome.conflict.current
            if current is not None:
                apply_version(session, current, settings_apply)
            report.conflicts += 1


def _pull(app: App, client: SyncServiceClient, report: RoundReport) -> None:
    with app.db.session() as session:
        since = state.position(session)
    records, position = client.pull_since(since)
    _apply(app, newest(records).values(), position, report)


def _apply(app: App, records: Iterable[RecordVersion], position: SyncPosition, report: RoundReport) -> None:
    """Apply the service's versions (parents first) and store the position they bring this computer to."""
    ordered = sorted(records, key=lambda r: (APPLY_ORDER.get(r.kind, len(APPLY_ORDER)), r.seq))
    settings_apply = applier(app.settings)
    with app.db.session() as session:
        quietly(session)
        waiting = pending_ids(session.connection())
        for record in ordered:
            # A record edited here meanwhile is left alone: its push meets this version and becomes a conflict.
            if record.id in waiting or record.version <= known_version(session, record.id):
                continue
            if apply_version(session, record, settings_apply) == "applied":
                report.pulled += 1
        state.store_position(session, position)

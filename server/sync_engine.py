"""Versioned records in a per-account change log: push with version checks, pull by cursor, keep every loser.

Each account has its own sequence (``accounts.sync_seq``). A push locks that row first, so pushes of one account
commit one after another in sequence order: a device that has seen sequence N has seen everything below N, and a
cursor never skips a change that commits late.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, select, tuple_, update
from sqlalchemy.orm import Session

from server.models import Account, Device, SyncChange, SyncConflict, SyncHead, utcnow
from server.quota import file_bytes, record_size
from server.schemas import ChangeIn, ConflictOut, PushResult, RecordOut


@dataclass
class _Account:
    """The locked account row's sequence, advanced as changes are written, and the versions they superseded."""

    id: int
    seq: int
    epoch: str = ""
    sync_bytes: int = 0
    added_bytes: int = 0  # by the versions and conflicts this transaction writes (pruning is counted in finish)
    superseded: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Position:
    """Where a device stands in the account's log: its cursor, the change it holds at that cursor, and the epoch
    it last saw. Each is optional (None: the device does not know it, so it is not checked)."""

    cursor: int = 0
    change_id: str | None = None
    epoch: str | None = None


class Restored(Exception):
    """The device has seen changes this server no longer holds (it was restored from a backup): its cursor is past
    the last change, the change at its cursor is another one (sequence numbers handed out again), or the
    account's epoch changed."""


def lock_account(session: Session, account_id: int) -> _Account:
    """Take the account's sync lock for the rest of the transaction (SQLite: the writer's BEGIN IMMEDIATE)."""
    seq, epoch, stored = session.execute(select(Account.sync_seq, Account.sync_epoch, Account.sync_bytes)
                                         .where(Account.id == account_id).with_for_update()).one()
    return _Account(account_id, seq, epoch, stored)


def check_position(session: Session, account_id: int, last_seq: int, epoch: str, position: Position) -> None:
    """Raise Restored unless ``position`` is a place in this account's log as the server holds it now.

    A change at the cursor that was pruned (superseded longer ago than the retention period) cannot be compared;
    the epoch still catches a restore then.
    """
    if position.epoch is not None and position.epoch != epoch:
        raise Restored
    if position.cursor == 0:
        return
    if position.cursor > last_seq:
        raise Restored
    if position.change_id is not None:
        held = session.scalar(select(SyncChange.change_id).where(SyncChange.account_id == account_id,
                                                                 SyncChange.seq == position.cursor))
        if held is not None and held != position.change_id:
            raise Restored


def record_out(change: SyncChange) -> RecordOut:
    """A logged version as devices see it."""
    return RecordOut(kind=change.kind, id=change.record_id, version=change.version, deleted=change.deleted,
                     data=change.data, updated_at=change.updated_at, seq=change.seq)


def head_change(session: Session, account_id: int, head: SyncHead | None) -> SyncChange | None:
    """The logged version ``head`` points at (None for a record the server has never seen)."""
    return None if head is None else session.get(SyncChange, (account_id, head.head_seq))


def _device_names(session: Session, account_id: int) -> dict[int, str]:
    rows = session.execute(select(Device.id, Device.name).where(Device.account_id == account_id))
    return {device_id: name for device_id, name in rows}


def write_version(session: Session, account: _Account, head: SyncHead | None, *, kind: str, record_id: str,
                  change_id: str, deleted: bool, data: dict[str, Any], updated_at: datetime,
                  device_id: int | None, now: datetime, size: int | None = None) -> tuple[SyncChange, SyncHead]:
    """Log the next version of a record on top of ``head`` and move the head to it (``size``: what it counts
    toward the quota, measured here when not given)."""
    account.seq += 1
    stored = {} if deleted else data
    size = record_size(stored) if size is None or deleted else size
    account.added_bytes += size
    change = SyncChange(account_id=account.id, seq=account.seq, change_id=change_id, kind=kind, record_id=record_id,
                        version=(head.version if head else 0) + 1, deleted=deleted, data=stored,
                        updated_at=updated_at, device_id=device_id, created_at=now, size=size)
    session.add(change)
    if head is None:
        head = SyncHead(account_id=account.id, kind=kind, record_id=record_id, version=change.version,
                        deleted=deleted, head_seq=change.seq)
        session.add(head)
    else:
        account.superseded.append(head.head_seq)
        head.version, head.deleted, head.head_seq = change.version, deleted, change.seq
    return change, head


def finish(session: Session, account: _Account, retention_seconds: int, now: datetime) -> None:
    """Mark superseded versions, drop versions superseded longer ago than the retention period, and store the
    advanced sequence and byte count. One statement each, whatever the number of changes (a push holds the
    account's lock)."""
    session.flush()
    if account.superseded:
        session.execute(update(SyncChange).where(SyncChange.account_id == account.id,
                                                 SyncChange.seq.in_(account.superseded))
                        .values(superseded_at=now).execution_options(synchronize_session=False))
    pruned = session.scalars(delete(SyncChange).where(
        SyncChange.account_id == account.id, SyncChange.superseded_at < now - timedelta(seconds=retention_seconds))
        .returning(SyncChange.size).execution_options(synchronize_session=False)).all()
    delta = account.added_bytes - sum(pruned)
    session.execute(update(Account).where(Account.id == account.id)
                    .values(sync_seq=account.seq, sync_bytes=Account.sync_bytes + delta)
                    .execution_options(synchronize_session=False))


class QuotaExceeded(Exception):
    """The push would take the account past its storage quota (``used`` bytes stored, ``incoming`` sent)."""

    def __init__(self, used: int, incoming: int) -> None:
        super().__init__(used, incoming)
        self.used, self.incoming = used, incoming


def push(session: Session, account_id: int, device_id: int, changes: list[ChangeIn],
         retention_seconds: int, position: Position | None = None, sizes: Mapping[str, int] | None = None,
         quota: int | None = None) -> list[PushResult]:
    """Apply each change whose base is the current version; keep the others as conflicts. Retries are no-ops.

    With ``position``, a device that has seen changes this server lost (a restore) is refused with Restored
    before anything is written: its base versions may name versions that are gone or were handed out again.
    """
    now = utcnow()
    account = lock_account(session, account_id)
    if position is not None:
        check_position(session, account_id, account.seq, account.epoch, position)
    change_ids = [str(c.change_id) for c in changes]
    record_ids = {str(c.id) for c in changes}
    logged = {c.change_id: c for c in session.scalars(
        select(SyncChange).where(SyncChange.account_id == account_id, SyncChange.change_id.in_(change_ids)))}
    kept = {c.change_id: c for c in session.scalars(
        select(SyncConflict).where(SyncConflict.account_id == account_id, SyncConflict.change_id.in_(change_ids)))}
    heads = {(h.kind, h.record_id): h for h in session.scalars(
        select(SyncHead).where(SyncHead.account_id == account_id, SyncHead.record_id.in_(record_ids)))}
    sizes = sizes if sizes is not None else {str(c.change_id): record_size(c.data) for c in changes}
    if quota is not None:
        # Deletions always go through: they are how a seller over the quota makes room.
        incoming = sum(sizes[str(c.change_id)] for c in changes
                       if not c.deleted and str(c.change_id) not in logged and str(c.change_id) not in kept)
        used = account.sync_bytes + file_bytes(session, account_id)
        if incoming and used + incoming > quota:
            raise QuotaExceeded(used, incoming)
    if any(c.base_version != (h.version if (h := heads.get((c.kind, str(c.id)))) else 0) for c in changes):
        # Stale bases meet the current versions (same edit, or a conflict): load them all in one query, so the
        # lookups below find them in the session.
        current_rows = session.scalars(select(SyncChange).where(  # noqa: F841 (held: the session's map is weak)
            SyncChange.account_id == account_id, SyncChange.seq.in_([h.head_seq for h in heads.values()]))).all()
    results: list[PushResult | None] = []
    lost: list[tuple[int, SyncConflict, int]] = []  # (index in results, conflict, record version then)
    written_now: set[tuple[str, str]] = set()
    for change in changes:
        change_id, record_id = str(change.change_id), str(change.id)
        # A retried push (its answer was lost on the way back) gets the first answer again, changing nothing.
        if change_id in logged:
            done = logged[change_id]
            results.append(PushResult(change_id=change_id, kind=done.kind, id=done.record_id, status="applied",
                                      version=done.version, seq=done.seq))
            continue
        head = heads.get((change.kind, record_id))
        if change_id in kept:
            lost.append((len(results), kept[change_id], head.version if head else 0))
            results.append(None)
            continue
        current_version = head.version if head else 0
        if change.base_version == current_version:
            written, heads[(change.kind, record_id)] = write_version(
                session, account, head, kind=change.kind, record_id=record_id, change_id=change_id,
                deleted=change.deleted, data=change.data, updated_at=change.updated_at, device_id=device_id, now=now,
                size=sizes[change_id])
            logged[change_id] = written
            written_now.add((change.kind, record_id))
            results.append(PushResult(change_id=change_id, kind=change.kind, id=record_id, status="applied",
                                      version=written.version, seq=written.seq))
            continue
        if (change.kind, record_id) in written_now:
            session.flush()  # the head version was written earlier in this batch: make it findable
        current = head_change(session, account_id, head)
        same = current is not None and current.deleted == change.deleted and (
            change.deleted or current.data == change.data)
        if current is not None and same:
            # Both sides made the same edit: nothing to choose between.
            results.append(PushResult(change_id=change_id, kind=change.kind, id=record_id, status="unchanged",
                                      version=current.version, seq=current.seq))
            continue
        conflict = SyncConflict(id=str(uuid.uuid4()), account_id=account_id, change_id=change_id, kind=change.kind,
                                record_id=record_id, base_version=change.base_version,
                                server_version=current_version, deleted=change.deleted,
                                data={} if change.deleted else change.data, updated_at=change.updated_at,
                                device_id=device_id, created_at=now, size=sizes[change_id])
        account.added_bytes += conflict.size
        session.add(conflict)
        kept[change_id] = conflict
        lost.append((len(results), conflict, current_version))
        results.append(None)
    finish(session, account, retention_seconds, now)
    # Every conflict beside the record as it now stands, in three queries however many there are.
    for (index, conflict, version), out in zip(lost, conflicts_out(session, account_id, [c for _, c, _ in lost]),
                                               strict=True):
        results[index] = PushResult(change_id=conflict.change_id, kind=conflict.kind, id=conflict.record_id,
                                    status="conflict", version=version, seq=None, conflict=out)
    return [result for result in results if result is not None]


@dataclass(frozen=True)
class Page:
    """One page of a pull: the other devices' changes and where to continue (the cursor, the change id at it,
    and the account's epoch, for the device to send back next time)."""

    changes: list[RecordOut]
    cursor: int
    has_more: bool
    cursor_change: str | None
    epoch: str


def pull(session: Session, account_id: int, device_id: int, position: Position, limit: int,
         include_own: bool) -> Page:
    """Changes after the cursor in sequence order. The device's own changes advance the cursor but are not sent.
    Raises Restored when the device has seen changes the server no longer holds."""
    last, epoch = session.execute(select(Account.sync_seq, Account.sync_epoch).where(Account.id == account_id)).one()
    check_position(session, account_id, last, epoch, position)
    rows = session.scalars(select(SyncChange).where(SyncChange.account_id == account_id,
                                                    SyncChange.seq > position.cursor)
                           .order_by(SyncChange.seq).limit(limit)).all()
    if not rows:
        return Page([], position.cursor, False, position.change_id, epoch)
    changes = [record_out(row) for row in rows if include_own or row.device_id != device_id]
    return Page(changes, rows[-1].seq, len(rows) == limit, rows[-1].change_id, epoch)


def open_conflicts(session: Session, account_id: int, after: tuple[datetime, str] | None = None,
                   limit: int = 200) -> list[SyncConflict]:
    """A page of the account's unresolved conflicts, oldest first, after the conflict ``after`` (created, id)."""
    query = select(SyncConflict).where(SyncConflict.account_id == account_id, SyncConflict.resolved_at.is_(None))
    if after is not None:
        query = query.where(tuple_(SyncConflict.created_at, SyncConflict.id) > tuple_(*after))
    return list(session.scalars(query.order_by(SyncConflict.created_at, SyncConflict.id).limit(limit)))


def count_open_conflicts(session: Session, account_id: int) -> int:
    """How many conflicts wait for the seller."""
    return session.scalar(select(func.count()).select_from(SyncConflict).where(
        SyncConflict.account_id == account_id, SyncConflict.resolved_at.is_(None))) or 0


def current_records(session: Session, account_id: int, record_ids: Iterable[str]) -> dict[tuple[str, str], RecordOut]:
    """The record as it now stands, by (kind, id), for each of ``record_ids`` the server holds: one query."""
    ids = set(record_ids)
    if not ids:
        return {}
    rows = session.scalars(select(SyncChange).join(SyncHead, and_(SyncHead.account_id == SyncChange.account_id,
                                                                  SyncHead.head_seq == SyncChange.seq))
                           .where(SyncHead.account_id == account_id, SyncHead.record_id.in_(ids)))
    return {(row.kind, row.record_id): record_out(row) for row in rows}


def conflicts_out(session: Session, account_id: int, conflicts: Sequence[SyncConflict]) -> list[ConflictOut]:
    """Conflicts as devices see them, each with the record as it stands now, so the seller can compare the two
    (two queries, whatever the number of conflicts)."""
    if not conflicts:
        return []
    names = _device_names(session, account_id)
    current = current_records(session, account_id, (c.record_id for c in conflicts))
    return [ConflictOut(conflict_id=c.id, kind=c.kind, id=c.record_id, base_version=c.base_version,
                        server_version=c.server_version, deleted=c.deleted, data=c.data, updated_at=c.updated_at,
                        created_at=c.created_at, device_name=names.get(c.device_id or 0, ""),
                        current=current.get((c.kind, c.record_id)))
            for c in conflicts]

"""Versioned records in a per-account change log: push with version checks, pull by cursor, keep every loser.

Each account has its own sequence (``accounts.sync_seq``). A push locks that row first, so pushes of one account
commit one after another in sequence order: a device that has seen sequence N has seen everything below N, and a
cursor never skips a change that commits late.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, select, tuple_, update
from sqlalchemy.orm import Session

from server.models import Account, Device, SyncChange, SyncConflict, SyncHead, utcnow
from server.quota import FileBytesCache, file_bytes, record_size
from server.schemas import ChangeIn, ConflictOut, PushResult, RecordOut


@dataclass
class _Account:
    """The locked account row's sequence, advanced as changes are written, and the versions they superseded."""

    id: int
    seq: int
    epoch: str = ""
    sync_bytes: int = 0
    added_bytes: int = 0  # by the versions and conflicts this transaction writes
    superseded: list[int] = field(default_factory=list)  # logged versions (in the database) now superseded
    written: dict[int, SyncChange] = field(default_factory=dict)  # versions to insert, by seq
    loaded: dict[int, SyncChange] = field(default_factory=dict)  # versions read from the database, by seq
    touched: dict[tuple[str, str], Head] = field(default_factory=dict)  # heads to insert or update


@dataclass
class Head:
    """A record's current version as this transaction sees it (plain data: written in bulk by ``finish``)."""

    kind: str
    record_id: str
    version: int
    deleted: bool
    head_seq: int
    new: bool = False  # not in the database yet


def load_heads(session: Session, account_id: int, record_ids: Iterable[str]) -> dict[tuple[str, str], Head]:
    """The current versions of these records, by (kind, id): one query."""
    rows = session.execute(select(SyncHead.kind, SyncHead.record_id, SyncHead.version, SyncHead.deleted,
                                  SyncHead.head_seq).where(SyncHead.account_id == account_id,
                                                           SyncHead.record_id.in_(set(record_ids))))
    return {(kind, record_id): Head(kind, record_id, version, deleted, seq)
            for kind, record_id, version, deleted, seq in rows}


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


def head_change(session: Session, account: _Account, head: Head | None) -> SyncChange | None:
    """The version ``head`` points at (None for a record the server has never seen)."""
    if head is None:
        return None
    found = account.written.get(head.head_seq) or account.loaded.get(head.head_seq)
    return found if found is not None else session.get(SyncChange, (account.id, head.head_seq))


def _device_names(session: Session, account_id: int) -> dict[int, str]:
    rows = session.execute(select(Device.id, Device.name).where(Device.account_id == account_id))
    return {device_id: name for device_id, name in rows}


def write_version(account: _Account, head: Head | None, *, kind: str, record_id: str, change_id: str,
                  deleted: bool, data: dict[str, Any], updated_at: datetime, device_id: int | None, now: datetime,
                  size: int | None = None) -> tuple[SyncChange, Head]:
    """Log the next version of a record on top of ``head`` and move the head to it (``size``: what it counts
    toward the quota, measured here when not given). Nothing is sent to the database until ``finish``."""
    account.seq += 1
    stored = {} if deleted else data
    size = record_size(stored) if size is None or deleted else size
    account.added_bytes += size
    change = SyncChange(account_id=account.id, seq=account.seq, change_id=change_id, kind=kind, record_id=record_id,
                        version=(head.version if head else 0) + 1, deleted=deleted, data=stored,
                        updated_at=updated_at, device_id=device_id, created_at=now, size=size, superseded_at=None)
    account.written[change.seq] = change
    if head is None:
        head = Head(kind, record_id, change.version, deleted, change.seq, new=True)
    elif head.head_seq in account.written:
        account.written[head.head_seq].superseded_at = now  # superseded before it was even stored
    else:
        account.superseded.append(head.head_seq)
    head.version, head.deleted, head.head_seq = change.version, deleted, change.seq
    account.touched[(kind, record_id)] = head
    return change, head


_CHANGE_COLUMNS = [column.key for column in SyncChange.__table__.columns]


def finish(session: Session, account: _Account, now: datetime) -> None:
    """Write the new versions and heads, mark superseded versions and store the advanced sequence and byte count:
    one statement each, whatever the number of changes (a push holds the account's lock). Versions superseded
    longer ago than the retention period are dropped by housekeeping (server.housekeeping), not here."""
    if account.written:
        session.execute(insert(SyncChange), [{name: getattr(change, name) for name in _CHANGE_COLUMNS}
                                             for change in account.written.values()])
    for new, statement in ((True, insert(SyncHead)), (False, update(SyncHead))):
        rows = [{"account_id": account.id, "kind": h.kind, "record_id": h.record_id, "version": h.version,
                 "deleted": h.deleted, "head_seq": h.head_seq} for h in account.touched.values() if h.new is new]
        if rows:
            session.execute(statement, rows)
    for head in account.touched.values():
        head.new = False
    account.written, account.touched = {}, {}
    session.flush()  # conflicts kept by this transaction
    if account.superseded:
        session.execute(update(SyncChange).where(SyncChange.account_id == account.id,
                                                 SyncChange.seq.in_(account.superseded))
                        .values(superseded_at=now).execution_options(synchronize_session=False))
    session.execute(update(Account).where(Account.id == account.id)
                    .values(sync_seq=account.seq, sync_bytes=Account.sync_bytes + account.added_bytes)
                    .execution_options(synchronize_session=False))


class QuotaExceeded(Exception):
    """The push would take the account past its storage quota (``used`` bytes stored, ``incoming`` sent)."""

    def __init__(self, used: int, incoming: int) -> None:
        super().__init__(used, incoming)
        self.used, self.incoming = used, incoming


def push(session: Session, account_id: int, device_id: int, changes: list[ChangeIn],
         position: Position | None = None, sizes: Mapping[str, int] | None = None,
         quota: int | None = None, files: FileBytesCache | None = None) -> list[PushResult]:
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
    heads = load_heads(session, account_id, record_ids)
    sizes = sizes if sizes is not None else {str(c.change_id): record_size(c.data) for c in changes}
    if quota is not None:
        # Deletions always go through: they are how a seller over the quota makes room.
        incoming = sum(sizes[str(c.change_id)] for c in changes
                       if not c.deleted and str(c.change_id) not in logged and str(c.change_id) not in kept)
        used = account.sync_bytes + (files.get(session, account_id) if files else file_bytes(session, account_id))
        if incoming and used + incoming > quota:
            raise QuotaExceeded(used, incoming)
    if any(c.base_version != (h.version if (h := heads.get((c.kind, str(c.id)))) else 0) for c in changes):
        # Stale bases meet the current versions (same edit, or a conflict): load them all in one query, so the
        # lookups below find them in the session.
        account.loaded = {row.seq: row for row in session.scalars(select(SyncChange).where(
            SyncChange.account_id == account_id, SyncChange.seq.in_([h.head_seq for h in heads.values()])))}
    results: list[PushResult | None] = []
    lost: list[tuple[int, SyncConflict, int]] = []  # (index in results, conflict, record version then)
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
                account, head, kind=change.kind, record_id=record_id, change_id=change_id,
                deleted=change.deleted, data=change.data, updated_at=change.updated_at, device_id=device_id, now=now,
                size=sizes[change_id])
            logged[change_id] = written
            results.append(PushResult(change_id=change_id, kind=change.kind, id=record_id, status="applied",
                                      version=written.version, seq=written.seq))
            continue
        current = head_change(session, account, head)
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
    finish(session, account, now)
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

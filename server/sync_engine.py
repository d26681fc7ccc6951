"""Versioned records in a per-account change log: push with version checks, pull by cursor, keep every loser.

Each account has its own sequence (``accounts.sync_seq``). A push locks that row first, so pushes of one account
commit one after another in sequence order: a device that has seen sequence N has seen everything below N, and a
cursor never skips a change that commits late.

Pushes and pulls run all the time, so each costs a fixed number of statements whatever it carries (see
server.sync_sql): a push is one locking read (which also reads the caller's sign-in), one read of every logged
version, kept conflict and head its changes touch, and one statement per kind of write; a pull is one read of the
account (sign-in, sequence, open conflicts) and one of the page.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, tuple_
from sqlalchemy.orm import Session

from server import sync_sql as sql
from server.context import AnyRow
from server.models import utcnow
from server.quota import FileBytesCache, file_bytes, record_size
from server.schemas import ChangeIn, ConflictOut, PushResult, RecordOut


@dataclass
class Head:
    """A record's current version as this transaction sees it (plain data: written in bulk by ``finish``)."""

    kind: str
    record_id: str
    version: int
    deleted: bool
    head_seq: int


@dataclass
class Version:
    """One logged version of a record: a row of sync_changes (the fields are its columns)."""

    account_id: int
    seq: int
    change_id: str
    kind: str
    record_id: str
    version: int
    deleted: bool
    data: dict[str, Any]
    updated_at: datetime
    device_id: int | None
    created_at: datetime
    size: int
    superseded_at: datetime | None = None


@dataclass
class LockedAccount:
    """The locked account row's sequence, advanced as changes are written, and what the transaction will write.

    ``sign_in`` is the row read with the lock (``context.SIGN_IN_COLUMNS`` of the request's session, for
    ``context.admit``; None when locked without a session), ``device_name`` that session's device's name."""

    id: int
    seq: int
    epoch: str = ""
    sync_bytes: int = 0
    open_conflicts: int = 0  # when locked
    conflicts_version: int = 0  # when locked
    sign_in: AnyRow | None = None
    device_name: str = ""
    added_bytes: int = 0  # by the versions and conflicts this transaction writes
    opened: int = 0  # conflicts this transaction keeps (settles: negative)
    restamp: set[str] = field(default_factory=set)  # written records whose open conflicts show them (listed_version)
    settled: list[str] = field(default_factory=list)  # ids of the conflicts this transaction settles
    superseded: list[int] = field(default_factory=list)  # logged versions (in the database) now superseded
    written: dict[int, Version] = field(default_factory=dict)  # versions to insert, by seq
    loaded: dict[int, Version] = field(default_factory=dict)  # versions read from the database, by seq
    touched: dict[tuple[str, str], Head] = field(default_factory=dict)  # heads to insert or update
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # rows of sync_conflicts to insert


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


class QuotaExceeded(Exception):
    """The push would take the account past its storage quota (``used`` bytes stored, ``incoming`` sent)."""

    def __init__(self, used: int, incoming: int) -> None:
        super().__init__(used, incoming)
        self.used, self.incoming = used, incoming


def lock_account(session: Session, account_id: int, session_id: str | None = None) -> LockedAccount | None:
    """Take the account's sync lock for the rest of the transaction (SQLite: the writer's BEGIN IMMEDIATE),
    reading in the same statement the sign-in ``session_id`` and its device. None if the account is gone."""
    conn = session.connection()
    if session_id is None:
        row = conn.execute(sql.LOCK_ONLY, {"acct": account_id}).first()
    else:
        row = conn.execute(sql.LOCK, {"acct": account_id, "sid": session_id}).first()
    if row is None:
        return None
    account = LockedAccount(account_id, row.sync_seq, row.sync_epoch, row.sync_bytes, row.open_conflicts,
                            row.conflicts_version)
    if session_id is not None:
        account.sign_in, account.device_name = row, row.device_name or ""
    return account


def check_position(last_seq: int, epoch: str, position: Position, held: str | None) -> None:
    """Raise Restored unless ``position`` is a place in this account's log as the server holds it now (``held``:
    the id of the change the log holds at the cursor; None when it holds none there).

    A change at the cursor that was pruned (superseded longer ago than the retention period) cannot be compared;
    the epoch still catches a restore then.
    """
    if position.epoch is not None and position.epoch != epoch:
        raise Restored
    if position.cursor == 0:
        return
    if position.cursor > last_seq:
        raise Restored
    if position.change_id is not None and held is not None and held != position.change_id:
        raise Restored


def record_out(change: Version | AnyRow) -> RecordOut:
    """A logged version as devices see it."""
    return RecordOut(kind=change.kind, id=change.record_id, version=change.version, deleted=change.deleted,
                     data=change.data, updated_at=change.updated_at, seq=change.seq)


def load_heads(session: Session, account_id: int, kind: str, record_ids: Iterable[str]) -> dict[tuple[str, str], Head]:
    """The current versions of these records of one kind, by (kind, id): one query."""
    rows = session.connection().execute(sql.KNOWN, {"acct": account_id, "change_ids": [], "kinds": [kind],
                                                    "record_ids": list(record_ids), "cursor": -1})
    return {(row.kind, row.record_id): Head(row.kind, row.record_id, row.version, row.deleted, row.seq)
            for row in rows if row.what == "head"}


def _load_versions(session: Session, account_id: int, seqs: Iterable[int]) -> dict[int, Version]:
    rows = session.connection().execute(sql.VERSIONS, {"acct": account_id, "seqs": list(seqs)})
    return {row.seq: Version(**row._mapping) for row in rows}


def head_change(session: Session, account: LockedAccount, head: Head | None) -> Version | None:
    """The version ``head`` points at (None for a record the server has never seen)."""
    if head is None:
        return None
    found = account.written.get(head.head_seq) or account.loaded.get(head.head_seq)
    if found is None:
        account.loaded.update(_load_versions(session, account.id, [head.head_seq]))
        found = account.loaded.get(head.head_seq)
    return found


def write_version(account: LockedAccount, head: Head | None, *, kind: str, record_id: str, change_id: str,
                  deleted: bool, data: dict[str, Any], updated_at: datetime, device_id: int | None, now: datetime,
                  size: int | None = None) -> tuple[Version, Head]:
    """Log the next version of a record on top of ``head`` and move the head to it (``size``: what it counts
    toward the quota, measured here when not given). Nothing is sent to the database until ``finish``."""
    account.seq += 1
    stored = {} if deleted else data
    size = record_size(stored) if size is None or deleted else size
    account.added_bytes += size
    change = Version(account.id, account.seq, change_id, kind, record_id, (head.version if head else 0) + 1,
                     deleted, stored, updated_at, device_id, now, size)
    account.written[change.seq] = change
    if head is None:
        head = Head(kind, record_id, change.version, deleted, change.seq)
    elif head.head_seq in account.written:
        account.written[head.head_seq].superseded_at = now  # superseded before it was even stored
    else:
        account.superseded.append(head.head_seq)
    head.version, head.deleted, head.head_seq = change.version, deleted, change.seq
    account.touched[(kind, record_id)] = head
    return change, head


def finish(session: Session, account: LockedAccount, now: datetime) -> None:
    """Write the new versions, heads (inserted or updated in one upsert) and conflicts, mark superseded versions
    and store the advanced sequence and byte count: one statement each, whatever the number of changes (a push
    holds the account's lock), sent together in one round trip on PostgreSQL. Versions superseded longer ago than
    the retention period are dropped by housekeeping (server.housekeeping), not here."""
    conn = session.connection()
    writes = sql.writes(conn.dialect.name)
    # The list as devices see it changes (see conflicts_etag): a conflict kept or settled, or a record beside one.
    listed = bool(account.restamp or account.settled or account.opened)
    version = account.conflicts_version + listed  # what changed in the list is stamped with its new version
    with _one_round_trip(conn):
        if account.conflicts:
            conn.execute(writes.conflicts, [conflict | {"listed_version": version} for conflict in account.conflicts])
        if account.restamp:
            conn.execute(sql.STAMP_RECORDS, {"acct": account.id, "record_ids": sorted(account.restamp),
                                             "version": version})
        if account.settled:
            conn.execute(sql.STAMP_SETTLED, {"acct": account.id, "conflict_ids": account.settled,
                                             "version": version})
        if account.written:
            conn.execute(writes.changes, [vars(change) for change in account.written.values()])
        if account.touched:
            conn.execute(writes.heads, [{"account_id": account.id, "kind": h.kind, "record_id": h.record_id,
                                         "version": h.version, "deleted": h.deleted, "head_seq": h.head_seq}
                                        for h in account.touched.values()])
        if account.superseded:
            conn.execute(writes.superseded, {"acct": account.id, "seqs": account.superseded, "now": now})
        conn.execute(writes.account, {"acct": account.id, "last_seq": account.seq, "added": account.added_bytes,
                                      "opened": account.opened, "listed": int(listed)})
    account.written, account.touched, account.superseded, account.conflicts = {}, {}, [], []
    account.added_bytes = account.opened = 0
    account.conflicts_version = version
    account.restamp, account.settled = set(), []


def _one_round_trip(conn: Connection) -> AbstractContextManager[Any]:
    """Statements that return no rows, sent in one psycopg pipeline (PostgreSQL): the server answers them all at
    once at the end of the block, where an error in any of them is raised. Elsewhere they simply run in turn."""
    pipeline = getattr(conn.connection.driver_connection, "pipeline", None)
    return pipeline() if conn.dialect.name == "postgresql" and pipeline is not None else nullcontext()


def push(session: Session, account: LockedAccount, device_id: int, changes: list[ChangeIn],
         position: Position | None = None, sizes: Mapping[str, int] | None = None,
         quota: int | None = None, files: FileBytesCache | None = None) -> list[PushResult]:
    """Apply each change whose base is the current version; keep the others as conflicts. Retries are no-ops.
    ``account`` is locked (``lock_account``) in this transaction.

    With ``position``, a device that has seen changes this server lost (a restore) is refused with Restored
    before anything is written: its base versions may name versions that are gone or were handed out again.
    """
    now = utcnow()
    change_ids = [str(c.change_id) for c in changes]
    logged: dict[str, AnyRow | Version] = {}
    kept_ids: list[str] = []
    heads: dict[tuple[str, str], Head] = {}
    contested: set[tuple[str, str]] = set()  # records with an open conflict, shown beside it as they now stand
    held = None
    for row in session.connection().execute(sql.KNOWN_CONTESTED if account.open_conflicts else sql.KNOWN, {
            "acct": account.id, "change_ids": change_ids, "kinds": list({c.kind for c in changes}),
            "record_ids": list({str(c.id) for c in changes}), "cursor": position.cursor if position else -1}):
        if row.what == "logged":
            logged[row.key] = row
        elif row.what == "kept":
            kept_ids.append(row.key)
        elif row.what == "head":
            heads[(row.kind, row.record_id)] = Head(row.kind, row.record_id, row.version, row.deleted, row.seq)
        elif row.what == "open":
            contested.add((row.kind, row.record_id))
        else:
            held = row.key
    if position is not None:
        check_position(account.seq, account.epoch, position, held)
    kept: dict[str, Mapping[Any, Any]] = {row.change_id: row._mapping for row in session.connection().execute(
        sql.KEPT, {"acct": account.id, "change_ids": kept_ids})} if kept_ids else {}
    sizes = sizes if sizes is not None else {str(c.change_id): record_size(c.data) for c in changes}
    if quota is not None:
        # Deletions always go through: they are how a seller over the quota makes room.
        incoming = sum(sizes[str(c.change_id)] for c in changes
                       if not c.deleted and str(c.change_id) not in logged and str(c.change_id) not in kept)
        used = account.sync_bytes + (files.get(session, account.id) if files else file_bytes(session, account.id))
        if incoming and used + incoming > quota:
            raise QuotaExceeded(used, incoming)
    # Stale bases meet the current versions (same edit, or a conflict): load them all in one query.
    stale = {h.head_seq for c in changes if (h := heads.get((c.kind, str(c.id)))) and c.base_version != h.version}
    if stale:
        account.loaded = _load_versions(session, account.id, stale)
    results: list[PushResult | None] = []
    lost: list[tuple[int, Mapping[Any, Any], int]] = []  # (index in results, conflict, record version then)
    for change in changes:
        change_id, record_id = str(change.change_id), str(change.id)
        # A retried push (its answer was lost on the way back) gets the first answer again, changing nothing.
        if change_id in logged:
            done = logged[change_id]
            results.append(PushResult(change_id=change_id, kind=done.kind, id=done.record_id, status="applied",
                                      version=done.version, seq=done.seq))
            continue
        head = heads.get((change.kind, record_id))
        current_version = head.version if head else 0
        if change_id in kept:
            lost.append((len(results), kept[change_id], current_version))
            results.append(None)
            continue
        if change.base_version == current_version:
            written, heads[(change.kind, record_id)] = write_version(
                account, head, kind=change.kind, record_id=record_id, change_id=change_id,
                deleted=change.deleted, data=change.data, updated_at=change.updated_at, device_id=device_id, now=now,
                size=sizes[change_id])
            logged[change_id] = written  # the same change twice in one push: the second is a retry
            if (change.kind, record_id) in contested:  # its open conflicts show it beside them
                account.restamp.add(record_id)
            results.append(PushResult(change_id=change_id, kind=change.kind, id=record_id, status="applied",
                                      version=written.version, seq=written.seq))
            continue
        current = head_change(session, account, head)
        if current is not None and current.deleted == change.deleted and (
                change.deleted or current.data == change.data):
            # Both sides made the same edit: nothing to choose between.
            results.append(PushResult(change_id=change_id, kind=change.kind, id=record_id, status="unchanged",
                                      version=current.version, seq=current.seq))
            continue
        conflict: dict[str, Any] = {
            "id": str(uuid.uuid4()), "account_id": account.id, "change_id": change_id, "kind": change.kind,
            "record_id": record_id, "base_version": change.base_version, "server_version": current_version,
            "deleted": change.deleted, "data": {} if change.deleted else change.data, "updated_at": change.updated_at,
            "device_id": device_id, "created_at": now, "resolved_at": None, "resolution": None,
            "size": sizes[change_id]}
        account.added_bytes += conflict["size"]
        account.conflicts.append(conflict)
        account.opened += 1
        contested.add((change.kind, record_id))
        kept[change_id] = conflict
        lost.append((len(results), conflict, current_version))
        results.append(None)
    if lost:
        # Every conflict beside the record as it now stands (after this push), from what the push already read.
        names = {device_id: account.device_name} if account.sign_in is not None else {}
        if any(c["device_id"] not in names for _, c, _ in lost):
            names = device_names(session, account.id)
        for index, kept_one, version in lost:
            current = head_change(session, account, heads.get((kept_one["kind"], kept_one["record_id"])))
            results[index] = PushResult(
                change_id=kept_one["change_id"], kind=kept_one["kind"], id=kept_one["record_id"], status="conflict",
                version=version, seq=None,
                conflict=conflict_out(kept_one, names.get(kept_one["device_id"] or 0, ""),
                                      record_out(current) if current else None))
    finish(session, account, now)
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


def account_state(session: Session, account_id: int, session_id: str) -> AnyRow | None:
    """The account's ``sync_seq``, ``sync_epoch`` and ``open_conflicts`` beside the sign-in ``session_id``
    (``context.SIGN_IN_COLUMNS``), in one query; None if the account is gone."""
    return session.connection().execute(sql.ACCOUNT_STATE, {"acct": account_id, "sid": session_id}).first()


def pull(session: Session, account_id: int, device_id: int, position: Position, limit: int, include_own: bool,
         last_seq: int, epoch: str) -> Page:
    """Changes after the cursor in sequence order (``last_seq`` and ``epoch``: the account's, as
    ``account_state`` read them). The device's own changes advance the cursor but are not sent. Raises Restored
    when the device has seen changes the server no longer holds."""
    check_position(last_seq, epoch, position, None)
    rows = session.connection().execute(sql.PAGE, {"acct": account_id, "cursor": position.cursor,
                                                   "rows": limit + 1}).all()
    if rows and rows[0].seq == position.cursor:  # the change at the cursor: the one the device names?
        check_position(last_seq, epoch, position, rows[0].change_id)
        rows = rows[1:]
    rows = rows[:limit]
    if not rows:
        return Page([], position.cursor, False, position.change_id, epoch)
    changes = [record_out(row) for row in rows if include_own or row.device_id != device_id]
    return Page(changes, rows[-1].seq, len(rows) == limit, rows[-1].change_id, epoch)


def open_conflicts(session: Session, account_id: int, after: tuple[datetime, str] | None = None,
                   limit: int = 200) -> list[AnyRow]:
    """A page of the account's unresolved conflicts (rows of sync_conflicts), oldest first, after the conflict
    ``after`` (created, id)."""
    c = sql.CONFLICTS.c
    query = sql.OPEN_CONFLICTS if after is None else sql.OPEN_CONFLICTS.where(
        tuple_(c.created_at, c.id) > tuple_(*after))
    return list(session.connection().execute(query.limit(limit), {"acct": account_id}))


def conflicts_etag(account_id: int, epoch: str, version: int) -> str:
    """The strong ETag of the account's conflict list (every page of it): it changes with ``accounts.conflicts_version``
    and with the epoch (a restore may hand a version number out again), and never matches another account's."""
    return f'"c{account_id}.{epoch or "0"}.{version}"'


def conflicts_changed(session: Session, account_id: int, device_ids: Sequence[int]) -> None:
    """Move the account's conflict list to a new ETag, and stamp the open conflicts the devices ``device_ids`` set
    aside: for a change to them made outside a push or a resolve (those stamp in ``finish``), such as a renamed or
    removed computer."""
    conn = session.connection()
    version = conn.execute(sql.CONFLICTS_CHANGED, {"acct": account_id}).scalar_one()
    conn.execute(sql.STAMP_DEVICES, {"acct": account_id, "device_ids": list(device_ids), "version": version})


def conflicts_floor(session: Session, account_id: int) -> int:
    """The oldest version of the account's conflict list that what changed since can be told from."""
    return int(session.connection().execute(sql.CONFLICTS_FLOOR, {"acct": account_id}).scalar_one())


def changed_conflicts(session: Session, account_id: int, since: int, limit: int) -> list[AnyRow]:
    """Up to ``limit`` conflicts (rows of sync_conflicts, settled ones too) whose listing changed after the list's
    version ``since``, in the order they changed."""
    return list(session.connection().execute(sql.CHANGED_CONFLICTS, {"acct": account_id, "since": since,
                                                                      "rows": limit}))


def current_records(session: Session, account_id: int, record_ids: Iterable[str]) -> dict[tuple[str, str], RecordOut]:
    """The record as it now stands, by (kind, id), for each of ``record_ids`` the server holds: one query."""
    ids = list(set(record_ids))
    if not ids:
        return {}
    rows = session.connection().execute(sql.CURRENT, {"acct": account_id, "record_ids": ids})
    return {(row.kind, row.record_id): record_out(row) for row in rows}


def device_names(session: Session, account_id: int) -> dict[int, str]:
    """The names of the account's devices, by id."""
    return {device_id: name for device_id, name in session.connection().execute(sql.DEVICE_NAMES,
                                                                               {"acct": account_id})}


def conflict_out(conflict: Mapping[Any, Any], device_name: str, current: RecordOut | None) -> ConflictOut:
    """A kept conflict (a row of sync_conflicts) as devices see it, beside the record as it now stands."""
    return ConflictOut(
        conflict_id=conflict["id"], kind=conflict["kind"], id=conflict["record_id"],
        base_version=conflict["base_version"], server_version=conflict["server_version"],
        deleted=conflict["deleted"], data=conflict["data"], updated_at=conflict["updated_at"],
        created_at=conflict["created_at"], device_name=device_name, current=current)


def conflicts_out(session: Session, account_id: int, conflicts: Sequence[AnyRow]) -> list[ConflictOut]:
    """Conflicts as devices see them, each with the record as it stands now, so the seller can compare the two
    (two queries, whatever the number of conflicts)."""
    if not conflicts:
        return []
    names = device_names(session, account_id)
    current = current_records(session, account_id, (c.record_id for c in conflicts))
    return [conflict_out(c._mapping, names.get(c.device_id or 0, ""), current.get((c.kind, c.record_id)))
            for c in conflicts]

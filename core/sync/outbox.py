"""The outbox: local changes waiting for the service, one waiting entry per record, in commit order.

An entry that has been sent keeps its ``change_id`` and content until the service answers, so a retry after a lost
answer is recognised by the service and applied once; edits made meanwhile queue in a new entry behind it.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, func, insert, select, update

from core.db.models import SyncOutboxEntry, SyncRecord
from core.i18n import N_, _
from core.sync.records import KINDS, data_hash, read_records

_OUTBOX = cast(Table, SyncOutboxEntry.__table__)
_RECORDS = cast(Table, SyncRecord.__table__)


_CHUNK = 500
# The service's default limit on one record's JSON (server Limits.record_max_bytes): a larger record would make it
# refuse the whole batch, so such a record is left out of every round (and reported) instead.
RECORD_MAX_BYTES = 256 * 1024
_KIND_NAMES = {"product_image": N_("a photo"), "publish_job": N_("a scheduled post"),
               "content_draft": N_("a product's platform copy")}


def record_bytes(data: dict[str, Any] | None) -> int:
    """The size of a record's content as it travels (compact JSON), to hold against RECORD_MAX_BYTES."""
    return len(json.dumps(data or {}, separators=(",", ":"), default=str))


def too_large_names(conn: Connection) -> list[str]:
    """What the seller calls each waiting record too large to sync (a product's title, else its kind)."""
    names = []
    for kind, data in conn.execute(select(_OUTBOX.c.kind, _OUTBOX.c.data).where(_OUTBOX.c.deleted.is_(False))
                                   .order_by(_OUTBOX.c.id)):
        if record_bytes(data) > RECORD_MAX_BYTES:
            title = str((data or {}).get("title") or "").strip()
            names.append(f"“{title}”" if kind == "product" and title else _(_KIND_NAMES.get(kind, kind)))
    return names


@dataclass(frozen=True)
class Change:
    """A record's new content to queue (``data`` None: deleted)."""

    kind: str
    sync_id: str
    data: dict[str, Any] | None


def enqueue(conn: Connection, kind: str, sync_id: str, data: dict[str, Any] | None, when: datetime) -> None:
    """Queue a record's new content (``None``: deleted), unless the service already holds exactly that."""
    enqueue_many(conn, [Change(kind, sync_id, data)], when)


def enqueue_many(conn: Connection, changes: Sequence[Change], when: datetime) -> None:
    """Queue several records' new content (one of each record) with a few statements, not a few per record."""
    for start in range(0, len(changes), _CHUNK):
        _enqueue_chunk(conn, changes[start:start + _CHUNK], when)


def _enqueue_chunk(conn: Connection, changes: Sequence[Change], when: datetime) -> None:
    ids = [change.sync_id for change in changes]
    entries: dict[str, list[Any]] = defaultdict(list)
    for entry in conn.execute(select(_OUTBOX.c.id, _OUTBOX.c.sync_id, _OUTBOX.c.sent, _OUTBOX.c.deleted,
                                     _OUTBOX.c.data).where(_OUTBOX.c.sync_id.in_(ids)).order_by(_OUTBOX.c.id)):
        entries[entry.sync_id].append(entry)
    known = {sync_id: digest for sync_id, digest in conn.execute(
        select(_RECORDS.c.sync_id, _RECORDS.c.data_hash).where(_RECORDS.c.sync_id.in_(ids)))}
    drop: list[int] = []
    added: list[dict[str, Any]] = []
    for change in changes:
        in_flight = [entry for entry in entries[change.sync_id] if entry.sent]
        waiting = [entry.id for entry in entries[change.sync_id] if not entry.sent]
        # Compare with what the service will hold: the content in flight if any, else its copy. Equal means
        # nothing to send, and a record the service never had needs no deletion.
        baseline = data_hash(None if in_flight[-1].deleted else in_flight[-1].data) if in_flight \
            else known.get(change.sync_id)
        if data_hash(change.data) == baseline or (change.data is None and baseline is None):
            drop.extend(waiting)
            continue
        values = {"kind": change.kind, "deleted": change.data is None, "data": change.data or {}, "changed_at": when}
        if waiting:
            conn.execute(update(_OUTBOX).where(_OUTBOX.c.id == waiting[-1]).values(**values))
        else:
            added.append({"sync_id": change.sync_id, "change_id": str(uuid.uuid4()), "sent": False, **values})
    if drop:
        conn.execute(delete(_OUTBOX).where(_OUTBOX.c.id.in_(drop)))
    if added:
        conn.execute(insert(_OUTBOX), added)


def seed(conn: Connection, when: datetime) -> None:
    """Queue every synced record the service may not have yet (rows from before sync existed, or a newly chosen
    account); records it holds unchanged queue nothing."""
    for kind in KINDS.values():
        enqueue_many(conn, [Change(kind.name, r.sync_id, r.data) for r in read_records(conn, kind)], when)


def pending_ids(conn: Connection) -> set[str]:
    """The records with changes waiting to be pushed."""
    return set(conn.execute(select(_OUTBOX.c.sync_id).distinct()).scalars())


def pending_count(conn: Connection) -> int:
    """How many records have changes waiting to be pushed."""
    return conn.execute(select(func.count(func.distinct(_OUTBOX.c.sync_id)))).scalar() or 0


def forget_service_state(conn: Connection) -> None:
    """Forget what one account's service holds (signing in to another): every record will be compared afresh."""
    conn.execute(delete(_RECORDS))

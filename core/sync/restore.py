"""Catching up with a service restored from a backup (it answered ``service_restored``).

The service lost every change after its backup, and may since have handed the lost sequence and version numbers to
new changes. So this computer reads every record as the service holds it now and compares it with what it knew:

- the same content as this computer last saw there: only the version number is taken over;
- older than what this computer saw (the service lost versions): this computer's copy is sent again on top of the
  service's version, deletions included, so what the restore lost comes back;
- anything else (another computer changed it since the restore): the service's version is taken, unless this
  computer has its own edit waiting, which then meets it as an ordinary conflict;
- records the service no longer has at all are sent again as new (a post's move request still waiting is sent
  again by the next round: core.sync.moves).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import cast

from sqlalchemy import Connection, Table, bindparam, delete, select, update

from core.db.models import SyncRecord
from core.sync.outbox import Change, enqueue_many, seed
from core.sync.records import DELETED_HASH, KINDS, MOVE, data_hash
from server.client_models import RecordVersion

_RECORDS = cast(Table, SyncRecord.__table__)


def newest(records: Iterable[RecordVersion]) -> dict[str, RecordVersion]:
    """The latest version of each record among ``records`` (a pull lists every version still kept)."""
    latest: dict[str, RecordVersion] = {}
    for record in records:
        if record.id not in latest or latest[record.id].seq < record.seq:
            latest[record.id] = record
    return latest


def reconcile(conn: Connection, heads: dict[str, RecordVersion], when: datetime) -> None:
    """Compare what this computer knew of the service with ``heads`` (every record the service holds now) and
    queue what the service lost; see the module's description."""
    local: set[str] = set()
    for kind in KINDS.values():
        local.update(conn.execute(select(kind.table.c.sync_id)).scalars())
    gone: list[str] = []
    moved: list[dict[str, object]] = []
    deletions: list[Change] = []
    for sync_id, kind, version, known_hash in conn.execute(
            select(_RECORDS.c.sync_id, _RECORDS.c.kind, _RECORDS.c.version, _RECORDS.c.data_hash)):
        head = heads.get(sync_id)
        if head is None:
            gone.append(sync_id)
            continue
        held = data_hash(None if head.deleted else head.data)
        if held == known_hash:
            moved.append({"key": sync_id, "new_version": head.version, "new_hash": held})
        elif version > head.version:
            moved.append({"key": sync_id, "new_version": head.version, "new_hash": held})
            if known_hash == DELETED_HASH and sync_id not in local and (kind in KINDS or kind == MOVE):
                deletions.append(Change(kind, sync_id, None))
        else:
            moved.append({"key": sync_id, "new_version": 0, "new_hash": known_hash})
    if gone:
        conn.execute(delete(_RECORDS).where(_RECORDS.c.sync_id.in_(gone)))
    if moved:
        conn.execute(update(_RECORDS).where(_RECORDS.c.sync_id == bindparam("key"))
                     .values(version=bindparam("new_version"), data_hash=bindparam("new_hash")), moved)
    enqueue_many(conn, deletions, when)
    seed(conn, when)

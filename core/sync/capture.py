"""Outbox capture: every flush of a synced table queues the record's new content, inside the same transaction.

Mapper events note which rows a flush inserted, updated or deleted (including cascades and orphans); the session's
``after_flush`` then reads those rows back through its connection and queues them. Bulk ``update()``/``delete()``
statements bypass the mapper, so ``do_orm_execute`` notes the rows they are about to touch (and, for products,
the children the database's ON DELETE CASCADE will remove unseen). A rollback drops queued entries with the rest.

Sessions marked with :func:`quietly` (applying the service's own changes) queue nothing: no echo.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Result, event, select
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, object_session

from core.db.types import utcnow
from core.sync.outbox import Change, enqueue_many
from core.sync.records import APPLY_ORDER, BY_MODEL, DRAFT, IMAGE, JOB, KINDS, PRODUCT, Kind, read_records

_QUIET = "sync.quiet"
_TOUCHED = "sync.touched"
_GONE = "sync.gone"


def quietly(session: Session) -> Session:
    """Mark ``session`` as applying the service's changes: nothing it writes is queued to be sent back."""
    session.info[_QUIET] = True
    return session


def _listening(session: Session | None) -> bool:
    return session is not None and not session.info.get(_QUIET)


def _kind_of(mapper: Mapper[Any]) -> Kind:
    return BY_MODEL[mapper.class_]


def _touched(mapper: Mapper[Any], _conn: Connection, target: Any) -> None:
    session = object_session(target)
    if _listening(session):
        assert session is not None
        session.info.setdefault(_TOUCHED, set()).add((_kind_of(mapper).name, target.id))


def _before_delete(mapper: Mapper[Any], conn: Connection, target: Any) -> None:
    session = object_session(target)
    if not _listening(session):
        return
    assert session is not None
    kind = _kind_of(mapper)
    # Read from the row, which still exists: an expired attribute cannot be loaded once the DELETE has run.
    sync_id = conn.execute(select(kind.table.c.sync_id).where(kind.table.c.id == target.id)).scalar()
    if sync_id:
        session.info.setdefault(_GONE, []).append((kind.name, sync_id))


def _queue(session: Session) -> None:
    touched: set[tuple[str, int]] = session.info.pop(_TOUCHED, set())
    gone: list[tuple[str, str]] = session.info.pop(_GONE, [])
    if not touched and not gone:
        return
    conn = session.connection()
    now = utcnow()
    ids: dict[str, list[int]] = defaultdict(list)
    for name, row_id in touched:
        ids[name].append(row_id)
    changes: list[Change] = []
    for name in sorted(ids, key=APPLY_ORDER.__getitem__):  # parents first: a photo never arrives before its product
        changes.extend(Change(name, r.sync_id, r.data) for r in read_records(conn, KINDS[name], ids[name]))
    changes.extend(Change(name, sync_id, None) for name, sync_id in dict.fromkeys(gone))
    enqueue_many(conn, changes, now)


def _after_flush(session: Session, _context: Any) -> None:
    if _listening(session):
        _queue(session)
    else:
        _forget(session)


def _forget(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
    session.info.pop(_GONE, None)


def _bulk(state: ORMExecuteState) -> Result[Any] | None:
    if not (state.is_update or state.is_delete) or not _listening(state.session):
        return None
    mapper = state.bind_mapper
    kind = BY_MODEL.get(mapper.class_) if mapper is not None else None
    if kind is None:
        return None
    table = kind.table
    where = state.statement.whereclause  # type: ignore[attr-defined]
    query = select(table.c.id, table.c.sync_id)
    rows = state.session.connection().execute(query if where is None else query.where(where)).all()
    if state.is_delete:
        gone = state.session.info.setdefault(_GONE, [])
        if kind is PRODUCT and rows:
            product_ids = [row.id for row in rows]
            for child in (IMAGE, DRAFT, JOB):
                found = state.session.connection().execute(
                    select(child.table.c.sync_id).where(child.table.c.product_id.in_(product_ids))).scalars()
                gone.extend((child.name, sync_id) for sync_id in found if sync_id)
        gone.extend((kind.name, row.sync_id) for row in rows if row.sync_id)
    else:
        state.session.info.setdefault(_TOUCHED, set()).update((kind.name, row.id) for row in rows)
    result = state.invoke_statement()
    _queue(state.session)
    return result


for _kind in KINDS.values():
    event.listen(_kind.model, "after_insert", _touched)
    event.listen(_kind.model, "after_update", _touched)
    event.listen(_kind.model, "before_delete", _before_delete)
event.listen(Session, "after_flush", _after_flush)
event.listen(Session, "do_orm_execute", _bulk)
event.listen(Session, "after_soft_rollback", lambda session, _previous: _forget(session))

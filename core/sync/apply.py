"""Applying the service's versions to local rows, in a quiet session (nothing applied is queued back).

Two computers may each create a record the local unique indexes allow only once (a product with the same SKU, the
Etsy copy of one product, an open job for one platform). Both reach the service under different global ids; each
computer then keeps the one with the smaller id. A computer whose own row loses merges it into the winner and
keeps its content as a local conflict for the seller, so nothing typed is lost; a losing remote row is left to its
own computer, which does the same and sends the deletion.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db.models import Product, SyncConflict, SyncRecord
from core.db.types import utcnow
from core.errors import NotFound
from core.sync.moves import apply_move
from core.sync.outbox import enqueue
from core.sync.records import (
    DRAFT,
    IMAGE,
    JOB,
    KINDS,
    MOVE,
    PARENT_KEY,
    PRODUCT,
    SETTING,
    Kind,
    data_hash,
    natural_key,
    read_records,
    same_content,
)
from server.client_models import RecordVersion

log = logging.getLogger(__name__)

Applied = Literal["applied", "skipped", "ignored", "failed"]


def remember(session: Session, kind: str, sync_id: str, version: int, data: dict[str, Any] | None) -> None:
    """Note that the service holds ``data`` (None: deleted) as ``version`` of the record."""
    row = session.get(SyncRecord, sync_id)
    if row is None:
        session.add(SyncRecord(sync_id=sync_id, kind=kind, version=version, data_hash=data_hash(data)))
    else:
        row.version, row.data_hash = version, data_hash(data)


def known_version(session: Session, sync_id: str) -> int:
    """The version of the record this computer last saw on the service (0: never)."""
    row = session.get(SyncRecord, sync_id)
    return row.version if row is not None else 0


def _row(session: Session, kind: Kind, sync_id: str) -> Any:
    return session.scalar(select(kind.model).where(kind.model.sync_id == sync_id))


def _values(session: Session, kind: Kind, data: dict[str, Any]) -> dict[str, Any] | None:
    values = {name: kind.decode(name, data[name]) for name in kind.fields if name in data}
    if kind.child:
        parent = session.scalar(select(Product.id).where(Product.sync_id == data.get(PARENT_KEY)))
        if parent is None:
            return None  # its product is gone here (or lost a merge): the child goes with it
        values["product_id"] = parent
    return values


def _keep_aside(session: Session, kind: Kind, loser: Any, winner_id: str, theirs: dict[str, Any],
                version: int) -> None:
    mine = read_records(session.connection(), kind, [loser.id])
    if mine and not same_content(kind, mine[0].data, theirs):  # the same thing made twice: nothing to choose
        session.add(SyncConflict(conflict_id=str(uuid.uuid4()), kind=kind.name, sync_id=winner_id,
                                 mine_data=mine[0].data, theirs_data=theirs, theirs_version=version,
                                 local_only=True, mine_device="this computer"))


def _merge(session: Session, kind: Kind, loser: Any, winner: Any, theirs: dict[str, Any], version: int) -> None:
    """Fold the local row ``loser`` into the local row ``winner`` (whose content is ``theirs``): its children move
    over, it goes."""
    _keep_aside(session, kind, loser, winner.sync_id, theirs, version)
    conn = session.connection()
    if kind is PRODUCT:
        for child in (IMAGE, DRAFT, JOB):
            for moving in session.scalars(select(child.model).where(child.model.product_id == loser.id)).all():
                values = {name: getattr(moving, name) for name in child.fields} | {"product_id": winner.id}
                condition = natural_key(child, values)
                rival = session.scalar(select(child.model).where(*condition)) if condition else None
                if rival is not None:
                    kept = read_records(conn, child, [rival.id])[0].data
                    _merge(session, child, moving, rival, kept, known_version(session, rival.sync_id))
                else:
                    moving.product_id = winner.id
        session.flush()
        session.expire(loser)
        session.expire(winner)
        for child in (IMAGE, DRAFT, JOB):
            ids = session.scalars(select(child.model.id).where(child.model.product_id == winner.id)).all()
            for moved in read_records(conn, child, ids):
                enqueue(conn, child.name, moved.sync_id, moved.data, utcnow())
    enqueue(conn, kind.name, loser.sync_id, None, utcnow())
    session.delete(loser)
    session.flush()


def _adopt(session: Session, kind: Kind, loser: Any, record: RecordVersion) -> Any:
    """The local row ``loser`` becomes the incoming record (which this computer did not have yet)."""
    _keep_aside(session, kind, loser, record.id, record.data, record.version)
    conn = session.connection()
    enqueue(conn, kind.name, loser.sync_id, None, utcnow())
    session.execute(update(kind.model).where(kind.model.id == loser.id).values(sync_id=record.id)
                    .execution_options(synchronize_session="fetch"))
    if kind is PRODUCT:  # its children now name another product: send them again
        for child in (IMAGE, DRAFT, JOB):
            ids = session.scalars(select(child.model.id).where(child.model.product_id == loser.id)).all()
            for moved in read_records(conn, child, ids):
                enqueue(conn, child.name, moved.sync_id, moved.data, utcnow())
    return loser


def _apply_row(session: Session, kind: Kind, record: RecordVersion) -> Applied:
    row = _row(session, kind, record.id)
    if record.deleted:
        if row is not None:
            session.delete(row)
            session.flush()
        return "applied"
    values = _values(session, kind, record.data)
    if values is None:
        return "skipped"
    condition = natural_key(kind, values)
    rival = session.scalar(select(kind.model).where(*condition, kind.model.sync_id != record.id)) \
        if condition else None
    if rival is not None:
        if rival.sync_id < record.id:
            return "ignored"
        if row is None:
            row = _adopt(session, kind, rival, record)
        else:
            _merge(session, kind, rival, row, record.data, record.version)
    if row is None:
        row = kind.model(sync_id=record.id)
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    if hasattr(row, "updated_at"):
        row.updated_at = record.updated_at
    session.flush()
    return "applied"


def write_local(session: Session, kind: Kind, sync_id: str, data: dict[str, Any]) -> None:
    """Write ``data`` onto the local record as the seller's own edit (so it is queued and sent like one)."""
    values = _values(session, kind, data)
    if values is None:
        raise NotFound("The product this belonged to is no longer on this computer.")
    row = _row(session, kind, sync_id)
    if row is None:
        row = kind.model(sync_id=sync_id)
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()


def apply_version(session: Session, record: RecordVersion,
                  settings_apply: Callable[[dict[str, Any]], bool] | None = None) -> Applied:
    """Make the local copy of ``record`` match the service's version, and remember that version.

    ``session`` must be quiet (see ``capture.quietly``). A child whose product is not here is skipped; a row that
    still breaks a local constraint is logged and skipped, leaving the rest of the pull to apply.
    """
    if record.kind == SETTING:
        if record.deleted or settings_apply is None or not settings_apply(record.data):
            return "ignored"
        remember(session, record.kind, record.id, record.version, None if record.deleted else record.data)
        return "applied"
    if record.kind == MOVE:  # another computer asks for a post this one publishes (core.sync.moves)
        noted = apply_move(session, record)
        remember(session, record.kind, record.id, record.version, None if record.deleted else record.data)
        return noted
    kind = KINDS.get(record.kind)
    if kind is None:  # written by a newer SellerDesk: kept on the service for it, nothing to do here
        return "ignored"
    # The savepoint sits inside the pull's transaction (core.db.database starts every transaction with an explicit
    # BEGIN), so a failed row is undone alone and a failed round still undoes all its rows.
    try:
        with session.begin_nested():
            outcome = _apply_row(session, kind, record)
    except IntegrityError as exc:
        log.warning("could not apply %s %s version %s here: %s", record.kind, record.id, record.version, exc.orig)
        return "failed"
    if outcome != "skipped":
        remember(session, record.kind, record.id, record.version, None if record.deleted else record.data)
    return outcome

"""This data dir's sync facts, kept in its database: device id, signed-in email, the account the stored versions and
cursor belong to, and how the last round went. No token ever goes here (they live in the keychain)."""

from __future__ import annotations

import platform
import uuid
from typing import cast

from sqlalchemy import Connection, Table, delete, insert, select
from sqlalchemy.orm import Session

from core.db.database import Database
from core.db.models import SyncState
from server.client_models import SyncPosition

DEVICE_ID = "device_id"
DEVICE_NAME = "device_name"  # how the seller's other computers name this one ("scheduled on Laptop")
NAME_UNSENT = "device_name_unsent"  # set: a rename the service has not been told yet (core.sync.devices)
EMAIL = "email"  # the account signed in now (empty: signed out)
ACCOUNT = "account"  # the account whose versions and cursor this database holds (kept across sign-out)
CURSOR = "cursor"
CURSOR_CHANGE = "cursor_change"  # the service's change id at the cursor (to notice a restore that reused numbers)
EPOCH = "epoch"  # the account's epoch on the service (changed by an operator's restore)
LAST_SYNC = "last_sync_at"  # ISO time of the last complete round
PROBLEM = "problem"  # why the last round stopped short: offline | signed_out | rate_limited | error
PROBLEM_TEXT = "problem_text"
CONFLICTS_ETAG = "conflicts_etag"  # the ETag of the service's conflict list as last mirrored here
TOO_LARGE = "too_large"  # how many records the last round left out as larger than the service accepts


def read(session: Session, key: str) -> str | None:
    """The stored value of ``key`` (None when unset)."""
    row = session.get(SyncState, key)
    return row.value if row is not None else None


def write(session: Session, key: str, value: str | None) -> None:
    """Store ``value`` under ``key`` (None removes it)."""
    if value is None:
        session.execute(delete(SyncState).where(SyncState.key == key))
        return
    row = session.get(SyncState, key)
    if row is None:
        session.add(SyncState(key=key, value=value))
    else:
        row.value = value


def position(session: Session) -> SyncPosition:
    """Where this computer stands in the account's log, as the last pull answered."""
    return SyncPosition(int(read(session, CURSOR) or 0), read(session, CURSOR_CHANGE), read(session, EPOCH))


def store_position(session: Session, where: SyncPosition) -> None:
    """Remember ``where`` (after its changes were applied); a fresh SyncPosition() starts from the beginning."""
    write(session, CURSOR, str(where.cursor))
    write(session, CURSOR_CHANGE, where.change_id)
    write(session, EPOCH, where.epoch)


def read_all(db: Database) -> dict[str, str]:
    """Every stored fact at once (for the status line)."""
    with db.session() as session:
        return {row.key: row.value for row in session.scalars(select(SyncState))}


def device_id(db: Database) -> str:
    """This data dir's device id, made on first use: the service tells this computer's changes apart by it."""
    return identity(db)[0]


def identity(db: Database) -> tuple[str, str]:
    """This data dir's device id and name, made on first use."""
    with db.session() as session:
        return here(session.connection())


def here(conn: Connection) -> tuple[str, str]:
    """This data dir's device id and name, made on first use (inside ``conn``'s transaction)."""
    table = cast(Table, SyncState.__table__)
    stored = dict(conn.execute(select(table.c.key, table.c.value)
                               .where(table.c.key.in_((DEVICE_ID, DEVICE_NAME)))).all())
    missing = {DEVICE_ID: str(uuid.uuid4()), DEVICE_NAME: platform.node()[:100] or "another computer"}
    added = [{"key": key, "value": value} for key, value in missing.items() if key not in stored]
    if added:
        conn.execute(insert(table), added)
        stored.update({row["key"]: row["value"] for row in added})
    return stored[DEVICE_ID], stored[DEVICE_NAME]


def device_if_known(conn: Connection) -> str | None:
    """This data dir's device id if it has one yet (it has none before the first sign-in or sync)."""
    table = cast(Table, SyncState.__table__)
    return conn.execute(select(table.c.value).where(table.c.key == DEVICE_ID)).scalar()

"""The sync engine's statements, built once at import (Core, with bound parameters): running one costs no SQL
construction and finds its compiled form in the engine's cache.

Bound parameter names never repeat a column name (SQLAlchemy reserves those in INSERT and UPDATE): ``acct`` is an
account id, ``sid`` a sign-in session id.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    Executable,
    Insert,
    Table,
    and_,
    bindparam,
    insert,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from server.context import SIGN_IN_COLUMNS
from server.models import Account, AuthSession, Device, SyncChange, SyncConflict, SyncHead

ACCOUNTS = cast(Table, Account.__table__)
CHANGES = cast(Table, SyncChange.__table__)
CONFLICTS = cast(Table, SyncConflict.__table__)
DEVICES = cast(Table, Device.__table__)
HEADS = cast(Table, SyncHead.__table__)
SESSIONS = cast(Table, AuthSession.__table__)

_ACCT: BindParameter[int] = bindparam("acct")


def _ids(name: str) -> Any:
    return bindparam(name, expanding=True)


_SIGNED_IN = ACCOUNTS.outerjoin(SESSIONS, and_(SESSIONS.c.id == bindparam("sid"),
                                               SESSIONS.c.account_id == ACCOUNTS.c.id))

# The account's row, locked for the transaction (FOR UPDATE OF accounts: the sign-in is only read), with the
# sign-in the request came with and its device's name. SQLite ignores FOR UPDATE: its writer holds the database.
LOCK = (select(ACCOUNTS.c.sync_seq, ACCOUNTS.c.sync_epoch, ACCOUNTS.c.sync_bytes, ACCOUNTS.c.open_conflicts,
               ACCOUNTS.c.conflicts_version, *SIGN_IN_COLUMNS,
               DEVICES.c.name.label("device_name"))
        .select_from(_SIGNED_IN.outerjoin(DEVICES, DEVICES.c.id == SESSIONS.c.device_id))
        .where(ACCOUNTS.c.id == _ACCT).with_for_update(of=ACCOUNTS))
LOCK_ONLY = (select(ACCOUNTS.c.sync_seq, ACCOUNTS.c.sync_epoch, ACCOUNTS.c.sync_bytes, ACCOUNTS.c.open_conflicts,
                    ACCOUNTS.c.conflicts_version)
             .where(ACCOUNTS.c.id == _ACCT).with_for_update())

# What a pull or a conflict listing needs first: the sign-in, the account's sequence and epoch, how many conflicts
# wait, the version of their list and the oldest one its changes can be told since (all kept on the account row:
# nothing is counted per request).
ACCOUNT_STATE = (select(ACCOUNTS.c.sync_seq, ACCOUNTS.c.sync_epoch, ACCOUNTS.c.open_conflicts,
                        ACCOUNTS.c.conflicts_version, ACCOUNTS.c.conflicts_floor, *SIGN_IN_COLUMNS)
                 .select_from(_SIGNED_IN).where(ACCOUNTS.c.id == _ACCT))

# Everything a push's changes touch, in one round trip: each change id already logged (a retried push) or kept as
# a conflict, the head of each record and the change id the log holds at the device's cursor; in an account with
# open conflicts (KNOWN_CONTESTED) also each record that has one (writing it changes the conflict list). Columns:
# what, key (a change id, or a record id for heads and open conflicts), kind, record_id, version, seq, deleted.
_KNOWN = (
    select(literal("logged").label("what"), CHANGES.c.change_id.label("key"), CHANGES.c.kind, CHANGES.c.record_id,
           CHANGES.c.version, CHANGES.c.seq, CHANGES.c.deleted)
    .where(CHANGES.c.account_id == _ACCT, CHANGES.c.change_id.in_(_ids("change_ids"))),
    select(literal("kept"), CONFLICTS.c.change_id, CONFLICTS.c.kind, CONFLICTS.c.record_id, null(), null(), null())
    .where(CONFLICTS.c.account_id == _ACCT, CONFLICTS.c.change_id.in_(_ids("change_ids"))),
    select(literal("head"), HEADS.c.record_id, HEADS.c.kind, HEADS.c.record_id, HEADS.c.version, HEADS.c.head_seq,
           HEADS.c.deleted)
    .where(HEADS.c.account_id == _ACCT, HEADS.c.kind.in_(_ids("kinds")), HEADS.c.record_id.in_(_ids("record_ids"))),
    select(literal("held"), CHANGES.c.change_id, null(), null(), null(), null(), null())
    .where(CHANGES.c.account_id == _ACCT, CHANGES.c.seq == bindparam("cursor")),
)
KNOWN = union_all(*_KNOWN)
KNOWN_CONTESTED = union_all(
    *_KNOWN,
    select(literal("open"), CONFLICTS.c.record_id, CONFLICTS.c.kind, CONFLICTS.c.record_id, null(), null(), null())
    .where(CONFLICTS.c.account_id == _ACCT, CONFLICTS.c.record_id.in_(_ids("record_ids")),
           CONFLICTS.c.resolved_at.is_(None)))

VERSIONS = select(*CHANGES.c).where(CHANGES.c.account_id == _ACCT, CHANGES.c.seq.in_(_ids("seqs")))
KEPT = select(*CONFLICTS.c).where(CONFLICTS.c.account_id == _ACCT, CONFLICTS.c.change_id.in_(_ids("change_ids")))
# A pull's page, from the cursor itself (the change there is compared with the one the device names).
PAGE = (select(*CHANGES.c).where(CHANGES.c.account_id == _ACCT, CHANGES.c.seq >= bindparam("cursor"))
        .order_by(CHANGES.c.seq).limit(bindparam("rows")))
CURRENT = (select(*CHANGES.c).join(HEADS, and_(HEADS.c.account_id == CHANGES.c.account_id,
                                               HEADS.c.head_seq == CHANGES.c.seq))
           .where(HEADS.c.account_id == _ACCT, HEADS.c.record_id.in_(_ids("record_ids"))))
OPEN_CONFLICTS = (select(*CONFLICTS.c).where(CONFLICTS.c.account_id == _ACCT, CONFLICTS.c.resolved_at.is_(None))
                  .order_by(CONFLICTS.c.created_at, CONFLICTS.c.id))
CONFLICTS_CHANGED = (update(ACCOUNTS).where(ACCOUNTS.c.id == _ACCT)
                     .values(conflicts_version=ACCOUNTS.c.conflicts_version + 1)
                     .returning(ACCOUNTS.c.conflicts_version))
CONFLICTS_FLOOR = select(ACCOUNTS.c.conflicts_floor).where(ACCOUNTS.c.id == _ACCT)
# The conflicts whose listing changed after a device's tag, settled ones too (they leave its list), in that order.
CHANGED_CONFLICTS = (select(*CONFLICTS.c)
                     .where(CONFLICTS.c.account_id == _ACCT, CONFLICTS.c.listed_version > bindparam("since"))
                     .order_by(CONFLICTS.c.listed_version, CONFLICTS.c.id).limit(bindparam("rows")))
# Stamping conflicts with the list's new version: the open ones beside records just written, the ones just settled,
# the open ones set aside by a computer renamed or removed.
_STAMP = update(CONFLICTS).values(listed_version=bindparam("version"))
STAMP_RECORDS = _STAMP.where(CONFLICTS.c.account_id == _ACCT, CONFLICTS.c.record_id.in_(_ids("record_ids")),
                             CONFLICTS.c.resolved_at.is_(None))
STAMP_SETTLED = _STAMP.where(CONFLICTS.c.account_id == _ACCT, CONFLICTS.c.id.in_(_ids("conflict_ids")))
STAMP_DEVICES = _STAMP.where(CONFLICTS.c.account_id == _ACCT, CONFLICTS.c.device_id.in_(_ids("device_ids")),
                             CONFLICTS.c.resolved_at.is_(None))
DEVICE_NAMES = select(DEVICES.c.id, DEVICES.c.name).where(DEVICES.c.account_id == _ACCT)


@dataclass(frozen=True)
class Writes:
    """The statements that store a push: each run once with every row of its kind."""

    conflicts: Insert
    changes: Insert
    heads: Executable
    superseded: Executable
    account: Executable


@cache
def writes(dialect: str) -> Writes:
    """The write statements for a database kind ("postgresql" or "sqlite": heads are upserted in its dialect)."""
    upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(HEADS)
    heads = upsert.on_conflict_do_update(
        index_elements=[HEADS.c.account_id, HEADS.c.kind, HEADS.c.record_id],
        set_={"version": upsert.excluded.version, "deleted": upsert.excluded.deleted,
              "head_seq": upsert.excluded.head_seq})
    return Writes(
        conflicts=insert(CONFLICTS),
        changes=insert(CHANGES),
        heads=heads,
        superseded=(update(CHANGES).where(CHANGES.c.account_id == _ACCT, CHANGES.c.seq.in_(_ids("seqs")))
                    .values(superseded_at=bindparam("now"))),
        account=(update(ACCOUNTS).where(ACCOUNTS.c.id == _ACCT)
                 .values(sync_seq=bindparam("last_seq"), sync_bytes=ACCOUNTS.c.sync_bytes + bindparam("added"),
                         open_conflicts=ACCOUNTS.c.open_conflicts + bindparam("opened"),
                         conflicts_version=ACCOUNTS.c.conflicts_version + bindparam("listed"))),
    )


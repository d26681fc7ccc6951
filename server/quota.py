"""What an account stores, in bytes: synced versions and kept conflicts (``accounts.sync_bytes``, kept up to date
by every write), photo backups and public media. All of it counts toward the account's quota."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.errors import ApiError
from server.models import Account, Blob, MediaItem

# What a stored version or conflict costs besides its JSON: ids, version numbers, times, index entries.
ROW_OVERHEAD = 200


def record_size(data: dict[str, Any]) -> int:
    """The bytes one stored version (or conflict) of ``data`` counts for."""
    return ROW_OVERHEAD + len(json.dumps(data, separators=(",", ":")))


def file_bytes(session: Session, account_id: int) -> int:
    """Bytes of the account's photo backups and public media (one statement)."""
    sums = [select(func.coalesce(func.sum(table.size), 0)).where(table.account_id == account_id).scalar_subquery()
            for table in (Blob, MediaItem)]
    return int(session.scalar(select(sums[0] + sums[1])) or 0)


def stored_bytes(session: Session, account_id: int) -> int:
    """Everything the account stores now."""
    synced = session.scalar(select(Account.sync_bytes).where(Account.id == account_id)) or 0
    return int(synced) + file_bytes(session, account_id)


def refuse_over_quota(used: int, incoming: int, quota: int) -> None:
    """413 ``quota_exceeded`` if ``incoming`` more bytes would take the account past ``quota``."""
    if used + incoming > quota:
        raise ApiError(413, "quota_exceeded", f"This account's storage is full ({used:,} of {quota:,} bytes used, "
                                              f"{incoming:,} more sent). Delete products, photos or public media "
                                              "you no longer need, or resolve old conflicts.")

"""What an account stores, in bytes: synced versions and kept conflicts (``accounts.sync_bytes``, kept up to date
by every write), photo backups and public media. All of it counts toward the account's quota."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
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


class FileBytesCache:
    """Each account's photo and media bytes as read at most ``seconds`` ago (per instance), so a push — which
    runs often and adds only records — does not sum them every time. Uploads check the live figure."""

    def __init__(self, seconds: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._seconds = seconds
        self._clock = clock
        self._known: dict[int, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def forget(self, account_id: int) -> None:
        """Read the account's figure afresh next time (its photos or media changed on this instance)."""
        with self._lock:
            self._known.pop(account_id, None)

    def get(self, session: Session, account_id: int) -> int:
        """The account's file bytes, read again when the kept figure is older than the limit."""
        now = self._clock()
        with self._lock:
            kept = self._known.get(account_id)
        if kept is not None and now - kept[0] < self._seconds:
            return kept[1]
        value = file_bytes(session, account_id)
        with self._lock:
            if len(self._known) > 100_000:
                self._known.clear()
            self._known[account_id] = (now, value)
        return value


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

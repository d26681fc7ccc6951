"""Reading the database file with the sqlite3 module alone, read-only.

What the window's first frame shows (the product list) is read this way, before SQLAlchemy and the models (a quarter
of a second of imports) are loaded; a read-only connection cannot write, so reading before the day's integrity
check has passed changes nothing. Stored values come back raw here: :func:`money_text`, :func:`utc_iso` and
:func:`plain_decimal` give what the ORM types (core.db.types) would.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from core.errors import StorageError

MONEY_SCALE = 10_000  # four decimal places: exact for every ISO 4217 currency and for per-unit fees


class Reads(Protocol):
    """Anything that runs a read-only SQL statement with ``?`` parameters: :class:`ReadOnly`, or the Database."""

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Every row of ``sql``."""
        ...


class ReadOnly:
    """One read-only sqlite3 connection to ``path``, opened on first use and shared by threads (one at a time)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Every row of ``sql`` (a reader never waits for a writer: the database is in WAL mode); none while there
        is no database file yet (nothing has been stored)."""
        with self._lock:
            if self._conn is None and not self.path.exists():
                return []
            try:
                if self._conn is None:
                    self._conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=10,
                                                 check_same_thread=False)
                return self._conn.execute(sql, tuple(params)).fetchall()
            except sqlite3.DatabaseError as exc:
                raise StorageError(f"The database file {self.path} cannot be read ({exc}).",
                                   hint="Nothing was changed. Restore it from <data dir>/backups.") from exc

    def close(self) -> None:
        """Close the connection (before the file is copied, moved or deleted); the next read opens it again."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def schema_revision(path: Path) -> str | None:
    """The schema revision stored in the database file at ``path`` (None: no file, no revision, or unreadable, such
    as a damaged file, which the full check then refuses)."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    reader = ReadOnly(path)
    try:
        found = reader.rows("SELECT version_num FROM alembic_version")
    except StorageError:  # (ReadOnly's word for sqlite3's errors)
        return None
    finally:
        reader.close()
    return str(found[0][0]) if len(found) == 1 else None


def money_text(stored: int) -> str:
    """The text of a stored Money value without building a Decimal (fast path for big listings).

    Equal to ``str(plain_decimal(...))`` of the value Money reads back: 12_995_000 → "1299.5".
    """
    whole, part = divmod(abs(stored), MONEY_SCALE)
    sign = "-" if stored < 0 else ""
    return f"{sign}{whole}" if part == 0 else f"{sign}{whole}.{part:04d}".rstrip("0")


def utc_iso(stored: str) -> str:
    """ISO 8601 text of a stored UTCDateTime (SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff", always UTC).

    Equal to ``.isoformat()`` of the aware datetime UTCDateTime reads back.
    """
    day, _, clock = stored.partition(" ")
    if clock.endswith(".000000"):
        clock = clock[:-7]
    return f"{day}T{clock}+00:00"


def plain_decimal(amount: Decimal) -> Decimal:
    """``amount`` without trailing zeros and never in exponent form (1299.50 → 1299.5, 100.00 → 100)."""
    amount = amount.normalize()
    # normalize() turns 100 into 1E+2; keep plain digits for display and JSON.
    return amount.quantize(Decimal(1)) if amount.as_tuple().exponent > 0 else amount  # type: ignore[operator]

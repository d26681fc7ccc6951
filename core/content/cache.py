"""A small on-disk cache of Gemini answers, so asking the same question twice is not paid for twice."""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from core.errors import StorageError

log = logging.getLogger(__name__)

CACHE_FILE = "copy-cache.sqlite3"
# Enough for every product of a small shop a few times over; older answers are dropped first.
MAX_ENTRIES = 2000


class CopyCache:
    """Gemini answers keyed by the sha256 of everything that shaped them (see ``GeminiWriter.cache_key``).

    A damaged cache file never stops copy generation: it is reported in the log and treated as a miss.
    """

    def __init__(self, directory: Path) -> None:
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"The copy cache folder {directory} cannot be created ({exc}).") from exc
        self.path = directory / CACHE_FILE

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=5)
        conn.execute(
            "CREATE TABLE IF NOT EXISTS answers "
            "(key TEXT PRIMARY KEY, created REAL NOT NULL, value TEXT NOT NULL)"
        )
        return conn

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored answer for ``key``, or ``None``."""
        try:
            with closing(self._connect()) as conn:
                row = conn.execute("SELECT value FROM answers WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            log.warning("Copy cache %s unreadable (%s); asking Gemini again", self.path, exc)
            return None
        if row is None:
            return None
        try:
            value = json.loads(row[0])
        except json.JSONDecodeError:
            return None
        return value if isinstance(value, dict) else None

    def put(self, key: str, value: dict[str, Any]) -> None:
        """Store ``value`` (JSON-able) for ``key``, dropping the oldest answers beyond ``MAX_ENTRIES``."""
        blob = json.dumps(value, ensure_ascii=False, sort_keys=True)
        try:
            with closing(self._connect()) as conn, conn:
                conn.execute(
                    "INSERT OR REPLACE INTO answers (key, created, value) VALUES (?, ?, ?)",
                    (key, time.time(), blob),
                )
                conn.execute(
                    "DELETE FROM answers WHERE key NOT IN "
                    "(SELECT key FROM answers ORDER BY created DESC LIMIT ?)",
                    (MAX_ENTRIES,),
                )
        except sqlite3.Error as exc:
            log.warning("Copy cache %s not writable (%s); the answer was not cached", self.path, exc)

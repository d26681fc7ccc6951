"""Autosave journal: every edit of an open form is kept on disk at once, so a killed app loses nothing.

The journal holds the form's raw values (valid or not). When the form is saved to the database the journal is
cleared; a journal left behind at start is an edit that never reached the database, offered back to the seller.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.fileio import atomic_write_text

AUTOSAVE_DIR = "autosave"


class AutosaveJournal:
    """Raw form states keyed by a name such as ``product-12`` or ``product-new``."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = data_dir / AUTOSAVE_DIR

    def _path(self, key: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in key)
        return self.folder / f"{safe}.json"

    def save(self, key: str, values: dict[str, Any]) -> None:
        """Keep ``values`` for ``key`` (atomically: a crash leaves the previous or the new state, never half)."""
        atomic_write_text(self._path(key), json.dumps(values, ensure_ascii=False, default=str))

    def load(self, key: str) -> dict[str, Any] | None:
        """The kept values for ``key``, or None (also for a damaged journal, which is then dropped)."""
        path = self._path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            path.unlink(missing_ok=True)
            return None
        return data if isinstance(data, dict) else None

    def clear(self, key: str) -> None:
        """Forget ``key`` (its values reached the database, or the seller discarded them)."""
        self._path(key).unlink(missing_ok=True)

    def pending(self) -> list[str]:
        """Keys with edits that never reached the database."""
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.json"))

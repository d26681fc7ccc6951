"""Start-up integrity check and daily database backups, the last seven kept."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.db.database import DB_FILE

BACKUP_DIR = "backups"
KEEP_DAYS = 7
_DAILY_PREFIX = "daily-"


@dataclass
class Maintenance:
    """What start-up maintenance found and did."""

    integrity: str  # "ok", or SQLite's description of the damage
    backup: Path | None  # the backup made today (None if one already existed or the database is damaged)
    removed: list[Path]

    @property
    def healthy(self) -> bool:
        """Whether the database passed its integrity check."""
        return self.integrity == "ok"


def integrity(path: Path) -> str:
    """``ok`` or what SQLite's quick_check found wrong (read-only: never changes the file)."""
    if path.exists() and path.stat().st_size == 0:
        return "the file is empty (0 bytes)"  # SQLite calls that a healthy new database; the shop is gone from it
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "; ".join(row[0] for row in conn.execute("PRAGMA quick_check").fetchall()[:5])
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()


def daily_backups(data_dir: Path) -> list[Path]:
    """Existing daily backups, oldest first."""
    folder = data_dir / BACKUP_DIR
    return sorted(folder.glob(f"{_DAILY_PREFIX}*.db")) if folder.is_dir() else []


def daily_backup_name(day: datetime) -> str:
    """The file name of the daily backup made on ``day``."""
    return f"{_DAILY_PREFIX}{day:%Y-%m-%d}.db"


def backup_now(data_dir: Path, name: str) -> Path:
    """A consistent copy of the live database (SQLite's online backup: safe while the app writes)."""
    folder = data_dir / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    target = folder / name
    partial = target.with_suffix(".partial")
    source = sqlite3.connect(data_dir / DB_FILE)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    partial.replace(target)  # a crash mid-backup never leaves a half file that looks like a backup
    return target


def daily_maintenance(data_dir: Path, *, today: datetime | None = None) -> Maintenance:
    """Check the database; if healthy, make today's backup (once a day) and drop backups older than a week."""
    db = data_dir / DB_FILE
    if not db.exists():
        return Maintenance("ok", None, [])
    found = integrity(db)
    if found != "ok":
        return Maintenance(found, None, [])
    now = today or datetime.now(UTC)
    name = daily_backup_name(now)
    made = None if (data_dir / BACKUP_DIR / name).exists() else backup_now(data_dir, name)
    cutoff = f"{_DAILY_PREFIX}{(now - timedelta(days=KEEP_DAYS - 1)):%Y-%m-%d}.db"
    removed = [p for p in daily_backups(data_dir) if p.name < cutoff]
    for old in removed:
        old.unlink()
    return Maintenance("ok", made, removed)


def restore_backup(data_dir: Path, backup: Path) -> Path:
    """Put ``backup`` in place of the live database; the replaced file is kept beside it, never deleted."""
    live = data_dir / DB_FILE
    kept = live.with_name(f"{live.stem}-replaced-{datetime.now(UTC):%Y%m%dT%H%M%S}.db")
    for suffix in ("-wal", "-shm"):
        side = live.with_name(live.name + suffix)
        if side.exists():
            side.replace(kept.with_name(kept.name + suffix))
    if live.exists():
        live.replace(kept)
    partial = live.with_suffix(".partial")
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    partial.replace(live)
    return kept

"""Alembic migrations applied automatically at start, with a backup first and a refusal of newer schemas."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from core.db import SCHEMA_HEAD
from core.db.database import Database
from core.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Alembic narrates every start at INFO ("Context impl SQLiteImpl"); only real upgrades are worth a log line.
logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
log = logging.getLogger(__name__)


def alembic_config() -> Config:
    """An Alembic config pointing at the bundled migrations."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    """The newest schema revision this version of SellerDesk knows (read from the migration scripts)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    """The schema revision stored in the database (None for a new, empty database)."""
    with db.engine.connect() as conn:
        if not conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).first():
            return None
        revisions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
    if len(revisions) > 1:
        raise StorageError(f"The database {db.path} has several schema revisions ({', '.join(revisions)}).")
    return revisions[0] if revisions else None


def upgrade_to_head(db: Database, target: str = "head") -> None:
    """Bring the database to ``target`` (normally the newest revision).

    A database whose revision this version does not know was written by a newer SellerDesk:
    it is refused untouched. An older database is backed up before it is upgraded.
    """
    current = current_revision(db)
    if current == SCHEMA_HEAD and target == "head":
        return  # the common case; skips loading every migration script at start-up
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config()
    scripts = ScriptDirectory.from_config(cfg)
    head = scripts.get_current_head()
    if current == head:
        return
    if current is not None:
        try:
            scripts.get_revision(current)
        except Exception:
            raise StorageError(
                f"The database {db.path} was written by a newer version of SellerDesk (schema {current}).",
                hint="Install the newer SellerDesk to open it; nothing has been changed.",
            ) from None
        backup = backup_database(db.path, reason=f"before-upgrade-from-{current}")
        log.info("upgrading database schema %s -> %s (backup at %s)", current, head, backup)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)


def backup_database(path: Path, reason: str) -> Path:
    """Copy the live database (consistently, through SQLite's backup API) into <data dir>/backups."""
    backups = path.parent / "backups"
    backups.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = backups / f"{path.stem}-{stamp}-{reason}.db"
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target

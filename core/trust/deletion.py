"""Deleting for real: the bin is emptied after 30 days (or at once), and "delete all data" can be undone for 30 days."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from core.db.database import DB_FILE
from core.db.models import AuditEvent, Product, ProductImage
from core.errors import NotFound, ValidationError
from core.secrets.store import FOLDER_ID_FILE, forget_folder

if TYPE_CHECKING:
    from core.app import App

KEEP_DAYS = 30
TRASH_DIR = "trash"
_STAMP = "%Y%m%dT%H%M%SZ"


@dataclass
class PurgeReport:
    """What a purge removed for good."""

    products: int
    photos: int
    trashed_sets: int


def _audit(app: App, kind: str, subject: str, detail: dict[str, object]) -> None:
    with app.db.session() as session:
        session.add(AuditEvent(kind=kind, subject=subject, detail=detail))


def _unused_photos(app: App) -> list[str]:
    store_root = app.data_dir / "images" / "originals"
    if not store_root.is_dir():
        return []
    with app.db.session() as session:
        used = set(session.scalars(select(ProductImage.sha256)))
    return sorted({p.stem for p in store_root.glob("*/*") if p.stem not in used})


def purge(app: App, *, now: datetime | None = None, everything: bool = False,
          photo_grace: timedelta | None = None) -> PurgeReport:
    """Remove for good what has been deleted for 30 days (``everything``: all that is deleted, now).

    Products in the bin, photos no product uses any more (originals and their variants), and data sets moved to
    the trash by :func:`delete_all_data`, with the keychain entries moved aside with them. ``photo_grace`` spares
    unused photos younger than that: the automatic purge must not take a photo another window or command has
    just stored for a product it has not saved yet.
    """
    moment = now or datetime.now(UTC)
    cutoff = moment if everything else moment - timedelta(days=KEEP_DAYS)
    with app.db.session() as session:
        ids = list(session.scalars(select(Product.id).where(Product.deleted_at.is_not(None),
                                                            Product.deleted_at <= cutoff)))
        if ids:
            session.execute(delete(Product).where(Product.id.in_(ids)))
    photos = _unused_photos(app)
    if photo_grace is not None:
        young = (moment - photo_grace).timestamp()
        photos = [sha for sha in photos if all(path.stat().st_mtime < young for path in
                                               (app.data_dir / "images" / "originals" / sha[:2]).glob(f"{sha}.*"))]
    for sha in photos:
        app.image_store.discard(sha)
    trashed = 0
    for folder in trash_sets(app.data_dir):
        made = datetime.strptime(folder.name, _STAMP).replace(tzinfo=UTC)
        if made <= cutoff:
            forget_folder(folder)  # its keychain entries went aside with it; now they go for good
            shutil.rmtree(folder)
            trashed += 1
    report = PurgeReport(len(ids), len(photos), trashed)
    _audit(app, "data.purge", "everything deleted" if everything else f"older than {KEEP_DAYS} days",
           {"products": report.products, "photos": report.photos, "trashed_sets": trashed})
    return report


def trash_sets(data_dir: Path) -> list[Path]:
    """Data sets moved aside by "delete all data", oldest first."""
    folder = data_dir / TRASH_DIR
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def delete_all_data(app: App) -> Path:
    """Move every file of the data dir (database, photos, browser profiles, logs, settings) into the trash.

    The app must not be used afterwards; a new App on the same dir starts empty. Recoverable with
    :func:`restore_all_data` until purged (30 days, or ``purge(everything=True)``). The folder's keychain entries
    (tokens, API keys, the database key) go aside too: they belong to the ``folder-id`` file, which moves with the
    rest, so the folder's next shop cannot use them; the purge of the set removes them from the keychain.
    """
    stamp = datetime.now(UTC).strftime(_STAMP)
    target = app.data_dir / TRASH_DIR / stamp
    app.close()
    from core.logs import stop_logging

    stop_logging()  # the log file moves too
    target.mkdir(parents=True)
    for entry in app.data_dir.iterdir():
        if entry.name != TRASH_DIR:
            entry.replace(target / entry.name)
    return target


_FRESH = {TRASH_DIR, "logs", "settings.json", "backups", "crash-reports", FOLDER_ID_FILE, DB_FILE,
          f"{DB_FILE}-wal", f"{DB_FILE}-shm"}
_MACHINERY_TABLES = {"alembic_version", "audit_events", "analytics_zone", "apscheduler_jobs"}  # made at any start


def _holds_nothing(path: Path) -> bool:
    """Whether the database at ``path`` is missing or has no row of the seller's (only SellerDesk's own notes)."""
    if not path.exists():
        return True
    conn = sqlite3.connect(path)  # not read-only: a WAL left by the last command must be readable
    try:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                 "AND name NOT LIKE 'sqlite_%'")]
        return all(conn.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone() is None  # noqa: S608 (own names)
                   for name in tables if name not in _MACHINERY_TABLES)
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def restore_all_data(data_dir: Path, name: str | None = None) -> Path:
    """Bring back a data set from the trash (the newest, or ``name``); refused if the data dir is in use again."""
    sets = trash_sets(data_dir)
    chosen = [s for s in sets if name is None or s.name == name]
    if not chosen:
        raise NotFound("There is no deleted data to restore." if not sets else f"No deleted data set {name!r}.")
    source = chosen[-1]
    in_use = [e.name for e in data_dir.iterdir() if e.name not in _FRESH]
    if not in_use and not _holds_nothing(data_dir / DB_FILE):
        in_use = [DB_FILE]
    if in_use:
        raise ValidationError(
            f"The data dir is in use again ({', '.join(sorted(in_use)[:3])}); restoring would mix two shops.",
            hint=f"Restore into an empty data dir: move {source} there by hand, or use another --data-dir.")
    from core.logs import stop_logging

    stop_logging()  # the log file is replaced by the restored one
    forget_folder(data_dir)  # a key the empty shop made on a read; the restored folder-id brings the old ones
    for name in _FRESH - {TRASH_DIR}:
        # What a command run since "delete all" made: an empty database (and its WAL, which must never meet the
        # restored file), its backups, logs. None of it holds the seller's data.
        leftover = data_dir / name
        if leftover.is_dir():
            shutil.rmtree(leftover)
        else:
            leftover.unlink(missing_ok=True)
    for entry in source.iterdir():
        destination = data_dir / entry.name
        if destination.is_dir():
            shutil.rmtree(destination)
        entry.replace(destination)
    source.rmdir()
    return data_dir

"""Deleting for real: the bin is emptied after 30 days (or at once), and "delete all data" can be undone for 30 days."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from core.db.models import AuditEvent, Product, ProductImage
from core.errors import NotFound, ValidationError

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


def purge(app: App, *, now: datetime | None = None, everything: bool = False) -> PurgeReport:
    """Remove for good what has been deleted for 30 days (``everything``: all that is deleted, now).

    Products in the bin, photos no product uses any more (originals and their variants), and data sets moved to
    the trash by :func:`delete_all_data`.
    """
    moment = now or datetime.now(UTC)
    cutoff = moment if everything else moment - timedelta(days=KEEP_DAYS)
    with app.db.session() as session:
        ids = list(session.scalars(select(Product.id).where(Product.deleted_at.is_not(None),
                                                            Product.deleted_at <= cutoff)))
        if ids:
            session.execute(delete(Product).where(Product.id.in_(ids)))
    photos = _unused_photos(app)
    for sha in photos:
        for path in (app.data_dir / "images" / "originals" / sha[:2]).glob(f"{sha}.*"):
            path.unlink()
        shutil.rmtree(app.data_dir / "images" / "variants" / sha, ignore_errors=True)
    trashed = 0
    for folder in trash_sets(app.data_dir):
        made = datetime.strptime(folder.name, _STAMP).replace(tzinfo=UTC)
        if made <= cutoff:
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
    :func:`restore_all_data` until purged (30 days, or ``purge(everything=True)``). Secrets in the keychain are
    removed by the caller, which knows the platforms connected.
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


def restore_all_data(data_dir: Path, name: str | None = None) -> Path:
    """Bring back a data set from the trash (the newest, or ``name``); refused if the data dir is in use again."""
    sets = trash_sets(data_dir)
    chosen = [s for s in sets if name is None or s.name == name]
    if not chosen:
        raise NotFound("There is no deleted data to restore." if not sets else f"No deleted data set {name!r}.")
    source = chosen[-1]
    in_use = [e.name for e in data_dir.iterdir() if e.name not in {TRASH_DIR, "logs", "settings.json"}]
    if in_use:
        raise ValidationError(
            f"The data dir is in use again ({', '.join(sorted(in_use)[:3])}); restoring would mix two shops.",
            hint=f"Restore into an empty data dir: move {source} there by hand, or use another --data-dir.")
    for entry in source.iterdir():
        destination = data_dir / entry.name
        if destination.is_dir():
            shutil.rmtree(destination)
        entry.replace(destination)
    source.rmdir()
    return data_dir

"""Export everything the seller owns as one zip that any spreadsheet or text editor can read."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from core.db.models import AuditEvent, Base, ProductImage
from core.errors import StorageError
from core.spreadsheet import safe_cell

if TYPE_CHECKING:
    from core.app import App

README = """SellerDesk export ({when})

Everything SellerDesk keeps about your shop, readable without SellerDesk:
- <table>.json and <table>.csv — one file pair per kind of record (products, product_images, content_drafts,
  publish_jobs, sale_events, engagement_snapshots, platform_connections, audit_events, ...). Money is written
  exactly as text (e.g. 1299.50), times in UTC (ISO 8601).
- photos/<sha256>.<ext> — your original photos, named by their content; product_images.csv says which product
  each belongs to and in which order.
- In the .csv files, text that starts with = + - @ is written with a leading ' so that a spreadsheet shows it
  instead of running it as a formula; the .json files hold every value exactly.
- settings.json — the settings you changed.
Passwords, tokens and API keys are never exported: they stay in your system keychain.
"""

# Rows SellerDesk keeps for its own machinery or derives from other tables (daily totals), not the seller's data.
_SKIP_TABLES = {"alembic_version", "apscheduler_jobs", "sales_daily", "engagement_daily", "analytics_zone"}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _table_rows(app: App, table: Any) -> list[dict[str, Any]]:
    # Through SQLAlchemy so every column type decodes as the app sees it (exact money, aware times, decrypted text).
    with app.db.engine.connect() as conn:
        return [{k: _plain(v) for k, v in row._mapping.items()} for row in conn.execute(select(table))]


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO(newline="")
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            # Seller-typed text (titles, buyer names) may start like a formula; spreadsheets must show it, not run it.
            writer.writerow({k: safe_cell(json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v)
                             for k, v in row.items()})
    return "\ufeff" + out.getvalue()


def export_all(app: App, target: Path, progress: Callable[[int, int, str], None] | None = None) -> Path:
    """Write the seller's data to ``target`` (a .zip), atomically; returns the path. Logged in the audit log."""
    tables = [t for t in Base.metadata.sorted_tables if t.name not in _SKIP_TABLES]
    with app.db.session() as session:
        photos = sorted({sha for (sha,) in session.execute(select(ProductImage.sha256))})
    total = len(tables) + len(photos)
    done = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".zip", dir=target.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("README.txt", README.format(when=datetime.now().astimezone().isoformat(timespec="seconds")))
            zf.writestr("settings.json", json.dumps(app.settings.changed(), indent=2, ensure_ascii=False))
            for table in tables:
                rows = _table_rows(app, table)
                zf.writestr(f"{table.name}.json", json.dumps(rows, indent=1, ensure_ascii=False))
                zf.writestr(f"{table.name}.csv", _csv(rows))
                done += 1
                if progress:
                    progress(done, total, table.name)
            for sha in photos:
                source = app.image_store.original_path(sha)
                zf.write(source, f"photos/{source.name}")
                done += 1
                if progress:
                    progress(done, total, source.name)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise StorageError(f"Cannot write the export to {target} ({exc.strerror}).",
                           hint="Choose a folder you can write to, with free space.") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    with app.db.session() as session:
        session.add(AuditEvent(kind="data.export", subject=str(target), detail={"tables": len(tables),
                                                                                 "photos": len(photos)}))
    return target

"""Reading the audit log (entries are written where things happen: secrets, publishing, export, deletion)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.db.database import Database
from core.db.models import AuditEvent


def recent_events(db: Database, limit: int = 200, kind_prefix: str = "") -> list[dict[str, Any]]:
    """The newest audit entries first, as plain rows (at in ISO 8601 UTC)."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if kind_prefix:
        query = query.where(AuditEvent.kind.startswith(kind_prefix))
    with db.reading() as session:  # the window reads it while imports and publishing write
        return [{"at": e.at.isoformat(timespec="seconds"), "kind": e.kind, "subject": e.subject,
                 "detail": dict(e.detail)} for e in session.scalars(query)]

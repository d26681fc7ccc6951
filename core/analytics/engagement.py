"""Engagement snapshots in: how each post was doing at a moment (running totals), recorded by the connectors.

Snapshots keep running totals as the platform reports them; triggers turn each into what the post gained since its
previous snapshot, per local day (engagement_daily), so a summary never has to compare snapshots itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select, tuple_

from core.analytics.sales import parse_platform
from core.db.database import Database
from core.db.models import EngagementSnapshot
from core.errors import ValidationError

COUNTERS = ("likes", "comments", "shares", "saves", "reach", "impressions", "clicks")
_BATCH = 300  # snapshots per look-up of those already stored (three bound values each)


@dataclass(frozen=True)
class EngagementRecord:
    """How one post was doing at ``taken_at``: running totals since it was posted (reactions count as likes)."""

    platform: str
    remote_id: str
    taken_at: datetime
    likes: int = 0
    comments: int = 0
    shares: int = 0
    saves: int = 0
    reach: int = 0
    impressions: int = 0
    clicks: int = 0
    job_id: int | None = None


def _row(record: EngagementRecord) -> dict[str, object]:
    if record.taken_at.tzinfo is None:
        raise ValidationError("The snapshot's time has no time zone.", field="taken_at",
                              hint="Connectors pass aware datetimes (UTC or with an offset).")
    remote_id = str(record.remote_id or "").strip()
    if not remote_id or len(remote_id) > 255:
        raise ValidationError("The snapshot names no post (or an id over 255 characters).", field="remote_id")
    row: dict[str, object] = {"platform": parse_platform(record.platform), "remote_id": remote_id,
                              "taken_at": record.taken_at, "job_id": record.job_id}
    for name in COUNTERS:
        value = int(getattr(record, name))
        if value < 0:
            raise ValidationError(f"The snapshot's {name} ({value}) is negative.", field=name)
        row[name] = value
    return row


def record_engagement(db: Database, records: Iterable[EngagementRecord]) -> int:
    """Store snapshots (connectors call this); returns how many were new.

    A snapshot of the same post at the same moment as a stored one is skipped, so fetching twice adds nothing.
    Snapshots may arrive in any order: a late one is fitted in between its neighbours.
    """
    rows: dict[tuple[str, str, datetime], dict[str, object]] = {}
    for record in records:
        row = _row(record)
        rows[(str(row["platform"]), str(row["remote_id"]), record.taken_at)] = row
    added = 0
    with db.session() as session:
        keys = list(rows)
        for start in range(0, len(keys), _BATCH):
            chunk = keys[start:start + _BATCH]
            stored = {(p, r, t) for p, r, t in session.execute(
                select(EngagementSnapshot.platform, EngagementSnapshot.remote_id, EngagementSnapshot.taken_at)
                .where(tuple_(EngagementSnapshot.platform, EngagementSnapshot.remote_id,
                              EngagementSnapshot.taken_at).in_(chunk)))}
            new = [rows[k] for k in chunk if k not in stored]
            if new:
                session.execute(insert(cast(Table, EngagementSnapshot.__table__)), new)
                added += len(new)
    return added

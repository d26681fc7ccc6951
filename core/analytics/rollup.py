"""The daily totals (sales_daily, engagement_daily) follow the seller's time zone.

Triggers (migration 0010) file each sale and snapshot under its local day as it is written, using the UTC offsets
in analytics_zone. When general.timezone changes, the offsets and both tables are rebuilt here, in one transaction,
so a summary never mixes days of two zones.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select, text

from core.analytics.engagement import COUNTERS
from core.analytics.periods import zone
from core.db.database import Database
from core.db.models import AnalyticsZone, EngagementDaily, SalesDaily

log = logging.getLogger(__name__)

_FIRST = datetime(1970, 1, 1, tzinfo=UTC)  # no sale or post is older; earlier times use this offset
_LAST = datetime(2100, 1, 1, tzinfo=UTC)
_STEP = timedelta(hours=12)  # no zone changes its offset twice within 12 hours

_REBUILD_SALES = """
INSERT INTO sales_daily (day, platform, currency, kind, events, amount, quantity, fees, amount_no_fees,
                         quantity_no_fees)
SELECT day, platform, currency, kind, count(*), sum(amount), sum(quantity), sum(fees),
       sum(CASE WHEN fees = 0 THEN amount ELSE 0 END), sum(CASE WHEN fees = 0 THEN quantity ELSE 0 END)
FROM (SELECT date(substr(occurred_at, 1, 19), {offset}) AS day, platform, currency, kind, fees,
             CASE WHEN kind = 'refund' THEN abs(amount) ELSE amount END AS amount,
             CASE WHEN kind = 'refund' THEN abs(quantity) ELSE quantity END AS quantity FROM sale_events)
GROUP BY day, platform, currency, kind"""

_REBUILD_ENGAGEMENT = f"""
INSERT INTO engagement_daily (day, platform, {', '.join(COUNTERS)})
SELECT date(substr(taken_at, 1, 19), {{offset}}) AS day, platform, {', '.join(f'sum({c})' for c in COUNTERS)}
FROM (SELECT platform, taken_at, {', '.join(f'{c} - coalesce(lag({c}) OVER post, 0) AS {c}' for c in COUNTERS)}
      FROM engagement_snapshots WINDOW post AS (PARTITION BY platform, remote_id ORDER BY taken_at, id))
GROUP BY day, platform"""  # noqa: S608 (constant names only)


def _offset_seconds(instant: datetime, tz: ZoneInfo) -> int:
    offset = instant.astimezone(tz).utcoffset()
    assert offset is not None  # a ZoneInfo always has one
    return int(offset.total_seconds())


def offset_segments(tz: ZoneInfo, start: datetime = _FIRST, end: datetime = _LAST) -> list[tuple[datetime, int]]:
    """The zone's UTC offsets in seconds over [start, end): (from when, offset) pairs, the first from ``start``.

    Offsets are sampled every 12 hours and each change is pinned to the second by bisection: a zone with
    daylight saving costs some 100,000 look-ups for 130 years, once, when the seller picks it.
    """
    segments = [(start, _offset_seconds(start, tz))]
    here = start
    while here < end:
        there = min(here + _STEP, end)
        if _offset_seconds(there, tz) != segments[-1][1]:
            low, high = here, there
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _offset_seconds(middle, tz) == segments[-1][1]:
                    low = middle
                else:
                    high = middle
            since = high.replace(microsecond=0)
            segments.append((since, _offset_seconds(since, tz)))
        here = there
    return segments


def current_zone(db: Database) -> str | None:
    """The time zone the daily totals are filed in."""
    with db.engine.connect() as conn:
        return conn.execute(select(AnalyticsZone.zone).limit(1)).scalar()


def _stamp(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%d %H:%M:%S")


def _offset_sql(column: str, segments: list[tuple[datetime, int]], first: str | None, last: str | None) -> str:
    """The SQLite modifier for ``column``'s offset, as a CASE over only the offsets the stored times span.

    The triggers look the offset up per row, which is cheap for one row; refiling 100,000 rows that way costs
    seconds, while a CASE of the two or three offsets a year of data spans costs milliseconds.
    """
    if first is not None and last is not None:
        segments = [seg for n, seg in enumerate(segments)
                    if n + 1 == len(segments) or _stamp(segments[n + 1][0]) > first]
        segments = [seg for n, seg in enumerate(segments) if n == 0 or _stamp(seg[0]) <= last]
    if len(segments) == 1:
        return f"'{segments[0][1]:+d} seconds'"
    branches = " ".join(f"WHEN {column} < '{_stamp(since)}' THEN '{offset:+d} seconds'"
                        for (_, offset), (since, _) in pairwise(segments))
    return f"CASE {branches} ELSE '{segments[-1][1]:+d} seconds' END"


def ensure_zone(db: Database, name: str) -> bool:
    """File the daily totals under ``name``'s local days; True if they had to be rebuilt (a zone change)."""
    if current_zone(db) == name:
        return False
    segments = offset_segments(zone(name))
    rows = [{"since": "0001-01-01 00:00:00" if n == 0 else _stamp(since), "modifier": f"{offset:+d} seconds",
             "zone": name} for n, (since, offset) in enumerate(segments)]
    with db.session() as session:
        session.execute(delete(AnalyticsZone))
        session.execute(insert(AnalyticsZone), rows)
        session.execute(delete(SalesDaily))
        first, last = session.execute(text("SELECT min(occurred_at), max(occurred_at) FROM sale_events")).one()
        session.execute(text(_REBUILD_SALES.format(offset=_offset_sql("occurred_at", segments, first, last))))
        session.execute(delete(EngagementDaily))
        first, last = session.execute(text("SELECT min(taken_at), max(taken_at) FROM engagement_snapshots")).one()
        session.execute(text(_REBUILD_ENGAGEMENT.format(offset=_offset_sql("taken_at", segments, first, last))))
    log.info("daily sales and engagement totals rebuilt for time zone %s", name)
    return True

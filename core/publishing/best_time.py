"""Good times to post: ranked from the seller's own engagement history per platform, else documented defaults.

A platform's hours are ranked once it has ``min_posts`` published posts with engagement figures: each post's
latest snapshot gives it a score (interactions, weighted by effort), and each local weekday-and-hour is ranked by
its posts' mean score. Until then the defaults in resources/publishing/best_times.json apply. All slots are local
wall-clock times, so a slot stays at 19:00 on both sides of a DST change.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from core.db.database import Database
from core.db.models import EngagementSnapshot, PublishJob
from core.errors import StorageError, ValidationError
from core.i18n import _, day_names
from core.paths import resources_dir
from core.platforms.specs import display_name
from core.publishing.timezones import at_local

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Effort a buyer puts in: a share or a save says more than a like.
WEIGHTS = {"likes": 1.0, "comments": 3.0, "shares": 4.0, "saves": 3.0, "clicks": 2.0}


@dataclass(frozen=True)
class Slot:
    """A weekly local time to post at, how good it is, and why SellerDesk thinks so."""

    weekday: int  # 0 = Monday
    at: time
    score: float
    reason: str


@dataclass(frozen=True)
class Suggestion:
    """A concrete time to post (UTC) with the reason, for the wizard and the CLI."""

    at: datetime
    reason: str


@lru_cache(maxsize=1)
def _defaults() -> dict[str, Any]:
    path = resources_dir() / "publishing" / "best_times.json"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise StorageError(f"The best-times data file {path} cannot be read ({exc}).",
                           hint="Reinstall SellerDesk.") from exc


def default_slots(platform: str) -> list[Slot]:
    """The documented starting times of ``platform`` (or of any platform without its own entry)."""
    data = _defaults()
    entry = data["platforms"].get(platform, data["default"])
    slots = []
    for rank, item in enumerate(entry["slots"]):
        clock_time = time.fromisoformat(item["time"])
        for day in item["days"]:
            slots.append(Slot(DAYS.index(day), clock_time, 1.0 / (rank + 1),
                              _("a commonly recommended time for {platform} (SellerDesk learns yours once you have "
                                "a few posts)").format(platform=display_name(platform))))
    return slots


def history_slots(db: Database, platform: str, zone: ZoneInfo) -> list[Slot]:
    """The seller's own hours on ``platform``, best first (empty until there are ``min_posts`` posts to go on)."""
    latest = (select(EngagementSnapshot.remote_id, func.max(EngagementSnapshot.taken_at).label("taken"))
              .where(EngagementSnapshot.platform == platform).group_by(EngagementSnapshot.remote_id).subquery())
    query = (select(PublishJob.published_at, EngagementSnapshot)
             .join(latest, latest.c.remote_id == PublishJob.remote_id)
             .join(EngagementSnapshot, (EngagementSnapshot.platform == platform)
                   & (EngagementSnapshot.remote_id == latest.c.remote_id)
                   & (EngagementSnapshot.taken_at == latest.c.taken))
             .where(PublishJob.platform == platform, PublishJob.state == "published",
                    PublishJob.published_at.is_not(None)))
    scores: dict[tuple[int, int], list[float]] = defaultdict(list)
    with db.session() as session:
        for published_at, snapshot in session.execute(query):
            local = published_at.astimezone(zone)  # type: ignore[union-attr] # the query filters out NULL times
            scores[(local.weekday(), local.hour)].append(
                sum(weight * getattr(snapshot, name) for name, weight in WEIGHTS.items()))
    posts = sum(len(v) for v in scores.values())
    if posts < int(_defaults()["min_posts"]):
        return []
    overall = sum(sum(v) for v in scores.values()) / posts or 1.0
    names = day_names()  # in the interface language
    slots = [Slot(day, time(hour), sum(v) / len(v) / overall,
                  (_("your {platform} posts at {day} {hour}:00 get {times}× your average ({count} post)") if len(v) == 1
                   else _("your {platform} posts at {day} {hour}:00 get {times}× your average ({count} posts)"))
                  .format(platform=display_name(platform), day=names[day], hour=f"{hour:02d}",
                          times=f"{sum(v) / len(v) / overall:.1f}", count=len(v)))
             for (day, hour), v in scores.items()]
    return sorted(slots, key=lambda s: (-s.score, s.weekday, s.at))


def ranked_slots(db: Database, platform: str, zone: ZoneInfo) -> list[Slot]:
    """The seller's own best hours on ``platform`` if there is enough history, else the defaults."""
    return history_slots(db, platform, zone) or default_slots(platform)


def next_occurrence(slot: Slot, after: datetime, zone: ZoneInfo) -> datetime:
    """The first time ``slot`` comes round after ``after`` (a day whose DST gap swallows it is skipped)."""
    start = after.astimezone(zone).date()
    for offset in itertools.count():  # ends within two weeks: a DST gap swallows one occurrence at most
        day = start + timedelta(days=offset)
        if day.weekday() != slot.weekday:
            continue
        try:
            moment = at_local(day, slot.at, zone).utc
        except ValidationError:
            continue
        if moment > after:
            return moment
    raise AssertionError("unreachable")


def suggest(db: Database, platform: str, zone: ZoneInfo, *, after: datetime, count: int = 3) -> list[Suggestion]:
    """The ``count`` best upcoming times on ``platform`` after ``after``, best first."""
    return [Suggestion(next_occurrence(slot, after, zone), slot.reason)
            for slot in ranked_slots(db, platform, zone)[:count]]


def best_time(db: Database, platform: str, zone: ZoneInfo, *, after: datetime, top: int = 3) -> Suggestion:
    """The soonest of the ``top`` best slots after ``after``: a good time without waiting a week for the very best."""
    return min(suggest(db, platform, zone, after=after, count=top), key=lambda s: s.at)


"""Many products to many platforms in one action: check each pair first, pick each one's time, make the jobs.

A pair that cannot go out (no approved copy, an approval made before the product changed, platform not connected,
already published) is skipped with the reason; the others are scheduled. ``spread_days`` puts each next product
that many days later at the same local wall-clock time (DST-safe); "best" gives each platform its own best time
(best_time.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.db.models import ContentDraft, Product
from core.errors import SellerDeskError, ValidationError
from core.i18n import _
from core.platforms.connections import ends_before, platform_status
from core.platforms.publish import approval_is_stale, stale_copy_refusal
from core.platforms.specs import all_specs, display_name, get_spec
from core.publishing.best_time import best_time
from core.publishing.jobs import PRIORITY_NOW, PRIORITY_SCHEDULED, JobView, Planned
from core.publishing.jobs import create_jobs as create_job_batch
from core.publishing.photo_rules import flag_unfilled_photos
from core.publishing.timezones import move_to_day

if TYPE_CHECKING:
    from core.app import App

When = datetime | Literal["best", "now"]
Progress = Callable[[int, int, str], None]
ALL = "all"
BATCH = 50  # jobs made per transaction: quick, and progress after each


@dataclass
class BulkResult:
    """What a bulk action did: the jobs made (or moved), the pairs skipped and why, and notes (DST choices, a
    sign-in that ends before some of the posts)."""

    jobs: list[JobView] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def approved_platforms(app: App, product_id: int) -> dict[str, bool]:
    """The platforms whose copy of ``product_id`` is approved (what ``--platform all`` means), each with whether
    that approval is stale (given before the product's facts changed)."""
    with app.db.session() as session:
        drafts = session.scalars(select(ContentDraft).where(
            ContentDraft.product_id == product_id, ContentDraft.status == "approved"))
        return {draft.platform: approval_is_stale(draft) for draft in sorted(drafts, key=lambda d: d.platform)}


def _problem(app: App, product_id: int, title: str, platform: str, approved: dict[str, bool],
             connected: dict[str, bool]) -> str | None:
    name = display_name(platform)
    if platform not in all_specs():
        return _("#{id} '{title}': there is no platform called {name}").format(id=product_id, title=title,
                                                                              name=repr(platform))
    if platform not in approved:
        return _("#{id} '{title}': the {platform} copy is not approved yet (approve it in the Content tab, or: "
                 "sellerdesk content approve {id} {name})").format(id=product_id, title=title, platform=name,
                                                                   name=platform)
    if approved[platform]:
        return str(stale_copy_refusal(product_id, title, platform))
    if platform not in connected:
        connected[platform] = platform_status(app.db, platform).state in ("connected", "expiring")
    if not connected[platform]:
        return _("#{id} '{title}': {platform} is not connected (connect it in the Platforms tab)").format(
            id=product_id, title=title, platform=name)
    if _catalogs_only(app, platform):
        return _("#{id} '{title}': {platform} lists catalogs of designs, never one product alone (Platforms tab › "
                 "{platform} › Publish catalog…, or: sellerdesk platforms publish-catalog {name} --products "
                 "{id},ID,ID)").format(id=product_id, title=title, platform=name, name=platform)
    return None


def _catalogs_only(app: App, platform: str) -> bool:
    """Whether the platform's form lists catalogs of designs (Meesho), which a post of one product cannot be."""
    if get_spec(platform).kind != "browser":
        return False
    from core.platforms.browser.spec import load_portal

    return load_portal(platform, app.settings.get("browser.portals_dir") or None).designs is not None


def _planned(repost: bool, now: bool, at: datetime) -> str:
    """The history's first line for a new job."""
    if now:
        return _("post again now") if repost else _("publish now")
    text = _("post again: scheduled for {time}") if repost else _("publish: scheduled for {time}")
    return text.format(time=at.isoformat())


def _time_for(app: App, platform: str, when: When, index: int, spread_days: int, now: datetime,
              zone: ZoneInfo, notes: list[str]) -> datetime:
    if when == "now":
        return now
    if when == "best":
        after = now if index == 0 or not spread_days else now + timedelta(days=index * spread_days)
        return best_time(app.db, platform, zone, after=after).at
    if not spread_days or index == 0:
        return when
    day = when.astimezone(zone).date() + timedelta(days=index * spread_days)
    resolved = move_to_day(when, day, zone)
    if resolved.message and resolved.message not in notes:
        notes.append(resolved.message)
    return resolved.utc


def create_jobs(app: App, product_ids: Sequence[int], platforms: Sequence[str], when: When, *, now: datetime,
                zone: ZoneInfo, spread_days: int = 0, progress: Progress | None = None,
                cancel: threading.Event | None = None, repost: bool = False) -> BulkResult:
    """Schedule each product on each platform (``platforms`` may be ["all"]: every platform with approved copy).

    ``repost`` posts again on social platforms where an earlier post of the product is live (the seller's choice).

    A time in the past is refused (publish now instead); a product's time is ``when`` plus ``index × spread_days``
    days at the same local time. Jobs are made in batches (progress after each); ``cancel`` stops the planning.
    """
    if isinstance(when, datetime) and when < now - timedelta(minutes=1):
        raise ValidationError(_("That time has already passed."), field="at",
                              hint=_("Choose a later time, or publish now."))
    result = BulkResult()
    with app.db.session() as session:
        titles = dict(session.execute(select(Product.id, Product.title).where(
            Product.id.in_(list(product_ids)), Product.deleted_at.is_(None))).all())
    pairs: list[tuple[int, str]] = []
    approved: dict[int, dict[str, bool]] = {}
    for product_id in product_ids:
        if product_id not in titles:
            result.skipped.append(_("#{id}: there is no such product").format(id=product_id))
            continue
        approved[product_id] = approved_platforms(app, product_id)
        names = list(approved[product_id]) if ALL in platforms else list(platforms)
        if not names:
            result.skipped.append(_("#{id} '{title}': no platform's copy is approved yet").format(
                id=product_id, title=titles[product_id]))
        pairs.extend((product_id, name) for name in names)
    order = {product_id: index for index, product_id in enumerate(dict.fromkeys(p for p, _platform in pairs))}
    priority = PRIORITY_NOW if when == "now" else PRIORITY_SCHEDULED
    connected: dict[str, bool] = {}
    planned: list[Planned] = []
    for index, (product_id, platform) in enumerate(pairs):
        if cancel is not None and cancel.is_set():
            result.skipped.append(_("{count} more were not scheduled: cancelled").format(count=len(pairs) - index))
            break
        problem = _problem(app, product_id, titles[product_id], platform, approved[product_id], connected)
        if problem is not None:
            result.skipped.append(problem)
            continue
        try:
            at = _time_for(app, platform, when, order[product_id], spread_days, now, zone, result.notes)
        except SellerDeskError as exc:
            result.skipped.append(str(exc))
            continue
        planned.append(Planned(product_id, platform, at, priority, _planned(repost, when == "now", at),
                               repost=repost))
    for start in range(0, len(planned), BATCH):
        chunk = planned[start:start + BATCH]
        for outcome in create_job_batch(app.db, chunk, now=now):
            if isinstance(outcome, SellerDeskError):
                result.skipped.append(str(outcome))
            else:
                result.jobs.append(outcome)
        if progress is not None:
            last = chunk[-1]
            progress(start + len(chunk), len(planned), f"#{last.product_id} '{titles[last.product_id]}' on "
                                                       f"{display_name(last.platform)}")
    _flag_late_posts(app, result, zone, now)
    result.notes.extend(flag_unfilled_photos(app, result.jobs))
    return result



def _flag_late_posts(app: App, result: BulkResult, zone: ZoneInfo, now: datetime) -> None:
    """A note per platform whose sign-in will have ended before some of the posts just scheduled there, so the
    seller hears it now rather than when the post fails."""
    times: dict[str, list[datetime]] = {}
    for job in result.jobs:
        if job.state == "scheduled" and job.scheduled_at is not None:
            times.setdefault(job.platform, []).append(job.scheduled_at)
    for platform, moments in sorted(times.items()):
        note = ends_before(app.db, platform, moments, zone=zone, now=now)
        if note is not None:
            result.notes.append(note)

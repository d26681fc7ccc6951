"""Fetching sales and engagement from the platforms on a schedule (and when the seller asks).

Sales: every connected platform that reports sales through its API is asked every ``listings.sales_poll_minutes``
(with a day of overlap: imports are idempotent), then the new sales are taken off stock, which flags the listings
for the follow-up jobs. Portal order pages open the seller's browser profile, which the publishing lane may be
using, so they are fetched only when the seller asks (``sellerdesk sales sync --platform meesho``).
Engagement: every live post or listing on a platform that reports engagement, every ``engagement_poll_hours``.
Reviews: a portal whose data file has ``review.poll_minutes`` (Meesho's QC) has its listings still in review read
that often while there are any; the seller is told when one goes live or is rejected.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from core.db.models import Listing, PlatformConnection
from core.db.types import utcnow
from core.errors import SellerDeskError
from core.i18n import _
from core.listings.stock import StockChange, describe_all, settle_stock
from core.platforms.base import Platform
from core.platforms.connections import platform_status
from core.platforms.specs import all_specs, display_name

if TYPE_CHECKING:
    from core.app import App

log = logging.getLogger(__name__)

Opener = Callable[[str], Platform]
OVERLAP = timedelta(days=1)  # sales that appear late (a platform's own lag) are still fetched once more


@dataclass(frozen=True)
class PollResult:
    """What one fetch did on one platform (``error`` says why it failed, in the seller's words)."""

    platform: str
    new: int = 0
    error: str | None = None
    stock: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """One line for the status bar, the CLI and the log."""
        name = display_name(self.platform)
        if self.error:
            return f"{name}: {self.error}"
        return _("{platform}: {count} new").format(platform=name, count=self.new) + "".join(
            f"; {line}" for line in self.stock)


@contextmanager
def _opened(opener: Opener | None, name: str) -> Iterator[Platform | None]:
    """The runner's own platform client when it gives one (closed after), else None: the service opens one."""
    target = opener(name) if opener is not None else None
    try:
        yield target
    finally:
        if target is not None:
            target.close()


def _connected(app: App, name: str) -> bool:
    return platform_status(app.db, name).state in ("connected", "expiring")


def _checked(app: App, name: str, column: str) -> datetime | None:
    with app.db.session() as session:
        return session.scalar(select(getattr(PlatformConnection, column)).where(PlatformConnection.platform == name))


def _mark(app: App, name: str, column: str, now: datetime) -> None:
    with app.db.session() as session:
        row = session.scalars(select(PlatformConnection).where(PlatformConnection.platform == name)).first()
        if row is not None:
            setattr(row, column, now)


def sync_sales(app: App, name: str, *, now: datetime | None = None, opener: Opener | None = None) -> PollResult:
    """Fetch ``name``'s sales since the last fetch (less a day's overlap), then take new ones off stock."""
    from core.platforms.service import import_sales

    now = now or utcnow()
    last = _checked(app, name, "sales_checked_at")
    try:
        with _opened(opener, name) as target:
            report = import_sales(app, name, since=last - OVERLAP if last is not None else None, target=target)
    except SellerDeskError as exc:
        return PollResult(name, error=str(exc))
    _mark(app, name, "sales_checked_at", now)
    return PollResult(name, report.new, stock=tuple(describe_all(settle_changes(app), app.db)))


def settle_changes(app: App) -> list[StockChange]:
    """Take every sale not yet counted off stock (a hand entry, a CSV, a fetch); logged for the audit trail."""
    changes = settle_stock(app.db)
    for change in changes:
        log.info("stock of product %s: %s → %s", change.product_id, change.before, change.after)
    return changes


def sync_engagement(app: App, name: str, *, now: datetime | None = None,
                    opener: Opener | None = None) -> PollResult:
    """Take a snapshot of every live listing or post of ``name``."""
    from core.platforms.service import import_engagement

    now = now or utcnow()
    with app.db.session() as session:
        remote_ids = list(session.scalars(select(Listing.remote_id).where(
            Listing.platform == name, Listing.state.in_(("live", "sold_out", "not_removable")))))
    try:
        with _opened(opener, name) as target:
            stored = import_engagement(app, name, remote_ids, target=target) if remote_ids else 0
    except SellerDeskError as exc:
        return PollResult(name, error=str(exc))
    _mark(app, name, "engagement_checked_at", now)
    return PollResult(name, stored)


def _due(app: App, name: str, column: str, every: timedelta, now: datetime) -> bool:
    last = _checked(app, name, column)
    return last is None or now - last >= every


def poll_due(app: App, *, now: datetime | None = None, opener: Opener | None = None) -> list[str]:
    """Fetch sales and engagement wherever their interval has passed (the publishing runner calls this); returns
    a line for each fetch that found something or failed."""
    now = now or utcnow()
    sales_every = timedelta(minutes=float(app.settings.get("listings.sales_poll_minutes")))
    engagement_every = timedelta(hours=float(app.settings.get("listings.engagement_poll_hours")))
    lines = describe_all(settle_changes(app), app.db)
    for name, spec in sorted(all_specs().items()):
        if not _connected(app, name):
            continue
        results = []
        if spec.capabilities.sales and spec.kind == "api" and _due(app, name, "sales_checked_at", sales_every, now):
            results.append(sync_sales(app, name, now=now, opener=opener))
        if spec.capabilities.engagement and _due(app, name, "engagement_checked_at", engagement_every, now):
            results.append(sync_engagement(app, name, now=now, opener=opener))
        lines.extend(r.text for r in results if r.error or r.new or r.stock)
        if spec.kind == "browser":
            lines.extend(follow_review(app, name, now=now, opener=opener))
    return lines


def follow_review(app: App, name: str, *, now: datetime, opener: Opener | None = None) -> list[str]:
    """A portal's review (Meesho's QC) of listings still in it, every ``review.poll_minutes`` of its data file:
    a line for each listing that went live or was rejected (with the portal's reason), or for a failed reading."""
    from core.platforms.browser.review import follow_reviews, review_due
    from core.platforms.errors import TransientFailure

    if not review_due(app, name, now):
        return []
    try:
        with _opened(opener, name) as target:
            reviews = follow_reviews(app, name, now, target)
    except TransientFailure as exc:
        log.info("%s review not read this round: %s", name, exc)
        return []
    except SellerDeskError as exc:
        return [PollResult(name, error=_("could not read the review: {problem}").format(problem=exc)).text]
    # A rejection is a problem to fix: said like a failed fetch ("Meesho: …"), so the window warns of it.
    return [review.describe(name) if review.state == "active" else PollResult(name, error=review.describe(name)).text
            for review in reviews]


def lag_text(app: App, name: str, now: datetime | None = None) -> str:
    """"sales checked 4 min ago" — how stale SellerDesk's view of ``name``'s sales is."""
    last = _checked(app, name, "sales_checked_at")
    if last is None:
        return _("sales not checked yet")
    minutes = int(((now or utcnow()) - last).total_seconds() // 60)
    return _("sales checked just now") if minutes < 1 else _("sales checked {minutes} min ago").format(minutes=minutes)

"""Following a portal's review of new listings: Meesho's QC (and Snapdeal's and IndiaMART's approval) after submit.

A new listing comes back as a draft ("QC Pending"). Every check reads the catalog row of each listing still in
review (from SellerDesk's submission record) until it is live or rejected; a rejection is shown on the listing
with the portal's own reason, so the seller knows what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import update

from core.db.models import Listing
from core.i18n import _
from core.platforms.browser.submissions import Submission
from core.platforms.connections import get_preferences, set_preferences
from core.platforms.specs import display_name, get_spec

if TYPE_CHECKING:
    from core.app import App
    from core.platforms.base import Platform
    from core.platforms.browser.platform import PortalPlatform

_CHECKED = "review_checked_at"  # when the publishing runner last read the review (connection preferences)


@dataclass(frozen=True)
class Review:
    """Where one listing's review stands: ``state`` draft (still in review), active (live) or inactive."""

    sku: str
    product_id: int
    remote_id: str
    state: str
    status: str  # the portal's own words
    reason: str

    def describe(self, platform: str) -> str:
        """The outcome in the seller's words."""
        name, which = display_name(platform), f"#{self.product_id} ({self.sku}, {self.remote_id})"
        if self.state == "active":
            return _("{listing} passed {platform}'s review: {status}.").format(listing=which, platform=name,
                                                                              status=self.status)
        if self.state == "inactive":
            why = f": {self.reason}" if self.reason else ""
            return _("{listing} was rejected by {platform} ({status}){why}. Fix it in the {platform} panel, or change "
                     "the product and publish again.").format(listing=which, platform=name, status=self.status,
                                                             why=why)
        return _("{listing} is still in {platform}'s review ({status}).").format(listing=which, platform=name,
                                                                                status=self.status)


def check_reviews(app: App, platform: PortalPlatform) -> list[Review]:
    """Read the review state of every listing of ``platform`` still in review; a final one is written on the
    listing (its note) and in the submission record, so it is not read again."""
    reviews = []
    for waiting in platform.submissions.awaiting_review():
        found = platform.review_state(waiting.remote_id, waiting.product_id)
        if found is None:
            continue
        state, status, reason = found
        reviews.append(Review(waiting.sku, waiting.product_id, waiting.remote_id, state, status, reason))
        platform.submissions.add(Submission(waiting.sku, waiting.product_id, "reviewed",
                                            platform.context.now().isoformat(), waiting.sent_at,
                                            remote_id=waiting.remote_id, status=state, reason=reason))
        if state != "draft":
            with app.db.session() as session:
                session.execute(update(Listing).where(Listing.platform == platform.name,
                                                      Listing.remote_id == waiting.remote_id)
                                .values(note=reviews[-1].describe(platform.name)))
    return reviews


def check_platform_reviews(app: App, name: str) -> list[Review]:
    """Open portal ``name`` and check its listings in review (see :func:`check_reviews`)."""
    from core.errors import ValidationError
    from core.platforms.browser.platform import PortalPlatform
    from core.platforms.registry import open_platform

    if get_spec(name).kind != "browser":
        raise ValidationError(_("{platform} publishes at once: there is no review to follow.").format(
            platform=display_name(name)), field="platform")
    with open_platform(app, name) as platform:
        assert isinstance(platform, PortalPlatform)
        return check_reviews(app, platform)


def review_due(app: App, name: str, now: datetime) -> bool:
    """Whether the publishing runner should read ``name``'s review now: its data file's ``review.poll_minutes``
    have passed since the last reading (a platform without that entry is never followed on its own)."""
    every = get_spec(name).extra.get("review", {}).get("poll_minutes")
    if not every:
        return False
    last = get_preferences(app.db, name).get(_CHECKED)
    return last is None or now - datetime.fromisoformat(last) >= timedelta(minutes=float(every))


def follow_reviews(app: App, name: str, now: datetime, target: Platform | None = None) -> list[Review]:
    """The runner's own reading of the review (see :func:`review_due`): the listings whose review ended since the
    last one, rejections with the portal's reason. No browser opens while no listing waits for its review. A busy
    browser or an unreachable portal (TransientFailure) is tried again at the next round; any other failure
    waits for the next interval, like a reading."""
    from core.errors import SellerDeskError
    from core.platforms.browser.platform import PortalPlatform
    from core.platforms.errors import TransientFailure
    from core.platforms.registry import open_platform

    platform = target if target is not None else open_platform(app, name)
    try:
        assert isinstance(platform, PortalPlatform)
        if not platform.submissions.awaiting_review():
            set_preferences(app.db, name, {_CHECKED: now.isoformat()})
            return []
        try:
            reviews = check_reviews(app, platform)
        except TransientFailure:
            raise  # the browser was busy or the portal unreachable: the next round tries again
        except SellerDeskError:
            set_preferences(app.db, name, {_CHECKED: now.isoformat()})  # told once an interval, not every round
            raise
        set_preferences(app.db, name, {_CHECKED: now.isoformat()})
        return [review for review in reviews if review.state != "draft"]
    finally:
        if target is None:
            platform.close()

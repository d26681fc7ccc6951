"""Following a portal's review of new listings: Meesho's QC (and Snapdeal's and IndiaMART's approval) after submit.

A new listing comes back as a draft ("QC Pending"). Every check reads the catalog row of each listing still in
review (from SellerDesk's submission record) until it is live or rejected; a rejection is shown on the listing
with the portal's own reason, so the seller knows what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import update

from core.db.models import Listing
from core.platforms.browser.submissions import Submission
from core.platforms.specs import display_name, get_spec

if TYPE_CHECKING:
    from core.app import App
    from core.platforms.browser.platform import PortalPlatform


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
        name = display_name(platform)
        if self.state == "active":
            return f"#{self.product_id} ({self.sku}, {self.remote_id}) passed {name}'s review: {self.status}."
        if self.state == "inactive":
            why = f": {self.reason}" if self.reason else ""
            return (f"#{self.product_id} ({self.sku}, {self.remote_id}) was rejected by {name} ({self.status}){why}. "
                    f"Fix it in the {name} panel, or change the product and publish again.")
        return f"#{self.product_id} ({self.sku}, {self.remote_id}) is still in {name}'s review ({self.status})."


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
        raise ValidationError(f"{display_name(name)} publishes at once: there is no review to follow.",
                              field="platform")
    with open_platform(app, name) as platform:
        assert isinstance(platform, PortalPlatform)
        return check_reviews(app, platform)

"""What each flagged listing needs, and the follow-up jobs that do it.

The product is the truth; a listing converges on it. For every listing flagged by a change (core.listings.watch),
the product as it stands is compared with what the listing was last sent, and the one needed action is queued on
the publishing queue (same state machine, rate limits, retries and crash recovery as a first publish):

- the product is in the bin or archived → take the listing down;
- a marketplace listing whose stock reached zero → take it off sale ("sold out"); back above zero → relist;
- price, copy or photos changed → update it in place (or wait for the seller, in "ask me" mode);
- only the stock changed → set the stock (where the seller lets SellerDesk keep stock in step);
- a social post is never edited: when its product changed the seller is offered to post again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from sqlalchemy import select

from core.db.models import Listing, Product
from core.db.types import utcnow
from core.errors import NotFound, ValidationError
from core.i18n import _
from core.listings.store import copy_fingerprint
from core.platforms.specs import all_specs, display_name
from core.publishing.jobs import JobView, cancel_follow_up, schedule_follow_up

if TYPE_CHECKING:
    from core.app import App
    from core.settings import Settings

Action = Literal["update", "stock", "take_down", "relist"]
#: Listings that can still be changed; taken-down ones and posts the platform keeps are left alone.
ACTIVE_STATES = ("live", "sold_out")


@dataclass(frozen=True)
class Need:
    """The one thing a listing needs now (``action``), or what waits for the seller (``pending``)."""

    action: Action | None = None
    pending: str | None = None
    reason: str = ""


def stock_sync_on(settings: Settings, platform: str) -> bool:
    """Whether the seller lets SellerDesk keep ``platform``'s stock in step (listings.stock_sync_off lists those
    left alone)."""
    off = {name.strip() for name in str(settings.get("listings.stock_sync_off")).split(",")}
    return platform not in off


def decide(listing: Listing, product: Product, copy: str, *, settings: Settings) -> Need:
    """What ``listing`` needs so that it shows ``product`` (whose copy fingerprint is ``copy``)."""
    if listing.state not in ACTIVE_STATES:
        return Need()
    if listing.pending == "take_down":  # the seller's own word stands until it is done
        return Need("take_down", pending="take_down", reason="the seller asked to take it down")
    if product.deleted_at is not None or product.status == "archived":
        where = "moved to the bin" if product.deleted_at is not None else "archived"
        return Need("take_down", reason=f"the product was {where}")
    caps = all_specs()[listing.platform].capabilities
    changed = product.price != listing.sent_price or copy != listing.sent_copy
    if caps.posts:
        return Need(pending="repost") if changed else Need()
    keeps_stock = caps.inventory and stock_sync_on(settings, listing.platform)
    if keeps_stock and product.quantity <= 0:
        return Need("take_down", reason="sold out") if listing.state == "live" else Need()
    if listing.state == "sold_out":
        return Need("relist", reason="back in stock") if keeps_stock else Need()
    if changed:
        if listing.pending == "send":
            return Need("update", pending="send", reason="the seller asked to send the update")
        if settings.get("listings.updates") == "ask":
            return Need(pending="update")
        return Need("update", reason="the product changed")
    if keeps_stock and product.quantity != listing.sent_quantity:
        return Need("stock", reason=f"stock is now {product.quantity}")
    return Need()


@dataclass(frozen=True)
class FollowUps:
    """What one run of :func:`queue_follow_ups` did: jobs queued, and listings now waiting for the seller."""

    jobs: list[JobView]
    waiting: list[str]


def queue_follow_ups(app: App, *, now: datetime | None = None) -> FollowUps:
    """Look at every flagged listing and queue (or re-aim, or cancel) its follow-up job; one transaction."""
    now = now or utcnow()
    jobs: list[JobView] = []
    waiting: list[str] = []
    with app.db.reading() as session:  # the runner asks every few seconds: take the write lock only when needed
        if session.scalar(select(Listing.id).where(Listing.check_needed.is_(True)).limit(1)) is None:
            return FollowUps(jobs, waiting)
    with app.db.session() as session:
        for listing in session.scalars(select(Listing).where(Listing.check_needed.is_(True))).all():
            product = session.get(Product, listing.product_id)
            if product is None:
                continue
            need = decide(listing, product, copy_fingerprint(session, product.id, listing.platform),
                          settings=app.settings)
            listing.pending = need.pending
            if need.pending in ("update", "repost"):
                waiting.append(f"#{product.id} '{product.title}' on {display_name(listing.platform)}")
            if need.action is None:
                cancel_follow_up(session, listing, now, "no longer needed: the listing matches the product")
                listing.check_needed = False
                continue
            job = schedule_follow_up(session, listing, need.action, now, need.reason)
            # An attempt under way keeps the flag: the listing is looked at again once it ends.
            listing.check_needed = job is None
            if job is not None:
                jobs.append(job)
    return FollowUps(jobs, waiting)


def request(app: App, listing_ids: list[int], action: Action, *, now: datetime | None = None) -> list[JobView]:
    """The seller's own word: send the update now (``update``) or take the listings down (``take_down``)."""
    now = now or utcnow()
    jobs = []
    with app.db.session() as session:
        for listing_id in listing_ids:
            listing = session.get(Listing, listing_id)
            if listing is None:
                raise NotFound(_("There is no listing #{id}.").format(id=listing_id),
                               hint=_("See them with: sellerdesk listings list"))
            name = display_name(listing.platform)
            if listing.state not in ACTIVE_STATES:
                raise ValidationError(_("Listing #{id} on {platform} is already down.").format(
                    id=listing_id, platform=name), field="listing")
            if action == "update" and all_specs()[listing.platform].capabilities.posts:
                raise ValidationError(_("A {platform} post is not edited; post it again instead.").format(
                    platform=name), field="listing", hint=f"sellerdesk listings repost {listing_id}")
            # Kept on the listing until done, so the planner carries the seller's word instead of second-guessing it.
            listing.pending = "take_down" if action == "take_down" else "send"
            job = schedule_follow_up(session, listing, action, now,
                                     "the seller asked to take it down" if action == "take_down"
                                     else "the seller asked to send the update")
            if job is None:
                raise ValidationError(_("Listing #{id} on {platform} is being changed right now.").format(
                    id=listing_id, platform=name), field="listing", hint=_("Try again in a minute."))
            jobs.append(job)
    return jobs

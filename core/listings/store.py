"""Listings in the database: made when a publish succeeds, read back as plain data, and what was last sent.

A listing remembers the price, stock and a fingerprint of the copy and photos it was last given (``sent_*``), so
whether it is out of date is a comparison with the product as it stands, never a guess.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.database import Database
from core.db.models import ContentDraft, Listing, Product, PublishJob
from core.errors import NotFound
from core.i18n import N_, _
from core.platforms.specs import display_name
from core.publishing.states import LABELS

#: How the seller reads each state (English; shown through _()).
STATE_LABELS: dict[str, str] = {"live": N_("Live"), "sold_out": N_("Sold out (off sale)"),
                                "taken_down": N_("Taken down"),
                                "not_removable": N_("Still up (cannot be removed by SellerDesk)")}
PENDING_LABELS: dict[str, str] = {"update": N_("Out of date: waiting for you to send the update"),
                                  "repost": N_("Product changed: post again to show it"),
                                  "send": N_("Update on its way"), "take_down": N_("Being taken down, as you asked")}
#: What a follow-up job does, in the words of "update (scheduled)".
JOB_ACTIONS: dict[str, str] = {"publish": N_("publish"), "update": N_("update"), "stock": N_("stock change"),
                               "take_down": N_("take down"), "relist": N_("relist")}


@dataclass(frozen=True)
class ListingView:
    """One listing as plain data (for the window and the CLI)."""

    id: int
    product_id: int
    product_title: str
    platform: str
    remote_id: str
    url: str | None
    state: str
    pending: str | None
    note: str | None
    published_at: datetime
    updated_at: datetime
    engagement_error: str | None
    open_job: str | None  # "update (scheduled)" while a follow-up job is on its way

    @property
    def label(self) -> str:
        """``#3 'Brass diya' on Etsy``."""
        title = self.product_title if len(self.product_title) <= 50 else self.product_title[:49] + "…"
        return _("#{id} '{title}' on {platform}").format(id=self.product_id, title=title,
                                                          platform=display_name(self.platform))

    @property
    def status_text(self) -> str:
        """The state in words, with what waits for the seller."""
        text = _(STATE_LABELS[self.state]) if self.state in STATE_LABELS else self.state
        if self.pending:
            text += " — " + (_(PENDING_LABELS[self.pending]) if self.pending in PENDING_LABELS else self.pending)
        return text

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (times in ISO 8601 UTC)."""
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        data["published_at"] = self.published_at.isoformat()
        data["updated_at"] = self.updated_at.isoformat()
        return data


def copy_fingerprint(session: Session, product_id: int, platform: str) -> str:
    """A hash of what a listing shows besides price and stock: the approved copy and the photos (with focal points)."""
    product = session.get(Product, product_id)
    draft = session.scalars(select(ContentDraft).where(ContentDraft.product_id == product_id,
                                                       ContentDraft.platform == platform)).first()
    copy = ([draft.title, draft.description, list(draft.bullets or ()), list(draft.tags or ()),
             list(draft.hashtags or ())] if draft is not None and draft.status == "approved" else None)
    if copy is not None and draft is not None and (draft.seo_title or draft.seo_description):
        copy.append([draft.seo_title, draft.seo_description])  # only where written: other hashes stay as they were
    photos = [[i.sha256, round(i.focal_x, 3), round(i.focal_y, 3)] for i in product.images] if product else []
    payload = json.dumps({"copy": copy, "photos": photos}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def record_publish(session: Session, job: PublishJob | Any, remote_id: str, url: str | None, now: datetime) -> None:
    """The listing a publish job made (or found again), with the product as it was sent; inside the job's own
    transaction, so a crash never leaves a published job without its listing."""
    product = session.get(Product, job.product_id)
    assert product is not None
    listing = session.scalars(select(Listing).where(Listing.platform == job.platform,
                                                    Listing.remote_id == remote_id)).first()
    if listing is None:
        listing = Listing(product_id=job.product_id, platform=job.platform, remote_id=remote_id, published_at=now,
                          job_id=job.id, sent_price=product.price)
        session.add(listing)
    listing.url = url
    listing.state = "live"
    listing.pending = None
    listing.note = None
    listing.sent_price = product.price
    listing.sent_quantity = product.quantity
    listing.sent_copy = copy_fingerprint(session, job.product_id, job.platform)
    # Look once more: the product may have changed while the attempt ran.
    listing.check_needed = True
    session.flush()


def _open_jobs(session: Session, listing_ids: list[int]) -> dict[int, str]:
    rows = session.execute(select(PublishJob.listing_id, PublishJob.action, PublishJob.state).where(
        PublishJob.listing_id.in_(listing_ids), PublishJob.state.not_in(("published", "cancelled"))))
    return {int(lid or 0): _("{action} ({state})").format(
        action=_(JOB_ACTIONS[action]) if action in JOB_ACTIONS else action.replace("_", " "),
        state=_(LABELS[state]).lower() if state in LABELS else state.replace("_", " ")) for lid, action, state in rows}


def _views(session: Session, rows: list[tuple[Listing, str]]) -> list[ListingView]:
    jobs = _open_jobs(session, [listing.id for listing, _title in rows])
    return [ListingView(id=item.id, product_id=item.product_id, product_title=title, platform=item.platform,
                        remote_id=item.remote_id, url=item.url, state=item.state, pending=item.pending,
                        note=item.note, published_at=item.published_at, updated_at=item.updated_at,
                        engagement_error=item.engagement_error, open_job=jobs.get(item.id))
            for item, title in rows]


def list_listings(db: Database, *, product_id: int | None = None, platform: str | None = None,
                  states: tuple[str, ...] | None = None, pending_only: bool = False) -> list[ListingView]:
    """Listings, newest first; optionally of one product, one platform, some states, or only those waiting for
    the seller."""
    query = select(Listing, Product.title).join(Product, Product.id == Listing.product_id)
    if product_id is not None:
        query = query.where(Listing.product_id == product_id)
    if platform is not None:
        query = query.where(Listing.platform == platform)
    if states is not None:
        query = query.where(Listing.state.in_(states))
    if pending_only:
        query = query.where(Listing.pending.is_not(None))
    with db.session() as session:
        rows = [(listing, title) for listing, title in session.execute(query.order_by(Listing.id.desc()))]
        return _views(session, rows)


def get_listing(db: Database, listing_id: int) -> ListingView:
    """Listing ``listing_id``; NotFound if there is none."""
    with db.session() as session:
        row = session.execute(select(Listing, Product.title).join(Product, Product.id == Listing.product_id)
                              .where(Listing.id == listing_id)).first()
        if row is None:
            raise NotFound(f"There is no listing #{listing_id}.", hint="See them with: sellerdesk listings list")
        return _views(session, [(row[0], row[1])])[0]


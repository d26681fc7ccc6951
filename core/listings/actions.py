"""One follow-up job on one platform: update a listing in place, set its stock, take it down or relist it.

Each of these is safe to send twice (it sets a value rather than adding one), so an attempt whose outcome is unknown
is simply sent again, unlike a first publish. What was sent is recorded on the listing in the same transaction as
the job's success, and the listing is looked at once more in case the product changed meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from core.db.models import AuditEvent, Listing, Product
from core.errors import NotFound
from core.listings.store import copy_fingerprint
from core.platforms.base import ListingResult, Platform
from core.platforms.errors import NotSupported
from core.platforms.publish import VariantSource, build_listing_request
from core.platforms.specs import display_name
from core.publishing.jobs import JobView

if TYPE_CHECKING:
    from core.app import App


@dataclass(frozen=True)
class Done:
    """How a follow-up ended: the message for the job's history, and what to write on the listing with it."""

    message: str
    record: Callable[[Session, JobView], None]


@dataclass(frozen=True)
class _Target:
    remote_id: str
    url: str | None
    label: str
    quantity: int
    deleted: bool
    asked: bool  # the seller asked for this take-down (not a sell-out)


def _target(app: App, job: JobView) -> _Target:
    with app.db.session() as session:
        listing = session.get(Listing, job.listing_id) if job.listing_id is not None else None
        product = session.get(Product, job.product_id)
        if listing is None or product is None:
            raise NotFound(f"{job.label}: the listing is no longer known to SellerDesk.")
        return _Target(listing.remote_id, listing.url, f"#{product.id} '{product.title}'", product.quantity,
                       product.deleted_at is not None or product.status == "archived", listing.pending == "take_down")


def _recorder(job: JobView, now: datetime, *, state: str | None = None, note: str | None = None,
              url: str | None = None, sent_stock: bool = False, sent_all: bool = False,
              audit: str | None = None) -> Callable[[Session, JobView], None]:
    def record(session: Session, _view: JobView) -> None:
        listing = session.get(Listing, job.listing_id)
        product = session.get(Product, job.product_id)
        if listing is None or product is None:
            return
        if state is not None:
            listing.state = state
        if url:
            listing.url = url
        listing.note = note
        listing.pending = None  # what the seller asked for is done
        if sent_stock or sent_all:
            listing.sent_quantity = product.quantity
        if sent_all:
            listing.sent_price = product.price
            listing.sent_copy = copy_fingerprint(session, product.id, listing.platform)
        listing.check_needed = True
        listing.updated_at = now
        if audit:
            session.add(AuditEvent(kind=f"listing.{job.action}", subject=f"{job.platform}:{job.product_id}",
                                   detail={"listing": listing.id, "remote_id": listing.remote_id, "note": audit}))
    return record


def perform(app: App, job: JobView, platform: Platform, variants: VariantSource, now: datetime) -> Done:
    """Carry out follow-up ``job`` on ``platform``; raises the PlatformError family like a publish does."""
    target = _target(app, job)
    name = display_name(job.platform)
    caps = platform.capabilities
    if job.action == "stock":
        platform.update_inventory(target.remote_id, quantity=target.quantity, product=target.label)
        return Done(f"{name} stock set to {target.quantity}", _recorder(job, now, sent_stock=True))
    if job.action == "take_down":
        why = "sold out" if not (target.deleted or target.asked) and target.quantity <= 0 else "taken down"
        try:
            result = platform.delist(target.remote_id, product=target.label)
        except NotSupported as exc:
            note = f"{exc.problem}. {exc.hint or ''}".strip()
            return Done(f"{name} keeps it: {exc.problem}",
                        _recorder(job, now, state="not_removable", note=note, audit=note))
        state = "sold_out" if why == "sold out" else "taken_down"
        note = f"Off sale on {name} ({why})."
        return Done(f"{why}: off sale on {name}", _recorder(job, now, state=state, note=note, url=result.url,
                                                            sent_stock=True, audit=note))
    request = build_listing_request(app.db, job.product_id, job.platform, variants,
                                    idempotency_key=job.idempotency_key)
    if job.action == "relist" and caps.edits_copy:
        result = platform.publish(request, existing=ListingResult(target.remote_id, target.url, "inactive"))
        note = f"Back on sale on {name}."
        return Done(f"back in stock: on sale again on {name}",
                    _recorder(job, now, state="live", note=note, url=result.url, sent_all=True, audit=note))
    if job.action == "relist":
        # A portal's catalogue page sets stock; whether it shows the listing again is the portal's rule.
        platform.update_inventory(target.remote_id, quantity=request.quantity, price=request.price,
                                  product=request.product_label)
        note = (f"Stock set to {request.quantity} on {name}; check in the {name} panel that it shows as on sale "
                "again.")
        return Done(f"back in stock: stock set on {name}",
                    _recorder(job, now, state="live", note=note, sent_all=True, audit=note))
    if caps.edits_copy:
        result = platform.update(target.remote_id, request)
        return Done(f"updated on {name}", _recorder(job, now, url=result.url, sent_all=True))
    # Portals: SellerDesk keeps price and stock in step; their copy is changed in the seller's panel.
    platform.update_inventory(target.remote_id, quantity=request.quantity, price=request.price, sku=request.sku,
                              product=request.product_label)
    note = f"Price and stock updated; change the copy and photos in the {name} panel if they changed."
    return Done(f"price and stock updated on {name}", _recorder(job, now, note=note, sent_all=True))

"""Sold on one channel: offer to take the item off (or lower its stock on) every other channel it is listed on.

:func:`on_sale` only proposes; nothing changes until the seller picks offers and :func:`apply_offers` carries them
out through each platform's delist / update_inventory. Sellers' peers double-sell because this step is silent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from sqlalchemy import select

from core.db.models import AuditEvent, Product, PublishJob, SaleEvent
from core.errors import NotFound
from core.platforms.base import Platform
from core.platforms.errors import PlatformError
from core.platforms.specs import all_specs, display_name

if TYPE_CHECKING:
    from core.app import App

Action = Literal["delist", "set_stock"]


@dataclass(frozen=True)
class StockOffer:
    """One thing SellerDesk offers to do on another channel after a sale."""

    sale_id: int
    product_id: int
    platform: str
    remote_id: str
    action: Action
    quantity: int  # the stock left after the sale (what set_stock sets)
    text: str


@dataclass(frozen=True)
class OfferOutcome:
    """What applying one offer did."""

    offer: StockOffer
    ok: bool
    message: str


def on_sale(app: App, sale: SaleEvent | int) -> list[StockOffer]:
    """The offers for ``sale``: every other platform where the product is published gets "set stock to N" (if it
    keeps stock) or, when nothing is left, "take it off sale"."""
    sale_id = sale if isinstance(sale, int) else sale.id
    with app.db.session() as session:
        row = session.get(SaleEvent, sale_id)
        if row is None:
            raise NotFound(f"There is no sale #{sale_id}.")
        if row.product_id is None or row.kind != "sale":
            return []
        product = session.get(Product, row.product_id)
        if product is None:
            return []
        left = max(0, product.quantity - row.quantity)
        listed = session.execute(select(PublishJob.platform, PublishJob.remote_id).where(
            PublishJob.product_id == product.id, PublishJob.state == "published",
            PublishJob.platform != row.platform, PublishJob.remote_id.is_not(None))).all()
        sold_on, label = display_name(row.platform), f"#{product.id} '{product.title}'"
    offers = []
    for platform, remote_id in listed:
        spec = all_specs().get(platform)
        keeps_stock = spec is not None and spec.capabilities.inventory
        name = display_name(platform)
        if left > 0 and keeps_stock:
            offers.append(StockOffer(sale_id, row.product_id, platform, str(remote_id), "set_stock", left,
                                     f"{label} sold on {sold_on}: set its {name} stock to {left}"))
        elif left == 0:
            offers.append(StockOffer(sale_id, row.product_id, platform, str(remote_id), "delist", 0,
                                     f"{label} sold out on {sold_on}: take it off sale on {name}"))
    return offers


def apply_offers(app: App, offers: Sequence[StockOffer], *,
                 opener: Callable[[str], Platform] | None = None) -> list[OfferOutcome]:
    """Carry out the offers the seller chose (each platform on its own: one failing does not stop the others), and
    bring SellerDesk's own stock count down to what is left."""
    from core.platforms.registry import open_platform

    outcomes = []
    for offer in offers:
        platform = opener(offer.platform) if opener is not None else open_platform(app, offer.platform)
        label = f"#{offer.product_id}"
        try:
            if offer.action == "delist":
                platform.delist(offer.remote_id, product=label)
            else:
                platform.update_inventory(offer.remote_id, quantity=offer.quantity, product=label)
        except PlatformError as exc:
            outcomes.append(OfferOutcome(offer, False, str(exc)))
            continue
        finally:
            platform.close()
        outcomes.append(OfferOutcome(offer, True, offer.text.split(": ", 1)[1] + ": done"))
    with app.db.session() as session:
        for offer in {o.sale_id: o for o in offers}.values():
            product = session.get(Product, offer.product_id)
            if product is not None:
                product.quantity = offer.quantity
        session.add_all(AuditEvent(kind=f"listing.{o.offer.action}", subject=f"{o.offer.platform}:{o.offer.product_id}",
                                   detail={"sale": o.offer.sale_id, "ok": o.ok, "message": o.message})
                        for o in outcomes)
    return outcomes

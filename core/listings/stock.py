"""One stock count per product: every sale lowers it, every refund raises it, once, whichever way the sale came in
(sales dated before the product was added to SellerDesk are history and move no stock).

Sales are stored by several writers (platform imports, the sale form, CSV files); each sale row carries
``stock_applied``, and :func:`settle_stock` takes every unapplied one into its product's count and flags the
product's listings in the same transaction. A kill between the two is impossible: either both are stored or
neither, and running it again finds nothing left to do, so no sale is counted twice or missed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select, update

from core.db.database import Database
from core.db.models import AuditEvent, Listing, Product, SaleEvent
from core.errors import ValidationError
from core.platforms.specs import all_specs, display_name

_STOCK_KINDS = {"sale": -1, "refund": 1}


@dataclass(frozen=True)
class StockChange:
    """How one product's count moved, and where the units went."""

    product_id: int
    title: str
    before: int
    after: int
    sold_on: tuple[str, ...]


def settle_stock(db: Database) -> list[StockChange]:
    """Take every sale and refund not yet counted into its product's stock; returns what moved."""
    changes: list[StockChange] = []
    with db.reading() as session:  # asked every few seconds by the runner: the write lock only when there is work
        if session.scalar(select(SaleEvent.id).where(SaleEvent.stock_applied.is_(False)).limit(1)) is None:
            return changes
    with db.session() as session:
        rows = session.execute(select(SaleEvent.id, SaleEvent.product_id, SaleEvent.quantity, SaleEvent.kind,
                                      SaleEvent.platform, SaleEvent.occurred_at, Product.created_at)
                               .outerjoin(Product, Product.id == SaleEvent.product_id)
                               .where(SaleEvent.stock_applied.is_(False))).all()
        if not rows:
            return []
        delta: dict[int, int] = defaultdict(int)
        where: dict[int, set[str]] = defaultdict(set)
        for _id, product_id, quantity, kind, platform, occurred_at, added_at in rows:
            # Sales history from before the product came into SellerDesk (an old export imported) was never part
            # of the count the seller entered: it is recorded for the figures but moves no stock.
            if product_id is not None and kind in _STOCK_KINDS and occurred_at >= added_at:
                delta[product_id] += _STOCK_KINDS[kind] * abs(quantity)
                where[product_id].add(platform)
        for product_id, moved in sorted(delta.items()):
            product = session.get(Product, product_id)
            if product is None or moved == 0:
                continue
            before = product.quantity
            product.quantity = max(0, before + moved)
            names = tuple(sorted(display_name(p) for p in where[product_id]))
            changes.append(StockChange(product_id, product.title, before, product.quantity, names))
            session.add(AuditEvent(kind="stock.sale", subject=f"product:{product_id}",
                                   detail={"before": before, "after": product.quantity, "platforms": list(names)}))
        session.execute(update(SaleEvent).where(SaleEvent.id.in_([r[0] for r in rows])).values(stock_applied=True))
    return changes


def set_stock(db: Database, product_id: int, quantity: int) -> StockChange:
    """The seller counted: set ``product_id``'s stock to ``quantity`` (its listings follow)."""
    if quantity < 0:
        raise ValidationError("Stock cannot be negative.", field="quantity", hint="Give 0 or more.")
    with db.session() as session:
        product = session.get(Product, product_id)
        if product is None or product.deleted_at is not None:
            raise ValidationError(f"There is no product #{product_id}.", field="product")
        before, product.quantity = product.quantity, quantity
        session.add(AuditEvent(kind="stock.set", subject=f"product:{product_id}",
                               detail={"before": before, "after": quantity}))
        return StockChange(product_id, product.title, before, quantity, ())


def describe(change: StockChange, db: Database) -> str:
    """"#3 'Madhubani painting': sold on Meesho, stock 1 → 0; Etsy and Shopify are taken off sale" (the seller's
    words for what a stock change sets in motion)."""
    text = f"#{change.product_id} '{change.title}': "
    if change.sold_on:
        text += f"sold on {' and '.join(change.sold_on)}, "
    text += f"stock {change.before} → {change.after}"
    with db.session() as session:
        # Posts show no stock: only the marketplaces whose count follows are named.
        others = sorted({display_name(p) for p in session.scalars(
            select(Listing.platform).where(Listing.product_id == change.product_id,
                                           Listing.state.in_(("live", "sold_out"))))
            if all_specs()[p].capabilities.inventory} - set(change.sold_on))
    if others:
        verb = "taken off sale" if change.after == 0 else "updated"
        text += f"; {' and '.join(others)} {'is' if len(others) == 1 else 'are'} {verb}"
    return text

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

from sqlalchemy import ColumnElement, case, func, or_, select, update

from core.db.database import Database
from core.db.models import AuditEvent, Listing, Product, SaleEvent
from core.errors import ValidationError
from core.i18n import _, listed
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


# At most this many uncounted sales (of at most BATCH_PRODUCTS products) are taken into stock per transaction.
BATCH_SALES = 5_000
BATCH_PRODUCTS = 200
SHOWN_CHANGES = 5  # stock changes said one by one; more (a backlog of sales) are summed up in one line


def settle_stock(db: Database) -> list[StockChange]:
    """Take every sale and refund not yet counted into its product's stock; returns what moved.

    SQLite adds up each product's uncounted sales, so a backlog of a hundred thousand costs Python a row per product,
    not per sale (the runner's thread would otherwise hold the interpreter for seconds, and the window with it). The
    products are counted a few thousand sales at a time, each transaction holding the write lock for a moment only;
    all of one product's sales are counted, and marked counted, in one transaction with its new stock.
    """
    with db.reading() as session:  # asked every few seconds by the runner: the write lock only when there is work
        if session.scalar(select(SaleEvent.id).where(SaleEvent.stock_applied.is_(False)).limit(1)) is None:
            return []
        pending = session.execute(select(SaleEvent.product_id, func.count()).where(SaleEvent.stock_applied.is_(False))
                                  .group_by(SaleEvent.product_id)).all()
    changes: list[StockChange] = []
    batch: list[int | None] = []
    sales = 0
    for product_id, count in pending:
        if batch and (sales + count > BATCH_SALES or len(batch) == BATCH_PRODUCTS):
            changes.extend(_settle_products(db, batch))
            batch, sales = [], 0
        batch.append(product_id)
        sales += count
    changes.extend(_settle_products(db, batch))
    return changes


def _settle_products(db: Database, product_ids: list[int | None]) -> list[StockChange]:
    """Count the uncounted sales of ``product_ids`` (None: sales of no product, which move nothing)."""
    ids = [p for p in product_ids if p is not None]
    changes: list[StockChange] = []
    with db.session() as session:
        units = func.abs(SaleEvent.quantity)
        # Sales history from before the product came into SellerDesk (an old export imported) was never part of
        # the count the seller entered: it is recorded for the figures but moves no stock.
        rows = session.execute(
            select(SaleEvent.product_id, SaleEvent.platform,
                   func.sum(case((SaleEvent.kind == "sale", -units), else_=units)))
            .join(Product, Product.id == SaleEvent.product_id)
            .where(SaleEvent.stock_applied.is_(False), SaleEvent.product_id.in_(ids),
                   SaleEvent.kind.in_(list(_STOCK_KINDS)), SaleEvent.occurred_at >= Product.created_at)
            .group_by(SaleEvent.product_id, SaleEvent.platform)).all() if ids else []
        delta: dict[int, int] = defaultdict(int)
        where: dict[int, set[str]] = defaultdict(set)
        for product_id, platform, moved in rows:
            delta[product_id] += int(moved)
            where[product_id].add(platform)
        moving = sorted(p for p, moved in delta.items() if moved)
        products = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_(moving)))} if moving else {}
        for product_id in moving:
            product = products[product_id]
            before = product.quantity
            product.quantity = max(0, before + delta[product_id])
            names = tuple(sorted(display_name(p) for p in where[product_id]))
            changes.append(StockChange(product_id, product.title, before, product.quantity, names))
            session.add(AuditEvent(kind="stock.sale", subject=f"product:{product_id}",
                                   detail={"before": before, "after": product.quantity, "platforms": list(names)}))
        of_these: ColumnElement[bool] = SaleEvent.product_id.in_(ids)
        if None in product_ids:
            of_these = or_(of_these, SaleEvent.product_id.is_(None))
        session.execute(update(SaleEvent).where(SaleEvent.stock_applied.is_(False), of_these)
                        .values(stock_applied=True).execution_options(synchronize_session=False))
    return changes


def set_stock(db: Database, product_id: int, quantity: int) -> StockChange:
    """The seller counted: set ``product_id``'s stock to ``quantity`` (its listings follow)."""
    if quantity < 0:
        raise ValidationError(_("Stock cannot be negative."), field="quantity", hint=_("Give 0 or more."))
    with db.session() as session:
        product = session.get(Product, product_id)
        if product is None or product.deleted_at is not None:
            raise ValidationError(_("There is no product #{id}.").format(id=product_id), field="product")
        before, product.quantity = product.quantity, quantity
        session.add(AuditEvent(kind="stock.set", subject=f"product:{product_id}",
                               detail={"before": before, "after": quantity}))
        return StockChange(product_id, product.title, before, quantity, ())


def describe(change: StockChange, db: Database) -> str:
    """"#3 'Madhubani painting': sold on Meesho, stock 1 → 0; Etsy and Shopify are taken off sale" (the seller's
    words for what a stock change sets in motion)."""
    return _describe_each([change], db)[0]


def _describe_each(changes: list[StockChange], db: Database) -> list[str]:
    """:func:`describe` for each change, their listings read in one query."""
    following: defaultdict[int, set[str]] = defaultdict(set)
    if changes:
        with db.reading() as session:
            # Posts show no stock: only the marketplaces whose count follows are named.
            for product_id, platform in session.execute(
                    select(Listing.product_id, Listing.platform).where(
                        Listing.product_id.in_({c.product_id for c in changes}),
                        Listing.state.in_(("live", "sold_out")))):
                if all_specs()[platform].capabilities.inventory:
                    following[product_id].add(display_name(platform))
    lines = []
    for change in changes:
        counts = {"before": change.before, "after": change.after}
        text = (_("sold on {platforms}, stock {before} → {after}").format(platforms=listed(change.sold_on), **counts)
                if change.sold_on else _("stock {before} → {after}").format(**counts))
        others = sorted(following[change.product_id] - set(change.sold_on))
        if others:
            one = len(others) == 1
            then = ((_("{platforms} is taken off sale") if one else _("{platforms} are taken off sale"))
                    if change.after == 0 else (_("{platforms} is updated") if one else _("{platforms} are updated")))
            text += "; " + then.format(platforms=listed(others))
        lines.append(f"#{change.product_id} '{change.title}': {text}")
    return lines


def describe_all(changes: list[StockChange], db: Database) -> list[str]:
    """A line per stock change, or, when a backlog of sales changed many products at once, the products that sold
    out and one line summing up the rest (a notice each for thousands of products would bury the window)."""
    if len(changes) <= SHOWN_CHANGES:
        return _describe_each(changes, db)
    sold_out = [c for c in changes if c.after == 0 and c.before > 0]
    lines = _describe_each(sold_out[:SHOWN_CHANGES - 1], db)
    lines.append(_("Stock counted from sales for {count} products ({sold_out} sold out); each change is in the audit "
                   "log (Help › Audit log…).").format(count=f"{len(changes):,}", sold_out=f"{len(sold_out):,}"))
    return lines

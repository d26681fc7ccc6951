"""Cost of goods and per-product fees: what the goods sold cost the seller, so profit is gross profit.

Each product's cost price (what one item costs to make or buy, in the product's currency) times the units sold
less the units refunded is its cost of goods, per platform and per product. Units of products without a cost
price, or of sales matched to no product, are counted as "cost unknown", so the window can say profit is
overstated instead of pretending the goods were free. Per product, fees are the sale's reported fees, else the
platform's rate card (commission on the amount, listing fee per unit), as for the platform totals.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Integer, and_, case, func, or_, select, type_coerce

from core.analytics.costs import RateCard, estimated_fees
from core.analytics.figures import Figures, PlatformSummary
from core.analytics.periods import utc_bounds, zone
from core.db.models import Product, SaleEvent
from core.db.types import MONEY_SCALE

if TYPE_CHECKING:
    from core.analytics.summary import Summary


def _money(raw: int | None) -> Decimal:
    return Decimal(raw or 0) / MONEY_SCALE


def _rows(conn: Connection, summary: Summary) -> list[Any]:
    tz = zone(summary.timezone)
    start, before_end = utc_bounds(summary.previous_period, tz)
    middle, end = utc_bounds(summary.period, tz)
    c = SaleEvent.__table__.c
    no_fees = c.fees == 0
    # Money is stored as an integer count of 1/10,000: summed as stored, scaled once per group.
    amount, fees = type_coerce(c.amount, Integer), type_coerce(c.fees, Integer)
    return list(conn.execute(
        select((c.occurred_at >= middle).label("current"), c.platform, c.product_id, c.currency, c.kind,
               func.sum(func.abs(c.quantity)), func.sum(fees),
               func.sum(case((no_fees, func.abs(amount)), else_=0)),
               func.sum(case((no_fees, func.abs(c.quantity)), else_=0)))
        .where(or_(and_(c.occurred_at >= start, c.occurred_at < before_end),
                   and_(c.occurred_at >= middle, c.occurred_at < end)), c.kind.in_(("sale", "refund")))
        .group_by("current", c.platform, c.product_id, c.currency, c.kind)))


def add_cost_of_goods(conn: Connection, summary: Summary, platforms: dict[str, PlatformSummary],
                      cards: dict[str, RateCard], converter: Any) -> None:
    """Add cost of goods (and units of unknown cost) to each platform's figures, now and in the previous period,
    and cost of goods, fees and profit to each product of ``summary.products``."""
    rows = _rows(conn, summary)
    ids = {row[2] for row in rows if row[2] is not None}
    costs: dict[int, tuple[Decimal | None, str]] = {}
    if ids:
        p = Product.__table__.c
        costs = {pid: (cost, code) for pid, cost, code in conn.execute(
            select(p.id, p.cost_price, p.currency).where(p.id.in_(ids)))}
    shown = {(product.product_id, product.currency): product for product in summary.products}
    for is_current, platform, product_id, code, kind, units, fees, amount_no_fees, units_no_fees in rows:
        sign = 1 if kind == "sale" else -1
        cost, cost_currency = costs.get(product_id, (None, code)) if product_id is not None else (None, code)
        entry = platforms.setdefault(platform, PlatformSummary(platform))
        book = entry.figures if is_current else entry.previous
        if cost is None:
            target, _rate = converter(code)
            book.setdefault(target, Figures()).uncosted_units += sign * units
        else:
            target, rate = converter(cost_currency)
            book.setdefault(target, Figures()).add(Figures(cogs=cost * units * sign), rate)
        if not is_current or product_id is None:
            continue
        sale_target, sale_rate = converter(code)
        product = shown.get((product_id, sale_target))
        if product is None:
            continue
        commission, listing = estimated_fees(cards.get(platform), _money(amount_no_fees) * sign,
                                             units_no_fees if kind == "sale" else 0)
        product.fees += (_money(fees) + commission) * sale_rate
        card = cards.get(platform)
        if listing and card is not None:
            fee_target, fee_rate = converter(card.currency)
            if fee_target == sale_target:
                product.fees += listing * fee_rate
        if cost is not None and converter(cost_currency)[0] == sale_target:
            product.cogs += cost * units * sign * converter(cost_currency)[1]
        else:
            product.uncosted_units += sign * units

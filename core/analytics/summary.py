"""A period's summary: revenue, orders, units, costs, profit and ROI per platform and product, engagement, and the
same for the previous period of equal length, for the CLI, the Analytics tab and the charts.

SQLite adds everything up: GROUP BY over the daily totals the triggers keep (migration 0010) and over an index of
sales by product. Python then converts currencies at the seller's rates and applies the rate cards to a few hundred
grouped rows. Money stays Decimal; a currency without a rate is kept apart, never added to another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Integer, and_, case, exists, func, literal_column, or_, select, type_coerce
from sqlalchemy.sql.elements import ColumnElement

from core.analytics.cogs import add_cost_of_goods
from core.analytics.costs import RateCard, estimated_fees, rate_cards
from core.analytics.engagement import COUNTERS
from core.analytics.figures import (
    Engagement,
    EngagementPoint,
    Figures,
    PlatformSummary,
    ProductSummary,
    SeriesPoint,
    change,
)
from core.analytics.periods import Period, utc_bounds, zone
from core.analytics.rates import rates_to
from core.analytics.rollup import ensure_zone
from core.db.database import Database
from core.db.models import AdSpend, EngagementDaily, Product, SaleEvent, SalesDaily
from core.db.types import UTCDateTime
from core.errors import ValidationError

GRANULARITIES = ("day", "week", "month")
_ONE = Decimal(1)


def granularity_for(period: Period) -> str:
    """How finely to draw a period over time: days up to a month, weeks up to half a year, then months."""
    if period.days <= 31:
        return "day"
    return "week" if period.days <= 183 else "month"


def _units(value: int | None) -> Decimal:
    """Money summed as stored (1/10,000 units, see core.db.types.Money) back to a Decimal amount."""
    return Decimal(value or 0).scaleb(-4)


def _raw(column: Any) -> ColumnElement[int]:
    # Sum the stored integers and scale once per group: converting every row's Money costs more than the query.
    return type_coerce(column, Integer)


def _in_either(day: Any, summary: Summary) -> ColumnElement[bool]:
    # Two ranges, not one from the earlier start: a comparison with last year must not count the months between.
    now, before = summary.period, summary.previous_period
    if before.end + timedelta(days=1) == now.start:
        return day.between(before.start, now.end)  # type: ignore[no-any-return]
    return or_(day.between(before.start, before.end), day.between(now.start, now.end))


def _bucket(day: Any, granularity: str) -> ColumnElement[str]:
    if granularity == "week":
        return func.date(day, "weekday 0", "-6 days")  # the Monday the week starts on
    if granularity == "month":
        return func.strftime("%Y-%m-01", day)
    return func.date(day)


@dataclass
class Summary:
    """Everything the Analytics tab and ``sellerdesk analytics summary`` show for one period."""

    period: Period
    previous_period: Period
    timezone: str
    currency: str  # the seller's currency; others are converted into it where the seller set a rate
    granularity: str
    rates: dict[str, Decimal]
    totals: dict[str, Figures] = field(default_factory=dict)
    previous_totals: dict[str, Figures] = field(default_factory=dict)
    platforms: list[PlatformSummary] = field(default_factory=list)
    products: list[ProductSummary] = field(default_factory=list)
    series: list[SeriesPoint] = field(default_factory=list)
    engagement: Engagement = field(default_factory=Engagement)
    previous_engagement: Engagement = field(default_factory=Engagement)
    engagement_series: list[EngagementPoint] = field(default_factory=list)
    has_sales: bool = False  # any sale ever, in any period: without one the tab teaches how to add them

    def main(self, currency: str | None = None) -> Figures:
        """This period's figures in ``currency`` (the seller's by default)."""
        return self.totals.get(currency or self.currency, Figures())

    def previous_main(self, currency: str | None = None) -> Figures:
        """The previous period's figures in ``currency`` (the seller's by default)."""
        return self.previous_totals.get(currency or self.currency, Figures())

    def other_currencies(self) -> dict[str, Figures]:
        """Figures in currencies without a rate into the seller's (shown apart, never added)."""
        return {code: figures for code, figures in self.totals.items() if code != self.currency}

    def changes(self, currency: str | None = None) -> dict[str, float | None]:
        """Change against the previous period of revenue, orders, units and profit in ``currency``."""
        now, before = self.main(currency), self.previous_main(currency)
        return {"revenue": change(now.revenue, before.revenue), "orders": change(now.orders, before.orders),
                "units": change(now.units, before.units), "profit": change(now.profit, before.profit)}

    def best_platform(self, currency: str | None = None) -> PlatformSummary | None:
        """The platform that made the most profit in ``currency``, if any sold in it."""
        code = currency or self.currency
        ranked = [p for p in self.platforms if code in p.figures and p.figures[code].revenue > 0]
        return max(ranked, key=lambda p: p.figures[code].profit, default=None)

    def best_product(self, currency: str | None = None) -> ProductSummary | None:
        """The product with the most revenue in ``currency``, if any sold in it."""
        code = currency or self.currency
        return next((p for p in self.products if p.currency == code and p.revenue > 0), None)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready summary."""
        best_platform, best_product = self.best_platform(), self.best_product()
        return {
            "from": self.period.start.isoformat(), "to": self.period.end.isoformat(),
            "previous_from": self.previous_period.start.isoformat(),
            "previous_to": self.previous_period.end.isoformat(),
            "timezone": self.timezone, "currency": self.currency, "granularity": self.granularity,
            "rates": {code: str(rate) for code, rate in self.rates.items()},
            "totals": {code: f.to_json() for code, f in self.totals.items()},
            "previous_totals": {code: f.to_json() for code, f in self.previous_totals.items()},
            "changes": {name: None if v is None else round(v, 4) for name, v in self.changes().items()},
            "best_platform": best_platform.platform if best_platform else None,
            "best_product": best_product.product_id if best_product else None,
            "platforms": [p.to_json() for p in self.platforms],
            "products": [p.to_json() for p in self.products],
            "engagement": self.engagement.to_json(), "previous_engagement": self.previous_engagement.to_json(),
            "series": [{"bucket": p.bucket.isoformat(), "platform": p.platform, "currency": p.currency,
                        "revenue": str(p.revenue), "orders": p.orders, "units": p.units} for p in self.series],
            "engagement_series": [{"bucket": p.bucket.isoformat(), "platform": p.platform, **p.engagement.to_json()}
                                  for p in self.engagement_series],
        }


class _Converter:
    """Where an amount in one currency is counted: in the seller's currency at their rate, else in its own."""

    def __init__(self, currency: str, rates: dict[str, Decimal]) -> None:
        self.currency = currency
        self.rates = rates

    def __call__(self, code: str) -> tuple[str, Decimal]:
        rate = self.rates.get(code)
        return (self.currency, rate) if rate is not None else (code, _ONE)


def summarize(db: Database, period: Period, *, timezone: str = "Asia/Kolkata", currency: str = "INR",
              convert: bool = True, granularity: str | None = None, top: int = 10) -> Summary:
    """Summarise ``period`` (the seller's local days in ``timezone``) and the period of equal length before it.

    With ``convert``, amounts in other currencies are shown in ``currency`` at the rates the seller set
    (``analytics rates set``); currencies without a rate keep figures of their own.
    """
    if granularity is not None and granularity not in GRANULARITIES:
        raise ValidationError(f"{granularity!r} is not a way to group days.", hint=f"Use {', '.join(GRANULARITIES)}.")
    ensure_zone(db, timezone)
    currency = currency.upper()
    previous = period.previous()
    rates = rates_to(db, currency) if convert else {}
    converter = _Converter(currency, rates)
    summary = Summary(period, previous, timezone, currency, granularity or granularity_for(period), rates)
    cards = rate_cards(db)
    platforms: dict[str, PlatformSummary] = {}
    with db.engine.connect() as conn:
        _add_sales(conn, summary, platforms, cards, converter)
        _add_ad_spend(conn, summary, platforms, converter)
        _add_engagement(conn, summary, platforms)
        summary.series = _series(conn, summary, converter)
        summary.products = _products(conn, summary, converter, top)
        add_cost_of_goods(conn, summary, platforms, cards, converter)
        summary.has_sales = bool(conn.execute(select(exists().where(SaleEvent.kind != "lead"))).scalar())
    for platform in platforms.values():
        for figures, totals in ((platform.figures, summary.totals), (platform.previous, summary.previous_totals)):
            for code, part in figures.items():
                totals.setdefault(code, Figures()).add(part)
    summary.platforms = sorted(platforms.values(), key=lambda p: (
        -(p.figures[currency].revenue if currency in p.figures else 0), p.platform))
    return summary


def _add_sales(conn: Connection, summary: Summary, platforms: dict[str, PlatformSummary],
               cards: dict[str, RateCard], converter: _Converter) -> None:
    t = SalesDaily.__table__.c
    current = (t.day >= summary.period.start).label("current")
    rows = conn.execute(
        select(current, t.platform, t.currency, t.kind, func.sum(t.events), func.sum(_raw(t.amount)),
               func.sum(t.quantity), func.sum(_raw(t.fees)), func.sum(_raw(t.amount_no_fees)),
               func.sum(t.quantity_no_fees))
        .where(_in_either(t.day, summary), t.events != 0)
        .group_by(current, t.platform, t.currency, t.kind))
    for is_current, platform, code, kind, events, amount, quantity, fees, amount_no_fees, quantity_no_fees in rows:
        if kind not in ("sale", "refund", "lead"):
            continue
        entry = platforms.setdefault(platform, PlatformSummary(platform))
        target, rate = converter(code)
        part = Figures(fees=_units(fees))
        sign = 1 if kind == "sale" else -1
        if kind == "sale":
            part.sales, part.orders, part.units = _units(amount), events, quantity
        elif kind == "refund":
            part.refunds, part.refund_count, part.units = _units(amount), events, -quantity
        else:
            part.leads = events
        card = cards.get(platform)
        if kind != "lead" and card is not None:
            commission, listing = estimated_fees(card, _units(amount_no_fees) * sign,
                                                 quantity_no_fees if kind == "sale" else 0)
            part.fees += commission
            if listing:
                fee_target, fee_rate = converter(card.currency)
                book = entry.figures if is_current else entry.previous
                book.setdefault(fee_target, Figures()).add(Figures(fees=listing), fee_rate)
        book = entry.figures if is_current else entry.previous
        book.setdefault(target, Figures()).add(part, rate)


def _add_ad_spend(conn: Connection, summary: Summary, platforms: dict[str, PlatformSummary],
                  converter: _Converter) -> None:
    t = AdSpend.__table__.c
    current = (t.spent_on >= summary.period.start).label("current")
    rows = conn.execute(
        select(current, t.platform, t.currency, func.sum(_raw(t.amount)))
        .where(_in_either(t.spent_on, summary))
        .group_by(current, t.platform, t.currency))
    for is_current, platform, code, amount in rows:
        entry = platforms.setdefault(platform, PlatformSummary(platform))
        target, rate = converter(code)
        book = entry.figures if is_current else entry.previous
        book.setdefault(target, Figures()).add(Figures(ad_spend=_units(amount)), rate)


def _add_engagement(conn: Connection, summary: Summary, platforms: dict[str, PlatformSummary]) -> None:
    t = EngagementDaily.__table__.c
    current = (t.day >= summary.period.start).label("current")
    rows = conn.execute(
        select(current, t.platform, *(func.sum(t[c]) for c in COUNTERS))
        .where(_in_either(t.day, summary))
        .group_by(current, t.platform))
    for is_current, platform, *counts in rows:
        gained = Engagement(*counts)
        if is_current:
            platforms.setdefault(platform, PlatformSummary(platform)).engagement.add(gained)
            summary.engagement.add(gained)
        else:
            summary.previous_engagement.add(gained)
    bucket = _bucket(t.day, summary.granularity).label("bucket")
    summary.engagement_series = [
        EngagementPoint(date.fromisoformat(day), platform, Engagement(*counts))
        for day, platform, *counts in conn.execute(
            select(bucket, t.platform, *(func.sum(t[c]) for c in COUNTERS))
            .where(t.day.between(summary.period.start, summary.period.end))
            .group_by(bucket, t.platform).order_by(bucket, t.platform))
    ]


def _series(conn: Connection, summary: Summary, converter: _Converter) -> list[SeriesPoint]:
    t = SalesDaily.__table__.c
    bucket = _bucket(t.day, summary.granularity).label("bucket")
    sale, refund = t.kind == "sale", t.kind == "refund"
    rows = conn.execute(
        select(bucket, t.platform, t.currency,
               func.sum(case((sale, _raw(t.amount)), (refund, -_raw(t.amount)), else_=0)),
               func.sum(case((sale, t.events), else_=0)),
               func.sum(case((sale, t.quantity), (refund, -t.quantity), else_=0)))
        .where(t.day.between(summary.period.start, summary.period.end), t.kind.in_(("sale", "refund")))
        .group_by(bucket, t.platform, t.currency))
    points: dict[tuple[date, str, str], list[Any]] = {}
    for day, platform, code, revenue, orders, units in rows:
        target, rate = converter(code)
        point = points.setdefault((date.fromisoformat(day), platform, target), [Decimal(0), 0, 0])
        point[0] += _units(revenue) * rate
        point[1] += orders
        point[2] += units
    return [SeriesPoint(day, platform, code, *values) for (day, platform, code), values in sorted(points.items())]


def _product_rows(conn: Connection, summary: Summary, period: Period) -> Sequence[Any]:
    start, end = utc_bounds(period, zone(summary.timezone))
    c = SaleEvent.__table__.c
    # The unary + keeps SQLite off the occurred_at index: reading the products index in order instead lets it
    # group without sorting, so a year of sales costs one pass over the index and never a sort of every row.
    when = literal_column("+sale_events.occurred_at", type_=UTCDateTime())
    return conn.execute(
        select(c.product_id, c.currency, c.kind, func.count(), func.sum(_raw(c.amount)),
               func.sum(func.abs(_raw(c.amount))), func.sum(c.quantity), func.sum(func.abs(c.quantity)))
        .where(and_(c.product_id.is_not(None), when >= start, when < end))
        .group_by(c.product_id, c.currency, c.kind)).all()


def _products(conn: Connection, summary: Summary, converter: _Converter, top: int) -> list[ProductSummary]:
    found: dict[tuple[int, str], ProductSummary] = {}
    for is_current, period in ((True, summary.period), (False, summary.previous_period)):
        for product_id, code, kind, events, amount, abs_amount, quantity, abs_quantity in _product_rows(
                conn, summary, period):
            target, rate = converter(code)
            entry = found.setdefault((product_id, target), ProductSummary(product_id, "", None, target))
            if kind == "sale":
                revenue = _units(amount) * rate
                if is_current:
                    entry.revenue += revenue
                    entry.orders += events
                    entry.units += quantity
                else:
                    entry.previous_revenue += revenue
            elif kind == "refund":
                revenue = _units(abs_amount) * rate
                if is_current:
                    entry.revenue -= revenue
                    entry.units -= abs_quantity
                else:
                    entry.previous_revenue -= revenue
            elif kind == "lead" and is_current:
                entry.leads += events
    ranked: list[ProductSummary] = []
    for code in sorted({code for _, code in found}, key=lambda code: (code != summary.currency, code)):
        sold = [p for p in found.values() if p.currency == code and (p.orders or p.leads or p.revenue)]
        ranked.extend(sorted(sold, key=lambda p: (-p.revenue, -p.units, p.product_id))[:top])
    names = {row.id: row for row in conn.execute(
        select(Product.id, Product.title, Product.sku).where(Product.id.in_({p.product_id for p in ranked})))}
    for product in ranked:
        if product.product_id in names:
            product.title, product.sku = names[product.product_id].title, names[product.product_id].sku
    return ranked

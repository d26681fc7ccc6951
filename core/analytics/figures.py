"""The plain results of a summary: money figures in one currency, engagement, and their changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from core.db.types import plain_decimal

ZERO = Decimal(0)


def change(current: Decimal | int | float, previous: Decimal | int | float) -> float | None:
    """The relative change from ``previous`` to ``current`` (0.25 = up a quarter); None when there was nothing."""
    if not previous:
        return None
    return float((Decimal(current) - Decimal(previous)) / abs(Decimal(previous)))


def ratio(part: Decimal | int, whole: Decimal | int) -> float | None:
    """``part / whole`` as a float, or None when ``whole`` is zero (unknown, not zero)."""
    return float(Decimal(part) / Decimal(whole)) if whole else None


@dataclass
class Figures:
    """Sales and costs in one currency: a period's, a platform's or a day's."""

    sales: Decimal = ZERO  # what buyers paid, before refunds
    refunds: Decimal = ZERO
    orders: int = 0
    refund_count: int = 0
    units: int = 0  # sold less returned
    fees: Decimal = ZERO  # reported by the platforms plus the rate cards' estimate for the rest
    ad_spend: Decimal = ZERO
    leads: int = 0
    cogs: Decimal = ZERO  # cost of goods: the units sold (less returned) times each product's cost price
    uncosted_units: int = 0  # units sold whose cost is not known (no cost price): profit leaves them out

    @property
    def revenue(self) -> Decimal:
        """Sales less refunds."""
        return self.sales - self.refunds

    @property
    def costs(self) -> Decimal:
        """Fees, ad spend and cost of goods: what the sales cost."""
        return self.fees + self.ad_spend + self.cogs

    @property
    def profit(self) -> Decimal:
        """Gross profit: revenue less fees, ad spend and the cost of the goods (where their cost is known)."""
        return self.revenue - self.costs

    @property
    def roi(self) -> float | None:
        """Profit per unit of cost (1.5 = every rupee spent came back with 1.5 more); None without costs."""
        return ratio(self.profit, self.costs)

    def add(self, other: Figures, rate: Decimal = Decimal(1)) -> None:
        """Add ``other``'s figures, its money multiplied by ``rate`` (a currency conversion)."""
        self.sales += other.sales * rate
        self.refunds += other.refunds * rate
        self.fees += other.fees * rate
        self.ad_spend += other.ad_spend * rate
        self.cogs += other.cogs * rate
        self.uncosted_units += other.uncosted_units
        self.orders += other.orders
        self.refund_count += other.refund_count
        self.units += other.units
        self.leads += other.leads

    def to_json(self) -> dict[str, Any]:
        """JSON-ready figures (money as exact decimal strings)."""
        money = {name: _exact(getattr(self, name)) for name in
                 ("revenue", "sales", "refunds", "fees", "ad_spend", "cogs", "costs", "profit")}
        return {**money, "orders": self.orders, "refund_count": self.refund_count, "units": self.units,
                "uncosted_units": self.uncosted_units,
                "leads": self.leads, "roi": _round(self.roi)}


@dataclass
class Engagement:
    """What posts gained in a period: reactions, comments, shares, saves, people reached, views, clicks."""

    likes: int = 0
    comments: int = 0
    shares: int = 0
    saves: int = 0
    reach: int = 0
    impressions: int = 0
    clicks: int = 0

    @property
    def interactions(self) -> int:
        """Likes, comments, shares and saves together."""
        return self.likes + self.comments + self.shares + self.saves

    @property
    def rate(self) -> float | None:
        """Interactions per person reached (per view where reach is not reported); None without either."""
        return ratio(self.interactions, self.reach or self.impressions)

    def add(self, other: Engagement) -> None:
        """Add ``other``'s counts."""
        for name in ("likes", "comments", "shares", "saves", "reach", "impressions", "clicks"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def to_json(self) -> dict[str, Any]:
        """JSON-ready counts and rate."""
        return {"likes": self.likes, "comments": self.comments, "shares": self.shares, "saves": self.saves,
                "reach": self.reach, "impressions": self.impressions, "clicks": self.clicks,
                "interactions": self.interactions, "rate": _round(self.rate)}


@dataclass
class PlatformSummary:
    """One platform's figures per currency, now and in the previous period, with its engagement."""

    platform: str
    figures: dict[str, Figures] = field(default_factory=dict)
    previous: dict[str, Figures] = field(default_factory=dict)
    engagement: Engagement = field(default_factory=Engagement)

    @property
    def orders(self) -> int:
        """Orders in every currency."""
        return sum(f.orders for f in self.figures.values())

    @property
    def conversion(self) -> float | None:
        """Orders per click (per view where clicks are not reported); None unless both are known."""
        views = self.engagement.clicks or self.engagement.impressions
        return ratio(self.orders, views) if self.orders and views else None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready platform summary."""
        return {"platform": self.platform,
                "figures": {c: f.to_json() for c, f in self.figures.items()},
                "previous": {c: f.to_json() for c, f in self.previous.items()},
                "engagement": self.engagement.to_json(), "conversion": _round(self.conversion)}


@dataclass
class ProductSummary:
    """One product's sales in one currency."""

    product_id: int
    title: str
    sku: str | None
    currency: str
    revenue: Decimal = ZERO
    units: int = 0
    orders: int = 0
    leads: int = 0
    previous_revenue: Decimal = ZERO
    fees: Decimal = ZERO  # reported by the platforms, else the rate cards' estimate
    cogs: Decimal = ZERO
    uncosted_units: int = 0  # units whose cost is not known (no cost price)

    @property
    def profit(self) -> Decimal:
        """Gross profit: revenue less fees and cost of goods (ad spend is per platform, not per product)."""
        return self.revenue - self.fees - self.cogs

    def to_json(self) -> dict[str, Any]:
        """JSON-ready product figures."""
        return {"product_id": self.product_id, "title": self.title, "sku": self.sku, "currency": self.currency,
                "revenue": _exact(self.revenue), "units": self.units, "orders": self.orders, "leads": self.leads,
                "fees": _exact(self.fees), "cogs": _exact(self.cogs), "profit": _exact(self.profit),
                "uncosted_units": self.uncosted_units,
                "previous_revenue": _exact(self.previous_revenue),
                "change": _round(change(self.revenue, self.previous_revenue))}


@dataclass(frozen=True)
class SeriesPoint:
    """Revenue of one platform in one currency in one bucket (a day, a week from Monday, or a month)."""

    bucket: date
    platform: str
    currency: str
    revenue: Decimal
    orders: int
    units: int


@dataclass(frozen=True)
class EngagementPoint:
    """Engagement one platform's posts gained in one bucket."""

    bucket: date
    platform: str
    engagement: Engagement


def _exact(amount: Decimal) -> str:
    # Exact, not rounded: estimated commissions have fractions of a paisa, and scripts add these up.
    return str(plain_decimal(amount))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)

"""What the analytics should say, worked out the slow, obvious way: plain Python over the generated records.

Nothing here uses core.analytics' aggregation; it restates the rules (refunds subtract, leads count apart, a rate
card estimates fees only for sales without reported fees, currencies convert only at the seller's rates).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.analytics.engagement import EngagementRecord
from core.analytics.sales import SaleRecord


@dataclass
class Card:
    """A rate card as the test sets it."""

    commission_percent: Decimal
    listing_fee: Decimal
    currency: str


@dataclass
class Totals:
    """Expected figures in one currency."""

    sales: Decimal = Decimal(0)
    refunds: Decimal = Decimal(0)
    orders: int = 0
    refund_count: int = 0
    units: int = 0
    fees: Decimal = Decimal(0)
    ad_spend: Decimal = Decimal(0)
    leads: int = 0


@dataclass
class Expected:
    """Everything a test compares, keyed plainly."""

    totals: dict[str, Totals] = field(default_factory=lambda: defaultdict(Totals))
    platforms: dict[tuple[str, str], Totals] = field(default_factory=lambda: defaultdict(Totals))
    products: dict[tuple[str, str], list] = field(default_factory=lambda: defaultdict(lambda: [Decimal(0), 0, 0]))
    days: dict[tuple[date, str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))


def _in(day: date, start: date, end: date) -> bool:
    return start <= day <= end


def expected(sales: list[SaleRecord], start: date, end: date, tz: ZoneInfo, *,
             cards: dict[str, Card] | None = None, ad_spend: list[tuple[str, date, Decimal, str]] = (),
             rates: dict[str, Decimal] | None = None, main: str = "INR") -> Expected:
    """The figures of the local days ``start``..``end``."""
    cards, rates = cards or {}, rates or {}
    out = Expected()

    def book(currency: str) -> tuple[str, Decimal]:
        return (main, rates[currency]) if currency in rates else (currency, Decimal(1))

    for r in sales:
        day = r.occurred_at.astimezone(tz).date()
        if not _in(day, start, end):
            continue
        code, rate = book(r.currency)
        amount, quantity = abs(r.amount), abs(r.quantity)
        adds: list[tuple[str, Totals]] = []
        t = Totals(fees=r.fees * rate)
        if r.kind == "sale":
            t.sales, t.orders, t.units = amount * rate, 1, quantity
        elif r.kind == "refund":
            t.refunds, t.refund_count, t.units = amount * rate, 1, -quantity
        else:
            t.leads = 1
        card = cards.get(r.platform)
        if card is not None and r.kind != "lead" and r.fees == 0:
            sign = 1 if r.kind == "sale" else -1
            t.fees += sign * amount * card.commission_percent / 100 * rate
            if r.kind == "sale" and card.listing_fee:
                fee_code, fee_rate = book(card.currency)
                adds.append((fee_code, Totals(fees=card.listing_fee * quantity * fee_rate)))
        adds.append((code, t))
        for currency, part in adds:
            for target in (out.totals[currency], out.platforms[(r.platform, currency)]):
                _add(target, part)
        if r.kind != "lead" and r.product_sku:
            entry = out.products[(r.product_sku, code)]
            if r.kind == "sale":
                entry[0] += amount * rate
                entry[1] += quantity
                entry[2] += 1
            else:
                entry[0] -= amount * rate
                entry[1] -= quantity
        if r.kind != "lead":
            out.days[(day, r.platform, code)] += (amount if r.kind == "sale" else -amount) * rate
    for platform, day, amount, currency in ad_spend:
        if _in(day, start, end):
            code, rate = book(currency)
            for target in (out.totals[code], out.platforms[(platform, code)]):
                target.ad_spend += amount * rate
    return out


def _add(target: Totals, part: Totals) -> None:
    for name in ("sales", "refunds", "orders", "refund_count", "units", "fees", "ad_spend", "leads"):
        setattr(target, name, getattr(target, name) + getattr(part, name))


def engagement(snapshots: list[EngagementRecord], start: date, end: date, tz: ZoneInfo
               ) -> dict[tuple[date, str], dict[str, int]]:
    """What each platform's posts gained per local day: each snapshot less the post's previous one."""
    posts: dict[tuple[str, str], list[EngagementRecord]] = defaultdict(list)
    for s in snapshots:
        posts[(s.platform, s.remote_id)].append(s)
    out: dict[tuple[date, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names = ("likes", "comments", "shares", "saves", "reach", "impressions", "clicks")
    for (platform, _post), items in posts.items():
        items.sort(key=lambda s: s.taken_at)
        before = dict.fromkeys(names, 0)
        for s in items:
            day = s.taken_at.astimezone(tz).date()
            if _in(day, start, end):
                for name in names:
                    out[(day, platform)][name] += getattr(s, name) - before[name]
            before = {name: getattr(s, name) for name in names}
    return out


def local(day: date, hour: int, minute: int, tz: ZoneInfo, second: int = 0, micro: int = 0) -> datetime:
    """An aware time on a local day."""
    return datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=tz)


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())

"""A seller's realistic year (2025), generated: the shape of sales the analytics must add up right.

Several platforms in three currencies, a slow spring, a wedding-season bump, the Diwali peak (20 October 2025),
weekends busier than weekdays, sales late in the Indian evening (the days that UTC gets wrong), refunds, leads,
platform-reported fees on some platforms only, and engagement snapshots of posts as running totals.
The benchmark uses it too, at full size.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.analytics.engagement import EngagementRecord
from core.analytics.sales import SaleRecord

IST = ZoneInfo("Asia/Kolkata")
YEAR_START = date(2025, 1, 1)
DIWALI = date(2025, 10, 20)

# platform: (currency, share of orders, fee rate the platform reports (None: it reports none), listing fee)
PLATFORMS = {
    "shopify": ("INR", 0.24, None),
    "meesho": ("INR", 0.22, Decimal("0.12")),
    "etsy": ("USD", 0.14, Decimal("0.095")),
    "instagram": ("INR", 0.14, None),
    "whatsapp": ("INR", 0.12, None),
    "offline": ("INR", 0.08, None),
    "amazon-eu": ("EUR", 0.06, Decimal("0.15")),
}
POST_PLATFORMS = ("instagram", "facebook", "pinterest", "etsy")
WORDS = ("Brass diya", "Block-print cushion", "Jute tote", "Terracotta planter", "Silk stole", "Copper bottle",
         "Kantha throw", "Madhubani print", "Handmade candle", "Chikankari kurta", "Bamboo lamp", "Clay tea cups")


@dataclass
class Dataset:
    """Products to create first (sku, title, price in INR), then the sales and the snapshots."""

    products: list[tuple[str, str, Decimal]]
    sales: list[SaleRecord]
    snapshots: list[EngagementRecord]


def season(day: date) -> float:
    """How busy ``day`` is: a yearly swell, a wedding-season bump, weekends, and the Diwali peak."""
    level = 1.0 + 0.25 * math.sin((day.timetuple().tm_yday - 80) / 365 * 2 * math.pi)
    if day.month in (11, 12, 2):
        level *= 1.3  # wedding season
    if day.weekday() >= 5:
        level *= 1.25
    to_diwali = (DIWALI - day).days
    if 0 <= to_diwali <= 21:
        level *= 1.6 + 2.4 * (21 - to_diwali) / 21  # the run-up, busiest on the eve
    elif -5 <= to_diwali < 0:
        level *= 1.5
    return level


def _moment(rng: random.Random, day: date) -> datetime:
    """A time on the local ``day``: mostly afternoons and evenings, some just before midnight IST."""
    if rng.random() < 0.06:
        seconds = rng.randint(23 * 3600, 24 * 3600 - 1)  # 23:00-23:59:59 IST is 17:30-18:29 UTC, same day
    elif rng.random() < 0.04:
        seconds = rng.randint(0, 45 * 60)  # just after midnight IST: still the previous day in UTC
    else:
        seconds = int(min(max(rng.gauss(17.5 * 3600, 3.5 * 3600), 6 * 3600), 23 * 3600 - 1))
    local = datetime(day.year, day.month, day.day, tzinfo=IST) + timedelta(seconds=seconds)
    return local.astimezone(UTC)


def generate(sales: int = 3000, snapshots: int = 1500, products: int = 36, seed: int = 10,
             days: int = 365) -> Dataset:
    """About ``sales`` sale events and ``snapshots`` engagement snapshots over ``days`` days from 1 January 2025."""
    rng = random.Random(seed)
    catalogue = [(f"SD-{n:04d}", f"{WORDS[n % len(WORDS)]} no. {n}", Decimal(rng.randrange(199, 4999, 50)))
                 for n in range(products)]
    popularity = list(itertools.accumulate(1 / (n + 1) ** 0.8 for n in range(products)))  # best sellers, long tail
    dates = [YEAR_START + timedelta(days=n) for n in range(days)]
    weights = [season(d) for d in dates]
    scale = sales / sum(weights)
    names = list(PLATFORMS)
    shares = list(itertools.accumulate(PLATFORMS[p][1] for p in names))
    records: list[SaleRecord] = []
    for day, weight in zip(dates, weights, strict=True):
        count = int(weight * scale) + (1 if rng.random() < (weight * scale) % 1 else 0)
        for _ in range(count):
            platform = rng.choices(names, cum_weights=shares)[0]
            currency, _, fee_rate = PLATFORMS[platform]
            sku, _, price = rng.choices(catalogue, cum_weights=popularity)[0]
            quantity = rng.choices((1, 2, 3, 5), cum_weights=(70, 90, 97, 100))[0]
            unit = price if currency == "INR" else (price / (Decimal(83) if currency == "USD" else Decimal(90)))
            amount = (unit * quantity).quantize(Decimal("0.01"))
            fees = (amount * fee_rate).quantize(Decimal("0.01")) if fee_rate else Decimal(0)
            occurred = _moment(rng, day)
            ext = f"{platform}-{len(records):06d}"
            records.append(SaleRecord(platform, ext, occurred, amount, currency, quantity, fees, product_sku=sku,
                                      buyer=f"buyer{rng.randrange(5000)}"))
            if rng.random() < 0.03:  # a return a few days later, reported negative as many platforms do
                back = occurred + timedelta(days=rng.randint(2, 12), hours=rng.randint(0, 12))
                records.append(SaleRecord(platform, ext + "-R", back, -amount, currency, -quantity,
                                          Decimal(0), product_sku=sku, kind="refund"))
        if rng.random() < 0.5:  # an IndiaMART enquiry
            sku = rng.choices(catalogue, cum_weights=popularity)[0][0]
            records.append(SaleRecord("indiamart", f"lead-{len(records):06d}", _moment(rng, day), Decimal(0), "INR",
                                      0, product_sku=sku, kind="lead"))
    return Dataset(catalogue, records, _snapshots(rng, snapshots, days))


def _snapshots(rng: random.Random, total: int, days: int) -> list[EngagementRecord]:
    """Posts seen twice a day for about two weeks, their running totals growing ever slower."""
    per_post = 24
    out: list[EngagementRecord] = []
    for post in range(max(1, total // per_post)):
        platform = POST_PLATFORMS[post % len(POST_PLATFORMS)]
        posted = datetime.combine(YEAR_START + timedelta(days=rng.randrange(days - 14)), datetime.min.time(),
                                  tzinfo=IST) + timedelta(hours=rng.uniform(8, 22))
        appeal = rng.uniform(0.3, 3.0) * season(posted.date())
        for n in range(per_post):
            taken = posted + timedelta(hours=12 * n + 3)
            growth = appeal * (1 - math.exp(-(n + 1) / 6))
            reach = int(900 * growth)
            out.append(EngagementRecord(
                platform, f"{platform}-post-{post}", taken.astimezone(UTC), likes=int(60 * growth),
                comments=int(9 * growth), shares=int(5 * growth), saves=int(7 * growth) if platform != "etsy" else 0,
                reach=reach if platform != "etsy" else 0, impressions=int(reach * 1.8), clicks=int(35 * growth)))
    rng.shuffle(out)  # connectors deliver them in any order
    return out

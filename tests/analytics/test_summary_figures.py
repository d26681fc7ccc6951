"""Every figure of a summary of a generated year, against sums worked out independently over the records."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.analytics.figures import Figures
from core.analytics.periods import Period
from core.analytics.summary import summarize
from tests.analytics.conftest import AD_SPEND, CARDS, USD_RATE
from tests.analytics.expected import Totals, engagement, expected, week_start

IST = ZoneInfo("Asia/Kolkata")
PERIODS = [
    Period(date(2025, 10, 1), date(2025, 10, 31)),  # the Diwali month: daily buckets
    Period(date(2025, 1, 1), date(2025, 12, 31)),  # the year: monthly buckets
    Period(date(2025, 3, 3), date(2025, 6, 1)),  # a quarter-ish: weekly buckets
]


def _same(actual: Figures, wanted: Totals, label: str) -> None:
    for name in ("sales", "refunds", "orders", "refund_count", "units", "fees", "ad_spend", "leads"):
        assert getattr(actual, name) == getattr(wanted, name), f"{label}: {name}"
    assert actual.revenue == wanted.sales - wanted.refunds
    assert actual.profit == wanted.sales - wanted.refunds - wanted.fees - wanted.ad_spend


@pytest.mark.parametrize("period", PERIODS, ids=["october", "year", "spring"])
def test_every_figure_matches_independent_sums(year, period: Period) -> None:
    summary = summarize(year.db, period, timezone="Asia/Kolkata", currency="INR")
    rates = {"USD": USD_RATE}
    want = expected(year.data.sales, period.start, period.end, IST, cards=CARDS, ad_spend=AD_SPEND, rates=rates)
    before = period.previous()
    want_before = expected(year.data.sales, before.start, before.end, IST, cards=CARDS, ad_spend=AD_SPEND,
                           rates=rates)

    assert set(summary.totals) == {code for code, t in want.totals.items() if t != Totals()}
    for code, totals in want.totals.items():
        _same(summary.totals[code], totals, f"total {code}")
    for code, totals in want_before.totals.items():
        _same(summary.previous_totals[code], totals, f"previous {code}")
    got = {(p.platform, code): f for p in summary.platforms for code, f in p.figures.items()}
    assert set(got) == set(want.platforms)
    for key, totals in want.platforms.items():
        _same(got[key], totals, f"platform {key}")

    # Dollars were converted at the seller's rate; euros have no rate and stay apart, never added to rupees.
    assert "USD" not in summary.totals and summary.rates == rates
    assert set(summary.other_currencies()) <= {"EUR"}

    now, then = want.totals["INR"], want_before.totals["INR"]
    revenue_now, revenue_then = now.sales - now.refunds, then.sales - then.refunds
    changes = summary.changes()
    if then.orders:
        assert changes["revenue"] == pytest.approx(float((revenue_now - revenue_then) / revenue_then))
        assert changes["orders"] == pytest.approx((now.orders - then.orders) / then.orders)
    else:  # nothing to compare with (the year before the data starts): no made-up percentage
        assert changes["revenue"] is None and changes["orders"] is None


@pytest.mark.parametrize("period", PERIODS, ids=["october", "year", "spring"])
def test_series_buckets_add_up_per_day_week_and_month(year, period: Period) -> None:
    summary = summarize(year.db, period, timezone="Asia/Kolkata", currency="INR")
    want = expected(year.data.sales, period.start, period.end, IST, rates={"USD": USD_RATE})
    bucket = {"day": lambda d: d, "week": week_start, "month": lambda d: d.replace(day=1)}[summary.granularity]
    wanted: dict[tuple[date, str, str], Decimal] = defaultdict(Decimal)
    for (day, platform, code), amount in want.days.items():
        wanted[(bucket(day), platform, code)] += amount
    got = {(p.bucket, p.platform, p.currency): p.revenue for p in summary.series}
    assert got == {key: value for key, value in wanted.items() if key in got or value}
    assert summary.granularity == {31: "day", 365: "month", 91: "week"}[period.days]


def test_top_products_in_order_with_their_revenue_units_and_orders(year) -> None:
    period = PERIODS[0]
    summary = summarize(year.db, period, timezone="Asia/Kolkata", currency="INR", top=10)
    want = expected(year.data.sales, period.start, period.end, IST, rates={"USD": USD_RATE})
    rupees = sorted(((sku, v) for (sku, code), v in want.products.items() if code == "INR"),
                    key=lambda item: (-item[1][0], -item[1][1]))[:10]
    got = [p for p in summary.products if p.currency == "INR"]
    assert [(p.sku, p.revenue, p.units, p.orders) for p in got] == [(sku, *v) for sku, v in rupees]
    assert summary.best_product().sku == rupees[0][0]
    titles = {sku: title for sku, title, _ in year.data.products}
    assert got[0].title == titles[rupees[0][0]]
    euros = [p for p in summary.products if p.currency == "EUR"]
    assert euros and all(p.currency == "EUR" for p in euros)  # ranked apart, never mixed into rupees


def test_profit_and_roi_per_platform_include_rate_cards_and_ad_spend(year) -> None:
    period = PERIODS[0]
    summary = summarize(year.db, period, timezone="Asia/Kolkata", currency="INR", convert=False)
    want = expected(year.data.sales, period.start, period.end, IST, cards=CARDS, ad_spend=AD_SPEND)
    instagram = next(p for p in summary.platforms if p.platform == "instagram").figures["INR"]
    wanted = want.platforms[("instagram", "INR")]
    assert instagram.ad_spend == Decimal(1500)
    assert instagram.profit == wanted.sales - wanted.refunds - wanted.fees - Decimal(1500)
    assert instagram.roi == pytest.approx(float(instagram.profit / (wanted.fees + Decimal(1500))))
    offline = next(p for p in summary.platforms if p.platform == "offline")
    # The stall fee is in dollars: with conversion off it stays a dollar cost of its own.
    assert offline.figures["USD"].fees == want.platforms[("offline", "USD")].fees > 0
    assert offline.figures["USD"].revenue == 0
    etsy = next(p for p in summary.platforms if p.platform == "etsy").figures["USD"]
    month = [r for r in year.data.sales if r.platform == "etsy"
             and period.start <= r.occurred_at.astimezone(IST).date() <= period.end]
    reported = sum((r.fees for r in month), Decimal(0))
    returned = sum((abs(r.amount) for r in month if r.kind == "refund"), Decimal(0)) * Decimal("0.065")
    # Etsy's own fees are kept as reported (its card adds nothing to them); a refund hands the commission back.
    assert etsy.fees == reported - returned and returned > 0
    best = summary.best_platform()
    assert best is not None and best.figures["INR"].profit == max(
        p.figures["INR"].profit for p in summary.platforms if "INR" in p.figures and p.figures["INR"].revenue > 0)


def test_no_conversion_keeps_every_currency_apart(year) -> None:
    period = PERIODS[1]
    summary = summarize(year.db, period, timezone="Asia/Kolkata", currency="INR", convert=False)
    want = expected(year.data.sales, period.start, period.end, IST, cards=CARDS, ad_spend=AD_SPEND)
    assert set(summary.totals) == {"INR", "USD", "EUR"}
    for code in ("INR", "USD", "EUR"):
        _same(summary.totals[code], want.totals[code], code)
    rupee_sales = sum((abs(r.amount) for r in year.data.sales if r.currency == "INR" and r.kind == "sale"),
                      Decimal(0))
    assert summary.totals["INR"].sales == rupee_sales  # the whole year's rupees, and only rupees


def test_engagement_rate_and_conversion_per_platform(year) -> None:
    period = PERIODS[0]
    summary = summarize(year.db, period, timezone="Asia/Kolkata", currency="INR")
    gained = engagement(year.data.snapshots, period.start, period.end, IST)
    per_platform: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (_day, platform), counts in gained.items():
        for name, value in counts.items():
            per_platform[platform][name] += value
    for platform, counts in per_platform.items():
        got = next(p for p in summary.platforms if p.platform == platform).engagement
        assert got.to_json() | {"interactions": 0, "rate": 0} == dict(counts) | {"interactions": 0, "rate": 0}
        interactions = counts["likes"] + counts["comments"] + counts["shares"] + counts["saves"]
        assert got.rate == pytest.approx(interactions / (counts["reach"] or counts["impressions"]))
    instagram = next(p for p in summary.platforms if p.platform == "instagram")
    orders = sum(f.orders for f in instagram.figures.values())
    assert instagram.conversion == pytest.approx(orders / per_platform["instagram"]["clicks"])
    assert next(p for p in summary.platforms if p.platform == "whatsapp").conversion is None  # no views known
    series = defaultdict(int)
    for point in summary.engagement_series:
        series[(point.bucket, point.platform)] += point.engagement.interactions
    assert dict(series) == {key: sum(v for k, v in c.items() if k in ("likes", "comments", "shares", "saves"))
                            for key, c in gained.items()}


def test_leads_are_counted_apart_from_orders(year) -> None:
    period = PERIODS[1]
    summary = summarize(year.db, period, timezone="Asia/Kolkata", currency="INR")
    leads = sum(1 for r in year.data.sales if r.kind == "lead")
    indiamart = next(p for p in summary.platforms if p.platform == "indiamart").figures["INR"]
    assert indiamart.leads == leads and indiamart.orders == 0 and indiamart.revenue == 0
    assert summary.main().leads == leads

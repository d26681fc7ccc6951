"""Comparisons that make sense to a seller: the year so far against the same dates last year, the month so far
against the same dates last month, any other range against as many days just before."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.analytics.periods import Period, preset_period
from core.analytics.sales import SaleRecord, import_sales
from core.analytics.summary import summarize

IST = ZoneInfo("Asia/Kolkata")


def test_presets_compare_with_the_same_dates_before() -> None:
    year = preset_period("year", date(2026, 3, 15))
    assert year.previous() == Period(date(2025, 1, 1), date(2025, 3, 15))
    assert year.comparison_label() == "vs same dates last year"
    assert preset_period("year", date(2028, 2, 29)).previous().end == date(2027, 2, 28)  # a leap day
    month = preset_period("month", date(2026, 3, 31))
    assert month.previous() == Period(date(2026, 2, 1), date(2026, 2, 28))  # February has no 29th to 31st
    assert month.comparison_label() == "vs same dates last month"
    days = preset_period("30d", date(2026, 3, 31))
    assert days.previous() == Period(date(2026, 1, 31), date(2026, 3, 1))
    assert days.comparison_label() == "vs previous 30 days"


def _sale(n: int, when: date, amount: int) -> SaleRecord:
    return SaleRecord("offline", f"o{n}", datetime(when.year, when.month, when.day, 12, tzinfo=IST), Decimal(amount),
                      "INR")


def test_the_year_so_far_leaves_out_the_months_between(app, cli) -> None:
    import_sales(app.db, [_sale(1, date(2025, 2, 10), 100),    # same dates last year: compared
                          _sale(2, date(2025, 11, 20), 5000),  # later last year: not part of either period
                          _sale(3, date(2026, 2, 10), 300)])
    summary = summarize(app.db, preset_period("year", date(2026, 3, 15)), timezone="Asia/Kolkata")
    assert summary.main().revenue == 300 and summary.previous_main().revenue == 100
    assert summary.changes()["revenue"] == 2.0
    data = json.loads(cli("analytics", "summary", "--from", "2026-01-01", "--to", "2026-03-15", "--json").out)
    assert (data["previous_from"], data["previous_to"]) == ("2025-01-01", "2025-03-15")
    assert data["previous_totals"]["INR"]["revenue"] == "100"
    plain = json.loads(cli("analytics", "summary", "--from", "2026-01-01", "--to", "2026-03-15", "--compare",
                           "before", "--json").out)
    assert plain["previous_totals"]["INR"]["revenue"] == "5000"  # 74 days before: mid-October to December


def test_this_year_in_the_window_says_same_dates_last_year(qtbot, tab, app) -> None:
    today = datetime.now(IST)
    last_year = today.replace(year=today.year - 1, day=min(today.day, 28), hour=12, minute=0)
    import_sales(app.db, [SaleRecord("offline", "a", last_year, Decimal(100), "INR"),
                          SaleRecord("offline", "b", today.replace(hour=0, minute=30), Decimal(300), "INR")])
    with qtbot.waitSignal(tab.loaded, timeout=15_000):
        tab.show()
    with qtbot.waitSignal(tab.loaded, timeout=15_000):
        tab.range.setCurrentIndex(tab.range.findData("year"))
    assert tab.kpis.revenue.versus.text() == "vs same dates last year"
    assert tab.kpis.revenue.change.text() == "↑ 200.0%"
    assert tab.compared.text().startswith("compared with 1 Jan")

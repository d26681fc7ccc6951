"""Days are the seller's local days: India's by default, any zone's (daylight saving included) when set."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.analytics.periods import Period, preset_period, utc_bounds
from core.analytics.rollup import current_zone
from core.analytics.sales import SaleRecord, import_sales
from core.analytics.summary import summarize
from core.errors import ValidationError
from tests.analytics.expected import local

IST = ZoneInfo("Asia/Kolkata")
LONDON = ZoneInfo("Europe/London")


def _record(app, *moments: datetime) -> None:
    import_sales(app.db, [SaleRecord("offline", f"s{n}", when, Decimal(100 + n), "INR")
                          for n, when in enumerate(moments)])


def _day_revenue(app, day: date, timezone: str = "Asia/Kolkata") -> Decimal:
    return summarize(app.db, Period(day, day), timezone=timezone).main().sales


def test_late_evening_in_india_belongs_to_that_day(app) -> None:
    first, second = date(2025, 11, 1), date(2025, 11, 2)
    late = local(first, 23, 30, IST)
    assert late.astimezone(UTC) == datetime(2025, 11, 1, 18, 0, tzinfo=UTC)
    after_midnight = local(second, 0, 30, IST)  # still the 1st in UTC (19:00)
    assert after_midnight.astimezone(UTC).date() == first
    last_instant = local(first, 23, 59, IST, 59, 999_900)  # SQLite would round this into the 2nd
    first_instant = local(first, 0, 0, IST)  # the 31st of October in UTC (18:30)
    _record(app, late, after_midnight, last_instant, first_instant)
    assert _day_revenue(app, first) == Decimal(100 + 102 + 103)
    assert _day_revenue(app, second) == Decimal(101)
    assert _day_revenue(app, date(2025, 10, 31)) == 0
    day = summarize(app.db, Period(first, second))
    assert {(p.bucket, p.revenue) for p in day.series} == {(first, Decimal(305)), (second, Decimal(101))}


def test_days_follow_a_zone_with_daylight_saving(app) -> None:
    spring = date(2025, 3, 30)  # clocks go forward at 01:00 GMT: the day is 23 hours long
    autumn = date(2025, 10, 26)  # clocks go back at 01:00 BST: the day is 25 hours long
    start, end = utc_bounds(Period(spring, spring), LONDON)
    assert end - start == timedelta(hours=23)
    start, end = utc_bounds(Period(autumn, autumn), LONDON)
    assert end - start == timedelta(hours=25)
    _record(app,
            local(spring, 0, 10, LONDON),  # GMT
            local(spring, 23, 50, LONDON),  # BST: 22:50 UTC, still the 30th
            local(date(2025, 3, 31), 0, 20, LONDON),  # BST: 23:20 UTC on the 30th, but the 31st in London
            local(autumn, 0, 30, LONDON),  # BST: 23:30 UTC on the 25th, but the 26th in London
            local(autumn, 23, 30, LONDON))  # GMT
    assert _day_revenue(app, spring, "Europe/London") == Decimal(100 + 101)
    assert _day_revenue(app, date(2025, 3, 31), "Europe/London") == Decimal(102)
    assert _day_revenue(app, autumn, "Europe/London") == Decimal(103 + 104)
    assert current_zone(app.db) == "Europe/London"
    # Back to India: every sale is filed again under India's days.
    assert _day_revenue(app, date(2025, 3, 31)) == Decimal(101 + 102)
    assert current_zone(app.db) == "Asia/Kolkata"


def test_an_unknown_time_zone_says_how_to_fix_it(app) -> None:
    with pytest.raises(ValidationError, match=r"general\.timezone"):
        summarize(app.db, Period(date(2025, 1, 1), date(2025, 1, 2)), timezone="Asia/Bombay-ish")


def test_previous_period_has_the_same_length_just_before() -> None:
    october = Period(date(2025, 10, 1), date(2025, 10, 31))
    assert october.previous() == Period(date(2025, 8, 31), date(2025, 9, 30))
    assert Period(date(2024, 3, 1), date(2024, 3, 1)).previous() == Period(date(2024, 2, 29), date(2024, 2, 29))
    with pytest.raises(ValidationError, match="Swap"):
        Period(date(2025, 2, 1), date(2025, 1, 1))


def test_presets() -> None:
    today = date(2025, 3, 15)
    assert preset_period("7d", today) == Period(date(2025, 3, 9), today)
    assert preset_period("30d", today) == Period(date(2025, 2, 14), today)
    assert preset_period("month", today) == Period(date(2025, 3, 1), today, "last-month")
    assert preset_period("last-month", today) == Period(date(2025, 2, 1), date(2025, 2, 28))
    assert preset_period("last-month", date(2025, 1, 5)) == Period(date(2024, 12, 1), date(2024, 12, 31))
    assert preset_period("year", today) == Period(date(2025, 1, 1), today, "last-year")


def test_comparison_with_the_previous_period(app) -> None:
    _record(app, local(date(2025, 10, 5), 12, 0, IST), local(date(2025, 10, 20), 12, 0, IST),
            local(date(2025, 11, 10), 12, 0, IST), local(date(2025, 11, 11), 12, 0, IST),
            local(date(2025, 11, 12), 12, 0, IST))
    november = summarize(app.db, Period(date(2025, 11, 1), date(2025, 11, 30)))
    assert november.previous_period == Period(date(2025, 10, 2), date(2025, 10, 31))
    assert november.previous_main().sales == Decimal(201) and november.main().sales == Decimal(309)
    assert november.changes()["orders"] == pytest.approx(0.5)
    assert november.changes()["revenue"] == pytest.approx((309 - 201) / 201)

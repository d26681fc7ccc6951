"""The numbers behind each Analytics chart, as tables: drawn by the desktop, written to CSV, labelled for a locale.

Charts show one currency (the seller's, with other currencies converted where a rate is set); a currency that
could not be converted gets charts of its own rather than being stacked onto rupees.
"""

from __future__ import annotations

import copy
import csv
import io
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.analytics.summary import Summary
from core.errors import StorageError
from core.fileio import atomic_write_text
from core.i18n import dates_locale
from core.spreadsheet import safe_cell

Number = Decimal | int | float


@dataclass(frozen=True)
class ChartTable:
    """One chart's data: a label per row (a bucket, a platform, a product) and one column per series."""

    title: str
    key: str  # heading of the label column
    labels: list[str]
    series: Mapping[str, Sequence[Number]] = field(default_factory=dict)
    money: bool = True
    currency: str | None = None
    days: list[date] | None = None  # the bucket each row starts on, for charts over time
    counts: tuple[str, ...] = ()  # series that count things (units) in a chart of money

    @property
    def empty(self) -> bool:
        """True when there is nothing to draw (no rows, or every value zero)."""
        return not self.labels or not any(any(v for v in values) for values in self.series.values())

    def rows(self) -> list[list[str]]:
        """The table as text cells with a heading row: what the CSV export holds."""
        unit = f" ({self.currency})" if self.money and self.currency else ""
        head = [self.key, *(name if name in self.counts else f"{name}{unit}" for name in self.series)]
        first = [d.isoformat() for d in self.days] if self.days is not None else self.labels
        body = [[first[n], *(_cell(values[n]) for values in self.series.values())] for n in range(len(self.labels))]
        return [head, *body]


def _cell(value: Number) -> str:
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def write_csv(table: ChartTable, path: Path) -> None:
    """Write ``table`` as UTF-8 CSV with a BOM (Excel then shows ₹ and Hindi right).

    Labels are product titles the seller typed: one starting like a formula is written inert (core.spreadsheet).
    """
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([safe_cell(cell) for cell in row] for row in table.rows())
    try:
        atomic_write_text(path, "\ufeff" + out.getvalue())
    except OSError as exc:
        raise StorageError(f"Cannot write {path}: {exc.strerror}.", hint="Choose another folder.") from exc


def bucket_days(start: date, end: date, granularity: str) -> list[date]:
    """The first day of every bucket (day, week from Monday, month) that overlaps ``start``..``end``."""
    if granularity == "day":
        return [start + timedelta(days=n) for n in range((end - start).days + 1)]
    if granularity == "week":
        first = start - timedelta(days=start.weekday())
        return [first + timedelta(weeks=n) for n in range((end - first).days // 7 + 1)]
    months, here = [], date(start.year, start.month, 1)
    while here <= end:
        months.append(here)
        here = date(here.year + here.month // 12, here.month % 12 + 1, 1)
    return months


def bucket_label(day: date, granularity: str, locale: str) -> str:
    """A short axis label: '3 Nov' for a day or the week starting then, 'Nov 2025' for a month."""
    from babel.dates import format_skeleton

    return format_skeleton("yMMM" if granularity == "month" else "MMMd", day, locale=_locale(dates_locale(locale)))


@lru_cache(maxsize=8)
def _locale(name: str) -> Any:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_IN")


@lru_cache(maxsize=8)
def _whole_pattern(locale: str) -> Any:
    from babel.numbers import parse_pattern

    pattern = copy.copy(parse_pattern(_locale(locale).currency_formats["standard"].pattern))
    pattern.frac_prec = (0, 0)  # axis ticks are whole amounts; the table and tooltips give the paise
    return pattern


def axis_money(value: float, currency: str, locale: str) -> str:
    """A whole amount in the locale's style for an axis tick: ₹12,00,000 for en_IN, $1,200,000 for en_US."""
    return str(_whole_pattern(locale).apply(Decimal(round(value)), _locale(locale), currency=currency,
                                            currency_digits=False))


def revenue_over_time(summary: Summary, locale: str, currency: str | None = None) -> ChartTable:
    """Revenue per bucket, one series per platform (biggest first), in ``currency`` (the seller's by default)."""
    code = currency or summary.currency
    days = bucket_days(summary.period.start, summary.period.end, summary.granularity)
    index = {day: n for n, day in enumerate(days)}
    by_platform: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * len(days))
    for point in summary.series:
        if point.currency == code and point.bucket in index:
            by_platform[point.platform][index[point.bucket]] += point.revenue
    ordered = sorted(by_platform.items(), key=lambda item: (-sum(item[1]), item[0]))
    return ChartTable("Revenue over time", _bucket_heading(summary.granularity),
                      [bucket_label(d, summary.granularity, locale) for d in days], dict(ordered), True, code, days)


def platform_comparison(summary: Summary, currency: str | None = None) -> ChartTable:
    """Revenue, costs and profit per platform in ``currency``, biggest revenue first."""
    code = currency or summary.currency
    rows = sorted(((p.platform, p.figures[code]) for p in summary.platforms if code in p.figures),
                  key=lambda item: (-item[1].revenue, item[0]))
    rows = [(name, f) for name, f in rows if f.revenue or f.costs]
    return ChartTable("Platforms compared", "Platform", [name for name, _ in rows], {
        "Revenue": [f.revenue for _, f in rows], "Costs": [f.costs for _, f in rows],
        "Profit": [f.profit for _, f in rows]}, True, code)


def top_products(summary: Summary, currency: str | None = None, count: int = 8) -> ChartTable:
    """The best-selling products by revenue in ``currency``."""
    code = currency or summary.currency
    best = [p for p in summary.products if p.currency == code and p.revenue > 0][:count]
    return ChartTable("Top products", "Product", [p.title or f"Product #{p.product_id}" for p in best], {
        "Revenue": [p.revenue for p in best], "Units": [p.units for p in best]}, True, code, counts=("Units",))


def engagement_over_time(summary: Summary, locale: str) -> ChartTable:
    """Interactions (likes, comments, shares, saves) gained per bucket, one series per platform."""
    days = bucket_days(summary.period.start, summary.period.end, summary.granularity)
    index = {day: n for n, day in enumerate(days)}
    by_platform: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    for point in summary.engagement_series:
        if point.bucket in index:
            by_platform[point.platform][index[point.bucket]] += point.engagement.interactions
    ordered = sorted(by_platform.items(), key=lambda item: (-sum(item[1]), item[0]))
    return ChartTable("Engagement over time", _bucket_heading(summary.granularity),
                      [bucket_label(d, summary.granularity, locale) for d in days], dict(ordered), False, None, days)


def _bucket_heading(granularity: str) -> str:
    return {"day": "Day", "week": "Week from", "month": "Month"}[granularity]

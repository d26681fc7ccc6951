"""Periods of the seller's local days (general.timezone) and their bounds in UTC, where sales are stored.

A sale at 23:30 IST on the 1st is 18:00 UTC on the 1st; one at 00:30 IST on the 2nd is 19:00 UTC on the 1st:
the day is only known after the offset, so every period is turned into UTC bounds before it meets the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import ValidationError
from core.i18n import N_, _
from core.preferences.layout import where

# Ten years: more than any comparison a seller makes, and a typed year 20226 fails fast instead of summing forever.
MAX_DAYS = 3660


COMPARISONS = ("before", "last-month", "last-year")


@dataclass(frozen=True)
class Period:
    """Local days ``start`` to ``end``, both included, and what they are compared with: the days just ``before``
    (as many), the same dates of the month before (``last-month``) or of the year before (``last-year``)."""

    start: date
    end: date
    comparison: str = "before"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError(_("The period ends ({end}) before it starts ({start}).").format(
                end=self.end, start=self.start), hint=_("Swap the two dates."))
        if self.days > MAX_DAYS:
            raise ValidationError(_("The period is {days} days long; at most {most} are summed at once.").format(
                days=self.days, most=MAX_DAYS))

    @property
    def days(self) -> int:
        """How many local days the period holds."""
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period changes are compared with: for this year so far, the same dates last year; for this month
        so far, the same dates last month; otherwise the period of equal length just before."""
        if self.comparison == "last-year":
            return Period(_shift(self.start, years=1), _shift(self.end, years=1))
        if self.comparison == "last-month":
            return Period(_shift(self.start, months=1), _shift(self.end, months=1))
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def comparison_label(self) -> str:
        """How the comparison reads beside a figure: "vs same dates last year", "vs previous 30 days"."""
        if self.comparison == "last-year":
            return _("vs same dates last year")
        if self.comparison == "last-month":
            return _("vs same dates last month")
        return _("vs previous {days} days").format(days=self.days) if self.days != 1 else _("vs the day before")

    def dates(self) -> list[date]:
        """Every day of the period, in order."""
        return [self.start + timedelta(days=n) for n in range(self.days)]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def _shift(day: date, *, years: int = 0, months: int = 0) -> date:
    """``day`` moved back by whole years or months; a day the earlier month lacks (29 Feb, 31st) becomes its last."""
    month_index = day.year * 12 + day.month - 1 - months - 12 * years
    year, month = divmod(month_index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (general.timezone), or a message saying how to fix the setting."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("{name} is not a time zone.").format(name=repr(name)), field="general.timezone",
            hint=_("Choose your city.") + " " + where("general.timezone", "Asia/Kolkata"),
        ) from None


def local_midnight_utc(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant the local ``day`` begins (the first midnight; where midnight is skipped, when the day starts)."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def utc_bounds(period: Period, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC half-open interval [start, end) covering the period's local days."""
    return local_midnight_utc(period.start, tz), local_midnight_utc(period.end + timedelta(days=1), tz)


def parse_day(raw: str, field: str = "date") -> date:
    """A day written as YYYY-MM-DD (what --from/--to and CSV files use)."""
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError(_("{value} is not a date.").format(value=repr(raw)), field=field,
                              hint=_("Write it as YYYY-MM-DD, e.g. 2026-11-01.")) from None


# The date-range picker's presets, in the order it shows them.
PRESETS = {"7d": N_("Last 7 days"), "30d": N_("Last 30 days"), "month": N_("This month"),
           "last-month": N_("Last month"), "year": N_("This year")}  # English; shown through _()


def preset_period(name: str, today: date) -> Period:
    """The period a preset names, ending ``today`` (the seller's local date) where it runs to now."""
    if name == "7d":
        return Period(today - timedelta(days=6), today)
    if name == "30d":
        return Period(today - timedelta(days=29), today)
    if name == "month":
        return Period(today.replace(day=1), today, "last-month")
    if name == "last-month":
        end = today.replace(day=1) - timedelta(days=1)
        return Period(end.replace(day=1), end)
    if name == "year":
        return Period(date(today.year, 1, 1), today, "last-year")
    raise ValidationError(_("There is no date range called {name}.").format(name=repr(name)),
                          hint=_("Use one of: {names}.").format(names=", ".join(PRESETS)))

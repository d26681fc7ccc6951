"""The seller's time zone: times are stored in UTC and shown in local time, and DST gaps and overlaps are explicit.

A wall-clock time that does not exist (clocks jump forward) is refused with the nearest valid times; one that
happens twice (clocks go back) is resolved to the first occurrence unless the seller says otherwise, and the
message says so. zoneinfo does the arithmetic, so every rule change in the tz database is followed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import ValidationError
from core.i18n import _, format_when
from core.preferences.layout import where
from core.preferences.zones import place

Ambiguity = Literal["earlier", "later", "refuse"]
DEFAULT_ZONE = "Asia/Kolkata"


def seller_zone(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (general.timezone); an unknown name is refused with an example."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("{zone} is not a time zone SellerDesk knows.").format(zone=repr(name)),
                              field="general.timezone",
                              hint=_("Choose your city.") + " " + where("general.timezone", "Asia/Kolkata")) from None


@dataclass(frozen=True)
class Resolved:
    """A local wall-clock time turned into one UTC instant, with what the seller should be told about it."""

    utc: datetime
    message: str = ""


def _offset_name(moment: datetime) -> str:
    name = moment.tzname() or ""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    text = f"UTC{sign}{abs(minutes) // 60}" + (f":{abs(minutes) % 60:02d}" if minutes % 60 else "")
    return f"{name}, {text}" if name and not name.startswith(("+", "-")) else text


def _transition(low: datetime, high: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant (to the second) between ``low`` and ``high`` at which ``zone``'s offset changes."""
    start = low.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == start:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def local_to_utc(wall: datetime, zone: ZoneInfo, *, ambiguous: Ambiguity = "earlier") -> Resolved:
    """The UTC instant of the naive local time ``wall`` in ``zone``.

    A time inside a DST gap raises ValidationError naming the jump; a time in an overlap is the first (or second,
    with ``ambiguous="later"``) occurrence, with a message saying which, or refused with ``ambiguous="refuse"``.
    """
    if wall.tzinfo is not None:
        return Resolved(wall.astimezone(UTC))
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return Resolved(first.astimezone(UTC))
    when = _("{time} on {day} in {zone}").format(time=f"{wall:%H:%M}", day=format_when(wall, "dd MMM y"),
                                                 zone=place(zone.key))
    # Round-tripping through UTC lands elsewhere only for a time that the clocks skip.
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        jump = _transition(second.astimezone(UTC), first.astimezone(UTC), zone)
        before, after = (jump - timedelta(seconds=1)).astimezone(zone), jump.astimezone(zone)
        jump_from, jump_to = f"{before + timedelta(seconds=1):%H:%M}", f"{after:%H:%M}"
        raise ValidationError(
            _("{when} does not exist: the clocks jump from {start} to {end}.").format(when=when, start=jump_from,
                                                                                      end=jump_to),
            field="time", hint=_("Choose a time before {start} or from {end}.").format(start=jump_from, end=jump_to))
    if ambiguous == "refuse":
        raise ValidationError(_("{when} happens twice: the clocks go back there.").format(when=when), field="time",
                              hint=_("Say which: {first} or {second}.").format(
                                  first=f"{first.isoformat()} ({_offset_name(first)})",
                                  second=f"{second.isoformat()} ({_offset_name(second)})"))
    chosen, other = (first, second) if ambiguous == "earlier" else (second, first)
    chose = (_("{when} happens twice (the clocks go back); SellerDesk chose the first one ({offset}). For the other, "
               "give {other}.") if ambiguous == "earlier" else
             _("{when} happens twice (the clocks go back); SellerDesk chose the second one ({offset}). For the other, "
               "give {other}."))
    return Resolved(chosen.astimezone(UTC),
                    chose.format(when=when, offset=_offset_name(chosen), other=other.isoformat()))


def parse_when(text: str, zone: ZoneInfo, *, ambiguous: Ambiguity = "earlier") -> Resolved:
    """An ISO 8601 time from the seller: with an offset it is exact; without, it is local time in ``zone``."""
    cleaned = text.strip().replace(" ", "T", 1) if "T" not in text else text.strip()
    try:
        parsed = datetime.fromisoformat(cleaned.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(_("{text} is not a date and time.").format(text=repr(text)), field="at",
                              hint=_("Use ISO 8601, e.g. 2026-12-05T18:30 (your local time) or 2026-12-05T13:00Z "
                                     "(UTC).")) from None
    return local_to_utc(parsed, zone, ambiguous=ambiguous)


def at_local(day: date, clock_time: time, zone: ZoneInfo, *, ambiguous: Ambiguity = "earlier") -> Resolved:
    """The instant ``clock_time`` on ``day`` in ``zone`` (the same wall-clock time on either side of a DST change)."""
    return local_to_utc(datetime.combine(day, clock_time), zone, ambiguous=ambiguous)


def move_to_day(moment: datetime, day: date, zone: ZoneInfo) -> Resolved:
    """``moment`` moved to ``day`` at the same local wall-clock time; a time the clocks skip that day moves later."""
    local = moment.astimezone(zone)
    try:
        return at_local(day, local.time().replace(tzinfo=None), zone)
    except ValidationError:
        # fold=0 reads a skipped time with the offset from before the jump, i.e. moves it later by the gap.
        shifted = datetime.combine(day, local.time().replace(tzinfo=None)).replace(tzinfo=zone, fold=0)
        shifted = shifted.astimezone(UTC)
        moved = _("{time} does not exist on {day} in {zone} (the clocks jump forward); SellerDesk moved it to "
                  "{moved}.")
        return Resolved(shifted, moved.format(time=f"{local:%H:%M}", day=format_when(day, "dd MMM y"),
                                              zone=place(zone.key), moved=f"{shifted.astimezone(zone):%H:%M}"))


def format_local(moment: datetime | None, zone: ZoneInfo) -> str:
    """How the seller reads a stored time: ``Sat 07 Mar 2026, 10:00 IST``; an empty string for no time."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    name = local.tzname() or ""
    label = name if name and not name.startswith(("+", "-")) else _offset_name(local)
    return f"{format_when(local, 'EEE dd MMM y, HH:mm')} {label}"  # day and month in the interface language

"""Time zones as sellers name them: by city and country, with this computer's zone as the default.

The names come from the tz database shipped with the ``tzdata`` package (``zone.tab`` lists each zone with its
country, ``iso3166.tab`` names the countries), so every zone is pickable and the list follows tz updates.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import ValidationError
from core.i18n import _

log = logging.getLogger(__name__)

FALLBACK_ZONE = "Asia/Kolkata"  # when the computer does not say (SellerDesk's first sellers are in India)
# Big cities that share another city's zone, so a seller finds theirs by the name they use.
ALIASES = {
    "Asia/Kolkata": ("Mumbai", "Delhi", "Bengaluru", "Chennai", "Hyderabad", "Ahmedabad", "Pune", "Jaipur"),
    "America/Los_Angeles": ("San Francisco", "Seattle"),
    "America/New_York": ("Washington", "Boston", "Miami"),
    "America/Chicago": ("Houston", "Dallas"),
    "Australia/Sydney": ("Canberra",),
    "Asia/Dubai": ("Abu Dhabi",),
}


@dataclass(frozen=True)
class ZoneChoice:
    """One entry of the time zone list: ``Los Angeles, United States · UTC−08:00`` for America/Los_Angeles."""

    zone: str
    city: str
    country: str

    def label(self, now: datetime | None = None) -> str:
        """The entry as the seller reads it, with the zone's offset from UTC at ``now``."""
        place = f"{self.city}, {self.country}" if self.country else self.city
        return f"{place} · {utc_offset(self.zone, now)}"


def utc_offset(name: str, now: datetime | None = None) -> str:
    """``UTC+05:30`` for Asia/Kolkata (at ``now``; zones with summer time change through the year)."""
    offset = (now or datetime.now(UTC)).astimezone(ZoneInfo(name)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _table(name: str) -> list[list[str]]:
    text = resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def choices() -> tuple[ZoneChoice, ...]:
    """Every city of the tz database (and the aliases above), sorted by city name."""
    countries = {row[0]: row[1] for row in _table("iso3166.tab")}
    found: list[ZoneChoice] = []
    for row in _table("zone.tab"):
        code, zone = row[0], row[2]
        country = countries.get(code, code)
        found.append(ZoneChoice(zone, city_of(zone), country))
        found.extend(ZoneChoice(zone, alias, country) for alias in ALIASES.get(zone, ()))
    found.append(ZoneChoice("UTC", "UTC (no time zone)", ""))
    return tuple(sorted(found, key=lambda c: (c.city.casefold(), c.country)))


def city_of(zone: str) -> str:
    """``America/Argentina/Buenos_Aires`` → ``Buenos Aires``."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def system_zone() -> str:
    """This computer's time zone (its IANA name), or Asia/Kolkata when the computer does not say."""
    # TZ first, read afresh each time (tzlocal caches its answer for the life of the process).
    name = os.environ.get("TZ", "").lstrip(":")
    if _known(name):
        return name
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
    except Exception as exc:  # tzlocal raises its own errors for a badly configured system
        log.info("this computer's time zone is not known (%s); using %s", exc, FALLBACK_ZONE)
        return FALLBACK_ZONE
    return name if _known(name) else FALLBACK_ZONE


def _known(name: str | None) -> bool:
    if not name or ("/" not in name and name != "UTC"):
        return False  # "IST" or "EST5EDT" style values are not places a seller would recognise
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def describe(zone: str) -> str:
    """How a message names a zone: ``Los Angeles, United States (UTC−08:00)``, not ``America/Los_Angeles``."""
    for choice in choices():
        if choice.zone == zone and choice.city == city_of(zone):
            return f"{choice.city}, {choice.country} ({utc_offset(zone)})"
    return f"{city_of(zone)} ({utc_offset(zone)})"


def check_zone(name: str) -> str:
    """``name`` if it is a time zone; a city the seller typed is accepted too (``Los Angeles``, ``mumbai``)."""
    text = name.strip()
    try:
        ZoneInfo(text)
        return text
    except (ZoneInfoNotFoundError, ValueError):
        pass
    wanted = text.casefold().replace("_", " ")
    for choice in choices():
        if choice.city.casefold() == wanted:
            return choice.zone
    raise ValidationError(_("Time zone: {name} is not a city or time zone SellerDesk knows.").format(name=repr(name)),
                          field="general.timezone",
                          hint=_("Type the nearest big city in your time zone, such as Kolkata, London or Los "
                                 "Angeles."))

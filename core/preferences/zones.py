"""Time zones as sellers name them: by city and country in the interface language, with this computer's zone as the
default.

The zones come from the tz database shipped with the ``tzdata`` package (``zone.tab`` lists each zone with its
country), so every zone is pickable and the list follows tz updates; the names of cities and countries come from
Babel's CLDR data (``कोलकाता, भारत`` in Hindi). A zone is found by its name in the interface language, its English
name or its IANA name, which is what is stored.
"""

from __future__ import annotations

import logging
import os
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import ValidationError
from core.i18n import _, cldr_locale, language, shown

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
    names: tuple[str, ...] = ()  # the city's other names a seller may type (English, the tz spelling, aliases)
    also: tuple[str, ...] = ()  # more words that find it (the country in English; the IANA name, not for aliases)

    def label(self, now: datetime | None = None) -> str:
        """The entry as the seller reads it, with the zone's offset from UTC at ``now``."""
        place = f"{self.city}, {self.country}" if self.country else self.city
        return f"{place} · {utc_offset(self.zone, now)}"

    def search_text(self, now: datetime | None = None) -> str:
        """Everything the entry is found by: its label, the city's other names, the country in English, the IANA
        name."""
        return " · ".join((self.label(now), *self.names, *self.also))


def utc_offset(name: str, now: datetime | None = None) -> str:
    """``UTC+05:30`` for Asia/Kolkata (at ``now``; zones with summer time change through the year)."""
    offset = (now or datetime.now(UTC)).astimezone(ZoneInfo(name)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _table(name: str) -> list[list[str]]:
    text = resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def choices() -> tuple[ZoneChoice, ...]:
    """Every city of the tz database (and the aliases above), named in the interface language, sorted by city."""
    return _choices(language())


@lru_cache(maxsize=3)
def _choices(catalog: str) -> tuple[ZoneChoice, ...]:
    cities = _cities(catalog)
    found = list(cities.values())
    if catalog == "en":  # the aliases are English names: cities of their own in English, names of their zone's else
        for zone, aliases in ALIASES.items():
            city = cities[zone]
            found.extend(ZoneChoice(zone, alias, city.country, also=city.also[:1]) for alias in aliases)  # no IANA
    return tuple(sorted(found, key=lambda c: (_sort_key(c.city), c.city, c.country)))


def _sort_key(city: str) -> str:
    """``São Paulo`` beside ``Sao``, not after ``Sydney``: Latin accents (combining marks U+0300-036F) do not count;
    Devanagari's vowel signs do."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", city.casefold()) if not "\u0300" <= ch <= "\u036f")


@lru_cache(maxsize=3)
def _cities(catalog: str) -> dict[str, ZoneChoice]:
    """Each zone's own entry (no aliases), by IANA name; ``catalog`` keys the cache to the interface language."""
    from babel import Locale
    from babel.dates import get_timezone_location

    here, english = Locale.parse(cldr_locale()), Locale.parse("en")
    cities: dict[str, ZoneChoice] = {}
    for row in _table("zone.tab"):
        code, zone = row[0], row[2]
        in_english = get_timezone_location(zone, english, return_city=True)
        city = shown(get_timezone_location(zone, here, return_city=True))
        names = (in_english, city_of(zone), *(() if catalog == "en" else ALIASES.get(zone, ())))
        cities[zone] = ZoneChoice(zone, city, shown(here.territories.get(code, code)),
                                  tuple(name for name in dict.fromkeys(names) if name != city),
                                  (english.territories.get(code, code), zone))
    universal = here.time_zones["Etc/UTC"]["long"]["standard"]  # "Coordinated Universal Time", "समन्वित वैश्विक समय"
    cities["UTC"] = ZoneChoice("UTC", shown(universal), "", (english.time_zones["Etc/UTC"]["long"]["standard"],),
                               ("UTC",))
    return cities


def city_of(zone: str) -> str:
    """``America/Argentina/Buenos_Aires`` → ``Buenos Aires`` (the tz database's spelling, in English)."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def place(zone: str) -> str:
    """``Los Angeles, United States`` (``लॉस एंजिल्स, संयुक्त राज्य`` in Hindi); a zone outside the list by its city
    alone."""
    city = _cities(language()).get(zone)
    if city is None:
        from babel.dates import get_timezone_location

        return shown(get_timezone_location(zone, cldr_locale(), return_city=True))
    return f"{city.city}, {city.country}" if city.country else city.city


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
    return f"{place(zone)} ({utc_offset(zone)})"


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
        if wanted in (name.casefold() for name in (choice.city, *choice.names)):
            return choice.zone
    raise ValidationError(_("Time zone: {name} is not a city or time zone SellerDesk knows.").format(name=repr(name)),
                          field="general.timezone",
                          hint=_("Type the nearest big city in your time zone, such as Kolkata, London or Los "
                                 "Angeles."))

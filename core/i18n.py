"""The interface language: gettext catalogs (``resources/locale/<lang>/LC_MESSAGES/sellerdesk.po``, managed with
Babel's ``pybabel extract/update``) for the window and the Qt-free core alike.

``_("text")`` translates now; ``N_("text")`` only marks a module-level constant for extraction, and the place that
shows it calls ``_()`` on it. The catalog is read from the ``.po`` file itself (Babel parses it), so there is no
compiled ``.mo`` to keep in step. ``general.language`` chooses: ``hi`` is Hindi; ``en`` and ``hinglish`` keep the
English text. The ``pseudo`` language wraps every translated string in ⟦…⟧ with accented letters, so a test can
see any visible text that bypassed translation.
"""

from __future__ import annotations

import gettext
import math
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Literal

from core.paths import resources_dir

DOMAIN = "sellerdesk"
LANGUAGES = {"en": None, "hinglish": None, "hi": "hi", "pseudo": "pseudo"}  # setting → catalog
_ACCENTS = str.maketrans("aceinorsuyACEINORSUY", "àçéîñöŕšüýÀÇÉÎÑÖŔŠÜÝ")
_state: dict[str, gettext.NullTranslations] = {"current": gettext.NullTranslations()}
_language = {"current": "en"}
Width = Literal["abbreviated", "wide"]
Unit = Literal["day", "hour", "minute", "second"]


class _Catalog(gettext.NullTranslations):
    """Translations read from a .po file; a message without a translation stays in English."""

    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self._messages = messages

    def gettext(self, message: str) -> str:
        return self._messages.get(message) or message


class _Pseudo(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return pseudo(message)


def pseudo(message: str) -> str:
    """``Settings`` → ``⟦Šéţţîñĝš⟧``-like: still readable, plainly translated, and wrapped so a test can tell."""
    out, depth = [], 0
    for ch in message:  # leave {placeholders} alone: str.format fills them after translation
        depth += ch == "{"
        out.append(ch if depth else ch.translate(_ACCENTS))
        depth -= ch == "}"
    return "⟦" + "".join(out) + "⟧"


@lru_cache(maxsize=4)
def _read(language: str) -> dict[str, str]:
    from babel.messages.pofile import read_po

    path = resources_dir() / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy
            and isinstance(m.id, str)}


def use_language(setting: str) -> None:
    """Show the interface in the language of ``general.language`` from now on (windows made later pick it up)."""
    catalog = LANGUAGES.get(setting)
    _language["current"] = catalog or "en"
    if catalog is None:
        _state["current"] = gettext.NullTranslations()
    elif catalog == "pseudo":
        _state["current"] = _Pseudo()
    else:
        _state["current"] = _Catalog(_read(catalog))


def language() -> str:
    """The catalog in use: ``en`` (English, also for Hinglish), ``hi`` or ``pseudo``."""
    return _language["current"]


def _(message: str) -> str:
    """``message`` in the interface language."""
    return _state["current"].gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it yet (for constants; translate where shown)."""
    return message


def cldr_locale() -> str:
    """Babel's locale for words from CLDR (names of days, months, cities and countries, units): the interface
    language's (pseudo reads English, wrapped by ``shown``)."""
    return "hi" if _language["current"] == "hi" else "en"


def shown(text: str) -> str:
    """``text`` taken from Babel's locale data as the interface shows it (wrapped in the pseudo language)."""
    return pseudo(text) if _language["current"] == "pseudo" else text


def listed(items: list[str] | tuple[str, ...]) -> str:
    """Names joined as a sentence joins them in the interface language, from Babel's CLDR list patterns: ``Etsy
    and Shopify``, ``Etsy, Meesho and Shopify`` (``Etsy और Shopify``)."""
    from babel.lists import format_list

    # CLDR's English puts a comma before "and" from three names on; SellerDesk's English does not.
    return shown(format_list(list(items), locale=cldr_locale()).replace(", and ", " and "))


def dates_locale(locale: str) -> str:
    """The Babel locale for dates written out in ``locale``'s order and the interface language's words (``en_IN``
    becomes ``hi_IN`` when the interface is Hindi: "4 नव॰ 2026"), for formatting with a skeleton."""
    if _language["current"] != "hi":
        return locale
    territory = locale.partition("_")[2]
    return f"hi_{territory}" if territory.isalpha() and territory.isupper() else "hi"


def day_names(width: Width = "abbreviated") -> list[str]:
    """Monday to Sunday in the interface language, from Babel's locale data (``सोम`` … ``रवि`` in Hindi)."""
    from babel.dates import get_day_names

    names = get_day_names(width, locale=cldr_locale())
    return [shown(str(names[day])) for day in range(7)]


def month_names(width: Width = "wide") -> list[str]:
    """January to December in the interface language, from Babel's locale data."""
    from babel.dates import get_month_names

    names = get_month_names(width, locale=cldr_locale())
    return [shown(str(names[month])) for month in range(1, 13)]


def format_when(moment: date | datetime, pattern: str) -> str:
    """``moment`` by a CLDR ``pattern`` (``EEE d MMM, HH:mm``) with day and month names in the interface language;
    digits stay 0-9."""
    from babel.dates import format_date, format_datetime

    if isinstance(moment, datetime):
        return shown(format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=cldr_locale()))
    return shown(format_date(moment, pattern, locale=cldr_locale()))


def format_duration(length: timedelta | float, *, direction: bool = False, unit: Unit | None = None) -> str:
    """A length of time (or seconds) as a person reads it, in the interface language from Babel's CLDR units:
    ``15 minutes``, ``2 hours`` (``15 मिनट``, ``2 घंटे``), rounded to its largest unit, or counted in ``unit`` (``6
    days``, not ``1 week``); with ``direction``, ``in 3 days`` (``3 दिन में``) for a length ahead and ``3 days ago``
    for one behind (a negative length)."""
    from babel.dates import format_timedelta

    delta = length if isinstance(length, timedelta) else timedelta(seconds=length)
    if unit is None:
        return shown(format_timedelta(delta, add_direction=direction, locale=cldr_locale()))
    return shown(format_timedelta(delta, granularity=unit, threshold=math.inf, add_direction=direction,
                                  locale=cldr_locale()))

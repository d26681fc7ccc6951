"""Money shown the way the seller reads it: ₹1,23,456.00 for en_IN, $1,234.50 for en_US."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

_DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
_digits = {"value": "latin"}


def use_digits(name: str) -> None:
    """Show amounts with ``latin`` (0-9) or ``devanagari`` (०-९) digits from now on (general.digits)."""
    _digits["value"] = name


@lru_cache(maxsize=32)
def _locale(name: str):  # type: ignore[no-untyped-def]
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_IN")


def format_money(amount: Decimal | str, currency: str, locale: str = "en_IN") -> str:
    """``amount`` in ``currency`` formatted for ``locale`` (unknown locales fall back to en_IN), in the digits the
    seller chose (general.digits)."""
    from babel.numbers import format_currency

    text = str(format_currency(Decimal(amount), currency, locale=_locale(locale)))
    return text.translate(_DEVANAGARI) if _digits["value"] == "devanagari" else text

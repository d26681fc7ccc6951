"""Checks beyond a setting's type: each says in plain words what is wrong and what would be right.

``Settings.set`` runs them, so the Settings window and ``sellerdesk config set`` refuse the same values the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.errors import ValidationError
from core.i18n import _

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$")
_URL_KEYS = re.compile(r"(_url|api_base|\.endpoint)$")


def _label(key: str) -> str:
    from core.preferences.layout import place_of

    return _(place_of(key).label)


def _currency(key: str, value: str) -> str:
    from core.products.fields import parse_currency

    try:
        return parse_currency(value)
    except ValidationError:
        raise ValidationError(_("{label}: {value} is not a currency code.").format(
            label=_label(key), value=repr(value)), field=key,
            hint=_("Use three letters such as INR, USD or EUR.")) from None


def _locale(key: str, value: str) -> str:
    from babel import Locale, UnknownLocaleError

    from core.locales import supported_locales

    try:
        name = str(Locale.parse(value))
    except (UnknownLocaleError, ValueError, TypeError):
        name = ""
    if not name or name not in {str(Locale.parse(known)) for known in supported_locales()}:
        # the installed app carries Babel's data for these only
        raise ValidationError(_("{label}: {value} is not a language and country SellerDesk knows.").format(
            label=_label(key), value=repr(value)), field=key,
            hint=_("One of {choices}.").format(choices=", ".join(supported_locales())))
    return value


def _timezone(key: str, value: str) -> str:
    from core.preferences.zones import check_zone

    return check_zone(value)


def _colour(key: str, value: str) -> str:
    if not _COLOUR.match(value):
        raise ValidationError(_("{label}: {value} is not a colour.").format(label=_label(key), value=repr(value)),
                              field=key, hint=_("Write it as # and six hex digits, like #FFFFFF for white."))
    return value.upper()


def _shop_domain(key: str, value: str) -> str:
    text = value.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")
    if text and not _DOMAIN.match(text):
        raise ValidationError(_("{label}: {value} is not a store address.").format(
            label=_label(key), value=repr(value)), field=key,
                              hint=_("Write it like mystore.myshopify.com (shown in your Shopify admin's address)."))
    return text


def _url(key: str, value: str) -> str:
    text = value.strip()
    if not text:
        return text
    parts = urlsplit(text.replace("{shop}", "shop.example").replace("{version}", "v1"))
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ValidationError(_("{label}: {value} is not a web address.").format(label=_label(key), value=repr(value)),
                              field=key, hint=_("Write it in full, starting with https://."))
    return text


def _executable(key: str, value: str) -> str:
    text = value.strip()
    if text and not Path(text).is_file():
        raise ValidationError(_("{label}: there is no program at {path}.").format(label=_label(key), path=text),
                              field=key,
                              hint=_("Choose the browser's program file, or leave it empty to use the browser above."))
    return text


def _platform_list(key: str, value: str) -> str:
    from core.platforms.specs import all_specs

    names = [name.strip().lower() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in all_specs()]
    if unknown:
        raise ValidationError(_("{label}: {names} is not a platform SellerDesk knows.").format(
            label=_label(key), names=", ".join(unknown)), field=key,
            hint=_("Use names from: {names}.").format(names=", ".join(sorted(all_specs()))))
    return ",".join(names)


def _setting_list(key: str, value: str) -> str:
    from core.settings import schema

    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in schema()]
    if unknown:
        raise ValidationError(_("{label}: there is no setting called {names}.").format(
            label=_label(key), names=", ".join(unknown)), field=key)
    return ",".join(names)


_CHECKS: dict[str, Callable[[str, str], str]] = {
    "general.currency": _currency,
    "general.locale": _locale,
    "general.timezone": _timezone,
    "images.background": _colour,
    "platforms.shopify.shop_domain": _shop_domain,
    "browser.executable_path": _executable,
    "listings.stock_sync_off": _platform_list,
    "sync.settings_keys": _setting_list,
}


def check(key: str, value: Any) -> Any:
    """``value`` (already of the setting's type) as it will be stored, or a ValidationError in plain words."""
    if not isinstance(value, str):
        return value
    if key in _CHECKS:
        return _CHECKS[key](key, value)
    if _URL_KEYS.search(key):
        return _url(key, value)
    return value

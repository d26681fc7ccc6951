"""Parsing and checking product fields, shared by the CLI, CSV import and the desktop editor."""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from core.db.reads import plain_decimal
from core.errors import ValidationError
from core.i18n import N_, _

MAX_TITLE = 500
MAX_DESCRIPTION = 20_000
MAX_SKU = 100
MAX_CATEGORY = 200
MAX_PRICE = Decimal("100000000")  # one crore in any currency is beyond a small seller's single item
STATUSES = ("draft", "ready", "archived")
LANGUAGES = ("en", "hi", "hinglish")

# Digits with optional group separators (1,234.50 or Indian 1,23,456.00) and at most one decimal point.
_PRICE_RE = re.compile(r"^\d{1,3}(?:,\d{2,3})*(?:\.\d+)?$|^\d+(?:\.\d+)?$")
_SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$")
# The fields a message names, as a seller calls them (the English is the field's name, as before).
_PRICE_WORDS = {"price": N_("price"), "cost_price": N_("cost price"), "mrp": N_("mrp")}
_CHOICE_WORDS = {"status": N_("status"), "language": N_("language")}


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def parse_title(raw: Any) -> str:
    """A non-empty, single-line title of at most 500 characters."""
    title = " ".join(str(raw or "").split())
    if not title:
        raise ValidationError(_("The title is empty."), field="title",
                              hint=_("Give the product a name buyers search for."))
    if len(title) > MAX_TITLE:
        raise ValidationError(_("The title is {count} characters; at most {most} are kept.").format(
            count=len(title), most=MAX_TITLE), field="title")
    return title


def parse_description(raw: Any) -> str:
    """Free text of at most 20,000 characters (platform limits are applied per listing later)."""
    text = str(raw or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise ValidationError(_("The description is {count} characters; at most {most} are kept.").format(
            count=len(text), most=MAX_DESCRIPTION), field="description")
    return text


def parse_price(raw: Any, currency: str = "INR", *, name: str = "price", zero: bool = False) -> Decimal:
    """A positive price with no more decimals than the currency has (₹ 1,23,456.50 → 123456.50).

    ``name`` is the field the messages speak of; ``zero`` lets 0 through (a cost can be nothing, a price cannot).
    """
    text = str(raw if raw is not None else "").strip().replace(" ", "")
    text = re.sub(r"^(?:₹|Rs\.?|INR|\$|US\$|€|£)", "", text, flags=re.IGNORECASE)
    label = _(_PRICE_WORDS.get(name, name))
    if not _PRICE_RE.match(text):
        raise ValidationError(_("The {field} {value} is not a number.").format(field=label, value=repr(raw)),
                              field=name, hint=_("Write it like 499 or 1,299.50."))
    try:
        price = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValidationError(_("The {field} {value} is not a number.").format(field=label, value=repr(raw)),
                              field=name) from None
    if price < 0 or (price == 0 and not zero):
        raise ValidationError(_("The {field} must be more than zero.").format(field=label), field=name)
    if price >= MAX_PRICE:
        raise ValidationError(_("The {field} {value} is too large.").format(field=label, value=raw), field=name,
                              hint=_("Check for extra digits."))
    from babel.numbers import get_currency_precision

    digits = get_currency_precision(currency)
    if -price.as_tuple().exponent > digits:  # type: ignore[operator]
        raise ValidationError(_("The {field} {value} has more decimals than {currency} allows ({digits}).").format(
            field=label, value=raw, currency=currency, digits=digits), field=name)
    return plain_decimal(price)


def parse_cost(raw: Any, currency: str = "INR") -> Decimal | None:
    """What one item costs the seller to make or buy (0 or more); empty means not known (None)."""
    if raw is None or str(raw).strip() == "":
        return None
    return parse_price(raw, currency, name="cost_price", zero=True)


def parse_currency(raw: Any) -> str:
    """An ISO 4217 code such as INR, USD, EUR."""
    code = str(raw or "").strip().upper()
    if code not in _currencies():
        raise ValidationError(_("{value} is not a currency code.").format(value=repr(raw)), field="currency",
                              hint=_("Use a code like INR, USD or EUR."))
    return code


def parse_quantity(raw: Any) -> int:
    """A whole number of items in stock, zero or more."""
    try:
        qty = int(str(raw).strip())
    except ValueError:
        raise ValidationError(_("The quantity {quantity} is not a whole number.").format(quantity=repr(raw)),
                              field="quantity") from None
    if qty < 0 or qty > 1_000_000:
        raise ValidationError(_("The quantity {quantity} must be between 0 and {most}.").format(
            quantity=qty, most="1,000,000"), field="quantity")
    return qty


def parse_sku(raw: Any) -> str | None:
    """An optional stock-keeping code: letters, digits, . _ - /; empty means none."""
    sku = str(raw or "").strip()
    if not sku:
        return None
    if len(sku) > MAX_SKU or not _SKU_RE.match(sku):
        raise ValidationError(
            _("The SKU {sku} is not usable.").format(sku=repr(sku)),
            field="sku",
            hint=_("Use up to {most} letters, digits, '.', '_', '-' or '/'.").format(most=MAX_SKU),
        )
    return sku


def parse_category(raw: Any) -> str:
    """A free-text category (e.g. 'Home > Candles'), at most 200 characters."""
    category = " ".join(str(raw or "").split())
    if len(category) > MAX_CATEGORY:
        raise ValidationError(_("The category is longer than {most} characters.").format(most=MAX_CATEGORY),
                              field="category")
    return category


def parse_choice(raw: Any, field: str, choices: tuple[str, ...]) -> str:
    """One of a fixed set of words (status, language)."""
    value = str(raw or "").strip().lower()
    if value not in choices:
        raise ValidationError(_("The {field} {value} must be one of: {choices}.").format(
            field=_(_CHOICE_WORDS.get(field, field)), value=repr(raw), choices=", ".join(choices)), field=field)
    return value


def parse_attributes(pairs: list[str] | str | dict[str, Any] | None) -> dict[str, str]:
    """Attributes from ``key=value`` pairs (CLI, or ``;``-separated in CSV), a JSON object text, or a dict."""
    if not pairs:
        return {}
    if isinstance(pairs, str) and pairs.lstrip().startswith("{"):
        try:
            pairs = json.loads(pairs)
        except json.JSONDecodeError:
            raise ValidationError(_("The attributes are not valid JSON."), field="attributes") from None
        if not isinstance(pairs, dict):
            raise ValidationError(_("The attributes must be a JSON object."), field="attributes")
    if isinstance(pairs, dict):
        items = [(str(k), str(v)) for k, v in pairs.items()]
    else:
        raw_items = pairs.split(";") if isinstance(pairs, str) else pairs
        items = []
        for item in raw_items:
            if not item.strip():
                continue
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                raise ValidationError(
                    _("The attribute {item} is not of the form name=value.").format(item=repr(item)),
                    field="attributes", hint=_("Write it like colour=red."),
                )
            items.append((key, value))
    attrs = {" ".join(k.split()): " ".join(v.split()) for k, v in items}
    for key, value in attrs.items():
        if len(key) > 100 or len(value) > 500:
            raise ValidationError(_("The attribute {name} is too long.").format(name=repr(key[:40])),
                                  field="attributes")
    return attrs


def format_attributes(attributes: dict[str, Any]) -> str:
    """The spreadsheet form ``colour=red;size=M``, or JSON when a name or value holds ``;`` or ``=``."""
    if any(";" in f"{k}{v}" or "=" in f"{k}{v}" for k, v in attributes.items()) or any(
        str(v) != " ".join(str(v).split()) for v in attributes.values()
    ):
        return json.dumps(attributes, ensure_ascii=False)
    return ";".join(f"{k}={v}" for k, v in attributes.items())

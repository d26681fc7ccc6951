"""A product's marketplace details: Legal Metrology facts (MRP, net quantity, country of origin, who made, packed
or imported it), weight, HSN code and GST rate, checked here for the CLI, CSV import and the editor alike.

Meesho enforces the Legal Metrology facts (shared/platform-facts.md); HSN and GST are for GST-registered sellers
and are internal: they are never given to the copy writer. ``legal`` holds the names and addresses as one record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from core.db.reads import plain_decimal
from core.errors import ValidationError
from core.i18n import N_, _
from core.products import fields as F

# Field key → the label the product editor shows (messages and the pre-send check name fields by it).
LABELS: dict[str, str] = {
    "mrp": N_("MRP"),
    "net_quantity": N_("Net quantity"),
    "weight_grams": N_("Weight (g)"),
    "country_of_origin": N_("Country of origin"),
    "hsn_code": N_("HSN code"),
    "gst_percent": N_("GST %"),
    "manufacturer_name": N_("Manufacturer name"),
    "manufacturer_address": N_("Manufacturer address"),
    "packer_name": N_("Packer name"),
    "packer_address": N_("Packer address"),
    "importer_name": N_("Importer name"),
    "importer_address": N_("Importer address"),
}
COLUMNS = ("mrp", "net_quantity", "weight_grams", "country_of_origin", "hsn_code", "gst_percent")
LEGAL_KEYS = ("manufacturer_name", "manufacturer_address", "packer_name", "packer_address", "importer_name",
              "importer_address")
FIELDS = COLUMNS + LEGAL_KEYS
# GST slabs before September 2025 (0, 0.25, 3, 5, 12, 18, 28) and the 2025 slabs (0, 5, 18, 40): a product may
# still carry an older rate, so any of them is accepted.
GST_RATES = tuple(Decimal(r) for r in ("0", "0.25", "3", "5", "12", "18", "28", "40"))
# Attribute names (as sellers and earlier versions wrote them) → the field they now live in.
ATTRIBUTE_KEYS: dict[str, str] = {
    "mrp": "mrp", "net_quantity": "net_quantity", "weight_g": "weight_grams", "weight_grams": "weight_grams",
    "weight": "weight_grams", "country_of_origin": "country_of_origin", "hsn_code": "hsn_code", "hsn": "hsn_code",
    "gst_rate": "gst_percent", "gst_percent": "gst_percent", "gst": "gst_percent",
    **{key: key for key in LEGAL_KEYS},
}
MAX_TEXT = 200
MAX_ADDRESS = 500
_HSN_RE = re.compile(r"^(?:\d{4}|\d{6}|\d{8})$")
_WEIGHT_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*(g|gm|gms|grams?|kg|kgs?)?$", re.IGNORECASE)


def label(key: str) -> str:
    """The editor's (translated) label of field ``key``."""
    return _(LABELS[key])


def _blank(raw: Any) -> bool:
    return raw is None or str(raw).strip() == ""


def parse_hsn(raw: Any) -> str | None:
    """An HSN code of 4, 6 or 8 digits (spaces and dots are ignored); empty means none."""
    if _blank(raw):
        return None
    code = re.sub(r"[\s.]", "", str(raw))
    if not _HSN_RE.match(code):
        raise ValidationError(_("The HSN code {value!r} must be 4, 6 or 8 digits.").format(value=str(raw).strip()),
                              field="hsn_code", hint=_("Write it like 6912 or 69120010."))
    return code


def parse_gst(raw: Any) -> Decimal | None:
    """A GST rate in percent, one of the Indian slabs; empty means none."""
    if _blank(raw):
        return None
    text = str(raw).strip().rstrip("%").strip()
    try:
        rate = Decimal(text)
    except InvalidOperation:
        rate = Decimal(-1)
    if rate not in GST_RATES:
        rates = ", ".join(str(r) for r in GST_RATES)
        raise ValidationError(_("The GST % {value!r} is not a GST rate.").format(value=str(raw).strip()),
                              field="gst_percent", hint=_("Use one of: {rates}.").format(rates=rates))
    return plain_decimal(rate)


def parse_weight(raw: Any) -> int | None:
    """The packed weight in whole grams, more than zero ("250", "250 g", "1.2 kg"); empty means not known."""
    if _blank(raw):
        return None
    match = _WEIGHT_RE.match(str(raw).strip())
    grams = None
    if match:
        amount = Decimal(match.group(1)) * (1000 if (match.group(2) or "").lower().startswith("k") else 1)
        grams = int(amount.to_integral_value())
    if grams is None or grams <= 0 or grams > 1_000_000:
        raise ValidationError(_("The weight {value!r} must be a number of grams more than zero.").format(
            value=str(raw).strip()), field="weight_grams", hint=_("Write it like 250 or 1.2 kg."))
    return grams


def parse_mrp(raw: Any, currency: str) -> Decimal | None:
    """The maximum retail price printed on the pack; empty means none."""
    if _blank(raw):
        return None
    return F.parse_price(raw, currency, name="mrp")


def _text(raw: Any, key: str, limit: int) -> str | None:
    text = " ".join(str(raw or "").split())
    if not text:
        return None
    if len(text) > limit:
        raise ValidationError(_("The {label} is longer than {limit} characters.").format(
            label=label(key), limit=limit), field=key)
    return text


def parse_legal(raw: Mapping[str, Any]) -> dict[str, str]:
    """The manufacturer, packer and importer names and addresses that are given (empty ones are left out)."""
    legal: dict[str, str] = {}
    for key in LEGAL_KEYS:
        value = _text(raw.get(key), key, MAX_ADDRESS if key.endswith("address") else MAX_TEXT)
        if value:
            legal[key] = value
    return legal


def parse_details(values: Mapping[str, Any], currency: str) -> dict[str, Any]:
    """The marketplace fields present in ``values`` (raw text), checked; a field given as "" is cleared (None).

    ``legal`` is returned whole when any of its keys is present (keys not present are kept by the caller)."""
    parsers: dict[str, Any] = {
        "mrp": lambda v: parse_mrp(v, currency), "net_quantity": lambda v: _text(v, "net_quantity", MAX_TEXT),
        "weight_grams": parse_weight, "country_of_origin": lambda v: _text(v, "country_of_origin", 100),
        "hsn_code": parse_hsn, "gst_percent": parse_gst,
    }
    details = {key: parse(values[key]) for key, parse in parsers.items() if values.get(key) is not None}
    if any(values.get(key) is not None for key in LEGAL_KEYS):
        details["legal"] = {key: values[key] for key in LEGAL_KEYS if values.get(key) is not None}
    return details


def check_mrp(mrp: Decimal | None, price: Decimal) -> None:
    """MRP is the most a buyer may be charged: the selling price may not be above it."""
    if mrp is not None and price > 0 and mrp < price:
        raise ValidationError(_("The MRP {mrp} is less than the price {price}.").format(mrp=mrp, price=price),
                              field="mrp", hint=_("The MRP must be at least the selling price."))


def split_attributes(attributes: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """``attributes`` as (the ones that are marketplace fields, keyed by field; the rest): the first of several
    names for one field wins."""
    moved: dict[str, str] = {}
    rest: dict[str, str] = {}
    for key, value in attributes.items():
        field = ATTRIBUTE_KEYS.get(str(key).strip().lower())
        if field is None or field in moved or not str(value).strip():
            rest[str(key)] = str(value)
        else:
            moved[field] = str(value)
    return moved, rest


def as_text(details: Mapping[str, Any]) -> dict[str, str]:
    """Every marketplace field as display text ("" when not set), ``legal`` spread out into its keys."""
    legal = details.get("legal") or {}
    out = {key: "" if details.get(key) is None else str(details[key]) for key in COLUMNS}
    out.update({key: str(legal.get(key) or "") for key in LEGAL_KEYS})
    return out


def details_of(product: Any) -> dict[str, Any]:
    """The marketplace fields of a product row (or view) as a dict: the columns and ``legal``."""
    return {"legal": product.legal, **{key: getattr(product, key) for key in COLUMNS}}


def given_details(product: Any) -> dict[str, str]:
    """The marketplace details a product has, as text (the ones not given are left out)."""
    return {key: value for key, value in as_text(details_of(product)).items() if value}

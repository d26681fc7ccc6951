"""What goes into each field of a portal's form, worked out from the ListingRequest before any browser opens.

A field's ``source`` in the data file names where its value comes from; alternatives are separated by ``|`` and
the first one with a value wins:

- ``title``, ``description`` (with the bullets), ``sku``, ``price``, ``quantity``, ``category``, ``images``;
- ``specifications``: the product's attributes not used by another field, as (name, value) pairs;
- ``product:NAME``: one of the product's marketplace details (mrp, net_quantity, weight_grams, hsn_code, …);
- ``attribute:NAME``: one of the product's attributes; ``preference:NAME``: the seller's default for the platform;
- ``=TEXT``: a fixed value.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from core.i18n import _
from core.platforms.base import ListingRequest
from core.platforms.browser.spec import FieldSpec, PortalSpec
from core.platforms.errors import ContentRejected
from core.platforms.specs import display_name
from core.products import marketplace

FieldValue = str | tuple[Path, ...] | tuple[tuple[str, str], ...]
_COPY = ("title", "description")


def _attribute(request: ListingRequest, name: str) -> str | None:
    for key, value in request.attributes.items():
        if key.lower() == name.lower() and str(value).strip():
            return str(value).strip()
    return None


def format_price(value: Decimal, fmt: str) -> str:
    """A price as a portal's field wants it: ``integer`` (whole rupees), ``decimal`` (two places) or as stored."""
    if fmt == "integer":
        return str(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{value:.2f}" if fmt == "decimal" else str(value)


def _category(request: ListingRequest, prefs: Mapping[str, Any]) -> str:
    # The seller may map their own category names onto the portal's tree once, in the platform's preferences.
    mapped = (prefs.get("category_by_category") or {}).get(request.category)
    return str(mapped or request.category)


def _one(source: str, field: FieldSpec, request: ListingRequest, prefs: Mapping[str, Any],
         taken: set[str]) -> FieldValue | None:
    if source.startswith("="):
        return source[1:]
    kind, _, name = source.partition(":")
    if kind == "product":
        return request.details.get(name) or None
    if kind == "attribute":
        return _attribute(request, name)
    if kind == "preference":
        value = prefs.get(name)
        return str(value) if value not in (None, "") else None
    facts: dict[str, FieldValue | None] = {
        "title": request.copy.title,
        "description": request.copy.text_with_bullets(),
        "sku": request.listing_sku,  # one made from the job's key for a product without: find_existing needs it
        "price": format_price(request.price, field.format),
        "quantity": str(request.quantity),
        "category": _category(request, prefs),
        "images": tuple(request.images),
        "specifications": tuple((k[:1].upper() + k[1:].replace("_", " "), str(v).strip())
                                for k, v in request.attributes.items()
                                if k.lower() not in taken and str(v).strip()),
    }
    if kind not in facts:
        raise ValueError(f"unknown value source {source!r} for field {field.key!r}")
    return facts[kind]


def fix_for(field: FieldSpec, platform: str) -> str:
    """What the seller changes when the portal refuses ``field`` (depends on where its value came from)."""
    name = display_name(platform)
    sources = field.source.split("|")
    kinds = {s.partition(":")[0] for s in sources}
    label = _(field.label)
    if kinds & set(_COPY):
        return _("Change the {platform} {field} in the Content tab and publish again.").format(platform=name,
                                                                                               field=label)
    attribute = next((s.partition(":")[2] for s in sources if s.startswith("attribute:")), None)
    preference = next((s.partition(":")[2] for s in sources if s.startswith("preference:")), None)
    command = f"sellerdesk platforms prefs {platform} {preference}=VALUE"
    detail = _detail(field)
    if detail:
        if preference:
            return _("Fill in '{field}' under Marketplace details in the product editor (Products tab), or one value "
                     "for every product: {command}.").format(field=marketplace.label(detail), command=command)
        return _("Fill in '{field}' under Marketplace details in the product editor (Products tab) and publish "
                 "again.").format(field=marketplace.label(detail))
    if attribute and preference:
        return _("Set the product's '{attribute}' attribute in the Products tab, or one value for every product: "
                 "{command}; then publish again.").format(attribute=attribute, command=command)
    if attribute:
        return _("Set the product's '{attribute}' attribute in the Products tab and publish again.").format(
            attribute=attribute)
    if preference:
        return _("Choose it once for {platform}: {command}.").format(platform=name, command=command)
    return _("Change the product's {field} in the Products tab and publish again.").format(field=label)


def _detail(field: FieldSpec) -> str | None:
    return next((s.partition(":")[2] for s in field.source.split("|") if s.startswith("product:")), None)


def field_name(field: FieldSpec) -> str:
    """How a message names ``field``: by the product editor's label when the value is a marketplace detail."""
    detail = _detail(field)
    return marketplace.label(detail) if detail else _(field.label)


def resolve(field: FieldSpec, request: ListingRequest, prefs: Mapping[str, Any],
            taken: set[str] | None = None) -> FieldValue | None:
    """The value of ``field``: the first of its ``|``-separated sources that has one (None: none has).
    ``taken`` names the attributes other fields use, left out of ``specifications``."""
    for source in field.source.split("|"):
        value = _one(source.strip(), field, request, prefs, taken or set())
        if value:
            return value
    return None


def form_values(portal: PortalSpec, request: ListingRequest, prefs: Mapping[str, Any],
                platform: str) -> dict[str, FieldValue]:
    """The value of every field of the portal's listing form; a required one without a value is refused here,
    before a browser opens, with what to change."""
    product = request.product_label
    name = display_name(platform)
    if portal.currency and request.currency != portal.currency:
        raise ContentRejected(platform, "price", _("{platform} sells in {currency} but the product is priced "
                                                   "in {priced}").format(platform=name, currency=portal.currency,
                                                                         priced=request.currency), product=product,
                              fix=_("Give the product a price in {currency} before listing it on {platform}.").format(
                                  currency=portal.currency, platform=name))
    taken = {s.partition(":")[2].lower() for f in portal.fields() for s in f.source.split("|")
             if s.startswith("attribute:")}
    values: dict[str, FieldValue] = {}
    for field in portal.fields():
        value = resolve(field, request, prefs, taken)
        if field.required and not value:
            raise _lacking(field, platform, product)
        values[field.key] = value or ""
    for field in portal.fields():
        if field.required_unless is not None and not values[field.key]:
            other, allowed = field.required_unless
            if str(values.get(other, "")).casefold() != allowed.casefold():
                label = next((field_name(f) for f in portal.fields() if f.key == other), other)
                raise _lacking(field, platform, product, _(" (the {field} is {value})").format(
                    field=label, value=values.get(other)))
    return values


def _lacking(field: FieldSpec, platform: str, product: str, why: str = "") -> ContentRejected:
    detail = _detail(field)  # the refusal's field in English: ContentRejected translates it
    return ContentRejected(platform, marketplace.LABELS[detail] if detail else field.label,
                           _("{platform} needs the {field}{why} and the product has none").format(
                               platform=display_name(platform), field=field_name(field), why=why),
                           fix=fix_for(field, platform), product=product)

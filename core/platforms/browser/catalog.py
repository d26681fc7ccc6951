"""Designs grouped into one catalog, as Meesho lists them: the same grouping for the bulk template and the panel.

A Meesho catalog is 2 to 9 designs of one product (3-4 recommended), all under one catalog name. How many designs a
catalog takes, and which attributes each category demands of every design, are data: the portal's bulk template
layout (resources/portals/templates/<platform>.json: ``min_products``, ``max_products`` and each category's
``columns``). The template route writes one row per design of a :class:`Catalog`; the automated route fills the
panel's catalog form with the same designs.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from core.db.models import AuditEvent
from core.db.types import utcnow
from core.errors import ValidationError
from core.i18n import _
from core.listings.store import record_publish
from core.platforms.base import ListingRequest, ListingResult, Platform
from core.platforms.browser.form import choose
from core.platforms.browser.spec import FieldSpec, PortalSpec
from core.platforms.browser.values import FieldValue, field_name, fix_for, form_values, resolve
from core.platforms.connections import mark_needs_attention
from core.platforms.errors import AuthExpired
from core.platforms.publish import VariantSource, build_listing_request
from core.platforms.specs import display_name

if TYPE_CHECKING:
    from core.app import App


@dataclass(frozen=True)
class Catalog:
    """The designs of one catalog, in the seller's order, and the catalog's name (the first design's title unless
    the seller named it)."""

    platform: str
    name: str
    designs: tuple[ListingRequest, ...]


def check_count(platform: str, layout: Mapping[str, Any], count: int) -> None:
    """Refuse a catalog (or template file) of fewer or more products than the layout allows."""
    low, high = int(layout["min_products"]), int(layout["max_products"])
    if not low <= count <= high:
        what = _("a catalog") if platform == "meesho" else _("one file")
        raise ValidationError(_("{platform} takes {low} to {high} products in {what}; {count} were chosen.").format(
            platform=display_name(platform), low=low, high=high, what=what, count=count), field="products",
                              hint=_("Choose {count} products (for Meesho: the designs of one product).").format(
                                  count=layout.get("recommended_products", low)))


def group_designs(app: App, platform: str, layout: Mapping[str, Any], product_ids: Sequence[int], *,
                  catalog_name: str | None = None, variants: VariantSource | None = None,
                  new_listing: bool = False) -> Catalog:
    """The products ``product_ids`` as the designs of one catalog (their approved copy and platform photos);
    ``new_listing`` refuses copy approved before a product changed, as a first publish does."""
    check_count(platform, layout, len(product_ids))
    source = variants if variants is not None else app.image_store
    designs = tuple(build_listing_request(app.db, pid, platform, source, new_listing=new_listing)
                    for pid in product_ids)
    name = (catalog_name or "").strip() or designs[0].copy.title
    return Catalog(platform, name, designs)


def layout_category(layout: Mapping[str, Any], category: str) -> str | None:
    """The layout's category ``category`` names: its key, or a category path ending like it ("Kitchen > Mugs")."""
    keys = [str(k) for k in layout["categories"]]
    wanted = " ".join(category.split()).casefold()
    for key in keys:
        if " ".join(key.split()).casefold() == wanted:
            return key
    index = choose([str(layout["categories"][k].get("path", k)) for k in keys], category)
    return keys[index] if index is not None else None


def column_fields(columns: Sequence[Mapping[str, Any]]) -> list[FieldSpec]:
    """A layout's columns as fields (named by their header), so their values resolve as a form's fields do."""
    return [FieldSpec(key=c["header"], label=c["header"], kind="text", source=c["source"], parts={},
                      required=bool(c.get("required", True)), format=c.get("format", ""),
                      required_unless=(str(u["field"]), str(u["is"])) if (u := c.get("required_unless")) else None)
            for c in columns]


def design_values(fields: Sequence[FieldSpec], catalog: Catalog, prefs: Mapping[str, Any]
                  ) -> tuple[list[dict[str, str]], list[str]]:
    """Every design's value of each field (``catalog`` as a source is the catalog's name), and what is missing:
    one plain sentence per required field a design has no value for."""
    taken = {s.partition(":")[2].lower() for f in fields for s in f.source.split("|") if s.startswith("attribute:")}
    rows, problems = [], []
    for request in catalog.designs:
        row: dict[str, str] = {}
        for field in fields:
            value = catalog.name if field.source == "catalog" else resolve(field, request, prefs, taken)
            if field.required and not value:
                problems.append(_("{product}: no {field}. {fix}").format(
                    product=request.product_label, field=field_name(field), fix=fix_for(field, catalog.platform)))
            row[field.key] = str(value or "")
        for field in fields:
            unless = field.required_unless
            if unless is not None and not row[field.key] and row.get(unless[0], "").casefold() != unless[1].casefold():
                problems.append(_("{product}: no {field} (the {other} is {value}). {fix}").format(
                    product=request.product_label, field=field_name(field), other=unless[0],
                    value=row.get(unless[0]), fix=fix_for(field, catalog.platform)))
        rows.append(row)
    return rows, problems


def catalog_form(portal: PortalSpec, catalog: Catalog, prefs: Mapping[str, Any]
                 ) -> tuple[dict[str, FieldValue], list[dict[str, FieldValue]]]:
    """What the panel's catalog form gets: the catalog's own boxes (from its first design) and each design's.

    Every design is checked as a single listing is (form_values); before anything is sent, designs that disagree
    on a box the catalog has once (category, GST, Legal Metrology...) and designs missing an attribute their
    category demands (the bulk template layout's category columns, the same data as the template route) are
    refused, each named with what to fill in.
    """
    from core.platforms.browser.templates import layout_of  # it groups designs with this module's functions

    platform = catalog.platform
    per_design = {f.key for s in portal.steps if s.per_design for f in s.fields}
    designs = [form_values(portal, request, prefs, platform) for request in catalog.designs]
    shared = {key: value for key, value in designs[0].items() if key not in per_design}
    labels = {f.key: field_name(f) for f in portal.fields()}
    first = catalog.designs[0].product_label
    problems = [_("{product} has {field} '{value}' but {first} has '{other}' (a catalog has one).").format(
        product=request.product_label, field=labels[key], value=values[key], first=first, other=value)
                for request, values in zip(catalog.designs[1:], designs[1:], strict=True)
                for key, value in shared.items() if values[key] != value]
    layout = layout_of(platform)
    category = layout_category(layout, str(shared.get("category", "")))
    if category is not None:
        problems += design_values(column_fields(layout["categories"][category].get("columns", [])), catalog,
                                  prefs)[1]
    if problems:
        raise ValidationError(_("The {platform} catalog '{name}' was not sent: {problems}").format(
            platform=display_name(platform), name=catalog.name, problems=" ".join(problems)), field="products",
                              hint=_("Nothing was sent. Fill these in the Products tab and publish the catalog "
                                     "again."))
    return shared, [{key: value for key, value in d.items() if key in per_design} for d in designs]


def publish_catalog(app: App, platform: str, product_ids: Sequence[int], *, catalog_name: str | None = None,
                    target: Platform | None = None, variants: VariantSource | None = None,
                    cancel: threading.Event | None = None) -> list[tuple[int, ListingResult]]:
    """List the products as the designs of one catalog through the seller's panel (grouped as the bulk template
    groups them); returns each product with its listing. ``target`` is an already open platform; ``cancel``
    stops it before the catalog is sent."""
    from core.platforms.browser.meesho import MeeshoPlatform
    from core.platforms.browser.templates import layout_of
    from core.platforms.registry import open_platform

    catalog = group_designs(app, platform, layout_of(platform), product_ids, catalog_name=catalog_name,
                            variants=variants, new_listing=True)
    client = open_platform(app, platform) if target is None else target
    try:
        if not isinstance(client, MeeshoPlatform):
            raise ValidationError(_("{platform} has no catalogs of designs: publish each product on its own.")
                                  .format(platform=display_name(platform)), field="platform",
                                  hint=_("Catalogs of designs are Meesho's."))
        results = client.publish_catalog(catalog, cancel)
    except AuthExpired:
        mark_needs_attention(app.db, platform)
        raise
    finally:
        if target is None:
            client.close()
    now = utcnow()
    with app.db.session() as session:  # each design is a listing of its product, as a publish job's is
        for request, result in zip(catalog.designs, results, strict=True):
            session.add(AuditEvent(kind="listing.publish", subject=f"{platform}:{request.product_id}",
                                   detail={"remote_id": result.remote_id, "url": result.url, "state": result.state,
                                           "catalog": catalog.name}))
            record_publish(session, SimpleNamespace(product_id=request.product_id, platform=platform, id=None),
                           result.remote_id, result.url, now)
    return [(r.product_id, result) for r, result in zip(catalog.designs, results, strict=True)]

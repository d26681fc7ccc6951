"""Filling a portal's multi-step listing form, screen by screen as its data file lists them, and reading the result.

Each screen is one named step: wait for the screen, fill its fields, click its button, then wait for the next
screen, an error banner or a field error. Only the last button creates the listing (``commits``); a failure
after it is OutcomeUnknown, never a blind retry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import cast
from urllib.parse import urljoin

from playwright.sync_api import Locator

from core.i18n import _
from core.platforms.base import ListingResult
from core.platforms.browser.page import PortalPage
from core.platforms.browser.spec import Cell, FieldSpec
from core.platforms.browser.values import FieldValue, fix_for
from core.platforms.errors import ContentRejected, OutcomeUnknown, PlatformError


def _norm(text: str) -> str:
    return " ".join(text.replace("%", " ").split()).casefold()


def _segments(text: str) -> list[str]:
    return [_norm(part) for part in text.split(">") if part.strip()]


def choose(offered: Sequence[str], wanted: str) -> int | None:
    """Which offered choice is ``wanted``: the same text, else the only choice ending in the same last segment
    (so "Kitchen > Mugs" finds "Home & Kitchen > Kitchen Tools > Mugs"), else the only one whose last segment
    has it as a word ("Mugs & Cups"). Ambiguous or unknown: None."""
    norms = [_norm(o) for o in offered]
    if _norm(wanted) in norms:
        return norms.index(_norm(wanted))
    last = (_segments(wanted)[-1:] or [""])[0]
    for same in (lambda seg: seg == last, lambda seg: re.search(rf"\b{re.escape(last)}\b", seg) is not None):
        hits = [i for i, o in enumerate(offered) if _segments(o) and same(_segments(o)[-1])]
        if len(hits) == 1:
            return hits[0]
    return None


def _refused(pp: PortalPage, field: FieldSpec, wanted: str, offered: Sequence[str]) -> ContentRejected:
    some = _("; it offers e.g. {choices}").format(choices=", ".join(offered[:5])) if offered else ""
    return ContentRejected(pp.platform, field.label, _("{platform} has no {field} '{value}'").format(
        platform=pp.display, field=_(field.label), value=wanted) + some,
                           fix=fix_for(field, pp.platform), product=pp.product)


def _select(pp: PortalPage, field: FieldSpec, wanted: str, within: Locator | None) -> None:
    box = (within or pp.page).locator(field.part("input"))
    box.wait_for()
    options: list[list[str]] = box.locator("option").evaluate_all(
        "os => os.map(o => [o.value, (o.textContent || '').trim()])")
    for value, label in options:
        if _norm(wanted) in (_norm(value), _norm(label)):
            box.select_option(value=value)
            return
    index = choose([label for _, label in options], wanted)
    if index is None:
        raise _refused(pp, field, wanted, [label for value, label in options if value])
    box.select_option(value=options[index][0])


def _pick(pp: PortalPage, field: FieldSpec, wanted: str) -> None:
    # A search box whose suggestions arrive later: only suggestions rendered after typing count.
    pp.forget_seen(field.part("option"))
    pp.forget_seen(field.part("none"))
    pp.page.locator(field.part("input")).fill(wanted.split(">")[-1].strip())
    options = pp.fresh(field.part("option"))
    found = pp.first_of({"none": pp.fresh(field.part("none")), "option": options}, field.part("option"))
    offered = options.filter(visible=True).all_inner_texts() if found == "option" else []
    index = choose(offered, wanted)
    if index is None:
        raise _refused(pp, field, wanted, offered)
    options.filter(visible=True).nth(index).click()


def _upload(pp: PortalPage, field: FieldSpec, files: Sequence[Path], within: Locator | None) -> None:
    (within or pp.page).locator(field.part("input")).set_input_files([str(p) for p in files])
    # Previews appear once the portal has taken each photo; a refused photo shows a field error instead.
    pp.outcome(f"{field.part('uploaded')} >> nth={len(files) - 1}", (field,), within)


def _pairs(pp: PortalPage, field: FieldSpec, pairs: Sequence[tuple[str, str]]) -> None:
    rows = pp.page.locator(field.part("row"))
    for i, (name, value) in enumerate(pairs):
        if rows.count() <= i:
            pp.page.locator(field.part("add")).click()
            rows.nth(i).wait_for()
        rows.nth(i).locator(field.part("name")).fill(name)
        rows.nth(i).locator(field.part("value")).fill(value)


def fill(pp: PortalPage, field: FieldSpec, value: FieldValue, within: Locator | None = None) -> None:
    """Put ``value`` into ``field`` the way its kind needs (an empty optional value leaves the field alone);
    ``within`` is the block of one design of a catalog, which holds that design's boxes.

    A filled box is marked, so that a portal's complaint about a box SellerDesk never filled is blamed on the
    changed page, not on the seller's product.
    """
    if not value:
        return
    _put(pp, field, value, within)
    if "input" in field.parts:
        pp.mark_filled((within or pp.page).locator(field.part("input")))


def _put(pp: PortalPage, field: FieldSpec, value: FieldValue, within: Locator | None) -> None:
    box = (within or pp.page).locator(field.part("input")) if "input" in field.parts else None
    if field.kind == "text" and field.typed and box is not None:
        pp.type_into(box, str(value))
    elif field.kind == "text" and box is not None:
        box.fill(str(value))
    elif field.kind == "select":
        _select(pp, field, str(value), within)
    elif field.kind == "pick":
        _pick(pp, field, str(value))
    elif field.kind == "files":
        _upload(pp, field, cast("tuple[Path, ...]", value), within)
    else:
        _pairs(pp, field, cast("tuple[tuple[str, str], ...]", value))


def create_listing(pp: PortalPage, values: Mapping[str, FieldValue],
                   on_commit: Callable[[], None] | None = None) -> ListingResult:
    """Open the listing form, go through every screen, submit, and read what the portal made.

    ``on_commit`` runs just before the click that creates the listing (SellerDesk records the submit there).
    """
    _go_through(pp, values, [values], on_commit)
    images = sum(len(values.get(f.key, ())) for f in pp.portal.fields() if f.kind == "files")
    with pp.step(pp.portal.result["step"]):
        return read_result(pp, images)


def create_catalog(pp: PortalPage, values: Mapping[str, FieldValue], designs: Sequence[Mapping[str, FieldValue]],
                   skus: Sequence[str], on_commit: Callable[[], None] | None = None) -> list[ListingResult]:
    """One catalog of ``designs`` through the form: the catalog's own boxes from ``values``, each design's boxes
    in its block; returns each design's listing (found on the result panel by its SKU, ``skus`` in order)."""
    _go_through(pp, values, designs, on_commit)
    with pp.step(pp.portal.result["step"]):
        catalog = read_result(pp, 0)
        return _design_results(pp, catalog, designs, skus)


def _go_through(pp: PortalPage, values: Mapping[str, FieldValue], designs: Sequence[Mapping[str, FieldValue]],
                on_commit: Callable[[], None] | None) -> None:
    portal = pp.portal
    pp.committed = False
    with pp.step(portal.open_step):
        pp.open(portal.form_path, portal.form_ready)
    for i, step in enumerate(portal.steps):
        after = portal.steps[i + 1].screen if i + 1 < len(portal.steps) else portal.result["marker"]
        with pp.step(step.name):
            pp.wait_ready(step.screen)
            if step.per_design:
                _fill_designs(pp, step.fields, designs)
            else:
                for field in step.fields:
                    pp.pause()
                    fill(pp, field, values.get(field.key, ""))
            pp.pause()
            button = pp.page.locator(step.next)
            button.wait_for()
            # From the committing click on, a failure may hide a listing that was made.
            if step.commits and not pp.committed and on_commit is not None:
                on_commit()
            pp.committed = pp.committed or step.commits
            button.click()
            pp.outcome(after, step.fields)


def _fill_designs(pp: PortalPage, fields: Sequence[FieldSpec], designs: Sequence[Mapping[str, FieldValue]]) -> None:
    """Each design's boxes in its own block, adding a block for every design after the first."""
    spec = pp.portal.designs
    assert spec is not None  # the loader requires ``listing.designs`` for a per-design step
    blocks = pp.page.locator(spec.block)
    for i, design in enumerate(designs):
        if blocks.count() <= i:
            pp.pause()
            pp.page.locator(spec.add).click()
        block = blocks.nth(i)
        block.wait_for()
        for field in fields:
            pp.pause()
            fill(pp, field, design.get(field.key, ""), within=block)


def _design_results(pp: PortalPage, catalog: ListingResult, designs: Sequence[Mapping[str, FieldValue]],
                    skus: Sequence[str]) -> list[ListingResult]:
    result = pp.portal.result
    marker = pp.page.locator(result["marker"]).first
    made = {pp.read(row, Cell(result["design_sku"])): pp.read(row, Cell(result["design_id"]))
            for row in marker.locator(result["design_row"]).all()}
    missing = [sku for sku in skus if not made.get(sku)]
    if missing:
        raise OutcomeUnknown(pp.platform, _("{platform} made catalog {catalog} but showed no product id "
                                            "for {skus}").format(platform=pp.display, catalog=catalog.remote_id,
                                                                 skus=", ".join(missing)), product=pp.product)
    files = [f.key for f in pp.portal.fields() if f.kind == "files"]
    return [ListingResult(re.sub(r"\s+", "", made[sku]), catalog.url, catalog.state,
                          image_count=sum(len(design.get(k, ())) for k in files))
            for sku, design in zip(skus, designs, strict=True)]


def read_result(pp: PortalPage, images: int) -> ListingResult:
    """The listing the portal shows after submitting: its id, status and (if linked) address."""
    result = pp.portal.result
    marker = pp.page.locator(result["marker"]).first
    remote_id = pp.read(marker, Cell(result["id"], result.get("id_attribute")))
    if not remote_id:
        raise OutcomeUnknown(pp.platform, _("{platform} accepted the listing but showed no id for it").format(
            platform=pp.display), product=pp.product)
    status = pp.read(marker, Cell(result["status"]))
    state = pp.state_of(status)
    if state == "unknown":
        raise _unknown_result(pp, status)
    link = pp.read(marker, Cell(result["link"], "href")) if result.get("link") else ""
    url = urljoin(pp.page.url, link) if link else None
    return ListingResult(re.sub(r"\s+", "", remote_id), url, state, image_count=images)


def _unknown_result(pp: PortalPage, status: str) -> PlatformError:
    """A result panel whose words are no known state is never taken for a success: a failure in words is the
    portal's refusal; anything else needs the seller to look."""
    failed = pp.portal.result.get("failed", "")
    if status and failed and re.search(failed, status):
        return ContentRejected(pp.platform, "upload", _("{platform} said “{text}”").format(
            platform=pp.display, text=status), product=pp.product,
                               fix=_("Read {platform}'s message; fix the photos or details it names, then press "
                                     "Retry.").format(platform=pp.display))
    shown = f"“{status}”" if status else _("no status")
    return OutcomeUnknown(pp.platform, _("after submitting, {platform} showed {status}, which SellerDesk does not "
                                         "know; the listing may or may not have been created").format(
        platform=pp.display, status=shown), product=pp.product,
                          hint=_("Look for it in the {platform} panel. SellerDesk looks for it there before "
                                 "anything is sent again.").format(platform=pp.display))

"""Portal data files (resources/portals/<name>.json): every selector, page address and step name of one panel.

A changed panel is fixed by editing its data file. An edited copy in the folder named by the setting
``browser.portals_dir`` wins over the bundled file, so a fix can be dropped in without reinstalling.
Selectors are Playwright selectors (CSS, ``text=...``, ``xpath=...``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from core.errors import StorageError
from core.paths import resources_dir

FieldKind = Literal["text", "select", "pick", "files", "pairs"]
BannerMeaning = Literal["transient", "auth", "rejected"]
_KINDS = ("text", "select", "pick", "files", "pairs")
_MEANINGS = ("transient", "auth", "rejected")
_STATES = ("draft", "active", "inactive", "unknown")
# From a field's error message to the box it belongs to: the nearest ancestor holding a box, then that box.
FIELD_BOX = ("xpath=ancestor::*[.//input or .//select or .//textarea][1]"
             "//*[self::input or self::select or self::textarea]")


@dataclass(frozen=True)
class FieldSpec:
    """One form field: what the seller calls it, where its value comes from, and how to fill it.

    ``parts`` holds the selectors the kind needs: text/select ``input``; pick ``input``, ``option``, ``none``;
    files ``input``, ``uploaded``; pairs ``add``, ``row``, ``name``, ``value``.
    """

    key: str
    label: str
    kind: FieldKind
    source: str
    parts: dict[str, str]
    required: bool = True
    format: str = ""
    error: str = ""  # this field's own error message element, when the portal gives it one
    typed: bool = False  # typed key by key at a person's speed (the portal watches how it is typed)
    # required unless the field named first has the value named second (the importer, unless made in India)
    required_unless: tuple[str, str] | None = None

    def part(self, name: str) -> str:
        """The selector ``name`` of this field (the loader checked it exists)."""
        return self.parts[name]


@dataclass(frozen=True)
class StepSpec:
    """One screen of a multi-step form: wait for ``screen``, fill the fields, click ``next``."""

    name: str
    screen: str
    fields: tuple[FieldSpec, ...]
    next: str
    commits: bool = False  # clicking ``next`` here creates the listing: never repeat it blindly
    per_design: bool = False  # filled once per design of a catalog, inside that design's block (``Designs``)


@dataclass(frozen=True)
class Designs:
    """A form that lists a catalog of designs: each design's boxes sit in a ``block`` (the first shown, ``add``
    adds the next). How many designs a catalog takes is the bulk template layout's rule (core.platforms.browser.
    catalog), the same for both routes."""

    block: str
    add: str


@dataclass(frozen=True)
class Cell:
    """Where a value sits in a table row: a selector inside the row (None: the row itself), text or attribute."""

    selector: str | None
    attribute: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """A page with a table of rows (catalog, orders, leads), optionally searchable and paged."""

    step: str
    path: str
    ready: str
    row: str
    empty: str
    cells: dict[str, Cell]
    search_input: str = ""
    search_submit: str = ""
    next_page: str = ""
    date_formats: tuple[str, ...] = ()
    actions: dict[str, dict[str, str]] = field(default_factory=dict)
    #: how long a new listing may take to show in the search; SellerDesk waits this out before sending again
    lag_seconds: float = 0.0


@dataclass(frozen=True)
class Banner:
    """How to read an error banner: text matching ``match`` (a regular expression) means ``means``."""

    match: str
    means: BannerMeaning
    field: str = ""


@dataclass(frozen=True)
class Cover:
    """Something a portal puts over its pages: a pop-up SellerDesk closes (``dismiss``), or a check only a person
    can answer (a CAPTCHA, an OTP), which ``says`` names for the seller."""

    name: str
    selector: str
    dismiss: str = ""
    says: str = ""


@dataclass(frozen=True)
class PortalSpec:
    """One portal's data file, checked when loaded."""

    name: str
    path: Path
    url_setting: str
    currency: str
    timezone: str
    session: dict[str, Any]
    banner: str
    field_error: str
    field_error_near: str
    field_box: str
    banners: tuple[Banner, ...]
    open_step: str
    form_path: str
    form_ready: str
    steps: tuple[StepSpec, ...]
    result: dict[str, Any]
    states: dict[str, str]
    catalog: TableSpec
    sales: TableSpec
    sales_kind: str
    preferences: tuple[dict[str, Any], ...]
    popups: tuple[Cover, ...] = ()
    interstitials: tuple[Cover, ...] = ()
    designs: Designs | None = None  # the form lists a catalog of designs, not one product

    def fields(self) -> tuple[FieldSpec, ...]:
        """Every field of the listing form, in order."""
        return tuple(f for s in self.steps for f in s.fields)


def bundled_dir() -> Path:
    """The folder of the portal data files shipped with SellerDesk."""
    return resources_dir() / "portals"


def portal_file(name: str, override_dir: str | Path | None = None) -> Path:
    """The data file of portal ``name``: the edited copy in ``override_dir`` if there is one, else the bundled."""
    if override_dir:
        edited = Path(override_dir).expanduser() / f"{name}.json"
        if edited.is_file():
            return edited
    return bundled_dir() / f"{name}.json"


class _Reader:
    """Reads a data file's values by dotted path, naming the exact place of anything missing or wrong."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> StorageError:
        """The error for a problem at ``where`` in the file."""
        return StorageError(f"The portal data file {self.path} has a problem at '{where}': {problem}.",
                            hint="Undo the last edit to it (or delete the edited copy) and try again.")

    def get(self, data: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...] = str,
            default: Any = ...) -> Any:
        """``data[key]`` checked to be a ``kind``; missing is refused unless there is a ``default``."""
        if key not in data or data[key] is None:
            if default is ...:
                raise self.fail(f"{where}.{key}".lstrip("."), "it is missing")
            return default
        value = data[key]
        if not isinstance(value, kind):
            names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
            raise self.fail(f"{where}.{key}".lstrip("."), f"expected {names}, found {type(value).__name__}")
        return value


def _field(r: _Reader, raw: dict[str, Any], where: str) -> FieldSpec:
    kind = r.get(raw, "kind", where, default="text")
    if kind not in _KINDS:
        raise r.fail(f"{where}.kind", f"unknown kind {kind!r} (known: {', '.join(_KINDS)})")
    needed = {"text": ("input",), "select": ("input",), "pick": ("input", "option", "none"),
              "files": ("input", "uploaded"), "pairs": ("add", "row", "name", "value")}[kind]
    parts = {p: r.get(raw, p, where) for p in needed}
    return FieldSpec(key=r.get(raw, "key", where), label=r.get(raw, "label", where), kind=kind,
                     source=r.get(raw, "source", where), parts=parts,
                     required=r.get(raw, "required", where, bool, True),
                     format=r.get(raw, "format", where, default=""), error=r.get(raw, "error", where, default=""),
                     typed=r.get(raw, "typed", where, bool, False), required_unless=_unless(r, raw, where))


def _unless(r: _Reader, raw: dict[str, Any], where: str) -> tuple[str, str] | None:
    unless = r.get(raw, "required_unless", where, dict, {})
    if not unless:
        return None
    return r.get(unless, "field", f"{where}.required_unless"), r.get(unless, "is", f"{where}.required_unless")


def _cell(r: _Reader, raw: Any, where: str) -> Cell:
    if isinstance(raw, str):
        return Cell(raw)
    if isinstance(raw, dict):
        return Cell(r.get(raw, "selector", where, default=None), r.get(raw, "attribute", where, default=None))
    raise r.fail(where, "a cell is a selector, or {selector, attribute}")


def _table(r: _Reader, raw: dict[str, Any], where: str) -> TableSpec:
    cells = r.get(raw, "cells", where, dict)
    return TableSpec(
        step=r.get(raw, "step", where), path=r.get(raw, "path", where), ready=r.get(raw, "ready", where),
        row=r.get(raw, "row", where), empty=r.get(raw, "empty", where),
        cells={k: _cell(r, v, f"{where}.cells.{k}") for k, v in cells.items()},
        search_input=r.get(raw, "search_input", where, default=""),
        search_submit=r.get(raw, "search_submit", where, default=""),
        next_page=r.get(raw, "next_page", where, default=""),
        date_formats=tuple(r.get(raw, "date_formats", where, list, [])),
        actions={name: _action(r, spec, f"{where}.actions.{name}")
                 for name, spec in r.get(raw, "actions", where, dict, {}).items()},
        lag_seconds=float(r.get(raw, "search_lag_seconds", where, (int, float), 0)),
    )


def _action(r: _Reader, raw: dict[str, Any], where: str) -> dict[str, str]:
    for key in ("step", "open", "save", "done"):
        r.get(raw, key, where)
    return {k: str(v) for k, v in raw.items()}


def load_portal(name: str, override_dir: str | Path | None = None) -> PortalSpec:
    """Read and check the data file of portal ``name`` (see :func:`portal_file` for which file)."""
    path = portal_file(name, override_dir)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StorageError(f"The portal data file {path} cannot be read ({exc}).",
                           hint="Undo the last edit to it, or reinstall SellerDesk.") from exc
    r = _Reader(path)
    session = r.get(raw, "session", "", dict)
    for key in ("login_path", "home_path", "signed_in", "signed_out", "account_name", "check_step"):
        r.get(session, key, "session")
    errors = r.get(raw, "errors", "", dict)
    banners = []
    for i, b in enumerate(r.get(errors, "banners", "errors", list, [])):
        means = r.get(b, "means", f"errors.banners[{i}]")
        if means not in _MEANINGS:
            raise r.fail(f"errors.banners[{i}].means", f"unknown meaning {means!r} (known: {', '.join(_MEANINGS)})")
        banners.append(Banner(r.get(b, "match", f"errors.banners[{i}]"), means,
                              r.get(b, "field", f"errors.banners[{i}]", default="")))
    listing = r.get(raw, "listing", "", dict)
    steps = []
    for i, s in enumerate(r.get(listing, "steps", "listing", list)):
        where = f"listing.steps[{i}]"
        fields = tuple(_field(r, f, f"{where}.fields[{j}]") for j, f in enumerate(r.get(s, "fields", where, list)))
        steps.append(StepSpec(r.get(s, "name", where), r.get(s, "screen", where), fields, r.get(s, "next", where),
                              r.get(s, "commits", where, bool, False), r.get(s, "per_design", where, bool, False)))
    raw_designs = r.get(listing, "designs", "listing", dict, {})
    designs = None
    if raw_designs or any(s.per_design for s in steps):
        designs = Designs(r.get(raw_designs, "block", "listing.designs"), r.get(raw_designs, "add", "listing.designs"))
    if not steps or not steps[-1].commits:
        raise r.fail("listing.steps", "the last step must be the one that commits (\"commits\": true)")
    result = r.get(listing, "result", "listing", dict)
    for key in ("step", "marker", "id", "status"):
        r.get(result, key, "listing.result")
    sales = r.get(raw, "sales", "", dict)
    states = {k.lower(): v for k, v in r.get(raw, "states", "", dict).items()}
    for text, state in states.items():
        if state not in _STATES:
            raise r.fail(f"states.{text}", f"unknown state {state!r} (known: {', '.join(_STATES)})")
    return PortalSpec(
        name=name, path=path, url_setting=r.get(raw, "portal_url_setting", ""),
        currency=r.get(raw, "currency", ""), timezone=r.get(raw, "timezone", ""), session=session,
        banner=r.get(errors, "banner", "errors"), field_error=r.get(errors, "field_error", "errors"),
        field_error_near=r.get(errors, "field_error_near", "errors", default=""),
        field_box=r.get(errors, "field_box", "errors", default=FIELD_BOX), banners=tuple(banners),
        open_step=r.get(listing, "open_step", "listing"), form_path=r.get(listing, "path", "listing"),
        form_ready=r.get(listing, "ready", "listing"), steps=tuple(steps), result=result,
        states=states,
        catalog=_table(r, r.get(raw, "catalog", "", dict), "catalog"),
        sales=_table(r, sales, "sales"), sales_kind=r.get(sales, "kind", "sales", default="sale"),
        preferences=tuple(r.get(raw, "preferences", "", list, [])),
        popups=tuple(Cover(r.get(c, "name", f"popups[{i}]"), r.get(c, "selector", f"popups[{i}]"),
                           dismiss=r.get(c, "dismiss", f"popups[{i}]"))
                     for i, c in enumerate(r.get(raw, "popups", "", list, []))),
        interstitials=tuple(Cover(r.get(c, "name", f"interstitials[{i}]"), r.get(c, "selector", f"interstitials[{i}]"),
                                  says=r.get(c, "says", f"interstitials[{i}]"))
                            for i, c in enumerate(r.get(raw, "interstitials", "", list, []))),
        designs=designs,
    )

"""``sellerdesk platforms check NAME``: open each page of a portal that SellerDesk uses, submit nothing, and report
which of the data file's selectors the live page has and which are missing, with a screenshot and the HTML of each.

It is how a seller (or we) confirm or fix resources/portals/<name>.json against the real panel. Some parts show
only after typing or submitting (category suggestions, photo previews, the result panel); those are listed as
not checkable here rather than as missing.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from core.errors import ValidationError
from core.i18n import N_, _
from core.platforms.browser.failures import capture_page
from core.platforms.browser.page import PortalPage
from core.platforms.browser.spec import FieldSpec, PortalSpec
from core.platforms.errors import ConnectCancelled
from core.platforms.specs import get_spec

if TYPE_CHECKING:
    from core.app import App

CHECKS_DIR = "portal-checks"
# Parts of a field that appear only once something was typed or uploaded.
_LATER_PARTS = {"option", "none", "uploaded", "row", "name", "value"}


@dataclass(frozen=True)
class PageCheck:
    """One page (or one screen of the listing form): the selectors found, missing, and not checkable here."""

    page: str
    found: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    later: tuple[str, ...] = ()
    problem: str = ""


@dataclass(frozen=True)
class PortalCheck:
    """The whole walk: every page's result and the folder with what each page showed."""

    platform: str
    data_file: Path
    pages: tuple[PageCheck, ...]
    folder: Path
    when: datetime = field(compare=False, default_factory=datetime.now)

    @property
    def ok(self) -> bool:
        """Every selector SellerDesk could check was found."""
        return not any(p.missing or p.problem for p in self.pages)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "page"


def _field_parts(f: FieldSpec) -> tuple[list[tuple[str, str]], list[str]]:
    label = _(f.label)  # the data file's label (its Hindi is in the catalog)
    now = [(f"{label}: {sel}", sel) for part, sel in f.parts.items() if part not in _LATER_PARTS]
    later = [f"{label}: {sel}" for part, sel in f.parts.items() if part in _LATER_PARTS]
    return now, later


def _look(pp: PortalPage, name: str, folder: Path, wanted: list[tuple[str, str]],
          later: list[str] | None = None) -> PageCheck:
    """Which of ``wanted`` (label, selector) the page as it is now has; saves what it shows."""
    found: list[str] = []
    missing: list[str] = []
    with pp.watchdog.limit(pp.step_deadline, f"checking {name}"):
        for label, selector in wanted:
            try:
                present = pp.page.locator(selector).count() > 0
            except PlaywrightError:  # a selector the browser cannot even parse
                present = False
            (found if present else missing).append(label)
    with pp.watchdog.limit(pp.capture_seconds, "saving what the page showed"):
        capture_page(pp.page, folder / _slug(name), pp.capture_seconds)
    return PageCheck(name, tuple(found), tuple(missing), tuple(later or ()))


def _open(pp: PortalPage, name: str, path: str, ready: str, folder: Path) -> PageCheck | None:
    """Open a page; a page that does not show its ready marker is reported (and saved) instead."""
    try:
        with pp.watchdog.limit(pp.step_deadline, f"opening {name}"):
            pp.open(path, ready)
    except (PlaywrightTimeoutError, PlaywrightError) as exc:
        problem = _("the page did not show {marker} within {seconds} s").format(marker=ready,
                                                                                 seconds=f"{pp.timeout:g}")
        if not isinstance(exc, PlaywrightTimeoutError):
            problem = _("the page could not be opened ({reason})").format(reason=exc.message.splitlines()[0])
        if not pp.page.is_closed():
            capture_page(pp.page, folder / _slug(name), pp.capture_seconds)
        return PageCheck(name, missing=(_("page ready: {selector}").format(selector=ready),), problem=problem)
    return None


def walk(pp: PortalPage, folder: Path, cancel: threading.Event | None = None) -> list[PageCheck]:
    """Open the panel's home, listing form, catalog and orders pages in turn; nothing is filled or submitted.
    An expired session raises AuthExpired (from :meth:`PortalPage.open`); ``cancel`` stops between pages."""
    portal: PortalSpec = pp.portal

    def stop_if_cancelled() -> None:
        if cancel is not None and cancel.is_set():
            raise ConnectCancelled(pp.platform, _("the check of the {platform} pages was cancelled").format(
                platform=pp.display))

    session = portal.session
    pages: list[PageCheck] = []
    home = _open(pp, "home", session["home_path"], session["signed_in"], folder)
    pages.append(home or _look(pp, "home", folder, [(_("signed in: {selector}").format(selector=session[k]), session[k])
                                                     for k in ("signed_in", "account_name", "account_id")
                                                     if session.get(k)]))
    stop_if_cancelled()
    broken = _open(pp, "listing form", portal.form_path, portal.form_ready, folder)
    if broken is not None:
        pages.append(broken)
    else:
        for step in portal.steps:
            wanted = [(_("screen: {selector}").format(selector=step.screen), step.screen)]
            later: list[str] = []
            for f in step.fields:
                now, after = _field_parts(f)
                wanted += now
                later += after
            if step.per_design and portal.designs is not None:  # the boxes above are those of the first design
                wanted.append((_("add design button: {selector}").format(selector=portal.designs.add),
                               portal.designs.add))
            button = _("submit button: {selector}") if step.commits else _("next button: {selector}")
            wanted.append((button.format(selector=step.next), step.next))
            pages.append(_look(pp, f"listing form: {step.name}", folder, wanted, later))
        result = portal.result
        pages.append(PageCheck("listing result", later=(_("result panel: {selector} (shows only after "
                                                          "submitting)").format(selector=result["marker"]),)))
    for name, table in (("catalog", portal.catalog), ("orders", portal.sales)):
        stop_if_cancelled()
        broken = _open(pp, name, table.path, table.ready, folder)
        if broken is not None:
            pages.append(broken)
            continue
        wanted = [(part.format(selector=sel), sel) for part, sel in ((_("search box: {selector}"), table.search_input),
                                                                   (_("search button: {selector}"),
                                                                    table.search_submit)) if sel]
        wanted.append((_("rows or empty note: {selector}").format(selector=f"{table.row}, {table.empty}"),
                       f"{table.row}, {table.empty}"))
        later = [_("{action} action: {selector}").format(action=action, selector=spec["open"])
                 for action, spec in table.actions.items()]
        if table.next_page:
            later.append(_("next page link: {selector} (only with more than one page)").format(
                selector=table.next_page))
        pages.append(_look(pp, name, folder, wanted, later))
    return pages


_PAGES = {"home": N_("home"), "listing form": N_("listing form"), "listing result": N_("listing result"),
          "catalog": N_("catalog"), "orders": N_("orders")}


def page_name(page: str) -> str:
    """A checked page's name in the interface language (it stays English in the check, naming its saved files)."""
    head, sep, step = page.partition(": ")
    return _(_PAGES[head]) + sep + (_(step) if step else "") if head in _PAGES else page


def report_lines(check: PortalCheck) -> list[str]:
    """The check as lines a seller reads (the CLI prints them; the window shows them)."""
    lines = [_("Checked the {platform} pages against {file} (nothing was submitted).").format(
        platform=check.platform, file=check.data_file)]
    found, missing, later = _("found"), _("MISSING"), _("not checked here:")
    for page in check.pages:
        state = _("problem") if page.problem or page.missing else _("ok")
        lines.append(f"\n{page_name(page.page)}: {state}{' — ' + page.problem if page.problem else ''}")
        lines += [f"  {found:<8} {s}" for s in page.found]
        lines += [f"  {missing:<8} {s}" for s in page.missing]
        lines += [f"  {later} {s}" for s in page.later]
    lines.append("\n" + _("Screenshots and page HTML: {folder}").format(folder=check.folder))
    lines.append(_("Every selector was found.") if check.ok else
                 _("Some selectors are missing: the panel changed. Correct them in a copy of the data file in the "
                   "folder of the setting browser.portals_dir (the screenshots show what the page has now)."))
    return lines


def check_platform(app: App, name: str, cancel: threading.Event | None = None) -> PortalCheck:
    """Walk the pages of portal ``name`` with the seller's saved session (see :func:`walk`); API platforms have
    no pages to check and are refused."""
    from core.platforms.browser.platform import PortalPlatform
    from core.platforms.registry import open_platform

    spec = get_spec(name)
    if spec.kind != "browser":
        raise ValidationError(_("{platform} is used through its API: it has no pages to check.").format(
            platform=spec.display_name), field="platform",
            hint=_("Check its connection with: sellerdesk platforms test {name}").format(name=name))
    with open_platform(app, name) as platform:
        assert isinstance(platform, PortalPlatform)
        return platform.check_pages(cancel)

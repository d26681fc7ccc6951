"""Reading a portal's tables (catalog, orders, leads): search, rows, pages, and actions on one row.

Searching marks the rows already on screen first, so only rows the search rendered are read, whether the
portal reloads the page or redraws the table in place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from playwright.sync_api import Locator

from core.i18n import _
from core.platforms.browser.page import PortalPage
from core.platforms.browser.spec import TableSpec
from core.platforms.errors import PlatformError

Row = dict[str, str]
# A runaway "next page" link must not walk a seller's whole order history.
MAX_PAGES = 50


def row_values(pp: PortalPage, table: TableSpec, row: Locator) -> Row:
    """Every cell of one row, by the data file's cell names."""
    return {name: pp.read(row, cell) for name, cell in table.cells.items()}


def find_row(pp: PortalPage, table: TableSpec, key: str, value: str) -> Locator | None:
    """Open the table, search for ``value`` and return the row whose cell ``key`` is ``value`` (or None)."""
    page = pp.page
    pp.open(table.path, table.ready)
    rows, empty = page.locator(table.row), page.locator(table.empty)
    if table.search_input:
        pp.forget_seen(table.row)
        pp.forget_seen(table.empty)
        page.locator(table.search_input).fill(value)
        if table.search_submit:
            page.locator(table.search_submit).click()
        else:
            page.locator(table.search_input).press("Enter")
        rows, empty = pp.fresh(table.row), pp.fresh(table.empty)
    if pp.first_of({"empty": empty, "rows": rows}, table.row) == "empty":
        return None
    wanted = value.strip().casefold()
    for i in range(rows.count()):
        row = rows.nth(i)
        if pp.read(row, table.cells[key]).casefold() == wanted:
            return row
    return None


def read_rows(pp: PortalPage, table: TableSpec, *, enough: Callable[[Row], bool]) -> list[Row]:
    """Every row of the table, page after page, until a row is ``enough`` (e.g. older than wanted) or the end."""
    page = pp.page
    pp.open(table.path, table.ready)
    rows, empty = page.locator(table.row), page.locator(table.empty)
    collected: list[Row] = []
    for _page in range(MAX_PAGES):
        if pp.first_of({"empty": empty, "rows": rows}, table.row) == "empty":
            break
        batch = [row_values(pp, table, rows.nth(i)) for i in range(rows.count())]
        collected.extend(batch)
        if any(enough(r) for r in batch) or not table.next_page or not pp.visible(table.next_page).count():
            break
        pp.forget_seen(table.row)
        pp.forget_seen(table.empty)
        pp.visible(table.next_page).first.click()
        rows, empty = pp.fresh(table.row), pp.fresh(table.empty)
    return collected


def row_action(pp: PortalPage, table: TableSpec, action: Mapping[str, str], remote_id: str,
               inputs: Mapping[str, str]) -> None:
    """Run a row action (one of the data file's ``catalog.actions``) on the listing ``remote_id``: open it from
    the row, fill its named ``inputs`` (e.g. quantity, price), save, and wait for the portal's confirmation."""
    row = find_row(pp, table, "id", remote_id)
    if row is None:
        raise PlatformError(pp.platform, _("listing {id} is not in the {platform} catalog").format(
            id=remote_id, platform=pp.display), product=pp.product,
            hint=_("It may have been removed in the {platform} panel; publish the product again.").format(
                platform=pp.display))
    missing = [name for name in inputs if name not in action]
    if missing:
        raise PlatformError(pp.platform, _("the data file {path} names no box for the {boxes} of the '{step}' "
                                           "action").format(path=pp.portal.path, boxes=", ".join(missing),
                                                            step=_(action["step"])), product=pp.product,
                            hint=_("Change it in the {platform} panel, or add the box's selector to that file.")
                            .format(platform=pp.display))
    row.locator(action["open"]).click()
    for name, value in inputs.items():
        pp.page.locator(action[name]).fill(value)
    pp.page.locator(action["save"]).click()
    pp.outcome(action["done"])

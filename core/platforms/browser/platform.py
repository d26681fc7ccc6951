"""A seller panel without a listing API, driven in the seller's browser: the Platform interface for the portals.

One object holds one browser (one thread, one persistent profile, one reused tab), so listing many products in
a row pays for the browser start only once. Everything portal-specific comes from resources/portals/<name>.json.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TypeVar
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from playwright.sync_api import Page

from core.i18n import _
from core.platforms.base import (
    AccountInfo,
    Choice,
    ConnectOptions,
    ListingRequest,
    ListingResult,
    Platform,
    PlatformContext,
    PreferenceField,
    Sale,
)
from core.platforms.browser.check import CHECKS_DIR, PortalCheck, walk
from core.platforms.browser.form import create_listing
from core.platforms.browser.launcher import browser_data, launch_plan
from core.platforms.browser.pacing import Pacer, PacingRules
from core.platforms.browser.page import PortalChanged, PortalPage
from core.platforms.browser.session import PortalSession
from core.platforms.browser.signin import SignInHook, check_signed_in, wait_for_sign_in
from core.platforms.browser.spec import PortalSpec, load_portal, portal_file
from core.platforms.browser.submissions import State, Submission, SubmissionLog
from core.platforms.browser.tables import Row, find_row, read_rows, row_action, row_values
from core.platforms.browser.values import form_values, format_price
from core.platforms.connections import get_preferences
from core.platforms.errors import AuthExpired, ContentRejected, NotSupported, PlatformError, TransientFailure

T = TypeVar("T")
log = logging.getLogger(__name__)
# Searches for an earlier submit's listing, spread over the portal's search lag.
_LAG_SEARCHES = 5

PROFILES_DIR = "browser-profiles"  # the same folder as core.app.App.profiles_dir


class PortalPlatform(Platform):
    """Meesho, Snapdeal or IndiaMART (the subclass names which), driven through the seller's own panel.

    ``on_sign_in_page`` runs on the sign-in tab as soon as it opens: tests use it to type a replica's OTP.
    """

    def __init__(self, context: PlatformContext, *, on_sign_in_page: SignInHook | None = None) -> None:
        super().__init__(context)
        self.on_sign_in_page = on_sign_in_page
        settings = context.settings
        self._portal: tuple[Path, int, PortalSpec] | None = None
        # PlatformContext carries no data dir; the settings file lives in it.
        self.data_dir = settings.path.parent
        self.profile = self.data_dir / PROFILES_DIR / self.name
        self.submissions = SubmissionLog(self.data_dir, self.name)
        self._session = PortalSession(self.name, self.profile, lambda: launch_plan(settings, self.name),
                                      wait=float(settings.get("browser.timeout_seconds")),
                                      idle=float(browser_data()["close_when_idle_seconds"]))

    def close(self) -> None:
        """Close the browser and its thread (the next call opens them again)."""
        self._session.close()

    @cached_property
    def pacer(self) -> Pacer:
        """This portal's pacing (token bucket, daily cap, pauses) from its platform data file."""
        return Pacer(self.name, PacingRules.of(self.context.spec), self.submissions, zone=self.portal.timezone,
                     now=self.context.now)

    @property
    def portal(self) -> PortalSpec:
        """The portal's data file, read again whenever it (or the setting naming an edited copy) changed."""
        override = self.context.settings.get("browser.portals_dir") or None
        path = portal_file(self.name, override)
        stamp = path.stat().st_mtime_ns if path.exists() else 0
        if self._portal is None or self._portal[:2] != (path, stamp):
            self._portal = (path, stamp, load_portal(self.name, override))
        return self._portal[2]

    def _tab(self, page: Page, product: str | None) -> PortalPage:
        settings, data = self.context.settings, browser_data()
        timeout = float(settings.get("browser.timeout_seconds"))
        tab = PortalPage(page, self.portal, platform=self.name, base_url=settings.get(self.portal.url_setting),
                         timeout=timeout, retries=int(data["idempotent_retries"]), data_dir=self.data_dir,
                         now=self.context.now, watchdog=self._session.watchdog,
                         step_deadline=timeout * float(data["step_deadline_factor"]),
                         capture_seconds=float(data["capture_seconds"]))
        tab.product = product
        tab.pacer = self.pacer
        return tab

    def _run(self, work: Callable[[PortalPage], T], *, product: str | None = None) -> T:
        if not self.profile.is_dir():
            raise AuthExpired.not_connected(self.name)
        return self._session.run(lambda page: work(self._tab(page, product)),
                                 headless=bool(self.context.settings.get("browser.headless")),
                                 minimised=bool(self.context.settings.get("browser.minimised")))

    # --- connection ---

    def connect(self, options: ConnectOptions) -> AccountInfo:
        """Open a visible window on the portal's sign-in page and wait while the seller signs in (phone + OTP).

        The window closes afterwards, so later jobs can use the saved session headless.
        """
        settings = self.context.settings
        timeout = options.timeout or float(settings.get("browser.sign_in_timeout_seconds"))
        poll = float(browser_data()["sign_in_poll_seconds"])
        try:
            return self._session.run(
                lambda page: wait_for_sign_in(self._tab(page, None), cancel=options.cancel, timeout=timeout,
                                              poll=poll, hook=self.on_sign_in_page),
                headless=bool(settings.get("browser.sign_in_headless")))
        finally:
            self._session.close_browser()

    def check_connection(self) -> AccountInfo:
        """Open the panel headless with the saved session; AuthExpired if the portal asks to sign in again."""
        return self._run(check_signed_in)

    def disconnect(self) -> None:
        """Forget the saved session (the browser profile) and any stored keys."""
        self._session.close_browser()
        shutil.rmtree(self.profile, ignore_errors=True)
        super().disconnect()

    def preference_fields(self) -> list[PreferenceField]:
        """The defaults a seller sets once for this portal (from the data file's ``preferences``)."""
        return [PreferenceField(p["key"], p["label"], tuple(Choice(str(c), str(c)) for c in p.get("choices", [])),
                                required=bool(p.get("required", False)), help=p.get("help", ""))
                for p in self.portal.preferences]

    # --- listings ---

    def publish(self, request: ListingRequest, *, existing: ListingResult | None = None) -> ListingResult:
        """Fill the portal's add-product form and submit it; returns the new listing and its review state.

        A portal creates a listing in one submit, so an ``existing`` one (found after OutcomeUnknown) is complete.
        """
        if existing is not None:
            return existing
        if self.portal.designs is not None:
            raise ContentRejected(
                self.name, "catalog", _("{platform} lists catalogs of designs of one product, never one "
                                        "product alone").format(platform=self.portal_display),
                product=request.product_label,
                fix=_("Publish it with its other designs as one catalog: Platforms tab › {platform} › "
                      "Publish catalog…, or: {command}").format(
                    platform=self.portal_display,
                    command=f"sellerdesk platforms publish-catalog {self.name} --products {request.product_id},ID,ID"))
        values = form_values(self.portal, request, get_preferences(self.context.db, self.name), self.name)
        self.pacer.check_daily_cap(self.portal_display, request.product_label)
        earlier = self.submissions.last(request.listing_sku)
        if earlier is not None and earlier.state != "refused":
            # SellerDesk sent this SKU before and the portal did not refuse it: never trust one search.
            found = self._search_out_the_lag(request, earlier)
            if found is not None:
                log.info("%s: %s was submitted at %s and is on %s as %s; not sending it again", self.name,
                         request.listing_sku, earlier.sent_at, self.portal_display, found.remote_id)
                return found
        self.pacer.before_submit(self.portal_display, request.product_label)
        return self._run(lambda tab: self._submit(tab, [request], lambda commit: [
            create_listing(tab, values, on_commit=commit)])[0], product=request.product_label)

    def _search_out_the_lag(self, request: ListingRequest, earlier: Submission) -> ListingResult | None:
        """Search for an earlier submit's listing until the portal's search lag after it has passed."""
        lag = self.portal.catalog.lag_seconds
        until = earlier.sent_time + timedelta(seconds=lag)
        for _search in range(_LAG_SEARCHES):
            found = self.find_existing(request)
            left = (until - self.context.now()).total_seconds()
            if found is not None or left <= 0:
                return found
            log.info("%s: %s is not in the search yet; searching again (the search may lag %g s)", self.name,
                     request.listing_sku, lag)
            time.sleep(min(left, lag / (_LAG_SEARCHES - 1)))
        return None

    def _submit(self, tab: PortalPage, requests: Sequence[ListingRequest],
                send: Callable[[Callable[[], None]], list[ListingResult]]) -> list[ListingResult]:
        """Run ``send`` (it fills the form and calls its argument just before the committing click), recording
        each product's submit, refusal or listing in the submission log."""
        sent_at = ""

        def note(state: State, results: Sequence[ListingResult] = (), **more: str) -> None:
            nonlocal sent_at
            now = self.context.now().isoformat()
            sent_at = sent_at or now
            for i, request in enumerate(requests):
                made = {"remote_id": results[i].remote_id, "status": results[i].state} if results else {}
                self.submissions.add(Submission(request.listing_sku, request.product_id, state, now, sent_at,
                                                **more, **made))

        try:
            results = send(lambda: note("sent"))
        except (ContentRejected, PortalChanged, TransientFailure):
            if tab.committed:  # the portal answered no: nothing was made
                note("refused", artefacts=str(tab.saved or ""))
            raise
        except PlatformError:
            if tab.committed:
                note("sent", artefacts=str(tab.saved or ""))
            raise
        note("listed", results)
        return results

    def update(self, remote_id: str, request: ListingRequest) -> ListingResult:
        """Changing a listed product's copy or photos is not automated for the portals: the seller is told so."""
        raise NotSupported(self.name, _("SellerDesk cannot change the copy or photos of a listed product here yet"),
                           product=request.product_label,
                           hint=_("Edit it in the {platform} panel; SellerDesk keeps stock and price in "
                                  "step by itself.").format(platform=self.portal_display))

    @property
    def portal_display(self) -> str:
        """The platform's name as sellers know it."""
        return self.context.spec.display_name

    def _price_format(self) -> str:
        return next((f.format for f in self.portal.fields() if "price" in f.source.split("|")), "")

    def update_inventory(self, remote_id: str, *, quantity: int, price: Decimal | None = None,
                         sku: str | None = None, product: str | None = None) -> None:
        """Set the stock (and the price, when given) of a listing from the portal's catalog page."""
        if not self.capabilities.inventory:
            raise PlatformError(self.name, _("{platform} keeps no stock count for its listings").format(
                platform=self.portal_display), product=product,
                hint=_("Change the listing in the {platform} panel if it needs to.").format(
                    platform=self.portal_display))
        inputs = {"quantity": str(quantity)}
        if price is not None:
            inputs["price"] = format_price(price, self._price_format())
        self._row_action("stock", remote_id, inputs, product)

    def delist(self, remote_id: str, *, product: str | None = None) -> ListingResult:
        """Take the listing off sale from the portal's catalog page (it can be put back in the panel)."""
        self._row_action("delist", remote_id, {}, product)
        return ListingResult(remote_id, None, "inactive")

    def _row_action(self, action: str, remote_id: str, inputs: dict[str, str], product: str | None) -> None:
        catalog = self.portal.catalog
        spec = catalog.actions.get(action)
        if spec is None:
            raise PlatformError(self.name, _("the data file {path} has no '{action}' catalog action").format(
                path=self.portal.path, action=action), product=product,
                hint=_("Do it in the {platform} panel, or add {key} to that file.").format(
                    platform=self.portal_display, key=f"catalog.actions.{action}"))

        def act(tab: PortalPage) -> None:
            with tab.step(spec["step"]):
                row_action(tab, catalog, spec, remote_id, inputs)

        self._run(act, product=product)

    def find_existing(self, request: ListingRequest) -> ListingResult | None:
        """Search the portal's catalog for the listing's SKU: the product's own, or the one SellerDesk gave the
        listing of a product without one (``listing_sku``). A title is never enough: another product may share it.
        """
        catalog = self.portal.catalog

        def look(tab: PortalPage) -> ListingResult | None:
            with tab.step(catalog.step):
                row = find_row(tab, catalog, "sku", request.listing_sku)
                if row is None:
                    return None
                cells = row_values(tab, catalog, row)
                url = urljoin(tab.page.url, cells["link"]) if cells.get("link") else None
                return ListingResult(cells["id"], url, tab.state_of(cells.get("status", "")))

        return self._run(look, product=request.product_label)

    def check_pages(self, cancel: threading.Event | None = None) -> PortalCheck:
        """Open each page SellerDesk uses, submit nothing, and report which selectors are found or missing."""
        folder = self.data_dir / CHECKS_DIR / self.name / self.context.now().astimezone().strftime("%Y%m%d-%H%M%S")
        pages = self._run(lambda tab: walk(tab, folder, cancel))
        return PortalCheck(self.portal_display, self.portal.path, tuple(pages), folder)

    def review_state(self, remote_id: str, product_id: int) -> tuple[str, str, str] | None:
        """The listing's state in the portal's review, its status text and (when refused) the portal's reason;
        None when the catalog no longer shows it."""
        catalog = self.portal.catalog

        def look(tab: PortalPage) -> tuple[str, str, str] | None:
            with tab.step(catalog.step):
                row = find_row(tab, catalog, "id", remote_id)
                if row is None:
                    return None
                cells = row_values(tab, catalog, row)
                status = cells.get("status", "")
                return tab.state_of(status), status, cells.get("reason", "")

        return self._run(look, product=f"#{product_id}")

    # --- sales and leads ---

    def _when(self, text: str) -> datetime | None:
        zone = ZoneInfo(self.portal.timezone)
        for fmt in self.portal.sales.date_formats:
            try:
                return datetime.strptime(text, fmt).replace(tzinfo=zone).astimezone(UTC)
            except ValueError:
                continue
        return None

    def fetch_sales(self, since: datetime) -> list[Sale]:
        """Every order (or lead) on the panel's orders page since ``since``, newest pages first."""
        table = self.portal.sales

        def older(row: Row) -> bool:
            when = self._when(row.get("date", ""))
            return when is not None and when < since

        def read(tab: PortalPage) -> list[Row]:
            with tab.step(table.step):
                return read_rows(tab, table, enough=older)

        return [sale for row in self._run(read) if (sale := self._sale(row)).occurred_at >= since]

    def _sale(self, row: Row) -> Sale:
        when = self._when(row.get("date", ""))
        if when is None:
            raise PlatformError(self.name, _("a date at step '{step}' cannot be read ('{date}')").format(
                step=_(self.portal.sales.step), date=row.get("date", "")),
                hint=_("Add its format to {key} in {path}.").format(key="sales.date_formats", path=self.portal.path))
        return Sale(external_id=row["id"], occurred_at=when, amount=_amount(row.get("amount", "")),
                    currency=self.portal.currency, quantity=int(_amount(row.get("quantity", "")) or 1),
                    sku=row.get("sku") or None,
                    remote_listing_id=row.get("listing") or None, kind=self.portal.sales_kind)


def _amount(text: str) -> Decimal:
    """The first number in a text ("₹1,299.00", "Rs. 1299", "2 units"); none shown (a lead's amount) is zero."""
    found = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    return Decimal(found.group().replace(",", "")) if found else Decimal(0)

"""The page object every portal shares: one browser tab driven by the portal's data file.

It only runs on the platform's browser thread. Waits are explicit (a selector becoming visible), never fixed
sleeps. Every piece of work happens inside a named :meth:`PortalPage.step`; when a step fails, what the page
showed is saved and the error the seller sees names the step and that folder.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import cast
from urllib.parse import urljoin, urlparse

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from core.i18n import _
from core.platforms.base import ListingState
from core.platforms.browser.deadline import Watchdog
from core.platforms.browser.failures import CAPTURE_SECONDS, save_failure
from core.platforms.browser.pacing import Pacer
from core.platforms.browser.spec import Cell, FieldSpec, PortalSpec
from core.platforms.browser.values import fix_for
from core.platforms.errors import (
    AuthExpired,
    ContentRejected,
    OutcomeUnknown,
    PlatformError,
    TransientFailure,
)
from core.platforms.specs import display_name

_WAITING_FOR = re.compile(r"waiting for (.+)")
_LOCATOR_ARG = re.compile(r"""locator\((["'])((?:\\.|(?!\1).)*)\1""")
_SEEN = "data-sellerdesk-seen"
_FILLED = "data-sellerdesk-filled"
# What a box next to a field error says about itself: marked as filled by SellerDesk, its value, its label.
_BOX_FACTS = f"""e => [e.hasAttribute('{_FILLED}'), String(e.value || '').trim(),
  ((e.labels && e.labels[0]) || (e.parentElement && e.parentElement.querySelector('label')) || {{}}).innerText || '']"""


class PortalChanged(PlatformError):
    """The portal's page no longer matches its data file: a box SellerDesk should fill moved or was renamed.

    Nothing is wrong with the seller's product, and retrying cannot help until the data file is corrected.
    """


def _waiting_for(message: str) -> str:
    """The data file's selector Playwright was waiting for, from its timeout message (for whoever fixes the data
    file); Playwright's own locator chain (``.and_(...)``, ``.first``) and SellerDesk's markers are left out."""
    found = _WAITING_FOR.search(message)
    if not found:
        return ""
    wanted = found.group(1).strip()
    selectors = [m.group(2).replace('\\"', '"') for m in _LOCATOR_ARG.finditer(wanted) if _SEEN not in m.group(2)]
    return " ".join(selectors[:1]) if selectors else ("" if "locator(" in wanted else wanted)


class SellerMustAct(AuthExpired):
    """The portal put a check only a person can answer (a CAPTCHA, an OTP, a page SellerDesk does not know) in
    the way. Retrying without the seller cannot help: the job waits until they have dealt with it."""


class PortalPage:
    """A tab of one portal with the portal's selectors; the building blocks of the listing, table and sign-in work."""

    def __init__(self, page: Page, portal: PortalSpec, *, platform: str, base_url: str, timeout: float,
                 retries: int, data_dir: Path, now: Callable[[], datetime], watchdog: Watchdog | None = None,
                 step_deadline: float | None = None, capture_seconds: float = CAPTURE_SECONDS) -> None:
        self.page = page
        self.portal = portal
        self.platform = platform
        self.base_url = base_url.rstrip("/") + "/"
        self.timeout = timeout
        self.retries = retries
        self.data_dir = data_dir
        self.now = now
        self.product: str | None = None
        self.committed = False  # set just before a click that may create something on the portal
        self.saved: Path | None = None  # the folder of the last failure's saved page
        self.pacer: Pacer | None = None  # a person's pauses and typing speed (none: as fast as the page allows)
        self.watchdog = watchdog if watchdog is not None else Watchdog(platform)
        # A step waits for several things, each up to ``timeout``; past its deadline the browser is closed.
        self.step_deadline = step_deadline if step_deadline is not None else 4 * timeout
        self.capture_seconds = capture_seconds
        page.set_default_timeout(timeout * 1000)
        page.set_default_navigation_timeout(timeout * 1000)
        self._close_popups()

    def _close_popups(self) -> None:
        # Playwright runs these before any action whenever the pop-up shows (the tab is reused: set them once).
        for popup in self.portal.popups:
            cover = self.page.locator(popup.selector)
            self.page.remove_locator_handler(cover)
            close = self.page.locator(popup.dismiss).first
            self.page.add_locator_handler(cover, lambda _shown, close=close: close.click())

    @property
    def display(self) -> str:
        """The platform's name as sellers know it."""
        return display_name(self.platform)

    def url(self, path: str) -> str:
        """The absolute address of ``path`` on the portal."""
        return urljoin(self.base_url, path.lstrip("/"))

    # --- steps and what their failures become ---

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Run a named step within its deadline; any failure saves the page and names the step and the folder in
        the error."""
        self.watchdog.reset()
        try:
            with self.watchdog.limit(self.step_deadline, f"step '{name}'"):
                yield
        except PlatformError as exc:
            folder = self.save(name, exc.message)
            raise self._with_folder(exc, name, folder) from exc
        except PlaywrightTimeoutError as exc:
            waiting = _waiting_for(exc.message)
            problem = _("step '{step}' did not finish: the page did not show what SellerDesk waits for within "
                        "{seconds} s").format(step=_(name), seconds=f"{self.timeout:g}")
            problem += _(" (waiting for {selector})").format(selector=waiting) if waiting else ""
            raise self._failed(name, problem) from exc
        except PlaywrightError as exc:
            if self.watchdog.fired is not None:
                problem = _("step '{step}' did not finish: the {platform} page stopped responding, so SellerDesk "
                            "closed the browser after {seconds} s").format(
                    step=_(name), platform=self.display, seconds=f"{self.step_deadline:g}")
            else:
                problem = _("step '{step}' failed in the browser: {reason}").format(
                    step=_(name), reason=exc.message.splitlines()[0])
            raise self._failed(name, problem) from exc

    def save(self, step: str, problem: str) -> Path:
        """Save the page as it is now for ``step`` (within ``capture_seconds``); returns the folder."""
        self.saved = save_failure(self.data_dir, self.platform, step, self.page, problem, when=self.now(),
                                  product=self.product, watchdog=self.watchdog,
                                  capture_seconds=self.capture_seconds)
        return self.saved

    def _with_folder(self, error: PlatformError, step: str, folder: Path) -> PlatformError:
        named = copy.copy(error)
        saved = _("What {platform} showed at step '{step}' is saved in {folder}").format(
            platform=self.display, step=_(step), folder=folder)
        named.hint = f"{error.hint or ''} {saved}".strip()
        return named

    def _failed(self, step: str, problem: str) -> PlatformError:
        folder = self.save(step, problem)
        if self.committed:
            return OutcomeUnknown(
                self.platform, _("{problem}; the listing may or may not have been created").format(problem=problem),
                product=self.product,
                hint=_("SellerDesk looks for it on {platform} before anything is sent again; do not list it again "
                       "by hand. What the page showed is saved in {folder}").format(platform=self.display,
                                                                                    folder=folder))
        return TransientFailure(
            self.platform, problem, product=self.product,
            hint=_("SellerDesk tries again later. If it keeps happening, the {platform} panel may have changed: "
                   "the screenshot and page are saved in {folder}").format(platform=self.display, folder=folder))

    # --- a person's pace ---

    def pause(self) -> None:
        """Pause as a person would between two boxes or screens."""
        if self.pacer is not None:
            self.pacer.pause()

    def type_into(self, selector: str | Locator, text: str) -> None:
        """Type ``text`` key by key at a person's speed (for boxes a portal watches being typed)."""
        box = self.page.locator(selector) if isinstance(selector, str) else selector
        box.fill("")
        box.press_sequentially(text, delay=self.pacer.typing_delay_ms() if self.pacer is not None else 0)

    # --- waiting ---

    def visible(self, selector: str) -> Locator:
        """The visible elements matching ``selector``."""
        return self.page.locator(selector).filter(visible=True)

    def first_of(self, candidates: dict[str, Locator], what: str) -> str:
        """Wait until one of the named locators shows something; returns its name (earlier names win ties).

        ``what`` describes the awaited success for the timeout message (the selector to check in the data file).
        """
        deadline = time.monotonic() + self.timeout
        covers = {f"cover:{c.name}": self.page.locator(c.selector) for c in self.portal.interstitials}
        shown = {name: loc.filter(visible=True) for name, loc in {**covers, **candidates}.items()}
        union: Locator | None = None
        for loc in shown.values():
            union = loc if union is None else union.or_(loc)
        assert union is not None
        while True:
            remaining_ms = max(1.0, (deadline - time.monotonic()) * 1000)
            try:
                union.first.wait_for(state="visible", timeout=remaining_ms)
            except PlaywrightTimeoutError as exc:
                if self.on_sign_in_page():  # a changed sign-in page: its address still tells
                    raise self.expired() from exc
                raise PlaywrightTimeoutError(f"Timeout exceeded; waiting for {what}") from exc
            for name, loc in shown.items():
                if loc.count():
                    if name.startswith("cover:"):
                        raise self.person_needed(name.removeprefix("cover:"))
                    return name
            # What showed vanished again before it was read (a re-render): wait for the next one.

    def open(self, path: str, ready: str) -> None:
        """Go to ``path`` and wait for ``ready``; the portal's sign-in form instead means the session expired.

        Opening a page changes nothing, so a timeout is retried (``retries`` times) before it counts.
        """
        for attempt in range(self.retries + 1):
            try:
                if attempt:
                    # Chromium aborts a new navigation to an address it is still loading: drop that one first.
                    self.page.goto("about:blank")
                self.page.goto(self.url(path), wait_until="domcontentloaded")
                if self.on_sign_in_page():
                    raise self.expired()
                self.wait_ready(ready)
                return
            except PlaywrightTimeoutError:
                if attempt < self.retries:
                    continue
                landed = urlparse(self.page.url).path
                if self.page.url.startswith(self.base_url) and landed != urlparse(self.url(path)).path:
                    raise self.person_needed("", address=landed) from None
                raise

    def wait_ready(self, ready: str) -> None:
        """Wait until ``ready`` shows, refusing with AuthExpired if the sign-in form shows instead."""
        page = self.page
        found = self.first_of({"signed_out": page.locator(self.portal.session["signed_out"]),
                               "ready": page.locator(ready)}, ready)
        if found == "signed_out":
            raise self.expired()

    def outcome(self, success: str, fields: tuple[FieldSpec, ...] = (), within: Locator | None = None) -> None:
        """After a click: wait for ``success`` (inside ``within``, if given); an error banner, a field error or the
        sign-in form raise instead."""
        page = self.page
        found = self.first_of({"banner": page.locator(self.portal.banner),
                               "field_error": page.locator(self.portal.field_error),
                               "signed_out": page.locator(self.portal.session["signed_out"]),
                               "success": (within or page).locator(success)}, success)
        if found == "banner":
            raise self.banner_error()
        if found == "field_error":
            raise self.field_error(fields)
        if found == "signed_out":
            raise self.expired()

    # --- reading what the portal says ---

    def on_sign_in_page(self) -> bool:
        """Whether the tab is on the portal's sign-in address (session.login_path), whatever that page looks like."""
        login = urlparse(self.url(self.portal.session["login_path"])).path.rstrip("/")
        return bool(login) and urlparse(self.page.url).path.rstrip("/") == login

    def person_needed(self, cover: str, *, address: str = "") -> SellerMustAct:
        """The portal asks something only the seller can answer (``cover`` names the data file's interstitial),
        or shows an unknown page at ``address``; the job waits for the seller."""
        says = next((c.says for c in self.portal.interstitials if c.name == cover), "")
        what = _(says) if says else _("a page SellerDesk does not know ({address})").format(address=address)
        return SellerMustAct(
            self.platform, _("{platform} shows {what}, which SellerDesk cannot answer for you; the job waits").format(
                platform=self.display, what=what),
            product=self.product,
            hint=_("Open {platform} from the Platforms tab with Connect (or run: sellerdesk platforms connect "
                   "{name}) and deal with it in the window that opens; the post then goes out by itself.").format(
                platform=self.display, name=self.platform))

    def expired(self) -> AuthExpired:
        """The portal shows its sign-in form: the saved session is over."""
        return AuthExpired(self.platform, _("the {platform} session has expired; sign in to {platform} again").format(
            platform=self.display), product=self.product)

    def banner_error(self) -> PlatformError:
        """The error banner's text, classified by the data file's ``errors.banners`` rules."""
        text = " ".join(self.visible(self.portal.banner).first.inner_text().split())
        for rule in self.portal.banners:
            if re.search(rule.match, text):
                if rule.means == "auth":
                    return self.expired()
                if rule.means == "rejected":
                    return ContentRejected(self.platform, rule.field, text, product=self.product)
                return TransientFailure(self.platform, _("{platform} said: “{text}”").format(
                    platform=self.display, text=text), product=self.product)
        return PlatformError(self.platform, _("{platform} refused it: “{text}”").format(
            platform=self.display, text=text), product=self.product,
                             hint=_("Read the message, fix the product or the {platform} account, and publish "
                                    "again.").format(platform=self.display))

    def field_error(self, fields: tuple[FieldSpec, ...]) -> ContentRejected | PortalChanged:
        """The field the portal marked as wrong, with the portal's own message (or, for a box SellerDesk never
        filled, that the page changed)."""
        for field in fields:
            said = self._error_of(field)
            if said is not None:
                return ContentRejected(self.platform, field.label, said, fix=fix_for(field, self.platform),
                                       product=self.product)
        shown = self.visible(self.portal.field_error).first
        text = " ".join(shown.inner_text().split())
        changed = self._unfilled_box(shown, text)
        if changed is not None:
            return changed
        return ContentRejected(self.platform, "listing", text, product=self.product)

    def _unfilled_box(self, error: Locator, text: str) -> PortalChanged | None:
        """The portal complains about an empty box SellerDesk never filled: the page changed, not the product."""
        box = error.locator(self.portal.field_box)
        if not box.count():
            return None
        filled, value, label = box.first.evaluate(_BOX_FACTS)
        if filled or value:
            return None
        words = f"{text} {label}".casefold()
        known = next((f.label for f in self.portal.fields() if f.label.casefold() in words), None)
        name = _(known) if known else " ".join(str(label).split()) or _("a box on the form")
        return PortalChanged(
            self.platform, _("SellerDesk could not fill the {box}: the page changed ({platform} says “{text}”)").format(
                box=name, platform=self.display, text=text),
            product=self.product,
            hint=_("Your product is fine: the {platform} panel no longer matches SellerDesk's description of it "
                   "({path}). Run: sellerdesk platforms check {name} to see which boxes moved; "
                   "a corrected copy of that file goes in the folder of the setting browser.portals_dir.").format(
                platform=self.display, path=self.portal.path, name=self.platform))

    def mark_filled(self, selector: str | Locator) -> None:
        """Mark the box ``selector`` as filled by SellerDesk (see :meth:`field_error`)."""
        box = self.page.locator(selector) if isinstance(selector, str) else selector
        box.first.evaluate(f"e => e.setAttribute('{_FILLED}', '')")

    def _error_of(self, field: FieldSpec) -> str | None:
        anchor = field.parts.get("input") or field.parts.get("row") or ""
        if field.error:
            candidates = self.visible(field.error)
        elif self.portal.field_error_near and anchor:
            # Near any of its boxes: a catalog form repeats each design's boxes.
            candidates = self.page.locator(anchor).locator(self.portal.field_error_near).filter(visible=True)
        else:
            return None
        if not candidates.count():
            return None
        text = " ".join(candidates.first.inner_text().split())
        return text or None

    def read(self, scope: Locator, cell: Cell) -> str:
        """A cell's text (or attribute) inside ``scope``; empty when the portal does not show it."""
        target = scope if cell.selector is None else scope.locator(cell.selector)
        if not target.count():
            return ""
        target = target.first
        value = target.get_attribute(cell.attribute) if cell.attribute else target.inner_text()
        return " ".join((value or "").split())

    def state_of(self, status: str) -> ListingState:
        """The listing state a portal status text means (data file ``states``, matched case-insensitively)."""
        lowered = status.lower()
        for text, state in self.portal.states.items():
            if text in lowered:
                return cast(ListingState, state)  # the loader checked it is one
        return "unknown"

    def forget_seen(self, selector: str) -> None:
        """Mark what ``selector`` matches now, so that :meth:`fresh` later finds only what the page shows anew."""
        self.page.locator(selector).evaluate_all(f"els => els.forEach(e => e.setAttribute('{_SEEN}', ''))")

    def fresh(self, selector: str) -> Locator:
        """Elements matching ``selector`` that were not there at the last :meth:`forget_seen`."""
        return self.page.locator(selector).and_(self.page.locator(f":not([{_SEEN}])"))

"""The browser of one platform: its thread, its persistent profile, and the one tab every job reuses.

The profile (<data dir>/browser-profiles/<platform>) keeps the seller's sign-in between runs. Chromium lets only
one browser use a profile at a time, so within this process a lock per profile makes a second job wait its turn
(up to the page timeout) instead of failing obscurely.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from playwright.sync_api import BrowserContext, CDPSession, Page, Playwright
from playwright.sync_api import Error as PlaywrightError

from core.i18n import _
from core.platforms.browser.deadline import Watchdog
from core.platforms.browser.launcher import (
    BrowserMissing,
    LaunchPlan,
    is_missing_browser,
    is_no_display,
    is_profile_in_use,
)
from core.platforms.browser.worker import BrowserThread
from core.platforms.errors import PlatformError, TransientFailure
from core.platforms.specs import display_name

log = logging.getLogger(__name__)
T = TypeVar("T")

_PROFILE_LOCKS: dict[Path, threading.Lock] = {}
_PROFILE_LOCKS_GUARD = threading.Lock()


def _profile_lock(profile: Path) -> threading.Lock:
    with _PROFILE_LOCKS_GUARD:
        return _PROFILE_LOCKS.setdefault(profile.resolve(), threading.Lock())


class PortalSession:
    """Opens the platform's browser on first use (headless or visible) and keeps one tab for every job; closes the
    browser after ``idle`` seconds without work, and everything on ``close``."""

    def __init__(self, platform: str, profile: Path, plan: Callable[[], LaunchPlan], *, wait: float,
                 idle: float) -> None:
        self.platform = platform
        self.profile = profile
        self._plan = plan
        self._wait = wait
        # An idle browser is closed, so the profile is free for a sign-in or another SellerDesk window.
        self._thread = BrowserThread(platform, idle=idle, on_idle=lambda playwright: self._close_context())
        self._context: BrowserContext | None = None
        self._page: Page | None = None
        self._headless = True
        self._minimised = False
        self._holding: threading.Lock | None = None
        self.watchdog = Watchdog(platform)
        self._cdp: CDPSession | None = None  # kept open: the user-agent override lasts as long as it does

    def run(self, work: Callable[[Page], T], *, headless: bool, minimised: bool = False) -> T:
        """Run ``work(tab)`` on the browser thread, opening the browser first if needed; blocks until done.

        ``minimised`` (with ``headless`` False): a real, headed browser whose window starts minimised, for portals
        that refuse headless browsers; the seller's sign-in window is never minimised.
        """
        if self._context is None:
            self._plan()  # no browser to start is refused before Playwright's driver starts
        minimised = minimised and not headless
        return self._thread.call(lambda playwright: work(self._tab(playwright, headless, minimised)))

    def close_browser(self) -> None:
        """Close the browser (the thread stays for the next job), e.g. to free the profile after signing in."""
        if self._thread.running:
            self._thread.call(lambda playwright: self._close_context())

    def close(self) -> None:
        """Close the browser and end the thread."""
        self.close_browser()
        self._thread.stop()

    def _tab(self, playwright: Playwright, headless: bool, minimised: bool = False) -> Page:
        if self.watchdog.killed:  # the watchdog ended a stuck browser; Playwright may not have noticed yet
            self.watchdog.killed = False
            self._close_context()
        if self._context is not None and (headless != self._headless or minimised != self._minimised
                                          or self._page is None or self._page.is_closed()):
            self._close_context()
        if self._context is None:
            self._context = self._launch(playwright, headless, minimised)
            self._headless, self._minimised = headless, minimised
            self._page = self._context.pages[0] if self._context.pages else self._context.new_page()
            if headless:
                self._cdp = _plain_chrome(self._context, self._page)
            elif minimised:
                self._cdp = _minimise(self._context, self._page)
        assert self._page is not None
        return self._page

    def _launch(self, playwright: Playwright, headless: bool, minimised: bool = False) -> BrowserContext:
        lock = _profile_lock(self.profile)
        if not lock.acquire(timeout=self._wait):
            raise TransientFailure(self.platform, _("another SellerDesk job is using the {platform} browser").format(
                platform=display_name(self.platform)), hint=_("SellerDesk tries again when it has finished."))
        try:
            context = self._start(playwright, headless, minimised)
        except BaseException:
            lock.release()
            raise
        self._holding = lock
        self.watchdog.pid = _browser_pid(context)
        # The seller may close the window (or the browser may crash): the next job then opens a new one.
        context.on("close", lambda _: self._forget(context))
        return context

    def _start(self, playwright: Playwright, headless: bool, minimised: bool = False) -> BrowserContext:
        plan = self._plan()
        self.profile.mkdir(parents=True, exist_ok=True)
        for way in plan.ways:
            try:
                return playwright.chromium.launch_persistent_context(
                    str(self.profile), **plan.launch_kwargs(way, headless=headless, minimised=minimised))
            except PlaywrightError as exc:
                if is_missing_browser(exc.message):
                    continue
                name = display_name(self.platform)
                if is_profile_in_use(exc.message):
                    raise TransientFailure(
                        self.platform, _("the {platform} browser profile is in use by another program ({folder})")
                        .format(platform=name, folder=self.profile),
                        hint=_("Close other SellerDesk windows; SellerDesk tries again later.")) from exc
                if not headless and is_no_display(exc.message):
                    raise PlatformError(self.platform, _("there is no screen to show the {platform} sign-in window on")
                                        .format(platform=name),
                                        hint=_("Connect from SellerDesk on the computer's desktop.")) from exc
                first = exc.message.splitlines()[0] if exc.message else type(exc).__name__
                raise PlatformError(self.platform, _("the browser could not start ({reason})").format(reason=first),
                                    hint=_("Run: {command}").format(command="sellerdesk doctor")) from exc
        raise BrowserMissing(self.platform, "no Chrome, Edge or Chromium could be started from "
                             + ", ".join(next(iter(w.values())) for w in plan.ways))

    def _forget(self, context: BrowserContext) -> None:
        if context is self._context:
            self.watchdog.pid = None
            self._context = None
            self._page = None
            self._release()

    def _release(self) -> None:
        if self._holding is not None:
            self._holding.release()
            self._holding = None

    def _close_context(self) -> None:
        context, self._context, self._page, self._cdp = self._context, None, None, None
        self.watchdog.pid = None
        try:
            if context is not None:
                context.close()
        except PlaywrightError as exc:  # the browser is already gone (crashed, or the seller closed it)
            log.info("%s: the browser was already closed (%s)", self.platform, exc.message.splitlines()[0])
        finally:
            self._release()


def _browser_pid(context: BrowserContext) -> int | None:
    """The browser's process id (for the watchdog), from Chromium itself; None if it will not say."""
    browser = context.browser
    if browser is None:
        return None
    try:
        info = browser.new_browser_cdp_session().send("SystemInfo.getProcessInfo")
    except PlaywrightError as exc:
        log.info("the browser did not tell its process id (%s)", exc.message.splitlines()[0])
        return None
    return next((int(p["id"]) for p in info.get("processInfo", []) if p.get("type") == "browser"), None)


def _plain_chrome(context: BrowserContext, page: Page) -> CDPSession | None:
    """Make a headless tab introduce itself as the Chrome it is: without this, every request says
    "HeadlessChrome", which portals' bot checks look for (``navigator.webdriver`` is off by a launch argument)."""
    try:
        cdp = context.new_cdp_session(page)
        agent = str(cdp.send("Browser.getVersion").get("userAgent", ""))
        if "HeadlessChrome" in agent:
            cdp.send("Emulation.setUserAgentOverride", {"userAgent": agent.replace("HeadlessChrome", "Chrome")})
    except PlaywrightError as exc:
        log.info("could not set the browser's user agent (%s)", exc.message.splitlines()[0])
        return None
    return cdp


def _minimise(context: BrowserContext, page: Page) -> CDPSession | None:
    """Minimise a headed browser's window (--start-minimized alone is not honoured by every window manager)."""
    try:
        cdp = context.new_cdp_session(page)
        window = cdp.send("Browser.getWindowForTarget")
        cdp.send("Browser.setWindowBounds", {"windowId": window["windowId"], "bounds": {"windowState": "minimized"}})
    except PlaywrightError as exc:
        log.info("could not minimise the browser window (%s)", exc.message.splitlines()[0])
        return None
    return cdp

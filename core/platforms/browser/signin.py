"""Signing in to a portal: the seller does it by hand in a window SellerDesk opens; SellerDesk only watches.

SellerDesk never reads, types or stores the phone OTP: it waits until the portal shows its signed-in marker,
with a timeout and a cancel event, then reads who is signed in and until when the session cookie lasts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from core.i18n import _, format_duration
from core.platforms.base import AccountInfo
from core.platforms.browser.page import PortalPage
from core.platforms.errors import ConnectCancelled, PlatformError, TransientFailure

SignInHook = Callable[[Page], None]


def account(pp: PortalPage) -> AccountInfo:
    """Who is signed in (from the page's signed-in marker) and when the session cookie runs out."""
    session = pp.portal.session
    pp.page.locator(session["signed_in"]).first.wait_for()
    name = pp.page.locator(session["account_name"]).first.inner_text().strip()
    account_id = ""
    if session.get("account_id"):
        account_id = pp.page.locator(session["account_id"]).first.inner_text().strip()
    ends = [c.get("expires", -1) for c in pp.page.context.cookies(pp.base_url)
            if c.get("name") in session.get("cookies", [])]
    lasting = [float(e) for e in ends if e is not None and float(e) > 0]
    expires = datetime.fromtimestamp(min(lasting), UTC) if lasting else None
    return AccountInfo(account_id=account_id or name, account_name=name, expires_at=expires)


def wait_for_sign_in(pp: PortalPage, *, cancel: threading.Event | None, timeout: float, poll: float,
                     hook: SignInHook | None = None) -> AccountInfo:
    """Open the portal's sign-in page and wait until the seller has signed in (or cancels, or time runs out).

    ``hook`` runs on the tab right after it opens: tests type the replica's OTP through it; in the app nobody
    does, the seller types in the window. Nothing of the page is saved on failure: it may show the OTP.
    """
    session = pp.portal.session
    page = pp.page
    try:
        page.goto(pp.url(session["login_path"]), wait_until="domcontentloaded")
    except PlaywrightError as exc:
        raise TransientFailure(pp.platform, _("the {platform} sign-in page could not be opened ({reason})").format(
            platform=pp.display, reason=exc.message.splitlines()[0])) from exc
    if hook is not None:
        hook(page)
    deadline = time.monotonic() + timeout
    marker = page.locator(session["signed_in"]).first
    # Signed in, but a CAPTCHA or OTP check still covers the panel: the seller answers it in this window first.
    checks = [page.locator(c.selector).filter(visible=True) for c in pp.portal.interstitials]
    while True:
        if cancel is not None and cancel.is_set():
            raise ConnectCancelled(pp.platform, _("signing in to {platform} was cancelled").format(platform=pp.display))
        try:
            marker.wait_for(state="visible", timeout=poll * 1000)
            if any(check.count() for check in checks):
                page.wait_for_timeout(poll * 1000)
                raise PlaywrightTimeoutError("a check covers the panel")
            break
        except PlaywrightTimeoutError:
            if time.monotonic() >= deadline:
                raise ConnectCancelled(pp.platform, _("signing in to {platform} did not finish within {wait}").format(
                    platform=pp.display, wait=format_duration(timeout))) from None
        except PlaywrightError as exc:
            if page.is_closed():
                raise ConnectCancelled(pp.platform, _("the {platform} sign-in window was closed before signing "
                                                      "in finished").format(platform=pp.display)) from exc
            raise TransientFailure(pp.platform, _("the {platform} sign-in window failed ({reason})").format(
                platform=pp.display, reason=exc.message.splitlines()[0])) from exc
    try:
        return account(pp)
    except PlaywrightError as exc:
        raise PlatformError(pp.platform, _("signed in, but the account name was not found on the {platform} page")
                            .format(platform=pp.display),
                            hint=_("Check {key} in {path}.").format(key="session.account_name",
                                                                   path=pp.portal.path)) from exc


def check_signed_in(pp: PortalPage) -> AccountInfo:
    """Open the portal's home page headless; the sign-in form instead raises AuthExpired."""
    session = pp.portal.session
    with pp.step(session["check_step"]):
        pp.open(session["home_path"], session["signed_in"])
        return account(pp)

"""PyInstaller runtime hook: the frozen app never downloads browsers and finds its portal driver."""

import contextlib
import os

# Playwright must drive the installed Chrome/Edge (browser.channel) or a configured path; never a download.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")


def _activate_portal_driver() -> None:
    """Node for Playwright's driver is an optional part the seller adds (core/components.py); point Playwright at it.
    A damaged manifest must not stop the app from starting: the self-test and `components list` report it."""
    from core.components import activate
    from core.errors import SellerDeskError

    with contextlib.suppress(SellerDeskError):
        activate()


_activate_portal_driver()

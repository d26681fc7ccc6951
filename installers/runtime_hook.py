"""PyInstaller runtime hook: the frozen app never downloads browsers, finds its portal driver, and keeps
matplotlib's font cache in its cache folder."""

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


class _MatplotlibCache:
    """PyInstaller's own matplotlib hook points MPLCONFIGDIR at a new temporary folder at every start (it runs after
    this one), so the font cache was rebuilt each launch. Just before matplotlib is first imported, this points it
    at the app's cache folder instead (``<user cache>/SellerDesk/matplotlib``), and steps aside."""

    @staticmethod
    def find_spec(name, path=None, target=None):  # type: ignore[no-untyped-def]
        if name == "matplotlib":
            import sys

            from platformdirs import user_cache_path

            folder = user_cache_path("SellerDesk", appauthor=False) / "matplotlib"
            folder.mkdir(parents=True, exist_ok=True)
            os.environ["MPLCONFIGDIR"] = str(folder)
            sys.meta_path.remove(_MatplotlibCache)
        return None


def _install_matplotlib_cache() -> None:
    import sys

    sys.meta_path.insert(0, _MatplotlibCache)  # type: ignore[arg-type]


_install_matplotlib_cache()

"""Which browser the portals run in and how it starts: the seller's Chrome or Edge, or a configured executable.

SellerDesk never downloads a browser (no ``playwright install``): it uses what the seller has. Launch arguments
come from resources/portals/browser.json.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.doctor import find_browser
from core.errors import StorageError
from core.i18n import N_, _
from core.paths import resources_dir
from core.platforms.errors import PlatformError

if TYPE_CHECKING:
    from core.settings import Settings

INSTALL_HINT = N_("Install Google Chrome or Microsoft Edge, or set browser.executable_path.")
# Channels Playwright can find by itself in their usual install places (including per-user installs).
_PLAYWRIGHT_CHANNELS = ("chrome", "msedge")


class BrowserMissing(PlatformError):
    """No browser to drive the portal: none installed where expected, or the configured path does not exist."""

    default_hint = INSTALL_HINT


@lru_cache(maxsize=1)
def browser_data() -> dict[str, Any]:
    """The launch data file (resources/portals/browser.json)."""
    path = resources_dir() / "portals" / "browser.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StorageError(f"The browser data file {path} cannot be read ({exc}).",
                           hint="Reinstall SellerDesk.") from exc
    return data


def runs_as_root() -> bool:
    """True when this process is root on Linux, where Chromium's sandbox cannot start."""
    return sys.platform.startswith("linux") and os.geteuid() == 0


@dataclass(frozen=True)
class LaunchPlan:
    """How to start the browser: the ways to find it, in order, plus what every launch shares."""

    ways: tuple[dict[str, str], ...]  # each is {"channel": ...} or {"executable_path": ...}
    args: tuple[str, ...]
    sandbox: bool
    locale: str
    timezone: str
    viewport: dict[str, int]
    launch_timeout: float

    def launch_kwargs(self, way: dict[str, str], *, headless: bool, minimised: bool = False) -> dict[str, Any]:
        """Keyword arguments for ``launch_persistent_context`` (minus the profile folder); ``minimised``: a headed
        window that starts minimised."""
        return {
            **way,
            "headless": headless,
            "args": list(self.args) + (["--start-minimized"] if minimised and not headless else []),
            "chromium_sandbox": self.sandbox,
            "locale": self.locale,
            "timezone_id": self.timezone,
            "viewport": dict(self.viewport),
            "timeout": self.launch_timeout * 1000,
        }


def launch_plan(settings: Settings, platform: str) -> LaunchPlan:
    """The launch plan from the settings; raises BrowserMissing when there is clearly nothing to start."""
    data = browser_data()
    channel = str(settings.get("browser.channel"))
    configured = str(settings.get("browser.executable_path"))
    ways: list[dict[str, str]] = []
    if configured:
        if not Path(configured).exists():
            raise BrowserMissing(platform, _("the browser set in browser.executable_path ({path}) does not exist")
                                 .format(path=configured),
                                 hint=_("Correct browser.executable_path, or clear it to use Chrome or Edge.") + " "
                                      + _(INSTALL_HINT))
        ways.append({"executable_path": configured})
    else:
        if channel in _PLAYWRIGHT_CHANNELS:
            ways.append({"channel": channel})
        # Playwright only knows the usual install places; the doctor's search also finds Chromium and other paths.
        found = find_browser(channel, "")
        if found is not None:
            ways.append({"executable_path": found})
    if not ways:
        raise BrowserMissing(platform, _("no Chrome, Edge or Chromium was found on this computer"))
    root = runs_as_root()
    args = tuple(data["args"]) + (tuple(data["root_args"]) if root else ())
    return LaunchPlan(ways=tuple(ways), args=args, sandbox=not root, locale=str(data["locale"]),
                      timezone=str(data["timezone"]), viewport=dict(data["viewport"]),
                      launch_timeout=float(data["launch_timeout_seconds"]))


def is_missing_browser(message: str) -> bool:
    """True if Playwright's launch error means the browser is not installed there (try the next way)."""
    text = message.lower()
    return "is not found at" in text or "doesn't exist at" in text


def is_profile_in_use(message: str) -> bool:
    """True if Playwright's launch error means another browser holds the profile folder."""
    text = message.lower()
    return "processsingleton" in text or "singletonlock" in text


def is_no_display(message: str) -> bool:
    """True if a visible window was asked for where there is no screen (no X server or $DISPLAY)."""
    text = message.lower()
    return "xserver" in text or "x server" in text or "$display" in text

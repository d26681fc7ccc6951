"""Portals that refuse hidden browsers: with browser.headless off and browser.minimised on, a listing runs in a real,
headed Chrome started minimised (on a virtual screen here), and the listing goes through."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from core.platforms.browser.platform import PortalPlatform
from core.platforms.publish import publish_listing
from core.platforms.registry import open_platform
from tests.portals.conftest import PortalEnv, unpaced

EnvOf = Callable[[str], PortalEnv]


@pytest.fixture
def screen(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A virtual screen (Xvfb) as $DISPLAY, for a headed browser on a machine without one."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    number = 60 + os.getpid() % 200
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    socket = Path(f"/tmp/.X11-unix/X{number}")
    deadline = time.monotonic() + 10
    while not socket.exists():
        assert server.poll() is None and time.monotonic() < deadline, "Xvfb did not start"
        time.sleep(0.05)
    monkeypatch.setenv("DISPLAY", f":{number}")
    yield f":{number}"
    server.terminate()
    server.wait(10)


def _agent(page: Page) -> str:
    return str(page.evaluate("navigator.userAgent"))


def test_a_listing_runs_in_a_minimised_real_browser(env_of: EnvOf, screen: str) -> None:
    env = env_of("indiamart")
    env.platform._session.close_browser()  # the profile is opened by the platform below
    settings = env.app.settings
    settings.set("browser.headless", False)
    settings.set("browser.minimised", True)
    # A platform of its own: its browser driver starts now, on the virtual screen.
    platform = open_platform(env.app, "indiamart")
    assert isinstance(platform, PortalPlatform)
    unpaced(platform)
    try:
        listed = publish_listing(env.app, env.add_product(sku="INDI-MIN-1"), "indiamart", target=platform,
                                 variants=env.variants)
        assert listed.remote_id in env.replica.listings
        # A real, headed Chrome asked to start minimised (a bare virtual screen has no window manager to show it
        # minimised, so the window state itself cannot be read back here).
        agent = platform._session.run(_agent, headless=False, minimised=True)
        pid = platform._session.watchdog.pid
        assert pid is not None
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
        assert "--start-minimized" in arguments and not any(a.startswith("--headless") for a in arguments)
        assert "HeadlessChrome" not in agent
    finally:
        platform.close()
        settings.set("browser.headless", True)
        settings.unset("browser.minimised")

"""Signing in to the portals: phone + OTP by the seller, session kept in a profile, clear refusals otherwise."""

from __future__ import annotations

import threading

import pytest

from core.app import App
from core.platforms.base import ConnectOptions
from core.platforms.browser.launcher import INSTALL_HINT
from core.platforms.errors import AuthExpired, ConnectCancelled, PlatformError
from core.platforms.registry import open_platform
from core.platforms.service import disconnect_platform, verify_connection
from tests.portals.conftest import PORTALS, Portals, configure


@pytest.mark.parametrize("name", PORTALS)
def test_the_seller_signs_in_once_and_later_runs_are_headless(portals: Portals, name: str) -> None:
    env = portals.get(name)
    status = env.status or env.connect()
    assert status.state == "connected"
    assert status.account_name == env.replica.account_name and status.account_id == env.replica.account_id
    # The session cookie's lifetime is the sign-in's: the seller is warned before it runs out.
    assert status.days_left in (29, 30)
    assert (env.app.data_dir / "browser-profiles" / name / "Default").is_dir()
    # A later check runs headless on the saved session.
    assert verify_connection(env.app, name, target=env.platform).state == "connected"
    # SellerDesk never reads or keeps the OTP: it is nowhere in its own files.
    assert env.replica.sent
    for own in (env.app.data_dir / "sellerdesk.db", env.app.data_dir / "settings.json"):
        assert not any(otp.encode() in own.read_bytes() for otp in env.replica.sent)


def test_cancel_and_timeout_end_the_wait_with_a_clear_message(app: App, portals: Portals) -> None:
    replica = portals.get("meesho").replica
    configure(app, "meesho", replica)
    cancel = threading.Event()
    with open_platform(app, "meesho") as meesho:
        # Nobody types anything: the seller walked away, then pressed Cancel.
        threading.Timer(0.3, cancel.set).start()
        with pytest.raises(ConnectCancelled, match="signing in to Meesho was cancelled"):
            meesho.connect(ConnectOptions(cancel=cancel, timeout=30))
        with pytest.raises(ConnectCancelled, match="did not finish within 1 second"):
            meesho.connect(ConnectOptions(timeout=1))


def test_a_job_before_signing_in_is_refused_without_a_browser(app: App, portals: Portals) -> None:
    configure(app, "snapdeal", portals.get("snapdeal").replica)
    with open_platform(app, "snapdeal") as snapdeal, pytest.raises(AuthExpired, match="not connected") as caught:
        snapdeal.check_connection()
    assert "sellerdesk platforms connect snapdeal" in str(caught.value)


def test_no_browser_says_what_to_install(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    # Settings refuses to keep a path that does not exist; a browser uninstalled later (or an environment
    # override) still reaches the launcher, which says what to install.
    monkeypatch.setenv("SELLERDESK_BROWSER__EXECUTABLE_PATH", "/nowhere/chrome")
    with open_platform(app, "indiamart") as indiamart, pytest.raises(PlatformError) as caught:
        indiamart.connect(ConnectOptions(timeout=5))
    assert "/nowhere/chrome" in str(caught.value) and INSTALL_HINT in str(caught.value)


def test_disconnect_forgets_the_session(app: App, portals: Portals) -> None:
    configure(app, "indiamart", portals.get("indiamart").replica)
    profile = app.data_dir / "browser-profiles" / "indiamart"
    (profile / "Default").mkdir(parents=True)  # what a sign-in leaves behind
    with open_platform(app, "indiamart") as platform:
        assert disconnect_platform(app, "indiamart", target=platform).state == "not_connected"
        assert not profile.exists()
        with pytest.raises(AuthExpired, match="not connected yet"):
            platform.check_connection()

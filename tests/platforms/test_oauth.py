"""Desktop OAuth (RFC 8252): PKCE S256, the state check, the one-shot loopback listener, timeout and cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
import pytest

from core.platforms.errors import ConnectCancelled, PlatformError
from core.platforms.oauth import AuthorizationRequest, Pkce, authorize
from tests.fakes.etsy import EtsyStandIn
from tests.platforms.conftest import FakeBrowser


def request_for(server: EtsyStandIn, timeout: float = 10.0) -> AuthorizationRequest:
    return AuthorizationRequest("etsy", f"{server.url}/oauth/connect", server.keystring,
                                ("listings_r", "listings_w", "shops_r", "transactions_r"), timeout=timeout)


def exchange_with(server: EtsyStandIn) -> Callable[[str, str, str], dict[str, object]]:
    def exchange(code: str, verifier: str, redirect_uri: str) -> dict[str, object]:
        response = httpx.post(f"{server.url}/v3/public/oauth/token", data={
            "grant_type": "authorization_code", "client_id": server.keystring, "redirect_uri": redirect_uri,
            "code": code, "code_verifier": verifier})
        return dict(response.json())
    return exchange


def test_pkce_s256_matches_rfc_7636() -> None:
    pair = Pkce.from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
    assert pair.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    fresh = Pkce.make()
    assert 43 <= len(fresh.verifier) <= 128 and fresh.verifier != Pkce.make().verifier


def test_sign_in_through_the_browser_and_loopback(etsy_server: EtsyStandIn, browser: FakeBrowser) -> None:
    shown: list[str] = []
    tokens = authorize(request_for(etsy_server), exchange_with(etsy_server), open_browser=browser,
                       on_url=shown.append)
    browser.join()
    assert str(tokens["access_token"]).startswith(f"{etsy_server.user_id}.")
    url = httpx.URL(shown[0])
    assert url.params["code_challenge_method"] == "S256" and url.params["redirect_uri"].startswith("http://127.0.0.1:")
    assert url.params["scope"] == "listings_r listings_w shops_r transactions_r"
    assert "You can close this tab" in browser.landed[0].text


def test_the_code_only_works_with_the_matching_verifier(etsy_server: EtsyStandIn, browser: FakeBrowser) -> None:
    def wrong_verifier(code: str, verifier: str, redirect_uri: str) -> dict[str, object]:
        return exchange_with(etsy_server)(code, Pkce.make().verifier, redirect_uri)

    answer = authorize(request_for(etsy_server), wrong_verifier, open_browser=browser)
    browser.join()
    assert answer == {"error": "invalid_grant", "error_description": "code_verifier is invalid"}


def test_an_answer_with_another_state_is_refused(etsy_server: EtsyStandIn, browser: FakeBrowser) -> None:
    etsy_server.tamper_state = True
    exchanged: list[str] = []
    with pytest.raises(PlatformError, match="did not match the sign-in SellerDesk started"):
        authorize(request_for(etsy_server), lambda code, v, r: exchanged.append(code), open_browser=browser)
    browser.join()
    assert exchanged == []  # the code was never used
    assert "did not get access" in browser.landed[0].text


def test_declining_in_the_browser_is_a_cancel(etsy_server: EtsyStandIn, browser: FakeBrowser) -> None:
    etsy_server.deny_next = True
    with pytest.raises(ConnectCancelled, match="access was declined"):
        authorize(request_for(etsy_server), exchange_with(etsy_server), open_browser=browser)
    browser.join()


def test_waiting_ends_on_timeout_or_cancel(etsy_server: EtsyStandIn) -> None:
    with pytest.raises(ConnectCancelled, match="did not finish within 1 second"):
        authorize(request_for(etsy_server, timeout=0.5), exchange_with(etsy_server), open_browser=lambda url: True)
    cancel = threading.Event()
    timer = threading.Timer(0.2, cancel.set)
    timer.start()
    with pytest.raises(ConnectCancelled, match="cancelled"):
        authorize(request_for(etsy_server), exchange_with(etsy_server), open_browser=lambda url: True, cancel=cancel)
    timer.join()


def test_the_listener_ignores_other_addresses(etsy_server: EtsyStandIn) -> None:
    visits: list[threading.Thread] = []

    def stray_then_real(url: str) -> bool:
        def visit() -> None:
            redirect = httpx.URL(url).params["redirect_uri"]
            stray = httpx.get(redirect.replace("/callback", "/favicon.ico"))
            assert stray.status_code == 404
            httpx.get(url, follow_redirects=True)

        visits.append(threading.Thread(target=visit))
        visits[-1].start()
        return True

    tokens = authorize(request_for(etsy_server), exchange_with(etsy_server), open_browser=stray_then_real)
    visits[0].join()
    assert "access_token" in tokens

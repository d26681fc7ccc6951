"""The OAuth broker: consent URL, callback with the code exchange against stand-ins, one-time hand-off to the
desktop's loopback listener, long-lived exchanges and Pinterest refresh."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI

from server.client import SyncServiceClient
from server.client_models import Invalid, NotFound, ServiceError
from server.config import ServerConfig
from server.errors import ApiError
from server.oauth import check_loopback
from tests.fakes.mailbox import Mailbox, sign_up
from tests.server.conftest import PUBLIC_URL, bearer, open_http
from tests.server.fake_providers import APP_IDS, APP_SECRETS, ProviderStandIn

LOOPBACK = "http://127.0.0.1:53682/callback"


@pytest.fixture
def providers() -> Iterator[ProviderStandIn]:
    stand_in = ProviderStandIn()
    stand_in.start()
    try:
        yield stand_in
    finally:
        stand_in.stop()


@pytest.fixture
def broker(make_app: Callable[..., FastAPI], config: ServerConfig,
           providers: ProviderStandIn, mailbox: Mailbox) -> Iterator[tuple[httpx.Client, SyncServiceClient]]:
    """The service configured with the stand-ins' endpoints and app secrets, and a signed-in desktop."""
    app = make_app(replace(config, providers=providers.provider_configs()))
    with open_http(app) as http:
        desktop = SyncServiceClient(PUBLIC_URL, http=http)
        sign_up(desktop, http, mailbox, "seller@example.com", "long enough password", uuid.uuid4())
        yield http, desktop


def _consent(http: httpx.Client, providers: ProviderStandIn, provider: str, authorize_url: str,
             deny: bool = False) -> dict[str, str]:
    """The seller's browser: consent at the provider, which redirects to the broker, which redirects home."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    assert query["client_id"] == APP_IDS[provider] and query["response_type"] == "code"
    assert query["redirect_uri"] == f"{PUBLIC_URL}/oauth/{provider}/callback"
    params = {"error": "access_denied", "state": query["state"]} if deny else {
        "code": providers.consent(provider, query["redirect_uri"]), "state": query["state"]}
    response = http.get(f"/oauth/{provider}/callback", params=params)
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(LOOPBACK + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


@pytest.mark.parametrize(("provider", "prefix", "refreshable"), [
    ("facebook", "EAAlong-", False), ("instagram", "IGlong-", False), ("pinterest", "pina_", True)])
def test_sign_in_through_the_broker(broker: tuple[httpx.Client, SyncServiceClient], providers: ProviderStandIn,
                                    provider: str, prefix: str, refreshable: bool) -> None:
    http, desktop = broker
    url = desktop.oauth_start(provider, LOOPBACK, "desktop-state-123")
    back = _consent(http, providers, provider, url)
    assert back["state"] == "desktop-state-123"  # what the loopback listener checks
    assert set(back) == {"code", "state"}  # the tokens themselves never travel in a URL
    tokens = desktop.oauth_redeem(back["code"])
    assert tokens.provider == provider and tokens.access_token.startswith(prefix)  # long-lived where it exists
    assert (tokens.refresh_token is not None) == refreshable
    if provider == "instagram":
        assert tokens.user_id == "17841400000000"
    with pytest.raises(NotFound):
        desktop.oauth_redeem(back["code"])  # one time only


def test_pinterest_exchange_uses_http_basic_with_the_app_secret(
        broker: tuple[httpx.Client, SyncServiceClient], providers: ProviderStandIn) -> None:
    http, desktop = broker
    _consent(http, providers, "pinterest", desktop.oauth_start("pinterest", LOOPBACK, "s1"))
    token_calls = [r for r in providers.requests if r.path == "/pin/v5/oauth/token"]
    assert len(token_calls) == 1 and token_calls[0].headers["Authorization"].startswith("Basic ")
    assert APP_SECRETS["pinterest"] not in token_calls[0].body.decode()
    assert "continuous_refresh=true" in token_calls[0].body.decode()  # OpenAPI 5.23.0, as the own-app path sends


def test_pinterest_refresh_goes_through_the_broker(broker: tuple[httpx.Client, SyncServiceClient],
                                                   providers: ProviderStandIn) -> None:
    http, desktop = broker
    back = _consent(http, providers, "pinterest", desktop.oauth_start("pinterest", LOOPBACK, "s1"))
    first = desktop.oauth_redeem(back["code"])
    assert first.refresh_token is not None
    renewed = desktop.oauth_refresh("pinterest", first.refresh_token)
    assert renewed.access_token.startswith("pina_") and renewed.access_token != first.access_token
    with pytest.raises(ServiceError) as refused:
        desktop.oauth_refresh("pinterest", "pinr_not-issued")
    assert refused.value.status == 502 and "Invalid refresh token" in refused.value.message


def test_a_short_lived_token_is_exchanged_for_a_long_lived_one(broker: tuple[httpx.Client, SyncServiceClient],
                                                               providers: ProviderStandIn) -> None:
    _, desktop = broker
    providers.short_tokens.update({"EAAshort-from-login-success", "IGshort-from-app"})
    assert desktop.oauth_exchange("facebook", "EAAshort-from-login-success").access_token.startswith("EAAlong-")
    assert desktop.oauth_exchange("instagram", "IGshort-from-app").access_token.startswith("IGlong-")
    with pytest.raises(ServiceError) as expired:
        desktop.oauth_exchange("facebook", "EAA-unknown")
    assert expired.value.status == 502 and "Session has expired" in expired.value.message


def test_a_refused_consent_goes_back_to_the_desktop_as_an_error(
        broker: tuple[httpx.Client, SyncServiceClient], providers: ProviderStandIn) -> None:
    http, desktop = broker
    back = _consent(http, providers, "facebook", desktop.oauth_start("facebook", LOOPBACK, "s2"), deny=True)
    assert back == {"error": "access_denied", "state": "s2"}


def test_a_failed_exchange_goes_back_to_the_desktop_as_an_error(
        broker: tuple[httpx.Client, SyncServiceClient], providers: ProviderStandIn) -> None:
    http, desktop = broker
    url = desktop.oauth_start("facebook", LOOPBACK, "s3")
    state = parse_qs(urlsplit(url).query)["state"][0]
    response = http.get("/oauth/facebook/callback", params={"code": "forged-code", "state": state})
    back = parse_qs(urlsplit(response.headers["location"]).query)
    assert back["error"] == ["exchange_failed"] and back["state"] == ["s3"]
    assert "Invalid verification code" in back["error_description"][0]
    assert APP_SECRETS["facebook"] not in response.headers["location"]


def test_a_callback_with_an_unknown_or_used_state_is_refused(
        broker: tuple[httpx.Client, SyncServiceClient], providers: ProviderStandIn) -> None:
    http, desktop = broker
    url = desktop.oauth_start("pinterest", LOOPBACK, "s4")
    state = parse_qs(urlsplit(url).query)["state"][0]
    code = providers.consent("pinterest", f"{PUBLIC_URL}/oauth/pinterest/callback")
    assert http.get("/oauth/pinterest/callback", params={"code": code, "state": state}).status_code == 302
    replay = http.get("/oauth/pinterest/callback", params={"code": code, "state": state})
    assert replay.status_code == 400 and "location" not in replay.headers
    assert http.get("/oauth/pinterest/callback", params={"code": code, "state": "made-up"}).status_code == 400
    # A state from one provider's flow is not accepted on another's callback.
    other = parse_qs(urlsplit(desktop.oauth_start("facebook", LOOPBACK, "s5")).query)["state"][0]
    assert http.get("/oauth/pinterest/callback", params={"code": code, "state": other}).status_code == 400


@pytest.mark.parametrize("uri", [
    "http://127.0.0.1:53682/callback", "http://localhost:8080/", "http://127.0.0.1:1/a/b?x=1"])
def test_loopback_redirects_are_accepted(uri: str) -> None:
    assert check_loopback(uri) == uri


@pytest.mark.parametrize("uri", [
    "https://127.0.0.1:53682/callback", "http://127.0.0.1/callback", "http://evil.example:53682/callback",
    "http://127.0.0.1:53682@evil.example/", "http://user@127.0.0.1:53682/", "http://127.0.0.1.evil.example:80/",
    "http://[::1]:53682/", "http://127.0.0.1:99999/", "http://127.0.0.1:53682/#frag", "javascript:alert(1)",
    "http://127.0.0.1:53682\\@evil.example/", "http://localhost:53682 /", "//127.0.0.1:53682/", "http://[::1"])
def test_other_redirects_are_refused(uri: str) -> None:
    with pytest.raises(ApiError) as refused:
        check_loopback(uri)
    assert refused.value.status_code == 422 and refused.value.code == "invalid_redirect_uri"


def test_a_start_with_a_foreign_redirect_is_refused(broker: tuple[httpx.Client, SyncServiceClient]) -> None:
    _, desktop = broker
    with pytest.raises(Invalid) as refused:
        desktop.oauth_start("facebook", "https://evil.example/callback", "s6")
    assert refused.value.code == "invalid_redirect_uri"


def test_a_provider_without_a_secret_on_this_server_is_reported(
        new_device: Callable[..., SyncServiceClient]) -> None:
    desktop = new_device("a@example.com")  # the default app has no provider secrets configured
    with pytest.raises(ServiceError) as missing:
        desktop.oauth_start("pinterest", LOOPBACK, "s7")
    assert missing.value.status == 503 and missing.value.code == "provider_not_configured"


def test_the_broker_needs_a_signed_in_account(broker: tuple[httpx.Client, SyncServiceClient]) -> None:
    http, desktop = broker
    body = {"redirect_uri": LOOPBACK, "state": "s8"}
    assert http.post("/v1/oauth/facebook/start", json=body).status_code == 401
    assert http.post("/v1/oauth/facebook/start", json=body, headers=bearer(desktop)).status_code == 200
    assert http.post("/v1/oauth/myspace/start", json=body, headers=bearer(desktop)).status_code in (404, 422)

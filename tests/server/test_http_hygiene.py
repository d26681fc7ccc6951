"""What every answer carries and what the logs never do: security headers, no CORS, no caching of sign-in
answers, one error shape, and an access log without passwords, tokens, codes or secrets."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI

from server.client import SyncServiceClient
from server.config import ServerConfig
from tests.fakes.mailbox import CONFIRM_SUBJECT, Mailbox, confirm_link, sign_up
from tests.server.conftest import PASSWORD, PUBLIC_URL, bearer, open_http
from tests.server.fake_providers import APP_SECRETS, ProviderStandIn

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


def test_security_headers_on_every_answer(http: httpx.Client, new_device: Callable[..., SyncServiceClient]) -> None:
    device = new_device("a@example.com")
    for response in (http.get("/healthz"), http.get("/v1/account", headers=bearer(device)),
                     http.get("/v1/account"), http.get("/no/such/route")):
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["strict-transport-security"].startswith("max-age=")  # the public URL is https
        assert headers["x-request-id"]


def test_sign_in_answers_are_never_cached(http: httpx.Client) -> None:
    body = {"email": "a@example.com", "password": PASSWORD, "device_id": str(uuid.uuid4())}
    for response in (http.post("/v1/auth/register", json=body), http.post("/v1/auth/login", json=body)):
        assert response.status_code in (202, 403)  # signed up; "check your email" (not confirmed yet)
        assert response.headers["cache-control"] == "no-store"


def test_cors_is_off(http: httpx.Client) -> None:
    preflight = http.options("/v1/auth/login", headers={"Origin": "https://evil.example",
                                                        "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    simple = http.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers


def test_errors_have_one_shape(http: httpx.Client) -> None:
    for response in (http.get("/no/such/route"), http.get("/v1/account"), http.delete("/healthz")):
        body = response.json()
        assert set(body) == {"error", "message"}, body
    assert http.get("/no/such/route").json()["error"] == "not_found"


def test_api_docs_are_not_served_by_default(http: httpx.Client) -> None:
    assert http.get("/docs").status_code == 404
    assert http.get("/openapi.json").status_code == 404


def test_health_check(http: httpx.Client) -> None:
    assert http.get("/healthz").json() == {"status": "ok"}


@pytest.fixture
def broker_app(make_app: Callable[..., FastAPI], config: ServerConfig) -> Iterator[tuple[FastAPI, ProviderStandIn]]:
    providers = ProviderStandIn()
    providers.start()
    try:
        yield make_app(replace(config, providers=providers.provider_configs())), providers
    finally:
        providers.stop()


def test_the_access_log_holds_no_secrets(broker_app: tuple[FastAPI, ProviderStandIn],
                                         caplog: pytest.LogCaptureFixture, mailbox: Mailbox) -> None:
    app, providers = broker_app
    caplog.set_level(logging.DEBUG)  # everything any library logs, not just our access lines
    secrets: list[str] = [PASSWORD, "a fresh passphrase!", *APP_SECRETS.values()]
    with open_http(app) as http:
        desktop = SyncServiceClient(PUBLIC_URL, http=http)
        first = sign_up(desktop, http, mailbox, "a@example.com", PASSWORD, uuid.uuid4())
        secrets.append(confirm_link(mailbox, "a@example.com", mailbox.count("a@example.com", CONFIRM_SUBJECT) - 1)
                       .partition("token=")[2])
        desktop.refresh()
        assert desktop.tokens is not None
        secrets += [first.access_token, first.refresh_token, desktop.tokens.access_token, desktop.tokens.refresh_token]
        http.post("/v1/auth/login", json={"email": "a@example.com", "password": "wrong and secret!",
                                          "device_id": str(uuid.uuid4())})
        secrets.append("wrong and secret!")
        link = desktop.publish_media(JPEG, "image/jpeg")
        token_in_url = link.url.rsplit("/", 1)[1].split(".")[0]
        secrets.append(token_in_url)
        assert http.get(link.url[len(PUBLIC_URL):]).status_code == 200
        authorize = desktop.oauth_start("facebook", "http://127.0.0.1:53682/callback", "desktop-state-xyz")
        state = parse_qs(urlsplit(authorize).query)["state"][0]
        code = providers.consent("facebook", f"{PUBLIC_URL}/oauth/facebook/callback")
        back = http.get("/oauth/facebook/callback", params={"code": code, "state": state})
        handoff = parse_qs(urlsplit(back.headers["location"]).query)["code"][0]
        tokens = desktop.oauth_redeem(handoff)
        secrets += [state, code, handoff, tokens.access_token, "desktop-state-xyz"]
        new = desktop.change_password(PASSWORD, "a fresh passphrase!")
        secrets += [new.access_token, new.refresh_token]

    access = [json.loads(r.getMessage()) for r in caplog.records if r.name == "sellerdesk.server.access"]
    assert len(access) == 12  # one line per request
    assert {"method", "path", "status", "ms", "client", "request_id"} <= set(access[0])
    assert any(entry["path"] == "/m/<redacted>" for entry in access)
    assert any(entry["path"] == "/oauth/facebook/callback" for entry in access)
    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    for secret in secrets:
        assert secret not in logged, f"a secret reached the log: {secret[:6]}..."
    assert "Authorization" not in logged and "Bearer" not in logged

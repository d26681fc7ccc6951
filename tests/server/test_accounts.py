"""Accounts: sign-up (answers never tell whether an address is taken),
login, rotating refresh tokens, logout, password change, deletion,
and the login rate limits."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from server.client import SyncServiceClient
from server.client_models import NotSignedIn, RateLimited, Tokens, WrongCredentials
from server.models import Account, Base
from tests.fakes.mailbox import Mailbox, register_confirmed, sign_up
from tests.server.conftest import PASSWORD, PUBLIC_URL, bearer, open_http


def _register(http: httpx.Client, box: Mailbox, email: str, password: str = PASSWORD,
              device: str | None = None) -> dict[str, Any]:
    """Sign up, confirm the address, then sign a device in: the tokens."""
    register_confirmed(http, box, email, password)
    response = http.post("/v1/auth/login", json={"email": email, "password": password,
                                                 "device_id": device or str(uuid.uuid4())})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _login(http: httpx.Client, email: str, password: str = PASSWORD) -> tuple[int, dict[str, Any]]:
    response = http.post("/v1/auth/login", json={"email": email, "password": password,
                                                 "device_id": str(uuid.uuid4())})
    return response.status_code, response.json() | {"retry-after": response.headers.get("Retry-After", "")}


def _me(http: httpx.Client, access: str) -> int:
    return http.get("/v1/account", headers={"Authorization": f"Bearer {access}"}).status_code


def test_a_new_account_signs_in_once_its_address_is_confirmed(mailbox: Mailbox, http: httpx.Client) -> None:
    tokens = _register(http, mailbox, "Seller@Example.com ")
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 15 * 60
    account = http.get("/v1/account", headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
    assert account["email"] == "seller@example.com"  # trimmed and lower-cased: one account per address


def test_an_email_can_register_only_once(mailbox: Mailbox, http: httpx.Client, app: FastAPI) -> None:
    _register(http, mailbox, "a@example.com")
    response = http.post("/v1/auth/register", json={"email": "A@example.com", "password": "another passphrase 7"})
    assert response.status_code == 202
    with app.state.services.db.reader() as session:
        assert session.scalar(select(func.count(Account.id))) == 1
    # The second password opens nothing: it hears "check your email", as after signing up an address new here.
    assert _login(http, "a@example.com", "another passphrase 7")[0] == 403
    assert _login(http, "a@example.com")[0] == 200  # the first password still rules


def test_weak_or_malformed_sign_ups_are_refused_without_echoing_the_password(http: httpx.Client) -> None:
    response = http.post("/v1/auth/register", json={"email": "not-an-email", "password": "short-pw",
                                                    "device_id": "nope"})  # still checked if an old desktop sends it
    assert response.status_code == 422
    fields = {f["field"] for f in response.json()["fields"]}
    assert fields == {"body.email", "body.password", "body.device_id"}
    assert "short-pw" not in response.text


def test_login_with_the_wrong_password_says_so_without_telling_which_part(mailbox: Mailbox,
                                                                         http: httpx.Client) -> None:
    _register(http, mailbox, "a@example.com")
    wrong_password = _login(http, "a@example.com", "not the password")
    no_such_account = _login(http, "nobody@example.com")
    assert wrong_password[0] == no_such_account[0] == 401
    assert wrong_password[1]["message"] == no_such_account[1]["message"]


def test_refresh_rotates_and_the_old_refresh_token_stops_working(mailbox: Mailbox, http: httpx.Client) -> None:
    first = _register(http, mailbox, "a@example.com")
    second = http.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert _me(http, second["access_token"]) == 200
    third = http.post("/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert third.status_code == 200


def test_logout_ends_access_and_refresh_at_once(mailbox: Mailbox, http: httpx.Client) -> None:
    tokens = _register(http, mailbox, "a@example.com")
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert http.post("/v1/auth/logout", headers=headers).status_code == 204
    assert _me(http, tokens["access_token"]) == 401
    assert http.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 401


def test_expired_forged_and_missing_access_tokens_are_refused(mailbox: Mailbox, http: httpx.Client,
                                                             app: FastAPI) -> None:
    tokens = _register(http, mailbox, "a@example.com")
    claims = app.state.services.access_tokens.verify(tokens["access_token"])
    expired = app.state.services.access_tokens.issue(claims.account_id, claims.session_id, claims.device_id,
                                                     now=time.time() - 3600)
    body, _, signature = tokens["access_token"].rpartition(".")
    forged = body.replace(body[-3:], "AAA") + "." + signature
    for token in (expired, forged, "", "Basic abc"):
        response = http.get("/v1/account", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert http.get("/v1/account").status_code == 401


def test_changing_the_password_signs_out_every_other_device(new_device: Callable[..., SyncServiceClient]) -> None:
    laptop = new_device("a@example.com", "laptop")
    desktop = new_device("a@example.com", "desktop")
    laptop.change_password(PASSWORD, "a brand new passphrase")
    assert laptop.account().email == "a@example.com"  # this device carries on with its new tokens
    with pytest.raises(NotSignedIn):
        desktop.account()
    assert desktop.tokens is None  # the client forgot the dead tokens (and told its owner through on_tokens)
    with pytest.raises(WrongCredentials):
        desktop.login("a@example.com", PASSWORD, uuid.uuid4())
    desktop.login("a@example.com", "a brand new passphrase", uuid.uuid4())


def test_password_change_needs_the_current_password(new_device: Callable[..., SyncServiceClient],
                                                    http: httpx.Client) -> None:
    laptop = new_device("a@example.com")
    response = http.post("/v1/auth/password", headers=bearer(laptop),
                         json={"current_password": "guess guess", "new_password": "another passphrase"})
    assert response.status_code == 403


def test_deleting_the_account_removes_it_and_its_sessions(mailbox: Mailbox,
                                                          new_device: Callable[..., SyncServiceClient],
                                                          http: httpx.Client, app: FastAPI) -> None:
    laptop = new_device("a@example.com")
    desktop = new_device("a@example.com")
    headers = bearer(desktop)
    laptop.delete_account(PASSWORD)
    assert http.get("/v1/account", headers=headers).status_code == 401
    with app.state.services.db.reader() as session:
        assert session.scalar(select(func.count()).select_from(Account)) == 0
        for table in Base.metadata.sorted_tables:
            if "account_id" in table.c:
                assert session.scalar(select(func.count()).select_from(table)) == 0, table.name
    # The address is free again, for a new account that shares nothing with the old one (not even its id).
    old_id = app.state.services.access_tokens.verify(headers["Authorization"][7:]).account_id
    again = _register(http, mailbox, "a@example.com")
    assert app.state.services.access_tokens.verify(again["access_token"]).account_id != old_id


def test_the_client_refreshes_an_expired_access_token_by_itself(http: httpx.Client, mailbox: Mailbox) -> None:
    saved: list[Tokens | None] = []
    client = SyncServiceClient(PUBLIC_URL, http=http, on_tokens=saved.append)
    first = sign_up(client, http, mailbox, "a@example.com", PASSWORD)
    # Pretend the access token has expired locally: the next call refreshes first.
    client._tokens = Tokens(first.access_token, first.refresh_token, time.time() - 1)
    assert client.account().email == "a@example.com"
    assert len(saved) == 2 and saved[-1] is not None and saved[-1].refresh_token != first.refresh_token


def test_login_attempts_are_limited_per_account(mailbox: Mailbox, make_app: Callable[..., FastAPI]) -> None:
    app = make_app(login_failures_per_account=3, login_failures_per_address=100)
    with open_http(app) as http:
        _register(http, mailbox, "a@example.com")
        assert [_login(http, "a@example.com", "wrong wrong")[0] for _ in range(3)] == [401, 401, 401]
        status, body = _login(http, "a@example.com")  # even the right password waits now
        assert status == 429 and body["error"] == "rate_limited"
        assert 1 <= int(body["retry-after"]) <= 15 * 60
        # Another account from the same address is not affected.
        _register(http, mailbox, "b@example.com")
        assert _login(http, "b@example.com")[0] == 200


def test_login_attempts_are_limited_per_address(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(login_failures_per_account=100, login_failures_per_address=4)
    with open_http(app) as http:
        for n in range(4):
            assert _login(http, f"user{n}@example.com")[0] == 401  # guessing across many accounts
        status, body = _login(http, "user9@example.com")
        assert status == 429 and int(body["retry-after"]) > 0


def test_the_client_reports_rate_limits_with_their_wait(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(login_failures_per_account=1)
    with open_http(app) as http:
        client = SyncServiceClient(PUBLIC_URL, http=http)
        with pytest.raises(WrongCredentials):
            client.login("a@example.com", "wrong wrong", uuid.uuid4())
        with pytest.raises(RateLimited) as limited:
            client.login("a@example.com", "wrong wrong", uuid.uuid4())
        assert limited.value.retry_after > 0


def test_registrations_are_limited_per_address(mailbox: Mailbox, make_app: Callable[..., FastAPI]) -> None:
    app = make_app(registrations_per_address=2)
    with open_http(app) as http:
        _register(http, mailbox, "a@example.com")
        _register(http, mailbox, "b@example.com")
        response = http.post("/v1/auth/register", json={"email": "c@example.com", "password": PASSWORD,
                                                        "device_id": str(uuid.uuid4())})
        assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_devices_are_listed_with_the_current_one_marked(new_device: Callable[..., SyncServiceClient]) -> None:
    laptop = new_device("a@example.com", "Laptop")
    new_device("a@example.com", "Shop PC")
    devices = laptop.account().devices
    assert [(d.name, d.current) for d in devices] == [("Laptop", True), ("Shop PC", False)]

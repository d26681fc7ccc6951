"""Guessing passwords slows the guesser, not the owner; new passwords must be hard to guess."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
from fastapi import FastAPI

from tests.fakes.mailbox import Mailbox, register_confirmed
from tests.server.conftest import PASSWORD, open_http

OWNER_DEVICE = str(uuid.uuid4())


def _login(http: httpx.Client, password: str, device: str | None = None) -> httpx.Response:
    return http.post("/v1/auth/login", json={"email": "owner@example.com", "password": password,
                                             "device_id": device or str(uuid.uuid4())})


def test_a_stranger_guessing_backs_off_while_the_owner_signs_in(make_app: Callable[..., FastAPI],
                                                                mailbox: Mailbox) -> None:
    app = make_app()
    with open_http(app, address="198.51.100.7") as owner, open_http(app, address="203.0.113.9") as stranger:
        register_confirmed(owner, mailbox, "owner@example.com", PASSWORD)
        answers = [_login(stranger, f"guess number {n}").status_code for n in range(6)]
        assert answers == [401] * 5 + [429]  # five free tries, then 2, 4, 8 … seconds apart
        wait = _login(stranger, "guess number 7")
        assert wait.status_code == 429 and 1 <= int(wait.headers["Retry-After"]) <= 2
        assert _login(owner, PASSWORD, OWNER_DEVICE).status_code == 200
        assert _login(owner, PASSWORD).status_code == 200  # even from a computer new to the account


def test_guessing_from_many_addresses_never_locks_out_a_known_computer(make_app: Callable[..., FastAPI],
                                                                      mailbox: Mailbox) -> None:
    app = make_app(login_failures_per_account=3)
    with open_http(app, address="198.51.100.7") as owner:
        register_confirmed(owner, mailbox, "owner@example.com", PASSWORD)
        assert _login(owner, PASSWORD, OWNER_DEVICE).status_code == 200  # the desktop signs in after signing up
        for n in range(3):
            with open_http(app, address=f"203.0.113.{n + 1}") as botnet:
                assert _login(botnet, "wrong guess").status_code == 401
        with open_http(app, address="203.0.113.50") as botnet:
            assert _login(botnet, PASSWORD).status_code == 429  # the account-wide limit holds for strangers
        assert _login(owner, PASSWORD, OWNER_DEVICE).status_code == 200  # the owner's computer gets in
        assert _login(owner, PASSWORD).status_code == 429  # a computer the account has never seen waits


def test_a_right_password_clears_the_backoff(make_app: Callable[..., FastAPI], mailbox: Mailbox) -> None:
    app = make_app()
    with open_http(app, address="198.51.100.7") as owner:
        register_confirmed(owner, mailbox, "owner@example.com", PASSWORD)
        for _ in range(4):
            assert _login(owner, "typo in it", OWNER_DEVICE).status_code == 401
        assert _login(owner, PASSWORD, OWNER_DEVICE).status_code == 200
        assert [_login(owner, "typo again", OWNER_DEVICE).status_code for _ in range(5)] == [401] * 5


def test_easily_guessed_passwords_are_refused_with_advice(http: httpx.Client, mailbox: Mailbox) -> None:
    for weak in ("aaaaaaaaaa", "password12", "owner@example.com", "qwertyuiop123"):
        response = http.post("/v1/auth/register", json={"email": "owner@example.com", "password": weak,
                                                        "device_id": str(uuid.uuid4())})
        body = response.json()
        assert response.status_code == 422 and body["error"] == "weak_password", weak
        assert body["message"].startswith("This password is too easy to guess.")
    register_confirmed(http, mailbox, "owner@example.com", PASSWORD)
    access = {"Authorization": f"Bearer {_login(http, PASSWORD).json()['access_token']}"}
    changed = http.post("/v1/auth/password", headers=access,
                        json={"current_password": PASSWORD, "new_password": "password123"})
    assert changed.status_code == 422 and changed.json()["error"] == "weak_password"

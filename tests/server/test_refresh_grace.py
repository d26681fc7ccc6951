"""Rotating refresh tokens on bad networks: a refresh whose answer was lost is answered again with the same pair
for a short while; a replay after that, or after the new token was used, is theft and ends the sign-in."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select

from server.db import Database
from server.models import RefreshToken
from tests.fakes.mailbox import Mailbox, register_confirmed
from tests.server.conftest import PASSWORD


def _register(http: httpx.Client, box: Mailbox, email: str = "a@example.com") -> dict[str, Any]:
    register_confirmed(http, box, email, PASSWORD)
    response = http.post("/v1/auth/login", json={"email": email, "password": PASSWORD,
                                                 "device_id": str(uuid.uuid4())})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _refresh(http: httpx.Client, token: str) -> httpx.Response:
    return http.post("/v1/auth/refresh", json={"refresh_token": token})


def _me(http: httpx.Client, access: str) -> int:
    return http.get("/v1/account", headers={"Authorization": f"Bearer {access}"}).status_code


def _wait_out_the_grace_period(db_url: str, seconds: int = 61) -> None:
    """As if ``seconds`` had passed since every used refresh token was used (the default grace is 60 s)."""
    db = Database(db_url)
    with db.writer() as session:
        for token in session.scalars(select(RefreshToken).where(RefreshToken.used_at.is_not(None))):
            assert token.used_at is not None
            token.used_at -= timedelta(seconds=seconds)
    db.close()


def test_a_refresh_retried_after_a_lost_answer_gets_the_same_pair(mailbox: Mailbox, http: httpx.Client) -> None:
    first = _register(http, mailbox)
    answered = _refresh(http, first["refresh_token"]).json()  # ... and the answer is lost on the way back
    again = _refresh(http, first["refresh_token"])
    assert again.status_code == 200
    retried = again.json()
    assert (retried["access_token"], retried["refresh_token"]) == (answered["access_token"],
                                                                   answered["refresh_token"])
    assert 0 < retried["expires_in"] <= answered["expires_in"]
    assert _me(http, retried["access_token"]) == 200
    following = _refresh(http, retried["refresh_token"])  # the family carries on
    assert following.status_code == 200 and _me(http, following.json()["access_token"]) == 200


def test_reuse_after_the_grace_period_ends_the_whole_session(mailbox: Mailbox, http: httpx.Client,
                                                            db_url: str) -> None:
    first = _register(http, mailbox)
    second = _refresh(http, first["refresh_token"]).json()
    _wait_out_the_grace_period(db_url)
    # A thief replays the first token: refused, and the family it belongs to is revoked ...
    replay = _refresh(http, first["refresh_token"])
    assert replay.status_code == 401
    # ... so the legitimate device's newer tokens die too and it must sign in again.
    assert _me(http, second["access_token"]) == 401
    assert _refresh(http, second["refresh_token"]).status_code == 401


def test_reuse_after_the_new_token_was_used_ends_the_session_even_within_the_grace_period(mailbox: Mailbox,
        http: httpx.Client) -> None:
    first = _register(http, mailbox)
    second = _refresh(http, first["refresh_token"]).json()
    third = _refresh(http, second["refresh_token"]).json()  # the device got its answer and moved on
    assert _refresh(http, first["refresh_token"]).status_code == 401
    assert _me(http, third["access_token"]) == 401


def test_reuse_revokes_only_that_device(mailbox: Mailbox, http: httpx.Client, db_url: str) -> None:
    laptop = _register(http, mailbox)
    phone = http.post("/v1/auth/login", json={"email": "a@example.com", "password": PASSWORD,
                                              "device_id": str(uuid.uuid4())}).json()
    _refresh(http, laptop["refresh_token"])
    _wait_out_the_grace_period(db_url)
    assert _refresh(http, laptop["refresh_token"]).status_code == 401
    assert _me(http, phone["access_token"]) == 200

"""Signing in tells nobody which addresses have accounts: an unknown address, a wrong password and an unconfirmed
address with a wrong password answer alike; and registering an address, then signing in with the password just
chosen, answers "check your email" whether the address was new or already someone's — only the owner's password
opens the owner's account."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from server.models import EmailToken
from tests.fakes.mailbox import CONFIRM_SUBJECT, Mailbox, confirm
from tests.server.conftest import PASSWORD, open_http

STRANGER = "lantern otter velvet 42"  # a password the stranger registers with


def _unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"  # the mailbox lives for the whole session


def _login(http: httpx.Client, email: str, password: str) -> httpx.Response:
    return http.post("/v1/auth/login", json={"email": email, "password": password, "device_id": str(uuid.uuid4())})


def _shape(response: httpx.Response, email: str) -> tuple[int, str, tuple[tuple[str, str], ...]]:
    """What an onlooker compares: status, body (the address they typed put back as a placeholder) and headers
    (but the date and length, which follow the address's own length)."""
    headers = tuple(sorted((k, v) for k, v in response.headers.items()
                           if k not in ("date", "content-length", "x-request-id")))
    return response.status_code, response.text.replace(email, "EMAIL"), headers


def test_wrong_passwords_answer_alike_for_unknown_unconfirmed_and_confirmed_addresses(
        http: httpx.Client, mailbox: Mailbox) -> None:
    confirmed, unconfirmed, unknown = _unique("confirmed"), _unique("unconfirmed"), _unique("unknown")
    for email in (confirmed, unconfirmed):
        assert http.post("/v1/auth/register", json={"email": email, "password": PASSWORD}).status_code == 202
    confirm(http, mailbox, confirmed)
    answers = {_shape(_login(http, email, "not the password 7"), email)
               for email in (confirmed, unconfirmed, unknown)}
    assert len(answers) == 1
    status, body, _headers = answers.pop()
    assert status == 401 and "The email or password is wrong." in body

    # The owner, with the right password, is told what to do — and signed in once the address is confirmed.
    owner = _login(http, unconfirmed, PASSWORD)
    assert owner.status_code == 403 and owner.json()["error"] == "email_unverified"
    assert owner.json()["message"].startswith(f"Check your email to confirm your address: we sent a link to "
                                              f"{unconfirmed}.")
    confirm(http, mailbox, unconfirmed)
    assert _login(http, unconfirmed, PASSWORD).status_code == 200
    assert _login(http, confirmed, PASSWORD).status_code == 200


def test_registering_then_signing_in_answers_alike_for_a_new_and_a_taken_address(
        http: httpx.Client, mailbox: Mailbox, app: FastAPI) -> None:
    taken, fresh = _unique("taken"), _unique("fresh")
    assert http.post("/v1/auth/register", json={"email": taken, "password": PASSWORD}).status_code == 202
    confirm(http, mailbox, taken)
    # The owner signing up again by mistake: their own password is not kept as a claim, not even hashed.
    assert http.post("/v1/auth/register", json={"email": taken, "password": PASSWORD}).status_code == 202
    with app.state.services.db.reader() as session:
        assert session.scalar(select(func.count(EmailToken.id)).where(EmailToken.purpose == "claim")) == 0

    registered = [http.post("/v1/auth/register", json={"email": email, "password": STRANGER})
                  for email in (taken, fresh)]
    assert len({_shape(answer, email) for answer, email in zip(registered, (taken, fresh), strict=True)}) == 1
    signed_in = [_login(http, email, STRANGER) for email in (taken, fresh)]
    assert len({_shape(answer, email) for answer, email in zip(signed_in, (taken, fresh), strict=True)}) == 1
    assert signed_in[0].status_code == 403 and signed_in[0].json()["error"] == "email_unverified"

    # Asking for the confirmation email again answers alike too, and limits alike; only the new address gets one.
    links_before = mailbox.count(taken, CONFIRM_SUBJECT), mailbox.count(fresh, CONFIRM_SUBJECT)
    resent = [http.post("/v1/auth/verify/resend", json={"email": email, "password": STRANGER})
              for email in (taken, fresh)]
    assert len({_shape(answer, email) for answer, email in zip(resent, (taken, fresh), strict=True)}) == 1
    assert resent[0].status_code == 202 and "on its way" in resent[0].json()["message"]
    again = [http.post("/v1/auth/verify/resend", json={"email": email, "password": STRANGER})
             for email in (taken, fresh)]
    assert [answer.status_code for answer in again] == [429, 429]
    mailbox.wait_for(fresh, CONFIRM_SUBJECT, after=links_before[1])
    assert mailbox.count(taken, CONFIRM_SUBJECT) == links_before[0]  # the owner is sent no link by a stranger

    # The owner is unaffected, and the stranger's password never opens the owner's account.
    owner = _login(http, taken, PASSWORD)
    assert owner.status_code == 200 and "access_token" in owner.json()
    with app.state.services.db.reader() as session:  # kept only as a keyed hash, never the password
        kept = session.scalars(select(EmailToken.token_hash).where(EmailToken.purpose == "claim")).all()
        assert len(kept) == 1 and STRANGER not in kept[0] and len(kept[0]) == 64
        assert session.scalar(select(func.count(EmailToken.id)).where(EmailToken.purpose == "claim")) == 1


def test_signing_in_takes_as_long_for_an_unknown_address_as_for_a_registered_one(
        make_app: Callable[..., FastAPI]) -> None:
    with open_http(make_app(login_free_attempts=100, login_failures_per_account=100)) as http:
        _compare_times(http)


def _compare_times(http: httpx.Client) -> None:
    registered = _unique("registered")
    http.post("/v1/auth/register", json={"email": registered, "password": PASSWORD})
    http.post("/v1/auth/register", json={"email": registered, "password": STRANGER})

    def timed(email: str, password: str) -> float:
        started = time.perf_counter()
        assert _login(http, email, password).status_code in (401, 403)
        return time.perf_counter() - started

    kinds = {"unknown": lambda: timed(_unique("nobody"), STRANGER),
             "wrong": lambda: timed(registered, "not the password 7"), "claim": lambda: timed(registered, STRANGER)}
    for measure in kinds.values():
        measure()  # warm up
    samples: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(9):  # interleaved, so a busy moment of the machine falls on every kind alike
        for kind, measure in kinds.items():
            samples[kind].append(measure())
    medians = [statistics.median(times) for times in samples.values()]
    # One password hash and one look-up on every path; what is left is noise.
    assert max(medians) - min(medians) < 0.5 * max(medians) + 0.02, samples

"""Accounts by email, read from a real SMTP server: sign-up that never tells whether an address is taken,
confirming the address before sync (single-use, expiring, signed links; rate-limited resend), and password
reset by an emailed code that ends every sign-in."""

from __future__ import annotations

import statistics
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update

from server.client import SyncServiceClient
from server.client_models import EmailUnverified, Invalid, NotSignedIn, RateLimited, ServiceError, WrongCredentials
from server.config import ConfigError, config_from_env
from server.housekeeping import housekeep
from server.models import Account, EmailToken, utcnow
from tests.fakes.mailbox import Mailbox, body_of, confirm, confirm_link, reset_code, sign_up
from tests.server.conftest import PASSWORD, PUBLIC_URL, SECRET

NEW_PASSWORD = "velvet otter juggles lanterns"


def _unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"  # the mailbox lives for the whole session


def _sign_up(http: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    return http.post("/v1/auth/register", json={"email": email, "password": password})


def test_registering_a_taken_address_answers_like_a_new_one_and_warns_its_owner(
        http: httpx.Client, mailbox: Mailbox, app: FastAPI) -> None:
    owner = _unique("owner")
    first = _sign_up(http, owner)
    confirm(http, mailbox, owner)
    again = _sign_up(http, owner, "someone else's passphrase 9")
    fresh = _sign_up(http, _unique("fresh"))
    assert first.status_code == again.status_code == fresh.status_code == 202
    assert first.json() == again.json() == fresh.json()
    assert first.headers["content-length"] == again.headers["content-length"]
    warning = mailbox.wait_for(owner, "Someone tried to register")
    assert "no account was created" in body_of(warning) and "confirm" not in body_of(warning).lower()
    with app.state.services.db.reader() as session:
        assert session.scalar(select(func.count(Account.id)).where(Account.email == owner)) == 1


def test_registering_a_taken_address_takes_as_long_as_a_new_one(http: httpx.Client) -> None:
    taken = _unique("taken")
    _sign_up(http, taken)

    def timed(email: str) -> float:
        started = time.perf_counter()
        assert _sign_up(http, email).status_code == 202
        return time.perf_counter() - started

    new = statistics.median(timed(_unique("new")) for _ in range(7))
    existing = statistics.median(timed(taken) for _ in range(7))
    # Both hash the password and send their email after answering; what is left is noise.
    assert abs(new - existing) < 0.5 * max(new, existing) + 0.02, (new, existing)


def test_an_unconfirmed_address_gets_no_sign_in_until_the_link_is_opened(
        http: httpx.Client, mailbox: Mailbox, app: FastAPI) -> None:
    email = _unique("seller")
    laptop = SyncServiceClient(PUBLIC_URL, http=http)
    with pytest.raises(EmailUnverified) as refused:
        laptop.register(email, PASSWORD, uuid.uuid4(), "Laptop")
    assert refused.value.status == 403 and refused.value.code == "email_unverified"
    assert str(refused.value).startswith(f"Check your email to confirm your address: we sent a link to {email}.")
    assert laptop.tokens is None

    link = confirm_link(mailbox, email)
    assert link.startswith(PUBLIC_URL + "/v1/auth/verify?token=sdv_")
    page = http.get(link)
    assert page.status_code == 200 and "Email address confirmed" in page.text
    laptop.login(email, PASSWORD, uuid.uuid4(), "Laptop")
    assert laptop.pull(0).changes == []
    assert http.get(link).status_code == 400  # once only

    # A sign-in made before confirmation was required (an older service) still cannot sync or upload.
    with app.state.services.db.writer() as session:
        session.execute(update(Account).where(Account.email == email).values(email_verified_at=None))
    with pytest.raises(EmailUnverified):
        laptop.pull(0)
    access = {"Authorization": f"Bearer {laptop.tokens.access_token}"}
    unverified = http.get("/v1/sync/pull", headers=access)
    assert unverified.status_code == 403 and unverified.json()["error"] == "email_unverified"
    assert http.put("/v1/blobs/" + "0" * 64, content=b"x", headers=access).status_code == 403  # photos too
    assert "on its way" in laptop.resend_verification()  # that session may ask for the link again


def test_resend_is_rate_limited_and_replaces_the_earlier_link(http: httpx.Client, mailbox: Mailbox) -> None:
    email = _unique("resend")
    laptop = SyncServiceClient(PUBLIC_URL, http=http)
    _sign_up(http, email)
    assert "on its way" in laptop.resend_confirmation(email, PASSWORD)
    with pytest.raises(RateLimited) as too_soon:
        laptop.resend_confirmation(email, PASSWORD)
    assert 1 <= too_soon.value.retry_after <= 60
    with pytest.raises(WrongCredentials):
        laptop.resend_confirmation(email, "not the password at all")
    old, new = confirm_link(mailbox, email, 0), confirm_link(mailbox, email, 1)
    assert old != new
    assert http.get(old).status_code == 400  # replaced by the resent one
    assert http.get(new).status_code == 200
    assert "already confirmed" in laptop.resend_confirmation(email, PASSWORD)


def test_forged_and_expired_links_are_refused(http: httpx.Client, mailbox: Mailbox, app: FastAPI) -> None:
    email = _unique("expiry")
    _sign_up(http, email)
    link = confirm_link(mailbox, email)
    nonce = link.partition("token=")[2].rpartition(".")[0]
    assert http.get("/v1/auth/verify", params={"token": nonce + ".0123456789abcdef01234567"}).status_code == 400
    with app.state.services.db.writer() as session:
        session.execute(update(EmailToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert http.get(link).status_code == 400
    with app.state.services.db.reader() as session:
        assert session.scalar(select(Account.email_verified_at).where(Account.email == email)) is None
    assert housekeep(app.state.services)["email_tokens"] == 1  # expired links are removed
    with app.state.services.db.reader() as session:
        assert session.scalar(select(func.count(EmailToken.id))) == 0


def test_password_reset_by_emailed_code_ends_every_sign_in(http: httpx.Client, mailbox: Mailbox) -> None:
    email = _unique("forgetful")
    laptop = SyncServiceClient(PUBLIC_URL, http=http)
    sign_up(laptop, http, mailbox, email, PASSWORD)
    anonymous = SyncServiceClient(PUBLIC_URL, http=http)
    known = http.post("/v1/auth/password-reset", json={"email": email})
    unknown = http.post("/v1/auth/password-reset", json={"email": _unique("nobody")})
    assert known.status_code == unknown.status_code == 202 and known.json() == unknown.json()

    code = reset_code(mailbox, email)
    with pytest.raises(Invalid) as weak:
        anonymous.reset_password(code, "password123")
    assert weak.value.code == "weak_password"
    anonymous.reset_password(code, NEW_PASSWORD)  # the weak try did not spend the code
    with pytest.raises(NotSignedIn):
        laptop.account()
    with pytest.raises(WrongCredentials):
        anonymous.login(email, PASSWORD, uuid.uuid4())
    anonymous.login(email, NEW_PASSWORD, uuid.uuid4())
    assert anonymous.pull(0).changes == []  # the code came by email: the address counts as confirmed
    with pytest.raises(ServiceError) as reused:
        anonymous.reset_password(code, "another fine passphrase 42")
    assert reused.value.status == 400 and reused.value.code == "invalid_code"


def test_reset_codes_expire_and_requests_are_rate_limited(http: httpx.Client, mailbox: Mailbox,
                                                          app: FastAPI) -> None:
    email = _unique("late")
    _sign_up(http, email)
    assert http.post("/v1/auth/password-reset", json={"email": email}).status_code == 202
    again = http.post("/v1/auth/password-reset", json={"email": email})
    assert again.status_code == 429 and int(again.headers["Retry-After"]) >= 1
    code = reset_code(mailbox, email)
    with app.state.services.db.writer() as session:
        session.execute(update(EmailToken).where(EmailToken.purpose == "reset")
                        .values(expires_at=utcnow() - timedelta(seconds=1)))
    answer = http.post("/v1/auth/password-reset/confirm", json={"code": code, "new_password": NEW_PASSWORD})
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_code"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"DATABASE_URL": "postgresql+psycopg://sd@db/sd", "SELLERDESK_SERVER_SECRET": SECRET,
            "SELLERDESK_SERVER_PUBLIC_URL": "https://sync.example.com", "SELLERDESK_SERVER_MEDIA_DIR": str(tmp_path),
            **{"SELLERDESK_SERVER_" + k: v for k, v in extra.items()}}


def test_production_needs_a_mail_server_and_cannot_skip_confirmation(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SMTP_HOST"):
        config_from_env(_env(tmp_path))
    with pytest.raises(ConfigError, match="one-machine"):
        config_from_env(_env(tmp_path, SMTP_HOST="smtp.example.com", MAIL_FROM="sd@example.com",
                             EMAIL_VERIFICATION="off"))
    config = config_from_env(_env(tmp_path, SMTP_HOST="smtp.example.com", MAIL_FROM="SellerDesk <sd@example.com>",
                                  SMTP_USERNAME="sd", SMTP_PASSWORD="pw"))
    assert config.email_verification and config.mail is not None
    assert (config.mail.port, config.mail.security, config.mail.username) == (587, "starttls", "sd")
    with pytest.raises(ConfigError, match="MAIL_FROM"):
        config_from_env(_env(tmp_path, SMTP_HOST="smtp.example.com"))


def test_a_one_machine_server_confirms_only_when_it_can_send_mail(tmp_path: Path) -> None:
    assert not config_from_env({}, tmp_path / "a").email_verification
    with_mail = config_from_env({"SELLERDESK_SERVER_SMTP_HOST": "127.0.0.1", "SELLERDESK_SERVER_MAIL_FROM":
                                 "sd@example.com"}, tmp_path / "b")
    assert with_mail.email_verification
    with pytest.raises(ConfigError, match="SMTP_HOST"):
        config_from_env({"SELLERDESK_SERVER_EMAIL_VERIFICATION": "on"}, tmp_path / "c")


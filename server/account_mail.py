"""What accounts do by email: confirm the address (link, resend), and reset a forgotten password (code).

A token is random, signed with a key derived from the service's secret (a forged or mistyped one is refused
before the database is asked), stored only as its SHA-256, expires, and works once.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import secrets
from datetime import timedelta
from urllib.parse import quote

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from server import ratelimit
from server.context import CallerDep, Services, ServicesDep, client_address
from server.errors import ApiError, unauthorized
from server.mail import attempted_registration_letter, reset_letter, verification_letter
from server.models import Account, AuthSession, EmailToken, utcnow
from server.ratelimit import Window
from server.schemas import Accepted, PasswordResetConfirm, PasswordResetRequest
from server.security import sha256_hex
from server.strength import weakness

router = APIRouter(prefix="/v1")

VERIFY, RESET, CLAIM = "verify", "reset", "claim"
VERIFY_TTL = timedelta(hours=48)
# Kept about as long as an unconfirmed account answers "check your email" to its password (see record_claim).
CLAIM_TTL = timedelta(days=365)
RESET_TTL = timedelta(minutes=60)
RESEND_WINDOWS = (Window(1, 60), Window(5, 3600))  # per account: a minute apart, five an hour
RESET_WINDOWS_PER_EMAIL = (Window(1, 60), Window(5, 3600))
RESET_PER_ADDRESS = Window(30, 3600)
_PREFIX = {VERIFY: "sdv_", RESET: "sdp_"}
RESET_SENT = ("If an account uses this address, an email with a reset code is on its way. "
              "The code works once, within an hour.")


def _signature(services: Services, purpose: str, nonce: str) -> str:
    key = hmac.new(services.config.secret.encode(), b"email-token-v1", hashlib.sha256).digest()
    mac = hmac.new(key, f"{purpose}.{nonce}".encode(), hashlib.sha256).hexdigest()
    return mac[:24]


def _new_token(session: Session, services: Services, account_id: int, purpose: str) -> str:
    """A fresh token for ``purpose``; earlier unused ones of the same purpose stop working."""
    now = utcnow()
    session.execute(update(EmailToken).where(EmailToken.account_id == account_id, EmailToken.purpose == purpose,
                                             EmailToken.used_at.is_(None)).values(used_at=now))
    nonce = secrets.token_urlsafe(24)
    token = f"{_PREFIX[purpose]}{nonce}.{_signature(services, purpose, nonce)}"
    ttl = VERIFY_TTL if purpose == VERIFY else RESET_TTL
    session.add(EmailToken(account_id=account_id, purpose=purpose, token_hash=sha256_hex(token), created_at=now,
                           expires_at=now + ttl))
    return token


def _redeem(session: Session, services: Services, token: str, purpose: str) -> int | None:
    """The account a valid, unexpired, unused ``token`` belongs to, marking it used; None otherwise."""
    token = token.strip()
    body = token.removeprefix(_PREFIX[purpose])
    nonce, _, signature = body.partition(".")
    if body == token or not hmac.compare_digest(signature, _signature(services, purpose, nonce)):
        return None
    found = session.scalar(select(EmailToken).where(EmailToken.token_hash == sha256_hex(token),
                                                     EmailToken.purpose == purpose))
    now = utcnow()
    if found is None or found.expires_at <= now:
        return None
    # Conditional update: of two uses at once, exactly one wins.
    won = session.execute(update(EmailToken).where(EmailToken.id == found.id, EmailToken.used_at.is_(None))
                          .values(used_at=now)).rowcount == 1  # type: ignore[attr-defined]
    return found.account_id if won else None


def email_unverified(email: str) -> ApiError:
    """403 email_unverified: what to do before ``email`` can sign in and sync (the desktop shows it with Resend);
    the same sentence as a sync call on an unconfirmed session hears."""
    return ApiError(403, "email_unverified",
                    f"Check your email to confirm your address: we sent a link to {email}. Sync starts once it is "
                    "confirmed.")


def _claim_hash(services: Services, email: str, password: str) -> str:
    # Keyed by the service's secret: a copied database does not let anyone test passwords against it offline.
    key = hmac.new(services.config.secret.encode(), b"registration-claim-v1", hashlib.sha256).digest()
    return hmac.new(key, f"{email}\0{password}".encode(), hashlib.sha256).hexdigest()


def record_claim(session: Session, services: Services, account_id: int, email: str, password: str) -> None:
    """Remember that someone registered the taken ``email`` with ``password``.

    Whoever registers a new address and then signs in with its password hears "check your email to confirm"; if
    the same attempt on a taken address answered "wrong password", registering and signing in would tell which
    addresses have accounts. So a sign-in with the password of such an attempt hears "check your email" too
    (see ``claimed``); only the owner's mailbox can ever confirm anything.
    """
    digest = _claim_hash(services, email, password)
    now = utcnow()
    session.execute(delete(EmailToken).where(EmailToken.token_hash == digest))
    session.add(EmailToken(account_id=account_id, purpose=CLAIM, token_hash=digest, created_at=now,
                           expires_at=now + CLAIM_TTL))


def claimed(session: Session, services: Services, email: str, password: str) -> bool:
    """Whether ``password`` is one someone registered the taken ``email`` with (one indexed look-up, made for
    every sign-in so that it costs the same whether or not the address exists)."""
    digest = _claim_hash(services, email, password)
    return session.scalar(select(EmailToken.id).where(EmailToken.token_hash == digest, EmailToken.purpose == CLAIM,
                                                      EmailToken.expires_at > utcnow())) is not None


def _verify_link(services: Services, token: str) -> str:
    return f"{services.config.public_base}/v1/auth/verify?token={quote(token)}"


def queue_verification(session: Session, services: Services, tasks: BackgroundTasks, account_id: int,
                       email: str) -> None:
    """Make a confirmation token and send its link once the answer has gone out."""
    token = _new_token(session, services, account_id, VERIFY)
    letter = verification_letter(email, _verify_link(services, token), int(VERIFY_TTL.total_seconds() // 3600))
    tasks.add_task(services.mailer.send, letter)


def queue_attempt_notice(services: Services, tasks: BackgroundTasks, email: str, unconfirmed_link: str) -> None:
    """Tell the owner of ``email`` that someone tried to register it (with a fresh link if still unconfirmed)."""
    hint = (f"Your address is not confirmed yet; this link confirms it: {unconfirmed_link}" if unconfirmed_link
            else "Forgot your password? Use Forgot password in SellerDesk.")
    tasks.add_task(services.mailer.send, attempted_registration_letter(email, hint))


def fresh_verify_link(session: Session, services: Services, account_id: int) -> str:
    """A new confirmation link for an unconfirmed account (earlier links stop working)."""
    return _verify_link(services, _new_token(session, services, account_id, VERIFY))


_PAGE = ("<!doctype html><meta charset=utf-8><title>SellerDesk</title>"
         "<body style='font-family:sans-serif;max-width:32em;margin:3em auto'><h1>{title}</h1><p>{text}</p>")


@router.get("/auth/verify", response_class=HTMLResponse)
def verify_email(services: ServicesDep, token: str = Query(max_length=200)) -> HTMLResponse:
    """The link in the confirmation email: confirms the address (a small page, read in a browser)."""
    with services.db.writer() as session:
        account_id = _redeem(session, services, token, VERIFY)
        if account_id is not None:
            session.execute(update(Account).where(Account.id == account_id, Account.email_verified_at.is_(None))
                            .values(email_verified_at=utcnow()))
    if account_id is None:
        return HTMLResponse(_PAGE.format(title="This link no longer works", text=html.escape(
            "It was already used, has expired, or was replaced by a newer one. In SellerDesk, choose Resend "
            "to get a new link.")), status_code=400)
    return HTMLResponse(_PAGE.format(title="Email address confirmed", text=html.escape(
        "Thank you. Go back to SellerDesk: your computers can sync now.")))


@router.post("/account/verify/resend", status_code=202)
def resend_verification(caller: CallerDep, services: ServicesDep, tasks: BackgroundTasks) -> Accepted:
    """Send the confirmation email again (at most once a minute, five times an hour)."""
    now = utcnow()
    with services.db.writer() as session:
        account = session.get(Account, caller.account_id)
        if account is None:
            raise unauthorized()
        if account.email_verified_at is not None:
            return Accepted(status="already_confirmed", message="This email address is already confirmed.")
        if not services.mailer.configured:
            raise ApiError(503, "mail_unavailable", "This service cannot send email; ask its operator.")
        key = ratelimit.account_key("verify-resend", account.email)
        ratelimit.check(session, [(key, window) for window in RESEND_WINDOWS], now)
        ratelimit.record(session, [key], max(w.seconds for w in RESEND_WINDOWS), now)
        queue_verification(session, services, tasks, account.id, account.email)
        email = account.email
    return Accepted(status="sent", message=f"A new confirmation link is on its way to {email}.")


@router.post("/auth/password-reset", status_code=202)
def request_password_reset(body: PasswordResetRequest, request: Request, services: ServicesDep,
                           tasks: BackgroundTasks) -> Accepted:
    """Email a reset code to the account's address; the same answer whether or not the address has an account."""
    if not services.mailer.configured:
        raise ApiError(503, "mail_unavailable", "This service cannot send email; ask its operator to reset it.")
    now = utcnow()
    email_key = ratelimit.account_key("reset", body.email)
    address_key = ratelimit.address_key("reset", client_address(request))
    with services.db.writer() as session:
        ratelimit.check(session, [(address_key, RESET_PER_ADDRESS),
                                  *((email_key, window) for window in RESET_WINDOWS_PER_EMAIL)], now)
        ratelimit.record(session, [email_key, address_key], 3600, now)
        account = session.scalar(select(Account).where(Account.email == body.email))
        if account is not None and account.disabled_at is None:
            code = _new_token(session, services, account.id, RESET)
            tasks.add_task(services.mailer.send,
                           reset_letter(account.email, code, int(RESET_TTL.total_seconds() // 60)))
    return Accepted(status="sent", message=RESET_SENT)


@router.post("/auth/password-reset/confirm", status_code=204)
def confirm_password_reset(body: PasswordResetConfirm, services: ServicesDep) -> None:
    """Set a new password with an emailed code; every sign-in of the account ends."""
    token = body.code.strip()
    with services.db.reader() as session:
        found = session.scalar(select(Account.email).join(EmailToken, EmailToken.account_id == Account.id)
                               .where(EmailToken.token_hash == sha256_hex(token)))
    if found is not None:  # checked before the code is spent, so a weak password can be corrected
        problem = weakness(body.new_password, found)
        if problem is not None:
            raise ApiError(422, "weak_password", problem)
    new_hash = services.passwords.hash(body.new_password)  # slow: outside the transaction
    with services.db.writer() as session:
        account_id = _redeem(session, services, token, RESET)
        if account_id is None:
            raise ApiError(400, "invalid_code", "This reset code is wrong, expired or already used. "
                                                "Ask for a new one.")
        now = utcnow()
        # Receiving the code proves the address, so it counts as confirmed too.
        session.execute(update(Account).where(Account.id == account_id)
                        .values(password_hash=new_hash,
                                email_verified_at=func.coalesce(Account.email_verified_at, now)))
        session.execute(update(AuthSession).where(AuthSession.account_id == account_id,
                                                  AuthSession.revoked_at.is_(None))
                        .values(revoked_at=now, revoked_reason="password_reset"))

"""Accounts and sign-in: register (without telling whether an address is taken), log in, refresh (rotating,
reuse-detecting), log out, change password, delete."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server import ratelimit, sync_engine
from server.account_mail import (
    RESEND_WINDOWS,
    claimed,
    email_unverified,
    fresh_verify_link,
    queue_attempt_notice,
    queue_verification,
    record_claim,
)
from server.context import CallerDep, Services, ServicesDep, client_address
from server.errors import ApiError, unauthorized
from server.models import Account, AuthSession, Device, RefreshToken, utcnow
from server.quota import stored_bytes
from server.ratelimit import Window
from server.schemas import (
    Accepted,
    AccountOut,
    DeviceOut,
    DeviceRename,
    LoginRequest,
    PasswordChangeRequest,
    PasswordConfirmation,
    RefreshRequest,
    RegisterRequest,
    ResendRequest,
    TokenPair,
)
from server.security import sha256_hex
from server.storage import account_prefixes
from server.strength import weakness

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1")

_WRONG_CREDENTIALS = "The email or password is wrong."


def _no_store(response: Response) -> None:
    # Security headers add no-store everywhere; said here too so auth answers stay uncached if that ever changes.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"


NoStore = Depends(_no_store)


def _start_session(session: Session, services: Services, account_id: int, device_uid: str,
                   device_name: str) -> TokenPair:
    """Open a sign-in for one device (creating the device on first sight) and issue its first tokens."""
    now = utcnow()
    device = session.scalar(select(Device).where(Device.account_id == account_id, Device.device_uid == device_uid))
    if device is None:
        device = Device(account_id=account_id, device_uid=device_uid, name=device_name, created_at=now)
        session.add(device)
    elif device_name and device.name != device_name:
        device.name = device_name
        sync_engine.conflicts_changed(session, account_id, [device.id])  # conflicts name the computer
    device.last_seen_at = now
    session.flush()
    auth = AuthSession(id=uuid.uuid4().hex, account_id=account_id, device_id=device.id, created_at=now)
    session.add(auth)
    session.flush()
    return _issue(session, services, auth)


def _issue(session: Session, services: Services, auth: AuthSession, replaced: str | None = None) -> TokenPair:
    """A fresh access token and a new refresh token in ``auth``'s family (the successor of ``replaced``)."""
    now = utcnow()
    refresh = services.refresh_tokens.first() if replaced is None else services.refresh_tokens.successor(replaced)
    session.add(RefreshToken(session_id=auth.id, token_hash=sha256_hex(refresh), created_at=now,
                             expires_at=now + timedelta(seconds=services.config.limits.refresh_ttl_seconds)))
    access = services.access_tokens.issue(auth.account_id, auth.id, auth.device_id, now.timestamp())
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=services.access_tokens.ttl_seconds)


def _reissue(session: Session, services: Services, auth: AuthSession, token: RefreshToken,
             presented: str) -> TokenPair | None:
    """The pair a refresh with ``presented`` answered a moment ago, if its answer may have been lost: within the
    grace period and with the new refresh token still unused. None otherwise (then the reuse is theft)."""
    assert token.used_at is not None
    now = utcnow()
    elapsed = (now - token.used_at).total_seconds()
    if elapsed > services.config.limits.refresh_grace_seconds:
        return None
    refresh = services.refresh_tokens.successor(presented)
    successor = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == sha256_hex(refresh)))
    if successor is None or successor.used_at is not None:
        return None
    # The same access token too: issued at the same moment as the first answer's.
    access = services.access_tokens.issue(auth.account_id, auth.id, auth.device_id, successor.created_at.timestamp())
    return TokenPair(access_token=access, refresh_token=refresh,
                     expires_in=max(0, services.access_tokens.ttl_seconds - int(elapsed)))


def _revoke_all(session: Session, account_id: int, reason: str) -> None:
    session.execute(update(AuthSession)
                    .where(AuthSession.account_id == account_id, AuthSession.revoked_at.is_(None))
                    .values(revoked_at=utcnow(), revoked_reason=reason))


def _guard_password_attempt(services: Services, kind: str, email: str, address: str,
                            device_uid: str | None = None) -> list[int]:
    """Count an attempt at a password; 429 while this account and address must wait, or the address is over its
    limit.

    Failures from one address against one account back off (after a few free tries, 2, 4, 8 … seconds, up to
    the login window), so a stranger guessing slows only themselves, never the owner on another connection.
    An account-wide limit stops guessing spread over many addresses, but a computer already signed in to the
    account before (its device id) is not held back by it: an attacker cannot lock the owner out. Counted
    before the password is checked, so parallel guesses cannot slip past together; a success takes its events
    back (see ``_attempt_succeeded``), so many honest sellers behind one shared address (carrier-grade NAT) are
    not locked out by each other.
    """
    limits = services.config.limits
    window = limits.login_window_seconds
    pair = ratelimit.pair_key(kind, email, address)
    keys = [(ratelimit.address_key(kind, address), Window(limits.login_failures_per_address, window))]
    if not _known_device(services, email, device_uid):
        keys.append((ratelimit.account_key(kind, email), Window(limits.login_failures_per_account, window)))
    now = utcnow()
    with services.db.writer() as session:
        ratelimit.check(session, keys, now)
        ratelimit.check_backoff(session, pair, limits.login_free_attempts, window, now)
        return ratelimit.record(session, [pair, *(key for key, _ in keys)], window, now)


def _known_device(services: Services, email: str, device_uid: str | None) -> bool:
    if device_uid is None:
        return False
    with services.db.reader() as session:
        return session.scalar(select(Device.id).join(Account, Device.account_id == Account.id)
                              .where(Account.email == email, Device.device_uid == device_uid)) is not None


def _attempt_succeeded(session: Session, kind: str, email: str, address: str, events: list[int]) -> None:
    # The right password clears this connection's earlier failures against the account too.
    ratelimit.uncount(session, events)
    ratelimit.forget(session, ratelimit.pair_key(kind, email, address))


def _refuse_weak(password: str, email: str) -> None:
    problem = weakness(password, email)
    if problem is not None:
        raise ApiError(422, "weak_password", problem)


REGISTERED = ("Check your email: we sent a message to this address. If it is new here, the message has a link "
              "that confirms it; then sign in. If it already has an account, sign in with its password.")


@router.post("/auth/register", status_code=202, dependencies=[NoStore])
def register(body: RegisterRequest, request: Request, services: ServicesDep, tasks: BackgroundTasks) -> Accepted:
    """Create an account, or tell the owner of a taken address that someone tried: one answer either way, in about
    the same time (one Argon2 computation on both paths, the email sent after answering), so nobody learns which
    addresses have accounts. The device signs in with ``/auth/login`` once the address is confirmed."""
    limits = services.config.limits
    key = ratelimit.address_key("register", client_address(request))
    now = utcnow()
    with services.db.writer() as session:
        ratelimit.check(session, [(key, Window(limits.registrations_per_address, limits.registration_window_seconds))],
                        now)
        ratelimit.record(session, [key], limits.registration_window_seconds, now)
    _refuse_weak(body.password, body.email)
    with services.db.reader() as session:
        known = session.scalar(select(Account.password_hash).where(Account.email == body.email))
    # Slow on purpose, outside any transaction, and as slow either way: a new account's hash, or a check of a taken
    # address's password (its owner's own password is never kept as a claim, not even as a keyed hash).
    password_hash = services.passwords.hash(body.password) if known is None else None
    owners = known is not None and services.passwords.verify(known, body.password)
    try:
        with services.db.writer() as session:
            taken = session.scalar(select(Account).where(Account.email == body.email))
            if taken is None:
                password_hash = password_hash or services.passwords.hash(body.password)  # deleted meanwhile
                account = Account(email=body.email, password_hash=password_hash, created_at=utcnow(),
                                  email_verified_at=None if services.config.email_verification else utcnow())
                session.add(account)
                session.flush()
                if services.mailer.configured and services.config.email_verification:
                    queue_verification(session, services, tasks, account.id, account.email)
            else:
                if not owners:
                    record_claim(session, services, taken.id, body.email, body.password)
                if services.mailer.configured:
                    link = fresh_verify_link(session, services, taken.id) if taken.email_verified_at is None else ""
                    queue_attempt_notice(services, tasks, taken.email, link)
    except IntegrityError:
        pass  # registered by a concurrent request between our check and insert: the same answer
    return Accepted(status="check_email", message=REGISTERED)


def _check_password(services: Services, email: str, password: str) -> Account:
    """The account ``password`` opens. 401 for an unknown address or a wrong password; 403 email_unverified for
    an address not confirmed yet, and for the password someone registered a taken address with (see
    ``record_claim``): whoever does not know the owner's password hears the same as for an address nobody has,
    or one just registered by them, in the same time (one password hash and one look-up on every path)."""
    with services.db.reader() as session:
        account = session.scalar(select(Account).where(Account.email == email))
        claim = claimed(session, services, email, password)
    right = services.passwords.verify(account.password_hash if account else None, password) and account is not None
    if not right:
        if claim:
            raise email_unverified(email)
        raise unauthorized(_WRONG_CREDENTIALS)
    assert account is not None
    if account.disabled_at is not None:  # said only to someone who knows the password
        raise ApiError(403, "account_disabled", "This account has been disabled by the service's operator.")
    return account


def _confirmed(services: Services, account: Account) -> bool:
    return account.email_verified_at is not None or not services.config.email_verification


@router.post("/auth/login", dependencies=[NoStore])
def login(body: LoginRequest, request: Request, services: ServicesDep) -> TokenPair:
    """Sign a device in with email and password; an address not confirmed yet gets no sign-in, only 403
    email_unverified ("check your email"), as a registration of a taken address does."""
    address = client_address(request)
    events = _guard_password_attempt(services, "login", body.email, address, str(body.device_id))
    try:
        account = _check_password(services, body.email, body.password)
    except ApiError as exc:
        if exc.code == "email_unverified":  # the right password for what it opens: not a failed guess
            with services.db.writer() as session:
                _attempt_succeeded(session, "login", body.email, address, events)
        raise
    if not _confirmed(services, account):
        with services.db.writer() as session:
            _attempt_succeeded(session, "login", body.email, address, events)
        raise email_unverified(account.email)
    new_hash = services.passwords.hash(body.password) if services.passwords.needs_rehash(account.password_hash) \
        else None
    with services.db.writer() as session:
        _attempt_succeeded(session, "login", body.email, address, events)
        if new_hash is not None:
            session.execute(update(Account).where(Account.id == account.id).values(password_hash=new_hash))
        return _start_session(session, services, account.id, str(body.device_id), body.device_name)


@router.post("/auth/verify/resend", status_code=202, dependencies=[NoStore])
def resend_confirmation(body: ResendRequest, request: Request, services: ServicesDep,
                        tasks: BackgroundTasks) -> Accepted:
    """Send the confirmation email again to an address not confirmed yet, for whoever has its password (no
    sign-in exists before confirmation). The same answer, and the same per-address limit, for the password of a
    registration of a taken address, which sends nothing."""
    address = client_address(request)
    events = _guard_password_attempt(services, "login", body.email, address)
    try:
        account: Account | None = _check_password(services, body.email, body.password)
    except ApiError as exc:
        if exc.code != "email_unverified":
            raise
        account = None  # a claim on a taken address
    if account is not None and _confirmed(services, account):
        return Accepted(status="already_confirmed", message="This email address is already confirmed.")
    if not services.mailer.configured:
        raise ApiError(503, "mail_unavailable", "This service cannot send email; ask its operator.")
    now = utcnow()
    with services.db.writer() as session:
        _attempt_succeeded(session, "login", body.email, address, events)
        key = ratelimit.account_key("verify-resend", body.email)
        ratelimit.check(session, [(key, window) for window in RESEND_WINDOWS], now)
        ratelimit.record(session, [key], max(w.seconds for w in RESEND_WINDOWS), now)
        if account is not None:
            queue_verification(session, services, tasks, account.id, account.email)
    return Accepted(status="sent", message=f"A new confirmation link is on its way to {body.email}.")


@router.post("/auth/refresh", dependencies=[NoStore])
def refresh(body: RefreshRequest, services: ServicesDep) -> TokenPair:
    """Trade a refresh token for a new pair. The same token again within a short grace period (the answer was
    lost on the way) gets the same pair; used twice otherwise means it was copied, and its whole family ends."""
    now = utcnow()
    with services.db.writer() as session:
        found = session.execute(
            select(RefreshToken, AuthSession).join(AuthSession, RefreshToken.session_id == AuthSession.id)
            .where(RefreshToken.token_hash == sha256_hex(body.refresh_token))
        ).first()
        if found is None:
            raise unauthorized()
        token, auth = found
        if auth.revoked_at is not None or token.expires_at <= now:
            raise unauthorized()
        # Conditional update: of two concurrent uses of one token, exactly one wins.
        won = session.execute(update(RefreshToken).where(RefreshToken.id == token.id, RefreshToken.used_at.is_(None))
                              .values(used_at=now)).rowcount == 1  # type: ignore[attr-defined]
        if won:
            session.execute(update(Device).where(Device.id == auth.device_id).values(last_seen_at=now))
            # Used tokens are kept until they expire (to recognise a replay); after that they can go.
            session.execute(delete(RefreshToken).where(RefreshToken.session_id == auth.id,
                                                       RefreshToken.expires_at <= now))
            return _issue(session, services, auth, replaced=body.refresh_token)
        session.refresh(token)
        again = _reissue(session, services, auth, token, body.refresh_token)
        if again is not None:
            log.info("refresh token retried within the grace period; session %s answered again", auth.id)
            return again
        auth.revoked_at, auth.revoked_reason = now, "refresh_token_reused"
    log.warning("refresh token reused; session %s revoked", auth.id)
    raise unauthorized("This sign-in was ended because its refresh token was used twice. Sign in again.")


@router.post("/auth/logout", status_code=204, dependencies=[NoStore])
def logout(caller: CallerDep, services: ServicesDep) -> None:
    """End this device's sign-in: its access and refresh tokens stop working at once."""
    with services.db.writer() as session:
        session.execute(update(AuthSession).where(AuthSession.id == caller.session_id)
                        .values(revoked_at=utcnow(), revoked_reason="logout"))


def _confirm_password(services: Services, caller_account: int, password: str, request: Request) -> Account:
    """The caller's account, once ``password`` is proved right (attempts are rate limited like logins)."""
    with services.db.reader() as session:
        account = session.get(Account, caller_account)
    if account is None:
        raise unauthorized()
    address = client_address(request)
    events = _guard_password_attempt(services, "confirm", account.email, address)
    if not services.passwords.verify(account.password_hash, password):
        raise ApiError(403, "wrong_password", "The current password is wrong.")
    with services.db.writer() as session:
        _attempt_succeeded(session, "confirm", account.email, address, events)
    return account


@router.post("/auth/password", dependencies=[NoStore])
def change_password(body: PasswordChangeRequest, request: Request, caller: CallerDep,
                    services: ServicesDep) -> TokenPair:
    """Change the password; every device is signed out, and this one gets fresh tokens."""
    account = _confirm_password(services, caller.account_id, body.current_password, request)
    _refuse_weak(body.new_password, account.email)
    new_hash = services.passwords.hash(body.new_password)
    with services.db.writer() as session:
        session.execute(update(Account).where(Account.id == account.id).values(password_hash=new_hash))
        _revoke_all(session, account.id, "password_changed")
        device = session.get(Device, caller.device_id)
        assert device is not None
        return _start_session(session, services, account.id, device.device_uid, "")


@router.get("/account", dependencies=[NoStore])
def account_info(caller: CallerDep, services: ServicesDep) -> AccountOut:
    """The account's email, storage used and devices."""
    with services.db.reader() as session:
        account = session.get(Account, caller.account_id)
        if account is None:
            raise unauthorized()
        used = stored_bytes(session, caller.account_id)
        devices = session.scalars(select(Device).where(Device.account_id == caller.account_id)
                                  .order_by(Device.created_at)).all()
    confirmed = account.email_verified_at is not None or not services.config.email_verification
    return AccountOut(email=account.email, created_at=account.created_at, storage_bytes=used,
                      email_confirmed=confirmed,
                      devices=[DeviceOut(id=d.device_uid, name=d.name, created_at=d.created_at,
                                         last_seen_at=d.last_seen_at, current=d.id == caller.device_id)
                               for d in devices])


@router.post("/account/device", dependencies=[NoStore])
def rename_device(body: DeviceRename, caller: CallerDep, services: ServicesDep) -> DeviceOut:
    """Rename the calling computer: the account's other computers show the new name from their next round."""
    with services.db.writer() as session:
        device = session.get(Device, caller.device_id)
        if device is None:
            raise unauthorized()
        if device.name != body.name:
            device.name = body.name
            sync_engine.conflicts_changed(session, caller.account_id, [device.id])  # conflicts name the computer
        session.flush()
        return DeviceOut(id=device.device_uid, name=device.name, created_at=device.created_at,
                         last_seen_at=device.last_seen_at, current=True)


@router.post("/account/delete", status_code=204, dependencies=[NoStore])
def delete_account(body: PasswordConfirmation, request: Request, caller: CallerDep, services: ServicesDep) -> None:
    """Delete the account and everything in it: synced records, conflicts, photos, public media, sign-ins."""
    account = _confirm_password(services, caller.account_id, body.password, request)
    with services.db.writer() as session:
        # Foreign keys cascade from the account row to every table that names it.
        session.execute(delete(Account).where(Account.id == account.id))
        ratelimit.forget(session, ratelimit.account_key("login", account.email))
        ratelimit.forget(session, ratelimit.pair_key("login", account.email, client_address(request)))
    for prefix in account_prefixes(account.id):
        services.store.delete_prefix(prefix)

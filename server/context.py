"""What every route needs: the shared services of this instance, and who is calling."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import httpx
from fastapi import Depends, Header, Request
from sqlalchemy import Connection, Row, select

from server.config import ServerConfig
from server.db import Database
from server.errors import ApiError, unauthorized
from server.mail import Mailer
from server.models import Account, AuthSession
from server.quota import FileBytesCache
from server.ratelimit import Buckets
from server.security import AccessClaims, AccessTokens, Passwords, RefreshTokens, Sealer
from server.storage import ObjectStore, open_store

# A result row of any columns.
AnyRow = Row[*tuple[Any, ...]]


@dataclass
class Services:
    """Per-instance plumbing (connections, keys, store). Nothing here is state another instance would miss."""

    config: ServerConfig
    db: Database
    passwords: Passwords
    access_tokens: AccessTokens
    refresh_tokens: RefreshTokens
    sealer: Sealer
    store: ObjectStore
    http: httpx.Client
    buckets: Buckets
    file_bytes: FileBytesCache
    mailer: Mailer

    @classmethod
    def build(cls, config: ServerConfig, db: Database | None = None) -> Services:
        """Open the database and store that ``config`` names."""
        return cls(
            config=config,
            db=db or Database(config.database_url, config.db_pool_size),
            passwords=Passwords(config.password_cost),
            access_tokens=AccessTokens(config.secret, config.limits.access_ttl_seconds),
            refresh_tokens=RefreshTokens(config.secret),
            sealer=Sealer(config.secret),
            store=open_store(config),
            http=httpx.Client(timeout=config.limits.provider_timeout_seconds, follow_redirects=False),
            buckets=Buckets(),
            file_bytes=FileBytesCache(),
            mailer=Mailer(config.mail),
        )

    def close(self) -> None:
        """Release connections."""
        self.http.close()
        self.db.close()


async def get_services(request: Request) -> Services:
    """The services of the app serving ``request`` (async: no I/O, so no hop to a worker thread)."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


@dataclass(frozen=True)
class Caller:
    """The signed-in account and device behind a request."""

    account_id: int
    session_id: str
    device_id: int
    verified: bool = True  # the account's email address is confirmed


async def bearer_claims(services: ServicesDep, authorization: Annotated[str | None, Header()] = None) -> AccessClaims:
    """The claims of a genuine, unexpired bearer token (its signature only: whether its session is still open is
    for ``admit``, in the route's own transaction); 401 otherwise."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise unauthorized("Sign in first: this needs an access token.")
    claims = services.access_tokens.verify(token.strip())
    if claims is None:
        raise unauthorized("The access token is invalid or has expired; refresh it or sign in again.")
    return claims


ClaimsDep = Annotated[AccessClaims, Depends(bearer_claims)]

# What ``admit`` needs to know about a token's sign-in, selectable beside other columns (outer-joined: all None
# when the session is gone).
SIGN_IN_COLUMNS = (AuthSession.account_id.label("session_account"), AuthSession.revoked_at.label("session_revoked"),
                   Account.email_verified_at.label("email_verified_at"), Account.email.label("email"))


def sign_in_row(conn: Connection, claims: AccessClaims) -> AnyRow | None:
    """The ``SIGN_IN_COLUMNS`` of the token's session (None if it is gone): one query."""
    return conn.execute(select(*SIGN_IN_COLUMNS).join(Account, Account.id == AuthSession.account_id)
                        .where(AuthSession.id == claims.session_id)).first()


def admit(claims: AccessClaims, row: AnyRow | None) -> Caller:
    """The caller, if ``row`` (``SIGN_IN_COLUMNS``) shows the token's session still open: the signature proves we
    issued the token, the session row that it was not revoked since (logout, password change); 401 otherwise."""
    if row is None or row.session_account is None or row.session_revoked is not None \
            or row.session_account != claims.account_id:
        raise unauthorized()
    return Caller(claims.account_id, claims.session_id, claims.device_id, row.email_verified_at is not None)


def require_verified(caller: Caller, row: AnyRow, services: Services) -> Caller:
    """The caller, if the service does not ask for confirmed addresses or theirs is confirmed; 403
    email_unverified (the desktop shows "Check your email…" with Resend) otherwise."""
    if services.config.email_verification and not caller.verified:
        raise ApiError(403, "email_unverified",
                       f"Check your email to confirm your address: we sent a link to {row.email}. Sync starts once "
                       "it is confirmed.")
    return caller


def admit_verified(claims: AccessClaims, row: AnyRow | None, services: Services) -> Caller:
    """``admit``, then ``require_verified``: what sync and photo routes ask of their callers."""
    caller = admit(claims, row)
    assert row is not None  # admit refused a missing session
    return require_verified(caller, row, services)


def current_caller(services: ServicesDep, claims: ClaimsDep) -> Caller:
    """The caller named by a valid bearer token whose session is still open; 401 otherwise."""
    with services.db.engine.connect() as conn:  # plain Core: this runs before every request
        return admit(claims, sign_in_row(conn, claims))


CallerDep = Annotated[Caller, Depends(current_caller)]


def verified_caller(services: ServicesDep, claims: ClaimsDep) -> Caller:
    """``current_caller`` whose address is confirmed, if the service asks for that (403 email_unverified)."""
    with services.db.engine.connect() as conn:
        return admit_verified(claims, sign_in_row(conn, claims), services)


VerifiedCallerDep = Annotated[Caller, Depends(verified_caller)]


def client_address(request: Request) -> str:
    """The caller's address (uvicorn has already applied X-Forwarded-For from trusted proxies)."""
    return request.client.host if request.client else "unknown"

"""What every route needs: the shared services of this instance, and who is calling."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import httpx
from fastapi import Depends, Header, Request
from sqlalchemy import select

from server.config import ServerConfig
from server.db import Database
from server.errors import ApiError, unauthorized
from server.mail import Mailer
from server.models import Account, AuthSession
from server.quota import FileBytesCache
from server.ratelimit import Buckets
from server.security import AccessTokens, Passwords, RefreshTokens, Sealer
from server.storage import ObjectStore, open_store


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


def get_services(request: Request) -> Services:
    """The services of the app serving ``request``."""
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


def current_caller(services: ServicesDep, authorization: Annotated[str | None, Header()] = None) -> Caller:
    """The caller named by a valid bearer token whose session is still open; 401 otherwise."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise unauthorized("Sign in first: this needs an access token.")
    claims = services.access_tokens.verify(token.strip())
    if claims is None:
        raise unauthorized("The access token is invalid or has expired; refresh it or sign in again.")
    # The signature proves we issued it; the session row says it was not revoked since (logout, password change).
    with services.db.engine.connect() as conn:  # plain Core: this runs before every request
        row = conn.execute(select(AuthSession.account_id, AuthSession.revoked_at, Account.email_verified_at)
                           .join(Account, Account.id == AuthSession.account_id)
                           .where(AuthSession.id == claims.session_id)).first()
    if row is None or row.revoked_at is not None or row.account_id != claims.account_id:
        raise unauthorized()
    return Caller(claims.account_id, claims.session_id, claims.device_id, row.email_verified_at is not None)


CallerDep = Annotated[Caller, Depends(current_caller)]


def verified_caller(caller: CallerDep, services: ServicesDep) -> Caller:
    """The caller, if the service does not ask for confirmed addresses or theirs is confirmed; 403
    email_unverified (the desktop shows "Check your email…" with Resend) otherwise."""
    if services.config.email_verification and not caller.verified:
        with services.db.reader() as session:
            email = session.scalar(select(Account.email).where(Account.id == caller.account_id)) or ""
        raise ApiError(403, "email_unverified",
                       f"Check your email to confirm your address: we sent a link to {email}. Sync starts once it "
                       "is confirmed.")
    return caller


VerifiedCallerDep = Annotated[Caller, Depends(verified_caller)]


def client_address(request: Request) -> str:
    """The caller's address (uvicorn has already applied X-Forwarded-For from trusted proxies)."""
    return request.client.host if request.client else "unknown"

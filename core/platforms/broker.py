"""The SellerDesk sync service as the social platforms use it: an OAuth broker (it holds the app secrets and does
the code exchange) and a public image host. Its client (server/client.py) speaks in ServiceErrors; here they
become PlatformErrors that name the platform being connected or published to.

The service session is the one the seller signed in with (Settings → Sync); its tokens live in the secret
store under ``sync:`` and are written back whenever the client renews them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from core.platforms.base import PlatformContext
from core.platforms.errors import AuthExpired, PlatformError, RateLimited, TransientFailure
from core.platforms.specs import display_name
from core.secrets import SecretStore

if TYPE_CHECKING:
    from server.client import SyncServiceClient
    from server.client_models import ProviderTokens, ServiceError, Tokens

SESSION_ACCESS = "sync:access_token"
SESSION_REFRESH = "sync:refresh_token"
SESSION_EXPIRES = "sync:access_expires_at"
_SIGN_IN_HINT = "Sign in to the SellerDesk sync service in Settings, or use your own app (advanced: set " \
                "platforms.{name}.client_id and enter the app secret when connecting)."


@dataclass(frozen=True)
class BrokeredTokens:
    """Platform tokens as the broker hands them over (seconds counted from when they were received)."""

    access_token: str
    expires_in: int | None
    refresh_token: str | None
    refresh_token_expires_in: int | None


@dataclass(frozen=True)
class MediaUpload:
    """An image the service serves publicly until ``expires_at`` (or until it is deleted)."""

    id: str
    url: str
    expires_at: datetime


class SyncService:
    """The broker and media calls of one signed-in service session, for ``platform``'s messages."""

    def __init__(self, client: SyncServiceClient, platform: str) -> None:
        self._client = client
        self.platform = platform

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    @contextmanager
    def _translated(self, doing: str) -> Iterator[None]:
        from server.client_models import ServiceError

        try:
            yield
        except ServiceError as exc:
            raise self._platform_error(exc, doing) from exc

    def _platform_error(self, exc: ServiceError, doing: str) -> PlatformError:
        from server import client_models as m

        name = display_name(self.platform)
        if exc.code == "provider_not_configured":
            return PlatformError(self.platform, f"the SellerDesk sync service refused {doing}: {exc.message}",
                                 hint=_SIGN_IN_HINT.format(name=self.platform))
        if exc.code == "provider_refused" and doing.startswith("renewing"):
            return AuthExpired(self.platform, f"{name} would not renew the sign-in ({exc.message})")
        if isinstance(exc, m.NotSignedIn):
            return PlatformError(self.platform, f"the SellerDesk sync service session has ended while {doing}",
                                 hint=_SIGN_IN_HINT.format(name=self.platform))
        if isinstance(exc, m.RateLimited):
            return RateLimited(self.platform, exc.retry_after,
                               problem=f"the SellerDesk sync service asks to wait while {doing}")
        if isinstance(exc, m.ServiceUnavailable):
            return TransientFailure(self.platform, f"the SellerDesk sync service could not be reached while "
                                                   f"{doing} ({exc.message})")
        if isinstance(exc, m.TooLarge):
            return PlatformError(self.platform, f"the SellerDesk sync service refused {doing}: {exc.message}",
                                 hint="Free space in your sync account (Settings → Sync) or use an S3 bucket for "
                                      "public pictures (media.host = s3).")
        return PlatformError(self.platform, f"the SellerDesk sync service refused {doing}: {exc.message}")

    def _tokens(self, call: Callable[[], ProviderTokens], doing: str) -> BrokeredTokens:
        with self._translated(doing):
            raw = call()
        return BrokeredTokens(access_token=raw.access_token, expires_in=raw.expires_in,
                              refresh_token=raw.refresh_token, refresh_token_expires_in=raw.refresh_token_expires_in)

    def start(self, redirect_uri: str, state: str, scopes: Sequence[str]) -> str:
        """The consent page URL for the seller's browser; it comes back to ``redirect_uri`` with a one-time code."""
        with self._translated("starting the sign-in"):
            return self._client.oauth_start(self.platform, redirect_uri, state, list(scopes))

    def redeem(self, code: str) -> BrokeredTokens:
        """The tokens behind the one-time code the browser brought back."""
        return self._tokens(lambda: self._client.oauth_redeem(code), "collecting the sign-in")

    def refresh(self, refresh_token: str) -> BrokeredTokens:
        """A Pinterest refresh token swapped for new tokens."""
        return self._tokens(lambda: self._client.oauth_refresh(self.platform, refresh_token),
                            "renewing the sign-in")

    def publish_media(self, data: bytes, content_type: str, expires_in: int) -> MediaUpload:
        """Put ``data`` at a public, unguessable URL for ``expires_in`` seconds."""
        with self._translated("putting a picture online"):
            link = self._client.publish_media(data, content_type, expires_in)
        return MediaUpload(link.id, link.url, link.expires_at)

    def delete_media(self, media_id: str) -> None:
        """Take a public picture down (nothing happens if it is already gone)."""
        from server import client_models as m

        try:
            with self._translated("taking a picture down"):
                self._client.delete_media(media_id)
        except PlatformError as exc:
            if not isinstance(exc.__cause__, m.NotFound | m.Gone):
                raise


def _store_session(secrets: SecretStore) -> Callable[[Tokens | None], None]:
    def store(tokens: Tokens | None) -> None:
        if tokens is None:
            secrets.delete_many([SESSION_ACCESS, SESSION_REFRESH, SESSION_EXPIRES])
            return
        # One write: a renewed refresh token replaces the old one (which is dead from now on) with its access token.
        secrets.set_many({SESSION_ACCESS: tokens.access_token, SESSION_REFRESH: tokens.refresh_token,
                          SESSION_EXPIRES: str(tokens.expires_at)})
    return store


def open_sync_service(context: PlatformContext, platform: str, *, for_media: bool = False) -> SyncService:
    """A service session for ``platform``'s broker (or, ``for_media``, image host) calls; PlatformError if none."""
    from server.client import SyncServiceClient
    from server.client_models import Tokens

    url = str(context.settings.get("sync.server_url") or "").strip()
    refresh = context.secrets.get(SESSION_REFRESH) if url else None
    if not url or not refresh:
        if for_media:
            raise PlatformError(platform, f"{display_name(platform)} downloads the pictures from a public address, "
                                "which needs the SellerDesk sync service or your own S3 bucket, and neither is set "
                                "up", hint="Sign in to the SellerDesk sync service in Settings, or set up a bucket "
                                           "(media.s3.endpoint, media.s3.bucket, media.s3.access_key_id).")
        raise PlatformError(platform, "connecting needs the SellerDesk sync service (it holds the app secret), and "
                            "SellerDesk is not signed in to it", hint=_SIGN_IN_HINT.format(name=platform))
    try:
        expires = float(context.secrets.get(SESSION_EXPIRES) or 0)
    except ValueError:
        expires = 0.0
    access = context.secrets.get(SESSION_ACCESS) or ""
    # An unknown or past expiry makes the client renew first, which is always safe.
    tokens = Tokens(access, refresh, expires if access else time.time() - 1)
    client = SyncServiceClient(url, tokens=tokens, on_tokens=_store_session(context.secrets),
                               timeout=context.http.timeout)
    return SyncService(client, platform)

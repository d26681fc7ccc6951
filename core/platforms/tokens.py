"""OAuth token pairs in the secret store, refreshed ahead of expiry.

A rotated refresh token replaces the old one in the same write as the new access token.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.platforms.errors import AuthExpired
from core.secrets import SecretStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TokenSet:
    """An access token, the refresh token that renews it, and when each runs out."""

    access_token: str
    refresh_token: str | None
    expires_at: datetime | None
    refresh_expires_at: datetime | None = None

    def expires_within(self, seconds: float, now: datetime) -> bool:
        """True if the access token is gone or will be within ``seconds``."""
        return self.expires_at is not None and self.expires_at - timedelta(seconds=seconds) <= now

    def to_secrets(self, namespace: str) -> dict[str, str]:
        """The entries stored together (one keychain entry) under ``namespace``."""
        values = {f"{namespace}:access_token": self.access_token}
        if self.refresh_token:
            values[f"{namespace}:refresh_token"] = self.refresh_token
        if self.expires_at:
            values[f"{namespace}:access_expires_at"] = self.expires_at.isoformat()
        if self.refresh_expires_at:
            values[f"{namespace}:refresh_expires_at"] = self.refresh_expires_at.isoformat()
        return values

    @classmethod
    def from_secrets(cls, secrets: SecretStore, namespace: str) -> TokenSet | None:
        """The stored token pair of ``namespace``, or None if there is none."""
        access = secrets.get(f"{namespace}:access_token")
        if not access:
            return None
        return cls(
            access_token=access,
            refresh_token=secrets.get(f"{namespace}:refresh_token"),
            expires_at=_parse_time(secrets.get(f"{namespace}:access_expires_at")),
            refresh_expires_at=_parse_time(secrets.get(f"{namespace}:refresh_expires_at")),
        )


def token_secret_names(namespace: str) -> tuple[str, ...]:
    """Every secret name a TokenSet may use under ``namespace`` (for disconnecting)."""
    return tuple(f"{namespace}:{key}" for key in ("access_token", "refresh_token", "access_expires_at",
                                                  "refresh_expires_at"))


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


Refresher = Callable[[str], TokenSet]


class TokenManager:
    """Hands out a valid access token: refreshes it ``margin`` seconds before it expires, or when refused.

    One lock per platform: two workers needing a refresh at once make one call, and the second sees the result
    (with a rotating refresh token, a second call with the old one would be refused and lose the connection).
    """

    def __init__(self, platform: str, secrets: SecretStore, refresher: Refresher, *, margin: float,
                 now: Callable[[], datetime], on_refreshed: Callable[[TokenSet], None] | None = None,
                 needs_refresh_token: bool = True) -> None:
        self.platform = platform
        # False where new tokens come from the app's own credentials (Shopify's client credentials grant).
        self._needs_refresh_token = needs_refresh_token
        self._secrets = secrets
        self._refresher = refresher
        self._margin = margin
        self._now = now
        self._on_refreshed = on_refreshed
        self._tokens: TokenSet | None = None
        self._lock = threading.Lock()

    def current(self) -> TokenSet:
        """The stored tokens (read once, then kept in memory); AuthExpired if there are none."""
        if self._tokens is None:
            self._tokens = TokenSet.from_secrets(self._secrets, self.platform)
        if self._tokens is None:
            raise AuthExpired.not_connected(self.platform)
        return self._tokens

    def access_token(self) -> str:
        """A usable access token, refreshed first if it is about to run out."""
        tokens = self.current()
        if tokens.expires_within(self._margin, self._now()):
            tokens = self.refresh(tokens)
        return tokens.access_token

    def store(self, tokens: TokenSet) -> None:
        """Keep ``tokens`` (both halves in one write) and use them from now on."""
        self._secrets.set_many(tokens.to_secrets(self.platform))
        self._tokens = tokens

    def use(self, tokens: TokenSet) -> None:
        """Try ``tokens`` without storing them (while connecting, before the platform has accepted them)."""
        self._tokens = tokens

    def forget(self) -> None:
        """Drop tokens held in memory only (read from the keychain again on next use)."""
        self._tokens = None

    def refresh(self, stale: TokenSet | None = None) -> TokenSet:
        """Swap the refresh token for new tokens, unless another thread already did since ``stale`` was read."""
        with self._lock:
            tokens = self.current()
            if stale is not None and tokens.access_token != stale.access_token:
                return tokens
            if not tokens.refresh_token and self._needs_refresh_token:
                raise AuthExpired(self.platform, "the sign-in ran out and cannot be renewed")
            log.info("%s: refreshing the access token", self.platform)
            fresh = self._refresher(tokens.refresh_token or "")
            self.store(fresh)
        if self._on_refreshed is not None:
            self._on_refreshed(fresh)
        return fresh

    def force_refresh(self) -> bool:
        """Refresh after the platform refused the current token; True when new tokens were obtained."""
        self.refresh(self.current())
        return True

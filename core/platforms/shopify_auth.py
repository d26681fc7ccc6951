"""How SellerDesk signs in to a Shopify store, and which access scopes it needs there.

Two routes (platform-facts, Shopify "Tokens"):

- **Dev Dashboard app** (the main route since 1 January 2026, when new admin-made custom apps stopped): the app's
  client id (a setting) and client secret (keychain) are exchanged with the store through the client credentials
  grant for an Admin API token that lives about 24 hours. SellerDesk asks for a new one ``renew_margin_seconds``
  before it runs out, and again at once if the store refuses the current one, so the seller never reconnects for it.
- **Legacy custom app**: a pasted ``shpat_`` token that does not expire; a refused one means paste a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from core.platforms.errors import AuthExpired, PlatformError
from core.platforms.social_signin import expires_after
from core.platforms.tokens import TokenManager, TokenSet, token_secret_names

if TYPE_CHECKING:
    from core.platforms.base import PlatformContext
    from core.platforms.http import ApiClient

NAME = "shopify"
CLIENT_ID_SETTING = "platforms.shopify.client_id"

ACCESS_SCOPES = """query SellerDeskAccessScopes {
  currentAppInstallation { accessScopes { handle } }
}"""


def secret_name(context: PlatformContext) -> str:
    """The keychain entry of the Dev Dashboard app's client secret."""
    return str(context.spec.auth["own_app"]["secret"])


def missing_scopes(granted: set[str], required: list[str]) -> list[str]:
    """The required scopes ``granted`` lacks (a ``write_`` scope includes its ``read_`` scope)."""
    def has(scope: str) -> bool:
        return scope in granted or (scope.startswith("read_") and "write_" + scope[5:] in granted)
    return [scope for scope in required if not has(scope)]


def scopes_hint(context: PlatformContext, missing: list[str]) -> str:
    """Where the seller adds ``missing`` scopes, for the route they connect by."""
    names = ", ".join(missing)
    if dev_dashboard_app(context):
        return (f"In the Shopify Dev Dashboard open your app → Versions, add {names} to its access scopes, release "
                "the new version, approve it in your store, then connect again.")
    return (f"In Shopify admin open Settings → Apps → Develop apps → your app → Configuration, add {names} to the "
            "Admin API scopes, save, reinstall the app and paste its new token.")


def dev_dashboard_app(context: PlatformContext) -> bool:
    """True when the seller uses a Dev Dashboard app (a client id is set) rather than a pasted token."""
    return bool(str(context.settings.get(CLIENT_ID_SETTING) or "").strip())


class ShopifyAuth:
    """The ``X-Shopify-Access-Token`` header, from a pasted token or a client-credentials token kept fresh."""

    def __init__(self, context: PlatformContext, token_url: str) -> None:
        self._context = context
        self.token_url = token_url
        self.client: ApiClient | None = None  # set by ShopifyGraphQL: the grant goes through its limiter and errors
        margin = float(context.spec.auth["renew_margin_seconds"])
        self.tokens = TokenManager(NAME, context.secrets, self._renew, margin=margin, now=context.now,
                                   needs_refresh_token=False)

    @staticmethod
    def secret_names() -> tuple[str, ...]:
        """Everything forgotten on disconnect (the app's client secret stays, like Etsy's shared secret)."""
        return token_secret_names(NAME)

    def headers(self) -> dict[str, str]:
        """The Admin API token header (a Dev Dashboard token is renewed first when it is about to run out)."""
        return {"X-Shopify-Access-Token": self.tokens.access_token()}

    def refresh(self) -> bool:
        """After a refusal: a Dev Dashboard app gets a new token; a pasted token cannot be renewed."""
        current = self.tokens.current()
        if current.expires_at is None:
            return False
        self.tokens.refresh(current)
        return True

    def _renew(self, _unused: str) -> TokenSet:
        client_id = str(self._context.settings.get(CLIENT_ID_SETTING) or "").strip()
        secret = self._context.secrets.get(secret_name(self._context))
        if not client_id or not secret:
            raise AuthExpired(NAME, "the store's token ran out and the Dev Dashboard app's client id or secret is "
                              "no longer set")
        return self.client_credentials(client_id, secret)

    def client_credentials(self, client_id: str, secret: str) -> TokenSet:
        """Exchange the app's client id and secret for an Admin API token (about 24 h)."""
        assert self.client is not None
        try:
            response = self.client.request("POST", self.token_url, authenticated=False, idempotent=True, data={
                "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
        except PlatformError as exc:
            if exc.retryable:
                raise
            raise AuthExpired(NAME, f"the store did not accept the Dev Dashboard app's client ID and secret "
                              f"({exc.problem})",
                              hint="In the Shopify Dev Dashboard open your app → Settings, copy the Client ID and "
                                   "Secret again, and check that the app is installed on this store.") from None
        body: dict[str, Any] = response.json()
        seconds = body.get("expires_in") or self._context.spec.auth["token_seconds"]
        return TokenSet(str(body["access_token"]), None, expires_after(self._context.now(), seconds))


def read_grant_error(platform: str) -> Callable[[httpx.Response, str | None], PlatformError]:
    """Shopify's answers: OAuth errors ``{error, error_description}`` from the token endpoint, else ``{errors}``."""

    def read(response: httpx.Response, product: str | None) -> PlatformError:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if isinstance(body, dict) and body.get("error"):
            detail = body.get("error_description") or body["error"]
            return PlatformError(platform, f"{body['error']}: {detail}", product=product)
        text = str(body.get("errors", "") if isinstance(body, dict) else "") or response.text[:200]
        return PlatformError(platform, f"the request was refused (HTTP {response.status_code}: {text})",
                             product=product)

    return read

"""Etsy Open API v3 over HTTP: authentication headers, OAuth token calls, endpoints, and Etsy's error dialect.

Every request carries ``x-api-key: <keystring>:<shared_secret>`` (since Feb 2026) and, when signed in,
``Authorization: Bearer <token>``. Errors come as ``{"error": "..."}``.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from core.i18n import N_, _
from core.platforms.base import PlatformContext
from core.platforms.errors import AuthExpired, ContentRejected, PlatformError
from core.platforms.http import ApiClient
from core.platforms.ratelimit import EtsyQuota, TokenBucket, retry_after_seconds
from core.platforms.tokens import TokenManager, TokenSet
from core.preferences.layout import where

NAME = "etsy"
# Fields Etsy may name when it refuses a listing; the first one its message mentions is the one reported.
LISTING_FIELDS = ("readiness_state_id", "shipping_profile_id", "taxonomy_id", "who_made", "when_made", "quantity",
                  "title", "description", "price", "tags", "materials", "image", "rank", "sku", "state")


class EtsyAuth:
    """The x-api-key header plus a bearer token that refreshes itself."""

    def __init__(self, api_key: Callable[[], str], tokens: TokenManager) -> None:
        self._api_key = api_key
        self._tokens = tokens

    def headers(self) -> dict[str, str]:
        """Both headers Etsy wants on a signed-in call."""
        return {"x-api-key": self._api_key(), "Authorization": f"Bearer {self._tokens.access_token()}"}

    def refresh(self) -> bool:
        """Renew the access token once after Etsy refused it."""
        return self._tokens.force_refresh()


def _etsy_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip() or f"HTTP {response.status_code}"
    if isinstance(body, dict) and body.get("error"):
        detail = body.get("error_description")
        return f"{body['error']}: {detail}" if detail else str(body["error"])
    return response.text[:200].strip()


# Fields set by the seller's Etsy choices (Platforms tab → Etsy → Preferences), not by the listing copy.
CHOICE_FIELDS = {"who_made": N_("Who made it"), "when_made": N_("When it was made"), "taxonomy_id": N_("Etsy category"),
                 "shipping_profile_id": N_("Shipping profile"), "readiness_state_id": N_("Processing profile")}
KEY_HINT = N_("Open etsy.com/developers → Your apps, copy the app's keystring and shared secret, and enter both again "
              "in the Connect dialog (Platforms tab → Etsy → Connect), or run: sellerdesk platforms connect etsy "
              "--client-id KEYSTRING --secret-stdin")  # shown through _()


def _rejected(field: str, message: str, product: str | None) -> ContentRejected:
    label = CHOICE_FIELDS.get(field)
    if label is None:
        return ContentRejected(NAME, field, message, product=product)
    return ContentRejected(NAME, field, message, product=product,
                           fix=_("This is an Etsy choice, not the copy: pick another '{label}' in the Platforms tab → "
                                 "Etsy → Preferences (or run: sellerdesk platforms prefs etsy {field}=VALUE "
                                 "--options), then publish again.").format(label=_(label), field=field))


def read_etsy_error(response: httpx.Response, product: str | None) -> PlatformError:
    """Turn a refused Etsy request into the right PlatformError, naming the field when Etsy does."""
    message = _etsy_message(response)
    status = response.status_code
    if status == 400:
        for field in LISTING_FIELDS:
            if re.search(rf"\b{field}\b", message):
                return _rejected(field, message, product)
        return PlatformError(NAME, _("refused the request ({message})").format(message=message), product=product)
    if status == 403 and "api key" in message.lower():
        return AuthExpired(NAME, _("did not accept the app keystring and shared secret ({message})").format(
            message=message), product=product, hint=_(KEY_HINT))
    if status == 403:
        return PlatformError(NAME, _("refused access ({message})").format(message=message), product=product,
                             hint=_("Reconnect Etsy and allow every permission SellerDesk asks for."))
    if status == 404:
        return PlatformError(NAME, _("could not find it ({message}); it may have been deleted on Etsy").format(
            message=message), product=product)
    return PlatformError(NAME, _("refused the request (HTTP {status}: {text})").format(status=status, text=message),
                         product=product)


class EtsyApi:
    """Etsy's endpoints as SellerDesk uses them; each returns Etsy's JSON or raises a PlatformError."""

    def __init__(self, context: PlatformContext, tokens: TokenManager) -> None:
        self._context = context
        self._settings = context.settings
        self._api_key: str | None = None
        self.secret_name = str(context.spec.auth["app_secret"]["name"])
        limits = context.spec.rate_limits
        self._day_recheck = limits.day_recheck_seconds
        self.limiter = TokenBucket(limits.requests_per_second, limits.burst,
                                   clock=context.http.clock, sleep=context.http.sleep)
        self.client = ApiClient(
            NAME, self._settings.get("platforms.etsy.api_base").rstrip("/") + "/",
            options=context.http, limiter=self.limiter, auth=EtsyAuth(self.api_key, tokens),
            read_error=read_etsy_error, rate_wait=self._rate_wait, observe=self._observe,
        )

    def close(self) -> None:
        """Close the HTTP session."""
        self.client.close()

    def api_key(self) -> str:
        """The x-api-key value ``keystring:shared_secret``; refuses clearly when either half is missing."""
        if self._api_key is not None:
            return self._api_key
        keystring = self._settings.get("platforms.etsy.client_id")
        if not keystring:
            raise PlatformError(NAME, "no Etsy app keystring is set",
                                hint=where("platforms.etsy.client_id", "YOUR_KEYSTRING"))
        secret = self._context.secrets.get(self.secret_name)
        if not secret:
            raise PlatformError(NAME, "the Etsy app's shared secret is not in the keychain",
                                hint="Connect Etsy again and enter the shared secret when asked. "
                                     + where("etsy:shared_secret"))
        # Kept for the session: reading the keychain (and auditing it) on every request would be noise.
        self._api_key = f"{keystring}:{secret}"
        return self._api_key

    def check_key(self, keystring: str, secret: str) -> None:
        """Ask Etsy whether ``keystring:secret`` is a working app key (openapi-ping), before any sign-in starts.

        Etsy answers a wrong key at once (401 or 403 with its ``{"error": ...}`` shape), whereas the consent page
        would only fail after the seller has signed in, or never come back at all.
        """
        try:
            self.client.request("GET", "openapi-ping", authenticated=False,
                                headers={"x-api-key": f"{keystring}:{secret}"})
        except PlatformError as exc:
            if exc.retryable:
                raise
            raise AuthExpired(NAME, f"did not accept the app keystring {keystring!r} with that shared secret "
                              f"({exc.problem})", hint=_(KEY_HINT)) from None
        self._api_key = f"{keystring}:{secret}"

    def _rate_wait(self, response: httpx.Response) -> float:
        asked = retry_after_seconds(response.headers.get("retry-after"))
        if asked is not None:
            return asked
        return EtsyQuota.from_headers(response.headers).wait(day_recheck=self._day_recheck) or 1.0

    def _observe(self, response: httpx.Response) -> None:
        # This second's quota is used up: hold the next call back instead of collecting a 429. (An exhausted
        # day is left to the 429 it brings: the queue, not a sleeping worker, should wait out hours.)
        quota = EtsyQuota.from_headers(response.headers)
        if quota.remaining_second is not None and quota.remaining_second <= 0:
            self.limiter.pause(1.0)

    # --- OAuth token endpoint (PKCE: no client secret) ---

    def _token_call(self, form: dict[str, str], *, refreshing: bool) -> TokenSet:
        try:
            # A refresh may be repeated: if Etsy did rotate before the answer was lost, the old token is refused
            # (invalid_grant) and the seller reconnects, which is all a single try could have achieved.
            response = self.client.request("POST", self._settings.get("platforms.etsy.token_url"), data=form,
                                           authenticated=False, idempotent=refreshing)
        except PlatformError as exc:
            if exc.retryable or isinstance(exc, AuthExpired):
                raise
            reason = exc.reason if isinstance(exc, ContentRejected) else exc.problem
            if refreshing:
                raise AuthExpired(NAME, f"would not renew the sign-in; {reason}") from exc
            raise PlatformError(NAME, f"the sign-in could not be completed; {reason}",
                                hint="Try connecting again.") from exc
        body = response.json()
        now = self._context.now()
        auth = self._context.spec.auth
        return TokenSet(
            access_token=str(body["access_token"]),
            refresh_token=str(body["refresh_token"]) if body.get("refresh_token") else None,
            expires_at=now + timedelta(seconds=int(body.get("expires_in", auth["access_token_seconds"]))),
            refresh_expires_at=now + timedelta(days=int(auth["refresh_token_days"])),
        )

    def exchange_code(self, code: str, verifier: str, redirect_uri: str) -> TokenSet:
        """Swap the sign-in code (with the PKCE verifier) for tokens."""
        return self._token_call({"grant_type": "authorization_code", "client_id": self._client_id(),
                                 "redirect_uri": redirect_uri, "code": code, "code_verifier": verifier},
                                refreshing=False)

    def refresh_tokens(self, refresh_token: str) -> TokenSet:
        """Swap a refresh token for new tokens (Etsy rotates it: the old one stops working)."""
        return self._token_call({"grant_type": "refresh_token", "client_id": self._client_id(),
                                 "refresh_token": refresh_token}, refreshing=True)

    def _client_id(self) -> str:
        return str(self.api_key().split(":", 1)[0])

    # --- endpoints (paths relative to platforms.etsy.api_base) ---

    def get(self, path: str, *, product: str | None = None, **params: Any) -> Any:
        """GET ``path`` and return its JSON."""
        return self.client.request("GET", path, params=params or None, product=product).json()

    def me(self) -> dict[str, Any]:
        """getMe: the signed-in user's id and shop id."""
        return dict(self.get("users/me"))

    def shop(self, shop_id: int) -> dict[str, Any]:
        """getShop."""
        return dict(self.get(f"shops/{shop_id}"))

    def paged(self, path: str, *, product: str | None = None, limit: int = 100, **params: Any) -> list[Any]:
        """Every result of a ``{count, results}`` list endpoint, page by page."""
        results: list[Any] = []
        while True:
            page = self.get(path, product=product, limit=limit, offset=len(results), **params)
            batch = list(page.get("results", []))
            results.extend(batch)
            if len(batch) < limit or len(results) >= int(page.get("count", 0)):
                return results

    def create_draft(self, shop_id: int, form: dict[str, str], product: str) -> dict[str, Any]:
        """createDraftListing (form-encoded). Not idempotent: a lost answer becomes OutcomeUnknown."""
        return dict(self.client.request("POST", f"shops/{shop_id}/listings", data=form, product=product).json())

    def upload_image(self, shop_id: int, listing_id: int, path: Path, rank: int, product: str) -> dict[str, Any]:
        """uploadListingImage: multipart ``image`` plus ``rank`` (1 = first)."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ContentRejected(NAME, "images", f"the photo file {path.name} cannot be read ({exc.strerror})",
                                  fix="Re-create the product's Etsy photos and publish again.",
                                  product=product) from exc
        mime = mimetypes.guess_type(path.name)[0] or "image/jpeg"
        return dict(self.client.request(
            "POST", f"shops/{shop_id}/listings/{listing_id}/images", product=product,
            files={"image": (path.name, data, mime)}, data={"rank": str(rank)}).json())

    def update_listing(self, shop_id: int, listing_id: int, form: dict[str, str], product: str | None,
                       ) -> dict[str, Any]:
        """updateListing (PATCH); setting the same values twice changes nothing, so it may be retried."""
        return dict(self.client.request("PATCH", f"shops/{shop_id}/listings/{listing_id}", data=form,
                                        product=product, idempotent=True).json())

    def inventory(self, listing_id: int, product: str | None) -> dict[str, Any]:
        """getListingInventory."""
        return dict(self.get(f"listings/{listing_id}/inventory", product=product))

    def put_inventory(self, listing_id: int, body: dict[str, Any], product: str | None) -> dict[str, Any]:
        """updateListingInventory (JSON, PUT)."""
        return dict(self.client.request("PUT", f"listings/{listing_id}/inventory", json=body,
                                        product=product).json())

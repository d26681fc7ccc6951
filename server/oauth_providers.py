"""The token calls that need an app secret, one function per provider step, against configurable endpoints."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from server.config import ProviderConfig


class ProviderError(Exception):
    """The provider refused or could not be reached; the message is safe to show (no secrets in it)."""


@dataclass(frozen=True)
class ProviderTokens:
    """What the desktop needs to call the platform as the seller."""

    provider: str
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (a token type, not a secret)
    expires_in: int | None = None
    refresh_token: str | None = None
    refresh_token_expires_in: int | None = None
    scope: str | None = None
    user_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain fields, for sealing and for the JSON answer."""
        return asdict(self)


def authorize_url(provider: ProviderConfig, redirect_uri: str, state: str, scopes: list[str] | None) -> str:
    """The provider's consent page for the seller's browser, coming back to ``redirect_uri`` with ``state``."""
    query = {"client_id": provider.client_id, "redirect_uri": redirect_uri, "response_type": "code",
             "scope": ",".join(scopes or provider.scopes), "state": state}
    separator = "&" if "?" in provider.authorize_url else "?"
    return provider.authorize_url + separator + urlencode(query)


def _error_text(response: httpx.Response) -> str:
    """The provider's own words, from whichever error shape it uses."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):  # Facebook: {"error": {"message", "type", "code", ...}}
            return str(error.get("message") or error.get("type") or response.status_code)
        for key in ("error_message", "message", "error_description", "error"):  # Instagram, Pinterest, RFC 6749
            if body.get(key):
                return str(body[key])
    return f"HTTP {response.status_code}"


def _call(http: httpx.Client, provider: ProviderConfig, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    try:
        response = http.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise ProviderError(f"{provider.name.title()} could not be reached ({type(exc).__name__}).") from None
    if response.status_code >= 400:
        raise ProviderError(f"{provider.name.title()} refused the token request: {_error_text(response)[:300]}")
    try:
        body = response.json()
    except ValueError:
        raise ProviderError(f"{provider.name.title()} answered with something other than JSON.") from None
    if isinstance(body, dict) and isinstance(body.get("data"), list) and body["data"]:
        body = body["data"][0]  # Instagram's newer code exchange wraps the token in a one-item list
    if not isinstance(body, dict) or not body.get("access_token"):
        raise ProviderError(f"{provider.name.title()} answered without an access token.")
    return body


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None


def _tokens(provider: ProviderConfig, body: dict[str, Any], user_id: Any = None) -> ProviderTokens:
    uid = body.get("user_id", user_id)
    return ProviderTokens(
        provider=provider.name, access_token=str(body["access_token"]),
        token_type=str(body.get("token_type") or "bearer"), expires_in=_int(body.get("expires_in")),
        refresh_token=body.get("refresh_token"), refresh_token_expires_in=_int(body.get("refresh_token_expires_in")),
        scope=body.get("scope"), user_id=None if uid is None else str(uid))


def exchange_code(http: httpx.Client, provider: ProviderConfig, code: str, redirect_uri: str) -> ProviderTokens:
    """Authorisation code → tokens; for Facebook and Instagram, straight on to the long-lived token."""
    if provider.name == "facebook":
        body = _call(http, provider, "GET", provider.token_url, params={
            "client_id": provider.client_id, "client_secret": provider.client_secret,
            "redirect_uri": redirect_uri, "code": code})
        return long_lived(http, provider, str(body["access_token"]))
    if provider.name == "instagram":
        body = _call(http, provider, "POST", provider.token_url, data={
            "client_id": provider.client_id, "client_secret": provider.client_secret,
            "grant_type": "authorization_code", "redirect_uri": redirect_uri, "code": code})
        short = _tokens(provider, body)
        return long_lived(http, provider, short.access_token, user_id=short.user_id)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if provider.name == "pinterest":
        # OpenAPI 5.23.0: apps made before 25 Sep 2025 must ask for continuous refresh tokens (as own apps do).
        form["continuous_refresh"] = "true"
    body = _call(http, provider, "POST", provider.token_url, auth=(provider.client_id, provider.client_secret),
                 data=form)
    return _tokens(provider, body)


def long_lived(http: httpx.Client, provider: ProviderConfig, access_token: str,
               user_id: str | None = None) -> ProviderTokens:
    """A short-lived user token → the ~60-day one (Facebook ``fb_exchange_token``, Instagram ``ig_exchange_token``)."""
    if provider.name == "facebook":
        body = _call(http, provider, "GET", provider.exchange_url, params={
            "grant_type": "fb_exchange_token", "client_id": provider.client_id,
            "client_secret": provider.client_secret, "fb_exchange_token": access_token})
    elif provider.name == "instagram":
        body = _call(http, provider, "GET", provider.exchange_url, params={
            "grant_type": "ig_exchange_token", "client_secret": provider.client_secret, "access_token": access_token})
    else:
        raise ProviderError(f"{provider.name.title()} has no long-lived token exchange.")
    return _tokens(provider, body, user_id)


def refresh(http: httpx.Client, provider: ProviderConfig, refresh_token: str) -> ProviderTokens:
    """Pinterest: a refresh token → a new access token (the call needs the app secret as HTTP Basic)."""
    if provider.name != "pinterest":
        raise ProviderError(f"{provider.name.title()} tokens are not refreshed through this service.")
    body = _call(http, provider, "POST", provider.token_url, auth=(provider.client_id, provider.client_secret),
                 data={"grant_type": "refresh_token", "refresh_token": refresh_token})
    return _tokens(provider, body)

"""Pinterest API v5 over HTTP: production or sandbox base, bearer tokens that renew themselves, Pinterest's
error dialect (``{"code", "message"}``), and the OAuth token endpoint (HTTP Basic with the app's id and secret).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx

from core.i18n import _
from core.platforms.base import PlatformContext
from core.platforms.errors import AuthExpired, ContentRejected, PlatformError
from core.platforms.http import ApiClient
from core.platforms.ratelimit import TokenBucket, retry_after_seconds
from core.platforms.social_signin import OwnApp
from core.platforms.tokens import TokenManager, TokenSet
from core.preferences.layout import where

NAME = "pinterest"
TRIAL_ONLY = 29  # platform-facts.md: production answers code 29 to apps with trial access
# Pin fields Pinterest may name when it refuses one, and the copy field each belongs to.
_FIELDS = (("alt_text", "alt_text"), ("board", "board"), ("title", "title"), ("description", "description"),
           ("link", "link"), ("media_source", "images"), ("image", "images"))


class PinterestAuth:
    """A bearer token that renews itself ahead of expiry, and once more after a refusal."""

    def __init__(self, tokens: TokenManager) -> None:
        self._tokens = tokens

    def headers(self) -> dict[str, str]:
        """The Authorization header."""
        return {"Authorization": f"Bearer {self._tokens.access_token()}"}

    def refresh(self) -> bool:
        """Renew the access token after Pinterest refused it."""
        return self._tokens.force_refresh()


def _body(response: httpx.Response) -> tuple[int | None, str]:
    try:
        data = response.json()
    except ValueError:
        return None, response.text[:200].strip() or f"HTTP {response.status_code}"
    if not isinstance(data, dict):
        return None, str(data)[:200]
    code = data.get("code")
    return (int(code) if isinstance(code, int) else None), str(data.get("message") or data.get("error") or "")


def read_pinterest_error(response: httpx.Response, product: str | None) -> PlatformError:
    """Turn a refused Pinterest request into the right PlatformError, naming the pin field when Pinterest does."""
    code, message = _body(response)
    status = response.status_code
    detail = f"{message.rstrip('. ')} (code {code})" if code is not None else message
    if code == TRIAL_ONLY:
        return PlatformError(NAME, _("this Pinterest app has trial access, which works only with Pinterest's "
                                     "sandbox [{detail}]").format(detail=detail), product=product,
                             hint=_("Use the sandbox (its pins are seen only by you), or apply for Standard access "
                                    "for the app.") + " " + where("platforms.pinterest.sandbox", "true"))
    if status == 403:
        return PlatformError(NAME, _("SellerDesk is not allowed to do this [{detail}]").format(detail=detail),
                             product=product,
                             hint=_("Reconnect Pinterest in the Platforms tab and allow access to boards and pins."))
    if status == 404:
        return PlatformError(NAME, _("could not find it [{detail}]; it may have been deleted on Pinterest").format(
            detail=detail), product=product)
    if status in (400, 409, 422):
        lowered = message.lower()
        for word, field in _FIELDS:
            if re.search(rf"\b{word}", lowered):
                return ContentRejected(NAME, field, detail, product=product)
    return PlatformError(NAME, _("refused the request (HTTP {status}: {text})").format(status=status, text=detail),
                         product=product)


class PinterestApi:
    """Pinterest's endpoints as SellerDesk uses them; each returns Pinterest's JSON or raises a PlatformError."""

    def __init__(self, context: PlatformContext, tokens: TokenManager) -> None:
        settings = context.settings
        self._context = context
        sandbox = bool(settings.get("platforms.pinterest.sandbox"))
        base = settings.get("platforms.pinterest.sandbox_api_base" if sandbox else "platforms.pinterest.api_base")
        limits = context.spec.rate_limits
        self._fallback_wait = float(context.spec.extra["rate_limit_fallback_seconds"])
        self.client = ApiClient(NAME, str(base).rstrip("/") + "/", options=context.http,
                                limiter=TokenBucket(limits.requests_per_second, limits.burst,
                                                    clock=context.http.clock, sleep=context.http.sleep),
                                auth=PinterestAuth(tokens), read_error=read_pinterest_error,
                                rate_wait=self._rate_wait)

    def close(self) -> None:
        """Close the HTTP session."""
        self.client.close()

    def _rate_wait(self, response: httpx.Response) -> float:
        for header in ("retry-after", "x-ratelimit-reset"):
            wait = retry_after_seconds(response.headers.get(header))
            if wait is not None:
                return wait
        return self._fallback_wait

    def get(self, path: str, *, product: str | None = None, **params: Any) -> Any:
        """GET ``path`` and return its JSON."""
        return self.client.request("GET", path, params=params or None, product=product).json()

    def pages(self, path: str, *, product: str | None = None, max_pages: int = 20, **params: Any) -> Iterator[Any]:
        """The ``items`` of a bookmarked list, page by page."""
        bookmark: str | None = None
        for _page in range(max_pages):
            page = self.get(path, product=product, **params, **({"bookmark": bookmark} if bookmark else {}))
            yield from page.get("items", [])
            bookmark = page.get("bookmark")
            if not bookmark:
                return

    def send(self, method: str, path: str, body: dict[str, Any], *, product: str | None,
             idempotent: bool | None = None) -> Any:
        """Send a JSON body (POST is not repeated after an unanswered send unless ``idempotent``)."""
        return self.client.request(method, path, json=body, product=product, idempotent=idempotent).json()

    # --- OAuth token endpoint (needs the app secret: own app only; the broker does this otherwise) ---

    def token_call(self, app: OwnApp, form: dict[str, str], *, refreshing: bool) -> TokenSet:
        """``POST oauth/token`` with HTTP Basic; a refused refresh means the seller must sign in again."""
        url = str(self._context.settings.get("platforms.pinterest.token_url"))
        try:
            response = self.client.request("POST", url, data=form, auth=(app.client_id, app.secret),
                                           authenticated=False, idempotent=refreshing)
        except PlatformError as exc:
            if exc.retryable or isinstance(exc, AuthExpired):
                raise
            if refreshing:
                raise AuthExpired(NAME, f"would not renew the sign-in ({exc.problem})") from exc
            raise PlatformError(NAME, f"the sign-in could not be completed; {exc.problem}",
                                hint="Check platforms.pinterest.client_id and the app secret, then connect "
                                     "again.") from exc
        return token_set(self._context.now(), response.json())


def token_set(now: datetime, body: dict[str, Any]) -> TokenSet:
    """A token response (``expires_in``, ``refresh_token_expires_in`` in seconds) as a TokenSet."""
    refresh_in = body.get("refresh_token_expires_in")
    return TokenSet(
        access_token=str(body["access_token"]),
        refresh_token=str(body["refresh_token"]) if body.get("refresh_token") else None,
        expires_at=now + timedelta(seconds=int(body.get("expires_in") or 0)),
        refresh_expires_at=now + timedelta(seconds=int(refresh_in)) if refresh_in else None,
    )

"""OAuth broker: holds the app secrets, does the code exchange, and hands the tokens to the desktop.

1. The desktop calls ``POST /v1/oauth/{provider}/start`` with its loopback redirect URI and a state of its own,
   and opens the returned consent URL in the seller's browser.
2. The provider sends the browser to ``/oauth/{provider}/callback``; the broker exchanges the code (and gets the
   long-lived token), seals the tokens under a one-time code, and redirects the browser to the loopback URI with
   ``code`` and the desktop's ``state`` — the shape the desktop's loopback listener already expects.
3. The desktop redeems that code once with ``POST /v1/oauth/redeem``. Tokens never travel in a URL.
"""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import delete, select

from server import oauth_providers
from server.config import ProviderConfig
from server.context import CallerDep, Services, ServicesDep
from server.errors import ApiError, not_found
from server.models import OAuthFlow, OAuthHandoff, utcnow
from server.oauth_providers import ProviderError, ProviderTokens
from server.schemas import (
    ExchangeRequest,
    OAuthStartRequest,
    OAuthStartResponse,
    ProviderRefreshRequest,
    ProviderTokensOut,
    RedeemRequest,
)
from server.security import random_token, sha256_hex

router = APIRouter()
ProviderName = Annotated[str, Path(pattern=r"^(facebook|instagram|pinterest)$")]
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost"}
_PAGE = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>SellerDesk</title></head>"
         "<body><h1>{heading}</h1><p>{text}</p></body></html>")


def _provider(services: Services, name: str) -> ProviderConfig:
    provider = services.config.providers.get(name)
    if provider is None or not provider.configured:
        raise ApiError(503, "provider_not_configured", f"Signing in to {name.title()} through this server is not set "
                                                       "up (it has no app secret for it). Use your own app instead.")
    return provider


def _callback_url(services: Services, provider: str) -> str:
    return f"{services.config.public_base}/oauth/{provider}/callback"


def check_loopback(uri: str) -> str:
    """``uri`` if it is an http://127.0.0.1:<port>/... or http://localhost:<port>/... address, else 422.

    Anything else would let a crafted start request send the seller's tokens to someone else's server.
    """
    refusal = ApiError(422, "invalid_redirect_uri",
                       "The redirect URI must be http://127.0.0.1:<port>/... or http://localhost:<port>/...")
    if any(ch.isspace() or ord(ch) < 0x20 or ch == "\\" for ch in uri):
        raise refusal
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:  # unbalanced brackets, a port that is not a number or out of range
        raise refusal from None
    if (parts.scheme != "http" or parts.hostname not in _LOOPBACK_HOSTS or not port
            or parts.username is not None or parts.password is not None or parts.fragment):
        raise refusal
    return uri


@router.post("/v1/oauth/{provider}/start")
def start(provider: ProviderName, body: OAuthStartRequest, caller: CallerDep,
          services: ServicesDep) -> OAuthStartResponse:
    """Begin a sign-in with a provider; returns the consent URL to open in the seller's browser."""
    config = _provider(services, provider)
    redirect_uri = check_loopback(body.redirect_uri)
    state = random_token("")
    now = utcnow()
    expires = now + timedelta(seconds=services.config.limits.oauth_flow_ttl_seconds)
    with services.db.writer() as session:
        session.add(OAuthFlow(account_id=caller.account_id, provider=provider, state_hash=sha256_hex(state),
                              redirect_uri=redirect_uri, client_state=body.state, created_at=now, expires_at=expires))
        session.execute(delete(OAuthFlow).where(OAuthFlow.expires_at < now))
    url = oauth_providers.authorize_url(config, _callback_url(services, provider), state, body.scopes)
    return OAuthStartResponse(authorize_url=url, expires_at=expires)


def _page(status: int, heading: str, text: str) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(heading=html.escape(heading), text=html.escape(text)), status)


def _back_to_desktop(flow: OAuthFlow, params: dict[str, str]) -> RedirectResponse:
    separator = "&" if "?" in flow.redirect_uri else "?"
    return RedirectResponse(flow.redirect_uri + separator + urlencode({**params, "state": flow.client_state}), 302)


def _claim_flow(services: Services, provider: str, state: str) -> OAuthFlow | None:
    """The flow ``state`` belongs to, marked used so a replayed callback finds nothing."""
    now = utcnow()
    with services.db.writer() as session:
        flow = session.scalar(select(OAuthFlow).where(OAuthFlow.state_hash == sha256_hex(state),
                                                      OAuthFlow.provider == provider))
        if flow is None or flow.used_at is not None or flow.expires_at <= now:
            return None
        flow.used_at = now
        return flow


def _hand_off(services: Services, flow: OAuthFlow, tokens: ProviderTokens) -> str:
    code = random_token("sdh_")
    code_hash = sha256_hex(code)
    sealed = services.sealer.seal(tokens.as_dict(), f"{flow.account_id}:{flow.provider}:{code_hash}")
    with services.db.writer() as session:
        session.add(OAuthHandoff(code_hash=code_hash, account_id=flow.account_id, provider=flow.provider,
                                 sealed_tokens=sealed, expires_at=utcnow() + timedelta(
                                     seconds=services.config.limits.oauth_handoff_ttl_seconds)))
    return code


@router.get("/oauth/{provider}/callback", include_in_schema=False, response_model=None)
async def callback(provider: ProviderName, services: ServicesDep, state: Annotated[str, Query(max_length=200)] = "",
                   code: Annotated[str, Query(max_length=2000)] = "",
                   error: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse | RedirectResponse:
    """Where the provider sends the seller's browser: exchange the code, then bounce back to the desktop."""
    flow = await run_in_threadpool(_claim_flow, services, provider, state) if state else None
    if flow is None:
        return _page(400, "This sign-in link is no longer valid",
                     "It has expired or was already used. Start again from SellerDesk.")
    if error or not code:
        return _back_to_desktop(flow, {"error": "access_denied" if error else "invalid_request"})
    try:
        tokens = await run_in_threadpool(oauth_providers.exchange_code, services.http, _provider(services, provider),
                                         code, _callback_url(services, provider))
    except ProviderError as exc:
        return _back_to_desktop(flow, {"error": "exchange_failed", "error_description": str(exc)})
    handoff = await run_in_threadpool(_hand_off, services, flow, tokens)
    return _back_to_desktop(flow, {"code": handoff})


def _tokens_out(tokens: ProviderTokens | dict[str, object]) -> ProviderTokensOut:
    data = tokens.as_dict() if isinstance(tokens, ProviderTokens) else tokens
    return ProviderTokensOut.model_validate(data)


@router.post("/v1/oauth/redeem")
def redeem(body: RedeemRequest, caller: CallerDep, services: ServicesDep) -> ProviderTokensOut:
    """The provider tokens behind a one-time code from the callback; the code works once, for its own account."""
    code_hash = sha256_hex(body.code)
    with services.db.writer() as session:
        handoff = session.scalar(select(OAuthHandoff).where(OAuthHandoff.code_hash == code_hash,
                                                            OAuthHandoff.account_id == caller.account_id))
        if handoff is None:
            raise not_found("sign-in code")
        session.delete(handoff)
        session.execute(delete(OAuthHandoff).where(OAuthHandoff.expires_at < utcnow()))
    if handoff.expires_at <= utcnow():
        raise ApiError(410, "gone", "This sign-in code has expired. Connect again from SellerDesk.")
    return _tokens_out(services.sealer.open(handoff.sealed_tokens,
                                            f"{handoff.account_id}:{handoff.provider}:{code_hash}"))


def _provider_call(services: Services, provider: str, action: str, token: str) -> ProviderTokensOut:
    config = _provider(services, provider)
    try:
        if action == "exchange":
            return _tokens_out(oauth_providers.long_lived(services.http, config, token))
        return _tokens_out(oauth_providers.refresh(services.http, config, token))
    except ProviderError as exc:
        raise ApiError(502, "provider_refused", str(exc)) from None


@router.post("/v1/oauth/{provider}/exchange")
def exchange(provider: ProviderName, body: ExchangeRequest, caller: CallerDep,
             services: ServicesDep) -> ProviderTokensOut:
    """A short-lived Facebook or Instagram user token → the long-lived one (the exchange needs the app secret)."""
    return _provider_call(services, provider, "exchange", body.access_token)


@router.post("/v1/oauth/{provider}/refresh")
def refresh(provider: ProviderName, body: ProviderRefreshRequest, caller: CallerDep,
            services: ServicesDep) -> ProviderTokensOut:
    """A Pinterest refresh token → a new access token (Basic auth with the app secret)."""
    return _provider_call(services, provider, "refresh", body.refresh_token)


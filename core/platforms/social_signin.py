"""Signing in to Facebook, Instagram and Pinterest, whose token exchange needs an app secret.

Two routes. Normally the SellerDesk sync service brokers it: it starts the consent page, exchanges the code with
the secret it holds, and sends the browser back to SellerDesk's loopback listener with a one-time code that
SellerDesk redeems for the tokens. An advanced seller may instead use their own app: with its id in
``platforms.<name>.client_id`` and its secret in the keychain, SellerDesk does the exchange itself.
"""

from __future__ import annotations

import secrets
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.platforms.base import ConnectOptions, PlatformContext
from core.platforms.broker import BrokeredTokens, open_sync_service
from core.platforms.errors import ConnectCancelled, PlatformError
from core.platforms.oauth import AuthorizationRequest, LoopbackListener, authorize
from core.platforms.specs import display_name


@dataclass(frozen=True)
class SignIn:
    """Tokens from a finished sign-in, with absolute expiry times."""

    access_token: str
    expires_at: datetime | None
    refresh_token: str | None = None
    refresh_expires_at: datetime | None = None

    @classmethod
    def from_broker(cls, tokens: BrokeredTokens, now: datetime) -> SignIn:
        """Brokered tokens, their lifetimes counted from ``now``."""
        return cls(tokens.access_token, expires_after(now, tokens.expires_in), tokens.refresh_token,
                   expires_after(now, tokens.refresh_token_expires_in))


def expires_after(now: datetime, seconds: object) -> datetime | None:
    """``now`` plus a lifetime in seconds as a platform gives it (a number or digits); None when there is none."""
    return now + timedelta(seconds=int(str(seconds))) if seconds else None


@dataclass(frozen=True)
class OwnApp:
    """The seller's own app: its id (a setting) and secret (keychain)."""

    client_id: str
    secret: str


def own_app(context: PlatformContext, platform: str, options: ConnectOptions | None = None) -> OwnApp | None:
    """The seller's own app if they configured one (storing a secret just entered); None means use the broker."""
    client_id = str(context.settings.get(f"platforms.{platform}.client_id") or "").strip()
    if not client_id:
        return None
    name = str(context.spec.auth["own_app"]["secret"])
    if options is not None and options.app_secret:
        context.secrets.set(name, options.app_secret.strip())
    secret = context.secrets.get(name)
    if not secret:
        raise PlatformError(platform, f"your own {display_name(platform)} app is set up (client id {client_id}) but "
                            "its app secret is not in the keychain",
                            hint=f"Connect again and enter the app secret, or clear platforms.{platform}.client_id "
                                 "to sign in through the SellerDesk sync service.")
    return OwnApp(client_id, secret)


def sign_in_with_broker(context: PlatformContext, platform: str, options: ConnectOptions) -> SignIn:
    """The whole brokered sign-in: consent page in the system browser, loopback redirect, one-time code redeemed."""
    service = open_sync_service(context, platform)
    try:
        state = secrets.token_urlsafe(32)
        listener = LoopbackListener(platform, 0, state)
        try:
            url = service.start(listener.redirect_uri, state, context.spec.auth["scopes"])
            if options.on_url is not None:
                options.on_url(url)
            (options.open_browser or webbrowser.open)(url)
            timeout = options.timeout or float(context.settings.get("platforms.oauth.timeout_seconds"))
            callback = listener.wait(timeout, options.cancel)
        finally:
            listener.close()
        if callback.params.get("state") != state:
            raise PlatformError(platform, "the sign-in answer did not match the sign-in SellerDesk started, so it "
                                "was refused", hint="Start connecting again from SellerDesk.")
        error = callback.params.get("error")
        if error == "access_denied":
            raise ConnectCancelled(platform, "access was declined in the browser")
        if error or not callback.code:
            detail = callback.params.get("error_description") or error or "no code"
            raise PlatformError(platform, f"the sign-in failed ({detail})", hint="Try connecting again.")
        return SignIn.from_broker(service.redeem(callback.code), context.now())
    finally:
        service.close()


Exchange = Callable[[str, str, str], SignIn]


def sign_in_with_own_app(context: PlatformContext, platform: str, app: OwnApp, options: ConnectOptions,
                         exchange: Exchange, *, authorize_url: str) -> SignIn:
    """The seller's own app: consent page with their client id, then ``exchange(code, verifier, redirect_uri)``."""
    settings = context.settings
    scopes = tuple(context.spec.auth["scopes"])
    request = AuthorizationRequest(
        platform=platform,
        authorize_url=authorize_url,
        client_id=app.client_id,
        # Meta and Pinterest want comma-separated scopes; the framework would join them with spaces.
        scopes=(",".join(scopes),),
        port=int(settings.get(f"platforms.{platform}.redirect_port")),
        timeout=options.timeout or float(settings.get("platforms.oauth.timeout_seconds")),
    )
    return authorize(request, exchange, open_browser=options.open_browser, on_url=options.on_url,
                     cancel=options.cancel)


def choose_route(context: PlatformContext, platform: str, options: ConnectOptions,
                 own: Callable[[OwnApp], SignIn]) -> SignIn:
    """Sign in through the seller's own app when one is configured, else through the broker."""
    app = own_app(context, platform, options)
    if app is not None:
        return own(app)
    return sign_in_with_broker(context, platform, options)

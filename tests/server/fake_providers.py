"""Local stand-ins for the token endpoints of Facebook, Instagram and Pinterest, following platform-facts.md.

One HTTP server hosts all three under different prefixes. Each checks what the real one checks: the app id and
secret (Pinterest: HTTP Basic), the code, and that redirect_uri is exactly the one the code was issued for.
"""

from __future__ import annotations

import base64
import secrets

from server.config import ProviderConfig, default_provider
from tests.fakes.http_stand_in import Reply, Request, StandIn

APP_IDS = {"facebook": "fb-app-1", "instagram": "ig-app-1", "pinterest": "pin-app-1"}
APP_SECRETS = {"facebook": "fb-secret-SHOULD-NOT-LEAK", "instagram": "ig-secret-SHOULD-NOT-LEAK",
               "pinterest": "pin-secret-SHOULD-NOT-LEAK"}


class ProviderStandIn(StandIn):
    """The three providers' token endpoints, with the codes and tokens they have issued."""

    def __init__(self) -> None:
        super().__init__()
        self.codes: dict[str, tuple[str, str]] = {}  # code -> (provider, redirect_uri it was issued for)
        self.short_tokens: set[str] = set()
        self.refresh_tokens: set[str] = set()

    def provider_configs(self) -> dict[str, ProviderConfig]:
        """Broker settings pointing at this stand-in."""
        base = self.url
        urls = {"facebook": (f"{base}/fb/dialog/oauth", f"{base}/fb/v25.0/oauth/access_token",
                             f"{base}/fb/v25.0/oauth/access_token"),
                "instagram": (f"{base}/ig/oauth/authorize", f"{base}/ig-api/oauth/access_token",
                              f"{base}/ig-graph/access_token"),
                "pinterest": (f"{base}/pin/oauth/", f"{base}/pin/v5/oauth/token", "")}
        configs = {}
        for name, (authorize, token, exchange) in urls.items():
            default = default_provider(name, APP_IDS[name], APP_SECRETS[name])
            configs[name] = ProviderConfig(name, default.client_id, default.client_secret, authorize, token,
                                           exchange, default.scopes)
        return configs

    def consent(self, provider: str, redirect_uri: str) -> str:
        """The seller clicks "Allow": a code bound to this redirect URI."""
        code = f"{provider}-code-" + secrets.token_hex(8)
        with self.lock:
            self.codes[code] = (provider, redirect_uri)
        return code

    def _take_code(self, provider: str, code: str, redirect_uri: str) -> bool:
        issued = self.codes.pop(code, None)
        return issued == (provider, redirect_uri)

    def handle(self, request: Request) -> Reply:
        """Route to the provider the path names."""
        if request.path == "/fb/v25.0/oauth/access_token" and request.method == "GET":
            return self._facebook({k: v[0] for k, v in request.query.items()})
        if request.path == "/ig-api/oauth/access_token" and request.method == "POST":
            return self._instagram_code({k: v[0] for k, v in request.form().items()})
        if request.path == "/ig-graph/access_token" and request.method == "GET":
            return self._instagram_long({k: v[0] for k, v in request.query.items()})
        if request.path == "/pin/v5/oauth/token" and request.method == "POST":
            return self._pinterest(request)
        return Reply.json(404, {"error": "no such endpoint"})

    @staticmethod
    def _fb_error(message: str, code: int = 100) -> Reply:
        return Reply.json(400, {"error": {"message": message, "type": "OAuthException", "code": code,
                                          "fbtrace_id": "AbC123"}})

    def _facebook(self, q: dict[str, str]) -> Reply:
        if q.get("client_id") != APP_IDS["facebook"] or q.get("client_secret") != APP_SECRETS["facebook"]:
            return self._fb_error("Error validating client secret.", 1)
        if q.get("grant_type") == "fb_exchange_token":
            if q.get("fb_exchange_token") not in self.short_tokens:
                return self._fb_error("Error validating access token: Session has expired", 190)
            return Reply.json(200, {"access_token": "EAAlong-" + secrets.token_hex(8), "token_type": "bearer",
                                    "expires_in": 5183944})
        if not self._take_code("facebook", q.get("code", ""), q.get("redirect_uri", "")):
            return self._fb_error("Invalid verification code format.", 100)
        token = "EAAshort-" + secrets.token_hex(8)
        self.short_tokens.add(token)
        return Reply.json(200, {"access_token": token, "token_type": "bearer", "expires_in": 5400})

    def _instagram_code(self, form: dict[str, str]) -> Reply:
        if form.get("client_id") != APP_IDS["instagram"] or form.get("client_secret") != APP_SECRETS["instagram"]:
            return Reply.json(400, {"error_type": "OAuthException", "code": 400,
                                    "error_message": "Invalid platform app"})
        if form.get("grant_type") != "authorization_code" or not self._take_code(
                "instagram", form.get("code", ""), form.get("redirect_uri", "")):
            return Reply.json(400, {"error_type": "OAuthException", "code": 400,
                                    "error_message": "Error validating verification code."})
        token = "IGshort-" + secrets.token_hex(8)
        self.short_tokens.add(token)
        return Reply.json(200, {"data": [{"access_token": token, "user_id": "17841400000000",
                                          "permissions": "instagram_business_basic"}]})

    def _instagram_long(self, q: dict[str, str]) -> Reply:
        if q.get("grant_type") != "ig_exchange_token" or q.get("client_secret") != APP_SECRETS["instagram"]:
            return Reply.json(400, {"error": {"message": "Invalid client secret", "type": "OAuthException",
                                              "code": 101}})
        if q.get("access_token") not in self.short_tokens:
            return Reply.json(400, {"error": {"message": "Invalid OAuth access token", "type": "OAuthException",
                                              "code": 190}})
        return Reply.json(200, {"access_token": "IGlong-" + secrets.token_hex(8), "token_type": "bearer",
                                "expires_in": 5183944})

    def _pinterest(self, request: Request) -> Reply:
        expected = base64.b64encode(f"{APP_IDS['pinterest']}:{APP_SECRETS['pinterest']}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return Reply.json(401, {"code": 2, "message": "Authentication failed."})
        form = {k: v[0] for k, v in request.form().items()}
        if form.get("grant_type") == "refresh_token":
            if form.get("refresh_token") not in self.refresh_tokens:
                return Reply.json(400, {"code": 1, "message": "Invalid refresh token"})
            return Reply.json(200, {"access_token": "pina_" + secrets.token_hex(8), "token_type": "bearer",
                                    "expires_in": 2592000, "scope": "boards:read,pins:write",
                                    "response_type": "refresh_token"})
        if form.get("grant_type") == "authorization_code" and form.get("continuous_refresh") != "true":
            # The broker's app predates 25 Sep 2025: Pinterest no longer issues it legacy refresh tokens.
            return Reply.json(400, {"code": 1, "message": "continuous_refresh must be true: legacy refresh tokens "
                                                          "are no longer issued"})
        if form.get("grant_type") != "authorization_code" or not self._take_code(
                "pinterest", form.get("code", ""), form.get("redirect_uri", "")):
            return Reply.json(400, {"code": 1, "message": "Invalid authorization code"})
        refresh = "pinr_" + secrets.token_hex(8)
        self.refresh_tokens.add(refresh)
        return Reply.json(200, {"access_token": "pina_" + secrets.token_hex(8), "refresh_token": refresh,
                                "response_type": "authorization_code", "token_type": "bearer",
                                "expires_in": 2592000, "refresh_token_expires_in": 5184000,
                                "scope": "boards:read,boards:write,pins:read,pins:write,user_accounts:read"})

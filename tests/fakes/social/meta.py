"""A Graph API stand-in for Facebook Pages and Instagram (both hosts on one server), following platform-facts.md.

Paths: ``/fb/{version}/...`` is graph.facebook.com, ``/ig/{version}/...`` is graph.instagram.com (with the
unversioned ``/ig/access_token`` and ``/ig/refresh_access_token``), ``/fb-www/{version}/dialog/oauth`` and
``/ig-www/oauth/authorize`` are the consent pages, ``/ig-api/oauth/access_token`` is Instagram's code exchange.

Every refusal has Meta's body (``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``) and every
answer carries ``X-App-Usage`` and ``X-Business-Use-Case-Usage``. Tokens expire, can be revoked with any of the
190 subcodes, and carry the scopes granted at consent.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlencode

from tests.fakes.http_stand_in import Reply, Request, StandIn
from tests.fakes.social.graph_base import REVOKED_MESSAGES, GraphFailure, Token
from tests.fakes.social.meta_facebook import FacebookGraph
from tests.fakes.social.meta_instagram import InstagramGraph


@dataclass
class Injected:
    method: str
    path: re.Pattern[str]
    failure: GraphFailure
    usage: int | None
    regain_minutes: float
    times: int


class MetaStandIn(StandIn):
    """Facebook (user 10001 'Asha Sharma', Pages 2001 and 2002) and Instagram (@ashapottery) on one server."""

    version = "v25.0"
    apps: ClassVar[dict[str, tuple[str, str]]] = {"facebook": ("fb-app-1", "fb-secret-1"),
                                                  "instagram": ("ig-app-1", "ig-secret-1")}

    def __init__(self, *, in_progress_polls: int = 1) -> None:
        super().__init__()
        self.tokens: dict[str, Token] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.injected: list[Injected] = []
        self.granted: set[str] | None = None  # consent grants only these scopes when set
        self.usage_percent = 3
        self.graph_calls = 0
        self.facebook = FacebookGraph(self)
        self.instagram = InstagramGraph(self, in_progress_polls=in_progress_polls)

    # --- addresses for settings and for the broker ---

    @property
    def fb_api_base(self) -> str:
        return f"{self.url}/fb"

    @property
    def ig_api_base(self) -> str:
        return f"{self.url}/ig"

    def endpoints(self, provider: str) -> tuple[str, str, str]:
        """(authorize, token, exchange) URLs of ``provider``, as the broker or an own app uses them."""
        if provider == "facebook":
            token = f"{self.url}/fb/{self.version}/oauth/access_token"
            return f"{self.url}/fb-www/{self.version}/dialog/oauth", token, token
        return f"{self.url}/ig-www/oauth/authorize", f"{self.url}/ig-api/oauth/access_token", \
            f"{self.url}/ig/access_token"

    # --- test controls ---

    def fail(self, method: str, path: str, code: int, message: str, *, subcode: int | None = None,
             status: int = 400, usage: int | None = None, regain_minutes: float = 0, times: int = 1) -> None:
        """Refuse the next ``times`` Graph calls matching ``path`` with this error (and these usage headers)."""
        self.injected.append(Injected(method, re.compile(path), GraphFailure(code, message, subcode=subcode,
                                                                            status=status),
                                      usage, regain_minutes, times))

    def revoke_all(self, subcode: int) -> None:
        """Every token stops working the way ``subcode`` says (458 removed, 460 password changed, ...)."""
        for token in self.tokens.values():
            token.revoked = subcode

    def age_tokens(self, seconds: float) -> None:
        """Pretend every token was issued ``seconds`` earlier (Instagram refreshes only tokens 24 h old)."""
        for token in self.tokens.values():
            token.issued -= seconds
            if token.expires is not None:
                token.expires -= seconds

    def issue(self, kind: str, subject: str, scopes: set[str], lifetime: float | None) -> str:
        value = ("EAA" if kind != "ig" else "IGAA") + secrets.token_urlsafe(24)
        self.tokens[value] = Token(value, kind, subject, set(scopes),
                                   time.time() + lifetime if lifetime is not None else None)
        return value

    # --- dispatch ---

    def handle(self, request: Request) -> Reply:
        path = request.path
        try:
            if path == f"/fb-www/{self.version}/dialog/oauth":
                return self._consent(request, "facebook")
            if path == "/ig-www/oauth/authorize":
                return self._consent(request, "instagram")
            params = self._params(request)
            if path == f"/fb/{self.version}/oauth/access_token":
                return self._json(self.facebook.token_endpoint(params))
            if path == "/ig-api/oauth/access_token":
                return self.instagram.code_endpoint(params)
            if path in ("/ig/access_token", "/ig/refresh_access_token"):
                return self._json(self.instagram.long_lived(path.rsplit("/", 1)[1], params))
            for prefix, graph in ((f"/fb/{self.version}/", self.facebook), (f"/ig/{self.version}/", self.instagram)):
                if path.startswith(prefix):
                    return self._graph(request, graph, path[len(prefix):].strip("/").split("/"), params)
            raise GraphFailure(803, f"(#803) Unknown path components: {path}", status=404)
        except GraphFailure as failure:
            return self._json(failure.body(), failure.status)

    def _params(self, request: Request) -> dict[str, Any]:
        params: dict[str, Any] = {k: v[-1] for k, v in request.query.items()}
        if request.content_type == "application/x-www-form-urlencoded":
            params.update({k: v[-1] for k, v in request.form().items()})
        elif request.content_type == "multipart/form-data":
            fields, files = request.multipart()
            params.update(fields)
            params["_files"] = files
        return params

    def _usage(self, percent: int | None = None, regain_minutes: float = 0, subject: str = "2001") -> dict[str, str]:
        pct = self.usage_percent if percent is None else percent
        app = {"call_count": pct, "total_cputime": max(1, pct // 2), "total_time": max(1, pct // 2)}
        business = {subject: [{"type": "pages", "call_count": pct, "total_cputime": 1, "total_time": 1,
                               "estimated_time_to_regain_access": regain_minutes}]}
        return {"X-App-Usage": json.dumps(app), "X-Business-Use-Case-Usage": json.dumps(business)}

    def _json(self, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        return Reply.json(status, body, {**self._usage(), **(headers or {})})

    def _graph(self, request: Request, graph: FacebookGraph | InstagramGraph, parts: list[str],
               params: dict[str, Any]) -> Reply:
        self.graph_calls += 1
        for injected in self.injected:
            if injected.times > 0 and injected.method == request.method and injected.path.search(request.path):
                injected.times -= 1
                return Reply.json(injected.failure.status, injected.failure.body(),
                                  self._usage(injected.usage, injected.regain_minutes))
        token = self._authenticate(request, params)
        status, body = graph.route(request.method, parts, params, token)
        return self._json(body, status)

    def _authenticate(self, request: Request, params: dict[str, Any]) -> Token:
        header = request.headers.get("Authorization") or ""
        value = header[len("Bearer "):].strip() if header.startswith("Bearer ") else str(params.get("access_token", ""))
        token = self.tokens.get(value)
        if token is None:
            raise GraphFailure(190, "Invalid OAuth access token - Cannot parse access token")
        if token.revoked is not None:
            raise GraphFailure(190, REVOKED_MESSAGES[token.revoked], subcode=token.revoked)
        if token.expires is not None and token.expires <= time.time():
            raise GraphFailure(190, REVOKED_MESSAGES[463], subcode=463)
        return token

    # --- consent pages (the seller always clicks "Allow") ---

    def _consent(self, request: Request, provider: str) -> Reply:
        q = {k: v[-1] for k, v in request.query.items()}
        if q.get("client_id") != self.apps[provider][0] or q.get("response_type") != "code" or not q.get("state"):
            return Reply(400, b"Invalid app id, response_type or state")
        asked = set(re.split(r"[,\s]+", q.get("scope", "").strip())) - {""}
        code = f"{provider}-code-" + secrets.token_hex(8)
        self.codes[code] = {"provider": provider, "redirect_uri": q.get("redirect_uri", ""),
                            "scopes": asked if self.granted is None else asked & self.granted}
        return Reply.redirect(f"{q.get('redirect_uri')}?{urlencode({'code': code, 'state': q['state']})}")

    def take_code(self, provider: str, code: str, redirect_uri: str) -> set[str]:
        grant = self.codes.pop(code, None)
        if grant is None or grant["provider"] != provider or grant["redirect_uri"] != redirect_uri:
            raise GraphFailure(100, "Invalid verification code format.", subcode=36008)
        return set(grant["scopes"])

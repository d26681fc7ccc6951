"""A Pinterest API v5 stand-in following platform-facts.md, checking every request against Pinterest's OpenAPI
description (tests/fakes/social/pinterest_contract.py).

``/v5/...`` is production and ``/sandbox/v5/...`` the sandbox; a trial app gets code 29 from production. Errors
are ``{"code", "message"}``. The consent page is ``/oauth/``; ``POST /v5/oauth/token`` wants HTTP Basic with the
app id and secret and hands out 30-day access tokens with continuous 60-day refresh tokens. Pins really download
their ``media_source.url``.
"""

from __future__ import annotations

import base64
import itertools
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from tests.fakes.http_stand_in import Reply, Request, StandIn
from tests.fakes.openapi_check import ContractViolation
from tests.fakes.social.media_fetcher import FetchFailed, fetch
from tests.fakes.social.pinterest_contract import contract

DAY = 86400
ACCESS_SECONDS, REFRESH_SECONDS = 30 * DAY, 60 * DAY
_CODES = {400: 1, 401: 2, 403: 3, 404: 4, 409: 58, 429: 8}

# Pin.pin_metrics.lifetime_metrics in the OpenAPI description 5.23.0
LIFETIME_METRICS = {"pin_click", "impression", "clickthrough", "reaction", "comment"}


class PinterestStandIn(StandIn):
    """Pinterest with one business account (@ashapottery) and two boards."""

    # The seller's own app, made before 25 September 2025 (it must ask for continuous refresh tokens), and
    # SellerDesk's broker app, activated later (continuous refresh tokens come by themselves).
    client_id, client_secret = "pin-app-1", "pin-secret-1"
    broker_client_id, broker_client_secret = "pin-sellerdesk-2", "pin-secret-2"

    def __init__(self, *, trial: bool = False) -> None:
        super().__init__()
        self.trial = trial
        self.codes: dict[str, tuple[str, str]] = {}  # code -> (redirect_uri, scope)
        self.access: dict[str, dict[str, Any]] = {}
        self.refresh: dict[str, float] = {}
        self.boards: dict[str, dict[str, Any]] = {
            "549755885175": {"id": "549755885175", "name": "Kitchen", "privacy": "PUBLIC"},
            "549755885176": {"id": "549755885176", "name": "Gifts", "privacy": "PUBLIC"},
        }
        self.pins: dict[str, dict[str, Any]] = {}
        self.fetched: list[str] = []
        self.throttled: list[float] = []
        self.calls: list[tuple[str, str]] = []
        self.caller = ""  # the app id of the last HTTP Basic call
        self._ids = itertools.count(1_080_863_210_000_000_001)

    # --- test helpers ---

    def expire_access_tokens(self) -> None:
        for token in self.access.values():
            token["expires"] = 0.0

    def engage(self, pin_id: str, **figures: int) -> None:
        """Set a pin's lifetime metrics; only the names API v5.23 reports exist (saves are not among them)."""
        unknown = set(figures) - LIFETIME_METRICS
        if unknown:
            raise ValueError(f"Pinterest reports no lifetime metric {sorted(unknown)}")
        self.pins[pin_id]["metrics"].update(figures)

    # --- dispatch ---

    def handle(self, request: Request) -> Reply:
        if request.path == "/oauth/":
            return self._consent(request)
        for prefix, sandbox in (("/sandbox/v5", True), ("/v5", False)):
            if request.path.startswith(prefix + "/"):
                try:
                    return self._api(request, request.path[len(prefix):], sandbox)
                except ContractViolation as exc:
                    return Reply.json(exc.status, {"code": _CODES.get(exc.status, 1), "message": exc.message})
        return Reply.json(404, {"code": 4, "message": "Not found"})

    def _api(self, request: Request, path: str, sandbox: bool) -> Reply:
        if self.throttled:
            return Reply.json(429, {"code": 8, "message": "You have exceeded your rate limit. Try again later."},
                              {"Retry-After": str(self.throttled.pop(0))})
        if self.trial and not sandbox and path != "/oauth/token":
            return Reply.json(403, {"code": 29, "message": "You are not permitted to access that resource: apps "
                                                            "with Trial access must use api-sandbox.pinterest.com"})
        op, path_params = contract().match(request.method, path)
        needs = contract().scopes(op)
        if needs is None:
            self._basic(request)
        else:
            self._bearer(request, needs)
        params = contract().check_parameters(op, path_params, request.query)
        body = contract().check_body(op, request)
        self.calls.append((request.method, path))
        status, data = getattr(self, "op_" + op.operation_id.replace("/", "_"))(params, body)
        return Reply.json(status, data)

    @property
    def apps(self) -> dict[str, tuple[str, bool]]:
        """client id -> (secret, created before 25 September 2025)."""
        return {self.client_id: (self.client_secret, True), self.broker_client_id: (self.broker_client_secret, False)}

    def _basic(self, request: Request) -> None:
        header = request.headers.get("Authorization") or ""
        try:
            app_id, _, secret = base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
        except ValueError:
            raise ContractViolation(401, "Authentication failed.") from None
        if not header.startswith("Basic ") or self.apps.get(app_id, ("", False))[0] != secret or not secret:
            raise ContractViolation(401, "Authentication failed.")
        self.caller = app_id

    def _bearer(self, request: Request, needs: list[str]) -> None:
        header = request.headers.get("Authorization") or ""
        token = self.access.get(header.removeprefix("Bearer ").strip()) if header.startswith("Bearer ") else None
        if token is None or token["expires"] <= time.time():
            raise ContractViolation(401, "Authentication failed.")
        missing = [scope for scope in needs if scope not in token["scopes"]]
        if missing:
            raise ContractViolation(403, f"Not authorized to access this resource (missing scope {missing[0]}).")

    # --- OAuth ---

    def _consent(self, request: Request) -> Reply:
        q = {k: v[-1] for k, v in request.query.items()}
        if q.get("client_id") not in self.apps or q.get("response_type") != "code" or not q.get("redirect_uri"):
            return Reply(400, b"invalid client_id, response_type or redirect_uri")
        code = secrets.token_urlsafe(16)
        self.codes[code] = (q["redirect_uri"], q.get("scope", ""))
        return Reply.redirect(f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q.get('state', '')})}")

    def _issue(self, scope: str, grant: str) -> dict[str, Any]:
        access, refresh = "pina_" + secrets.token_urlsafe(24), "pinr_" + secrets.token_urlsafe(24)
        now = time.time()
        self.access[access] = {"expires": now + ACCESS_SECONDS, "scopes": set(scope.replace(",", " ").split())}
        self.refresh[refresh] = now + REFRESH_SECONDS
        return {"access_token": access, "refresh_token": refresh, "response_type": grant, "token_type": "bearer",
                "expires_in": ACCESS_SECONDS, "refresh_token_expires_in": REFRESH_SECONDS,
                "refresh_token_expires_at": int(now + REFRESH_SECONDS), "scope": scope}

    def op_oauth_token(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        if body["grant_type"] == "authorization_code":
            # This app was made before 25 September 2025, and legacy (365-day) refresh tokens are gone.
            if self.apps[self.caller][1] and body.get("continuous_refresh") != "true":
                raise ContractViolation(400, "continuous_refresh must be true: legacy refresh tokens are no longer "
                                             "supported")
            issued = self.codes.pop(body["code"], None)
            if issued is None or issued[0] != body["redirect_uri"]:
                raise ContractViolation(400, "Invalid authorization code or redirect_uri")
            return 200, self._issue(issued[1], "authorization_code")
        if body["grant_type"] == "refresh_token":
            expires = self.refresh.pop(body["refresh_token"], None)
            if expires is None or expires <= time.time():
                raise ContractViolation(400, "Invalid refresh token")
            scope = "boards:read,boards:write,pins:read,pins:write,user_accounts:read"
            # Continuous refresh: the refresh token is replaced, with a fresh 60 days.
            return 200, self._issue(scope, "refresh_token")
        raise ContractViolation(400, "Unsupported grant type")

    # --- operations (op_<operationId with / as _>) ---

    def op_user_account_get(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        return 200, {"id": "1100220033", "username": "ashapottery", "account_type": "BUSINESS",
                     "business_name": "Asha's Pottery", "board_count": len(self.boards)}

    def op_boards_list(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        return 200, {"items": list(self.boards.values()), "bookmark": None}

    def op_boards_create(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        if any(b["name"] == body["name"] for b in self.boards.values()):
            raise ContractViolation(409, f"You already have a board named {body['name']}")
        board = {"id": str(next(self._ids)), "name": body["name"], "privacy": body.get("privacy", "PUBLIC"),
                 "description": body.get("description")}
        self.boards[board["id"]] = board
        return 201, board

    def op_boards_list_pins(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        if params["board_id"] not in self.boards:
            raise ContractViolation(404, "Board not found.")
        pins = [self._pin_json(p) for p in reversed(self.pins.values()) if p["board_id"] == params["board_id"]]
        return 200, {"items": pins[: params.get("page_size", 25)], "bookmark": None}

    def op_pins_create(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        if body.get("board_id") not in self.boards:
            raise ContractViolation(404, "Board not found.")
        source = body.get("media_source") or {}
        if source.get("source_type") == "image_url":
            urls = [("media_source.url", source["url"])]
        elif source.get("source_type") == "multiple_image_urls":  # a carousel: 2-5 items (checked by the contract)
            urls = [(f"media_source.items[{i}].url", item["url"]) for i, item in enumerate(source["items"])]
        else:
            raise ContractViolation(400, "media_source: SellerDesk's stand-in takes image_url or multiple_image_urls")
        pictures = []
        for where, url in urls:
            try:
                pictures.append(fetch(url))
            except FetchFailed as exc:
                raise ContractViolation(400, f"{where}: the image could not be fetched ({exc})") from None
            self.fetched.append(url)
        picture = pictures[0]
        pin_id = str(next(self._ids))
        self.pins[pin_id] = {"id": pin_id, "board_id": body["board_id"], "title": body.get("title"),
                             "description": body.get("description"), "link": body.get("link"),
                             "alt_text": body.get("alt_text"), "created_at": "2026-05-04T10:00:00",
                             "picture": picture, "pictures": pictures, "metrics": {},
                             "items": source.get("items")}
        return 201, self._pin_json(self.pins[pin_id])

    def _pin(self, params: dict[str, Any]) -> dict[str, Any]:
        pin = self.pins.get(params["pin_id"])
        if pin is None:
            raise ContractViolation(404, "Pin not found.")
        return pin

    def op_pins_get(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        pin = self._pin(params)
        data = self._pin_json(pin)
        if params.get("pin_metrics"):
            data["pin_metrics"] = {"lifetime_metrics": dict(pin["metrics"])}
        return 200, data

    def op_pins_update(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        pin = self._pin(params)
        pin.update({k: v for k, v in body.items() if k in ("title", "description", "link", "alt_text")})
        return 200, self._pin_json(pin)

    @staticmethod
    def _pin_json(pin: dict[str, Any]) -> dict[str, Any]:
        images = [{"images": {"originals": {"width": p.width, "height": p.height,
                                            "url": "https://i.pinimg.com/originals/x.jpg"}}}
                  for p in pin.get("pictures") or [pin["picture"]]]
        media = ({"media_type": "multiple_images", "items": images} if len(images) > 1
                 else {"media_type": "image", **images[0]})
        return {"id": pin["id"], "board_id": pin["board_id"], "title": pin["title"], "description": pin["description"],
                "link": pin["link"], "alt_text": pin["alt_text"], "created_at": pin["created_at"], "media": media}

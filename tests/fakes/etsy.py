"""An Etsy Open API v3 stand-in following shared/platform-facts.md (and the OpenAPI description it corrects).

It checks every request against the contract (tests/fakes/etsy_contract.py), authenticates like Etsy
(x-api-key ``keystring:shared_secret`` → 403 without it; bearer token → 401 ``{"error": ...}``), runs the OAuth
consent page and token endpoint with PKCE (S256) and rotating refresh tokens, keeps shops, listings, images and
receipts, sends rate-limit headers on every answer and 429 when the per-second or daily quota is used up.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections import deque
from typing import Any
from urllib.parse import urlencode, urlsplit

from tests.fakes.etsy_contract import MAX_IMAGES, PREFIX, SCOPES, build_contract, check_listing_rules
from tests.fakes.http_stand_in import Reply, Request, StandIn
from tests.fakes.openapi_check import ContractViolation, OpenApi, Operation

_CONTRACT: OpenApi | None = None


def contract() -> OpenApi:
    global _CONTRACT
    if _CONTRACT is None:
        _CONTRACT = build_contract()
    return _CONTRACT


def _money(amount: float, currency: str) -> dict[str, Any]:
    return {"amount": round(amount * 100), "divisor": 100, "currency_code": currency}


class EtsyStandIn(StandIn):
    """Etsy with one seller (user 5551234, shop 'ClayCorner' #987654, USD)."""

    keystring = "testkeystring123"
    shared_secret = "sharedsecret-7f3a9c"
    application_id = 880011
    bad_key_status = 403
    user_id = 5551234
    shop_id = 987654

    def __init__(self, *, per_second: int = 10, per_day: int = 10_000) -> None:
        super().__init__()
        self.per_second, self.per_day = per_second, per_day
        self._recent: deque[float] = deque()
        self.used_today = 0
        self.forced_429: list[float] = []
        self.codes: dict[str, dict[str, Any]] = {}
        self.access_tokens: dict[str, dict[str, Any]] = {}
        self.refresh_tokens: set[str] = set()
        self.dead_refresh_tokens: set[str] = set()
        self.deny_next = False
        self.tamper_state = False
        self.listings: dict[int, dict[str, Any]] = {}
        self.images: dict[int, list[dict[str, Any]]] = {}
        self.receipts: list[dict[str, Any]] = []
        self._next_id = 1_000_000_001
        self.taxonomy = [{"id": 1, "name": "Home & Living", "children": [
            {"id": 1633, "name": "Candles", "children": []}, {"id": 1064, "name": "Mugs", "children": []}]}]
        self.shipping_profiles = [{"shipping_profile_id": 71, "title": "India Post"}]
        self.readiness = [{"readiness_state_id": 81, "readiness_state": "ready_to_ship",
                           "processing_days_display_label": "1-2 days"}]

    # --- helpers for tests ---

    def throttle_next(self, *retry_after: float) -> None:
        """Answer the next requests 429, each with the given Retry-After."""
        self.forced_429.extend(retry_after)

    def expire_access_tokens(self) -> None:
        for token in self.access_tokens.values():
            token["expires"] = 0.0

    def add_receipt(self, receipt_id: int, created: int, lines: list[tuple[int, int, float, str | None]]) -> None:
        """A receipt with (transaction_id, quantity, unit price, sku) lines, for the first listing or none."""
        listing_id = next(iter(self.listings), None)
        self.receipts.append({
            "receipt_id": receipt_id, "create_timestamp": created, "is_paid": True, "name": "A Buyer",
            "transactions": [{"transaction_id": tid, "quantity": qty, "price": _money(price, "USD"), "sku": sku,
                              "listing_id": listing_id, "create_timestamp": created} for tid, qty, price, sku in lines],
        })

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    # --- dispatch ---

    def handle(self, request: Request) -> Reply:
        if request.path == "/oauth/connect":
            return self._authorize(request)
        if request.path == "/v3/public/oauth/token":
            return self._token(request)
        if not request.path.startswith(PREFIX):
            return Reply.json(404, {"error": "Resource not found"})
        try:
            return self._api(request)
        except ContractViolation as exc:
            return self._answer(exc.status, {"error": exc.message})

    def _quota_headers(self) -> dict[str, str]:
        return {"x-limit-per-second": str(self.per_second),
                "x-remaining-this-second": str(max(0, self.per_second - len(self._recent))),
                "x-limit-per-day": str(self.per_day), "x-remaining-today": str(max(0, self.per_day - self.used_today))}

    def _answer(self, status: int, body: Any, extra: dict[str, str] | None = None) -> Reply:
        return Reply.json(status, body, {**self._quota_headers(), **(extra or {})})

    def _api(self, request: Request) -> Reply:
        if request.headers.get("x-api-key") != f"{self.keystring}:{self.shared_secret}":
            # Etsy refuses a wrong or missing key at once, with its error shape (403; the ping documents 401).
            return self._answer(self.bad_key_status,
                                {"error": "Invalid API key: x-api-key must be 'keystring:shared_secret'"})
        now = time.monotonic()
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        if self.forced_429:
            return self._answer(429, {"error": "Too many requests"}, {"retry-after": str(self.forced_429.pop(0))})
        if len(self._recent) >= self.per_second or self.used_today >= self.per_day:
            return self._answer(429, {"error": "Too many requests"})
        self._recent.append(now)
        self.used_today += 1
        op, path_params = contract().match(request.method, request.path)
        if op.scopes is not None:
            self._authenticate(request, op)
        params = contract().check_parameters(op, path_params, request.query)
        body = self._body(op, request)
        status, data = getattr(self, f"op_{op.operation_id}")(params, body)
        return self._answer(status, data)

    def _authenticate(self, request: Request, op: Operation) -> None:
        header = request.headers.get("Authorization") or ""
        token = self.access_tokens.get(header.removeprefix("Bearer ").strip()) if header.startswith("Bearer ") else None
        if token is None:
            raise ContractViolation(401, "invalid_token")
        if token["expires"] <= time.monotonic():
            raise ContractViolation(401, "invalid_token: access token is expired")
        missing = [s for s in op.scopes or [] if s not in token["scopes"]]
        if missing:
            raise ContractViolation(403, f"insufficient_scope: needs {' '.join(missing)}")

    def _body(self, op: Operation, request: Request) -> dict[str, Any]:
        schema = contract().body_schema(op, request.content_type) if op.spec.get("requestBody") else None
        if schema is None:
            return {}
        if request.content_type == "application/x-www-form-urlencoded":
            return contract().check_form(schema, request.form())
        if request.content_type == "multipart/form-data":
            fields, files = request.multipart()
            values = contract().check_form(schema, {**{k: [v] for k, v in fields.items()},
                                                    **{k: [f[0]] for k, f in files.items()}})
            return {**values, "_files": files}
        data = request.json()
        contract().check_json("", data, schema)
        return dict(data)

    # --- OAuth ---

    def _authorize(self, request: Request) -> Reply:
        q = {k: v[-1] for k, v in request.query.items()}
        problems = [name for name in ("response_type", "client_id", "redirect_uri", "scope", "state",
                                      "code_challenge", "code_challenge_method") if not q.get(name)]
        if problems or q["response_type"] != "code" or q["client_id"] != self.keystring:
            return Reply(400, f"Bad authorization request ({', '.join(problems) or 'client'})".encode())
        if q["code_challenge_method"] != "S256":
            return Reply(400, b"code_challenge_method must be S256")
        redirect = urlsplit(q["redirect_uri"])
        if redirect.scheme != "http" or redirect.hostname != "127.0.0.1" or not set(q["scope"].split()) <= SCOPES:
            return Reply(400, b"redirect_uri or scope not allowed")
        state = q["state"] + "-tampered" if self.tamper_state else q["state"]
        if self.deny_next:
            self.deny_next = False
            return Reply.redirect(f"{q['redirect_uri']}?{urlencode({'error': 'access_denied', 'state': state})}")
        code = secrets.token_urlsafe(24)
        self.codes[code] = {"challenge": q["code_challenge"], "redirect_uri": q["redirect_uri"],
                            "scopes": q["scope"].split()}
        return Reply.redirect(f"{q['redirect_uri']}?{urlencode({'code': code, 'state': state})}")

    def _issue(self, scopes: list[str]) -> dict[str, Any]:
        access = f"{self.user_id}.{secrets.token_urlsafe(40)}"
        refresh = f"{self.user_id}.{secrets.token_urlsafe(40)}"
        self.access_tokens[access] = {"expires": time.monotonic() + 3600, "scopes": scopes, "refresh": refresh}
        self.refresh_tokens.add(refresh)
        return {"access_token": access, "token_type": "Bearer", "expires_in": 3600, "refresh_token": refresh}

    def _token(self, request: Request) -> Reply:
        if request.method != "POST" or request.content_type != "application/x-www-form-urlencoded":
            return Reply.json(400, {"error": "invalid_request"})
        form = {k: v[-1] for k, v in request.form().items()}
        if form.get("client_id") != self.keystring:
            return Reply.json(400, {"error": "invalid_client"})
        if form.get("grant_type") == "authorization_code":
            grant = self.codes.pop(form.get("code", ""), None)
            if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
                return Reply.json(400, {"error": "invalid_grant", "error_description": "code is invalid or used"})
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if digest != grant["challenge"]:
                return Reply.json(400, {"error": "invalid_grant", "error_description": "code_verifier is invalid"})
            return Reply.json(200, self._issue(grant["scopes"]))
        if form.get("grant_type") == "refresh_token":
            old = form.get("refresh_token", "")
            if old not in self.refresh_tokens:
                return Reply.json(400, {"error": "invalid_grant", "error_description": "refresh token is invalid"})
            # Rotation: the refresh token just used dies, whatever happens next.
            self.refresh_tokens.discard(old)
            self.dead_refresh_tokens.add(old)
            scopes = next((t["scopes"] for t in self.access_tokens.values() if t["refresh"] == old),
                          ["listings_r", "listings_w", "shops_r", "transactions_r"])
            return Reply.json(200, self._issue(scopes))
        return Reply.json(400, {"error": "unsupported_grant_type"})

    # --- operations (named op_<operationId>) ---

    def op_ping(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        return 200, {"application_id": self.application_id}

    def op_getMe(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        return 200, {"user_id": self.user_id, "shop_id": self.shop_id}

    def op_getShop(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        if params["shop_id"] != self.shop_id:
            raise ContractViolation(404, f"Shop {params['shop_id']} not found")
        return 200, {"shop_id": self.shop_id, "user_id": self.user_id, "shop_name": "ClayCorner",
                     "currency_code": "USD", "url": "https://www.etsy.com/shop/ClayCorner"}

    def op_getSellerTaxonomyNodes(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        return 200, {"count": len(self.taxonomy), "results": self.taxonomy}

    def op_getShopShippingProfiles(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        self._own_shop(params)
        return 200, {"count": len(self.shipping_profiles), "results": self.shipping_profiles}

    def op_getShopReadinessStateDefinitions(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        self._own_shop(params)
        offset, limit = params.get("offset", 0), params.get("limit", 25)
        return 200, {"count": len(self.readiness), "results": self.readiness[offset:offset + limit]}

    def _own_shop(self, params: dict[str, Any]) -> None:
        if params["shop_id"] != self.shop_id:
            raise ContractViolation(403, f"User {self.user_id} does not own Shop {params['shop_id']}")

    def _listing(self, params: dict[str, Any]) -> dict[str, Any]:
        listing = self.listings.get(params["listing_id"])
        if listing is None:
            raise ContractViolation(404, f"Listing {params['listing_id']} not found")
        return listing

    def op_createListing(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        self._own_shop(params)
        check_listing_rules(body, creating=True)
        if not any(n["id"] == body["taxonomy_id"] for top in self.taxonomy for n in [top, *top["children"]]):
            raise ContractViolation(400, f"taxonomy_id {body['taxonomy_id']} is not a seller taxonomy node")
        if not any(p["shipping_profile_id"] == body["shipping_profile_id"] for p in self.shipping_profiles):
            raise ContractViolation(400, f"shipping_profile_id {body['shipping_profile_id']} is not in this shop")
        if not any(r["readiness_state_id"] == body["readiness_state_id"] for r in self.readiness):
            raise ContractViolation(400, f"readiness_state_id {body['readiness_state_id']} is not in this shop")
        listing_id = self._new_id()
        listing = {
            "listing_id": listing_id, "user_id": self.user_id, "shop_id": self.shop_id, "state": "draft",
            "title": body["title"], "description": body["description"], "quantity": body["quantity"],
            "price": _money(body["price"], "USD"), "tags": body.get("tags", []), "skus": [],
            "who_made": body["who_made"], "when_made": body["when_made"], "taxonomy_id": body["taxonomy_id"],
            "shipping_profile_id": body["shipping_profile_id"], "readiness_state_id": body["readiness_state_id"],
            "creation_timestamp": int(time.time()), "url": f"https://www.etsy.com/listing/{listing_id}",
            "views": 0, "num_favorers": 0,
        }
        self.listings[listing_id] = listing
        self.images[listing_id] = []
        return 201, listing

    def op_uploadListingImage(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        self._own_shop(params)
        self._listing(params)
        files = body.get("_files", {})
        if "image" not in files:
            raise ContractViolation(400, "image is required (multipart file field 'image')")
        data = files["image"][1]
        if not (data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG")):
            raise ContractViolation(400, "image must be a JPEG, PNG or GIF file")
        images = self.images[params["listing_id"]]
        if len(images) >= MAX_IMAGES:
            raise ContractViolation(400, f"image: a listing can have at most {MAX_IMAGES} images")
        image = {"listing_id": params["listing_id"], "listing_image_id": self._new_id(),
                 "rank": body.get("rank", len(images) + 1), "url_fullxfull": "https://i.etsystatic.com/x.jpg",
                 "size": len(data)}
        images.append(image)
        return 201, image

    def op_getListingImages(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        self._listing(params)
        images = self.images[params["listing_id"]]
        return 200, {"count": len(images), "results": images}

    def op_updateListing(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        self._own_shop(params)
        listing = self._listing(params)
        check_listing_rules(body, creating=False)
        if body.get("state") == "active" and not self.images[listing["listing_id"]]:
            raise ContractViolation(400, "state: a listing needs at least one image before it can be active")
        for key, value in body.items():
            listing[key] = _money(value, "USD") if key == "price" else value
        return 200, listing

    def op_getListingInventory(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        listing = self._listing(params)
        return 200, {"products": [{"sku": (listing["skus"] or [""])[0], "property_values": [], "offerings": [
            {"price": listing["price"], "quantity": listing["quantity"], "is_enabled": True,
             "readiness_state_id": listing["readiness_state_id"]}]}]}

    def op_updateListingInventory(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        listing = self._listing(params)
        products = body["products"]
        if not products or not products[0].get("offerings"):
            raise ContractViolation(400, "products: at least one product with one offering is required")
        offering = products[0]["offerings"][0]
        if offering.get("price", 0) <= 0:
            raise ContractViolation(400, "price must be a positive non-zero amount")
        listing["price"] = _money(offering["price"], "USD")
        listing["quantity"] = offering.get("quantity", listing["quantity"])
        listing["skus"] = [p["sku"] for p in products if p.get("sku")]
        return 200, body

    def op_getListingsByShop(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        self._own_shop(params)
        state = params.get("state", "active")
        found = sorted((x for x in self.listings.values() if x["state"] == state),
                       key=lambda x: x["listing_id"], reverse=params.get("sort_order", "desc").startswith("desc"))
        offset, limit = params.get("offset", 0), params.get("limit", 25)
        return 200, {"count": len(found), "results": found[offset:offset + limit]}

    def op_getListing(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        return 200, self._listing(params)

    def op_getShopReceipts(self, params: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        self._own_shop(params)
        found = [r for r in self.receipts if r["create_timestamp"] >= params.get("min_created", 0)]
        offset, limit = params.get("offset", 0), params.get("limit", 25)
        return 200, {"count": len(found), "results": found[offset:offset + limit]}

"""A Shopify Admin GraphQL stand-in following shared/platform-facts.md.

It authenticates ``X-Shopify-Access-Token``, parses each operation, checks the variables against the input types
(tests/fakes/shopify_inputs.py), answers only the fields asked for, meters query cost in a leaky bucket
(``extensions.cost.throttleStatus`` on every answer, THROTTLED when empty), reports invalid fields as
``userErrors``, and serves the staged-upload targets the images go to before ``productSet`` uses them.
Tokens and scopes follow tests/fakes/shopify_access.py (legacy ``shpat_`` tokens and the Dev Dashboard's
client credentials grant). A product is seen by buyers (``onlineStoreUrl``) only once it is ACTIVE *and*
published to the Online Store publication with ``publishablePublish``.
"""

from __future__ import annotations

import re
import time
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tests.fakes.graphql_mini import Field, FieldError, GraphQLSyntaxError, Variable, bind, parse, project
from tests.fakes.http_stand_in import Reply, Request, StandIn
from tests.fakes.shopify_access import ShopifyAccess
from tests.fakes.shopify_inputs import ARGUMENT_TYPES, InvalidVariable, check_variable

VERSIONS = ("2026-07", "2026-10")
LOCATION = "gid://shopify/Location/1"
ONLINE_STORE = "gid://shopify/Publication/1"
# The store's sales channels: publication id -> its catalog's title (Publication.name is deprecated).
PUBLICATIONS = {ONLINE_STORE: "Online Store", "gid://shopify/Publication/2": "Point of Sale",
                "gid://shopify/Publication/3": "Shop"}


def _cost(fields: list[Field], variables: dict[str, Any]) -> int:
    """Shopify's rule of thumb: an object costs 1, a connection 2 + first x its nodes, scalars nothing."""
    total = 0
    for fld in fields:
        if not fld.selections:
            continue
        inner = _cost(fld.selections, variables)
        first = bind(fld.arguments, variables).get("first")
        if fld.name in ("nodes", "edges", "node"):
            total += inner
        elif isinstance(first, int):
            total += 2 + first * inner
        else:
            total += 1 + inner
    return total


class ShopifyStandIn(ShopifyAccess, StandIn):
    """One store ('Clay Corner', USD, one location, three sales channels) with a standard-plan cost bucket."""

    shop_domain = "claycorner.myshopify.com"

    def __init__(self, *, maximum: float = 1000.0, restore_rate: float = 100.0) -> None:
        StandIn.__init__(self)
        ShopifyAccess.__init__(self)
        self.maximum, self.restore_rate = maximum, restore_rate
        self.available, self._stamp = maximum, time.monotonic()
        self.forced_throttle: list[float] = []
        self._waited = False
        self.products: dict[str, dict[str, Any]] = {}
        self.inventory: dict[tuple[str, str], int] = {}
        self.idempotent: dict[str, Any] = {}  # @idempotent keys seen, with their answers
        self.staged: dict[str, dict[str, Any]] = {}
        self.orders: list[dict[str, Any]] = []
        self._serial = 0

    # --- helpers for tests ---

    def throttle_next(self, currently_available: float) -> None:
        """Answer the next query THROTTLED, reporting this many points left (the one after is let through)."""
        self.forced_throttle.append(currently_available)

    def add_order(self, order_id: int, created: str, lines: list[tuple[int, int, str, str | None]]) -> None:
        """An order with (line id, quantity, unit price, sku) lines."""
        items = [{"id": f"gid://shopify/LineItem/{lid}", "sku": sku, "quantity": qty, "product": None,
                  "originalUnitPriceSet": {"shopMoney": {"amount": price, "currencyCode": "USD"}}}
                 for lid, qty, price, sku in lines]

        def line_items(args: dict[str, Any]) -> dict[str, Any]:
            return {"nodes": items[: args.get("first", 50)]}

        self.orders.append({"id": f"gid://shopify/Order/{order_id}", "createdAt": created, "lineItems": line_items})

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    # --- HTTP ---

    def handle(self, request: Request) -> Reply:
        if request.path.startswith("/staged-target/"):
            return self._staged_upload(request)
        if request.path == f"/{self.shop_domain}/admin/oauth/access_token":
            return self.grant(request)
        match = re.fullmatch(r"/([^/]+)/admin/api/([^/]+)/graphql\.json", request.path)
        if match is None or match.group(1) != self.shop_domain or request.method != "POST":
            return Reply.json(404, {"errors": "Not Found"})
        if not self.token_ok(request.headers.get("X-Shopify-Access-Token")):
            return Reply.json(401, {"errors": "[API] Invalid API key or access token (unrecognized login or wrong "
                                              "password)"})
        if match.group(2) not in VERSIONS:
            return Reply.json(404, {"errors": f"API version {match.group(2)} is not supported"})
        body = request.json()
        try:
            operation = parse(body["query"])
            variables = dict(body.get("variables") or {})
            self._check_variables(operation.variables, operation.selections, variables)
        except (GraphQLSyntaxError, InvalidVariable) as exc:
            return Reply.json(200, {"errors": [{"message": str(exc)}]})
        cost = _cost(operation.selections, variables) + (10 if operation.kind == "mutation" else 0)
        throttled = self._spend(cost)
        status = {"maximumAvailable": self.maximum, "currentlyAvailable": self.available,
                  "restoreRate": self.restore_rate}
        extensions = {"cost": {"requestedQueryCost": cost, "actualQueryCost": None if throttled else cost,
                               "throttleStatus": status}}
        if throttled:
            return Reply.json(200, {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
                                    "extensions": extensions})
        denied = [e for e in (self.denied(fld.name) for fld in operation.selections) if e is not None]
        if denied:
            return Reply.json(200, {"errors": denied, "extensions": extensions})
        try:
            data = {fld.key: project(self._root(fld, variables), fld.selections, variables, fld.name)
                    for fld in operation.selections}
        except (FieldError, AttributeError) as exc:
            return Reply.json(200, {"errors": [{"message": str(exc)}], "extensions": extensions})
        return Reply.json(200, {"data": data, "extensions": extensions})

    def _root(self, fld: Field, variables: dict[str, Any]) -> Any:
        if fld.name == "inventorySetQuantities":
            key = bind(fld.directives.get("idempotent", {}), variables).get("key")
            if not key:
                raise FieldError("inventorySetQuantities requires the @idempotent(key:) directive")
            if key in self.idempotent:  # the same request again: its first answer, nothing applied twice
                return self.idempotent[key]
            self.idempotent[key] = answer = self.root_inventorySetQuantities(bind(fld.arguments, variables))
            return answer
        return getattr(self, f"root_{fld.name}")(bind(fld.arguments, variables))

    def _check_variables(self, declared: dict[str, str], fields: list[Field], values: dict[str, Any]) -> None:
        for name, kind in declared.items():
            check_variable(kind, values.get(name), name)
        for fld in fields:
            expected = ARGUMENT_TYPES.get(fld.name, {})
            for arg, value in fld.arguments.items():
                if isinstance(value, Variable) and arg in expected and declared.get(value.name, "").rstrip("!") \
                        != expected[arg].rstrip("!"):
                    raise InvalidVariable(f"Type mismatch on variable ${value.name} and argument {arg} "
                                          f"({declared.get(value.name)} / {expected[arg]})")

    def _spend(self, cost: int) -> bool:
        now = time.monotonic()
        self.available = min(self.maximum, self.available + (now - self._stamp) * self.restore_rate)
        self._stamp = now
        if self.forced_throttle:
            self.available = self.forced_throttle.pop(0)
            self._waited = True
            return True
        if self._waited:
            # The client's clock is fake, so its wait did not pass here: count the bucket as refilled by it.
            self._waited = False
            self.available = max(self.available, float(cost))
        if cost > self.available:
            return True
        self.available -= cost
        return False

    def _staged_upload(self, request: Request) -> Reply:
        target = self.staged.get(request.path.rsplit("/", 1)[-1])
        if target is None or request.method != "POST":
            return Reply(404, b"<Error><Code>NoSuchUpload</Code></Error>")
        if request.headers.get("X-Shopify-Access-Token"):
            return Reply(400, b"<Error><Code>UnexpectedCredential</Code></Error>")  # a leaked token
        fields, files = request.multipart()
        if any(fields.get(p["name"]) != p["value"] for p in target["parameters"]) or "file" not in files:
            return Reply(400, b"<Error><Code>InvalidPolicyDocument</Code></Error>")
        target["data"] = files["file"][1]
        return Reply(201, b"<PostResponse><Location>ok</Location></PostResponse>")

    # --- root fields (named root_<field>) ---

    def root_shop(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"name": "Clay Corner", "myshopifyDomain": self.shop_domain, "currencyCode": "USD"}

    def root_locations(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"nodes": [{"id": LOCATION, "name": "Studio"}][: args.get("first", 50)]}

    def root_stagedUploadsCreate(self, args: dict[str, Any]) -> dict[str, Any]:
        targets = []
        for item in args["input"]:
            key = str(self._next())
            params = [{"name": "key", "value": f"tmp/{key}/{item['filename']}"},
                      {"name": "Content-Type", "value": item["mimeType"]}, {"name": "policy", "value": f"p{key}"}]
            resource = f"https://shopify-staged-uploads.storage.googleapis.com/tmp/{key}/{item['filename']}"
            self.staged[key] = {"parameters": params, "resourceUrl": resource, "data": None}
            targets.append({"url": f"{self.url}/staged-target/{key}", "resourceUrl": resource, "parameters": params})
        return {"stagedTargets": targets, "userErrors": []}

    def _user_errors(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        errors = []
        if "title" in data and not str(data["title"]).strip():
            errors.append({"field": ["input", "title"], "message": "Title can't be blank", "code": "BLANK"})
        elif len(str(data.get("title", ""))) > 255:
            errors.append({"field": ["input", "title"], "message": "Title is too long (maximum is 255 characters)",
                           "code": "TOO_LONG"})
        for i, variant in enumerate(data.get("variants") or []):
            try:
                if Decimal(str(variant.get("price", "0"))) < 0:
                    raise InvalidOperation
            except InvalidOperation:
                errors.append({"field": ["input", "variants", str(i), "price"],
                               "message": "Price must be greater than or equal to 0", "code": "INVALID"})
        uploaded = {t["resourceUrl"] for t in self.staged.values() if t["data"] is not None}
        for i, file in enumerate(data.get("files") or []):
            if file["originalSource"] not in uploaded:
                errors.append({"field": ["input", "files", str(i), "originalSource"],
                               "message": "Media could not be fetched from the original source", "code": "INVALID"})
        return errors

    def root_productSet(self, args: dict[str, Any]) -> dict[str, Any]:
        data = args["input"]
        errors = self._user_errors(data)
        identifier = args.get("identifier") or {}
        product = self.products.get(identifier.get("id", "")) if identifier else None
        if identifier and product is None:
            errors.append({"field": ["identifier", "id"], "message": "Product does not exist", "code": "NOT_FOUND"})
        if errors:
            return {"product": None, "userErrors": errors}
        if product is None:
            n = self._next()
            item = f"gid://shopify/InventoryItem/{n}"
            product = {"id": f"gid://shopify/Product/{n}", "handle": f"product-{n}", "media": [], "meta": {},
                       "published": set(),
                       "variant": {"id": f"gid://shopify/ProductVariant/{n}", "inventoryItem": {"id": item},
                                   "sku": None, "price": "0.00"}}
            self.products[product["id"]] = product
            self.inventory[(item, LOCATION)] = 0
        product.update({k: v for k, v in data.items() if k in ("title", "descriptionHtml", "status", "tags")})
        if "seo" in data:  # the SEOInput fields given replace those; one left out is kept
            product["seo"] = {**product.get("seo", {}), **data["seo"]}
        if "variants" in data:
            variant = data["variants"][0]
            product["variant"].update({"price": variant.get("price"), "sku": (variant.get("inventoryItem") or {})
                                       .get("sku", variant.get("sku"))})
        if "files" in data:
            product["media"] = [f["originalSource"] for f in data["files"]]
        for meta in data.get("metafields") or []:
            product["meta"][(meta["namespace"], meta["key"])] = meta["value"]
        return {"product": self._view(product), "userErrors": []}

    def _view(self, product: dict[str, Any]) -> dict[str, Any]:
        visible = product.get("status") == "ACTIVE" and ONLINE_STORE in product["published"]
        return {
            "id": product["id"], "handle": product["handle"], "title": product.get("title"),
            "status": product.get("status", "ACTIVE"),
            "onlineStoreUrl": f"https://{self.shop_domain}/products/{product['handle']}" if visible else None,
            "variants": lambda a: {"nodes": [dict(product["variant"])][: a.get("first", 1)]},
            "mediaCount": {"count": len(product["media"])},
            "metafield": lambda a: ({"value": product["meta"][(a["namespace"], a["key"])]}
                                    if (a["namespace"], a["key"]) in product["meta"] else None),
        }

    def root_inventorySetQuantities(self, args: dict[str, Any]) -> dict[str, Any]:
        errors = []
        for i, q in enumerate(args["input"]["quantities"]):
            where = ["input", "quantities", str(i)]
            if "changeFromQuantity" not in q:
                errors.append({"field": [*where, "changeFromQuantity"], "code": "INVALID",
                               "message": "changeFromQuantity is required (null skips the compare check)"})
            elif q["changeFromQuantity"] is not None and \
                    q["changeFromQuantity"] != self.inventory.get((q["inventoryItemId"], q["locationId"])):
                errors.append({"field": [*where, "changeFromQuantity"], "code": "CHANGE_FROM_QUANTITY_STALE",
                               "message": "The quantity has changed since it was read."})
            elif (q["inventoryItemId"], q["locationId"]) not in self.inventory:
                errors.append({"field": ["input", "quantities", str(i), "inventoryItemId"],
                               "message": "The specified inventory item could not be found.", "code": "INVALID"})
            elif q["quantity"] < 0 and args["input"]["name"] == "on_hand":
                errors.append({"field": ["input", "quantities", str(i), "quantity"],
                               "message": "Quantity can't be negative", "code": "INVALID"})
        if errors:
            return {"inventoryAdjustmentGroup": None, "userErrors": errors}
        for q in args["input"]["quantities"]:
            self.inventory[(q["inventoryItemId"], q["locationId"])] = q["quantity"]
        return {"inventoryAdjustmentGroup": {"id": f"gid://shopify/InventoryAdjustmentGroup/{self._next()}"},
                "userErrors": []}

    def root_publications(self, args: dict[str, Any]) -> dict[str, Any]:
        nodes = [{"id": pid, "autoPublish": False, "catalog": {"title": title}} for pid, title in PUBLICATIONS.items()]
        return {"nodes": nodes[: args.get("first", 10)]}

    def root_publishablePublish(self, args: dict[str, Any]) -> dict[str, Any]:
        product = self.products.get(args["id"])
        if product is None:
            return {"publishable": None, "userErrors": [{"field": ["id"], "message": "Product does not exist"}]}
        for i, item in enumerate(args["input"]):
            if item["publicationId"] not in PUBLICATIONS:
                return {"publishable": None, "userErrors": [{"field": ["input", str(i), "publicationId"],
                                                             "message": "Publication does not exist"}]}
        product["published"].update(item["publicationId"] for item in args["input"])
        return {"publishable": {"publishedOnPublication": lambda a: a["publicationId"] in product["published"]},
                "userErrors": []}

    def root_productUpdate(self, args: dict[str, Any]) -> dict[str, Any]:
        product = self.products.get(args["product"]["id"])
        if product is None:
            return {"product": None, "userErrors": [{"field": ["id"], "message": "Product does not exist"}]}
        product.update({k: v for k, v in args["product"].items() if k in ("status", "title")})
        return {"product": self._view(product), "userErrors": []}

    def root_products(self, args: dict[str, Any]) -> dict[str, Any]:
        match = re.fullmatch(r'(sku|title|id):"?((?:[^"\\]|\\.)*)"?', args.get("query") or "")
        if match is None:
            return {"nodes": []}
        field_name, wanted = match.group(1), match.group(2).replace('\\"', '"').replace("\\\\", "\\")
        found = [p for p in self.products.values() if (
            (field_name == "sku" and p["variant"].get("sku") == wanted)
            or (field_name == "title" and p.get("title") == wanted)
            or (field_name == "id" and p["id"].rsplit("/", 1)[-1] == wanted))]
        found.sort(key=lambda p: int(p["id"].rsplit("/", 1)[-1]), reverse=bool(args.get("reverse")))
        return {"nodes": [self._view(p) for p in found[: args.get("first", 10)]]}

    def root_orders(self, args: dict[str, Any]) -> dict[str, Any]:
        match = re.fullmatch(r"created_at:>='([^']+)'", args.get("query") or "")
        since = datetime.fromisoformat(match.group(1)) if match else None
        found = [o for o in self.orders
                 if since is None or datetime.fromisoformat(o["createdAt"].replace("Z", "+00:00")) >= since]
        start = int(args["after"]) if args.get("after") else 0
        page = found[start:start + args.get("first", 20)]
        end = start + len(page)
        return {"nodes": page, "pageInfo": {"hasNextPage": end < len(found), "endCursor": str(end)}}

"""Shopify Admin GraphQL over HTTP: the documents SellerDesk sends, cost-based throttling, and error reading.

Shopify meters query *cost* in a leaky bucket and reports it after every call
(``extensions.cost.throttleStatus``). SellerDesk mirrors that bucket and waits before sending a query the
bucket cannot pay for. A THROTTLED answer means nothing was run, so even a mutation may be sent again.
"""

from __future__ import annotations

from typing import Any

from core.i18n import _
from core.platforms.base import PlatformContext
from core.platforms.errors import ContentRejected, PlatformError, RateLimited
from core.platforms.http import ApiClient
from core.platforms.ratelimit import ThrottleStatus, TokenBucket, requested_cost
from core.platforms.shopify_auth import ACCESS_SCOPES, ShopifyAuth, read_grant_error, scopes_hint

NAME = "shopify"

SHOP = """query SellerDeskShop {
  shop { name myshopifyDomain currencyCode }
  locations(first: 50) { nodes { id name } }
}"""

STAGED_UPLOADS = """mutation SellerDeskStagedUploads($input: [StagedUploadInput!]!) {
  stagedUploadsCreate(input: $input) {
    stagedTargets { url resourceUrl parameters { name value } }
    userErrors { field message }
  }
}"""

PRODUCT_SET = """mutation SellerDeskProductSet($identifier: ProductSetIdentifiers, $input: ProductSetInput!) {
  productSet(identifier: $identifier, input: $input, synchronous: true) {
    product {
      id handle status onlineStoreUrl
      variants(first: 1) { nodes { id inventoryItem { id } } }
      mediaCount { count }
    }
    userErrors { field message code }
  }
}"""

# From API version 2026-04: changeFromQuantity on every quantity (null: no compare-and-swap check) and an idempotency
# key, so a retried request is applied once.
INVENTORY_SET = """mutation SellerDeskInventorySet($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}"""

PRODUCT_STATUS = """mutation SellerDeskProductStatus($product: ProductUpdateInput!) {
  productUpdate(product: $product) {
    product { id status onlineStoreUrl }
    userErrors { field message }
  }
}"""

FIND_PRODUCTS = """query SellerDeskFindProducts($query: String!) {
  products(first: 10, query: $query, sortKey: CREATED_AT, reverse: true) {
    nodes {
      id title status onlineStoreUrl
      metafield(namespace: "sellerdesk", key: "idempotency_key") { value }
      variants(first: 1) { nodes { id sku price inventoryItem { id } } }
      mediaCount { count }
    }
  }
}"""

ORDERS = """query SellerDeskOrders($query: String!, $after: String) {
  orders(first: 10, after: $after, query: $query, sortKey: CREATED_AT) {
    nodes {
      id createdAt
      lineItems(first: 10) {
        nodes { id sku quantity originalUnitPriceSet { shopMoney { amount currencyCode } } product { id } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}"""

# Sales channels: Publication.name is deprecated, the channel's name is its catalog's title.
PUBLICATIONS = """query SellerDeskPublications {
  publications(first: 50) { nodes { id catalog { title } } }
}"""

# A product is seen by buyers only once published to a sales channel's publication (write_publications).
PUBLISH = """mutation SellerDeskPublish($id: ID!, $input: [PublicationInput!]!) {
  publishablePublish(id: $id, input: $input) {
    userErrors { field message }
  }
}"""

# First guesses at each document's cost (Shopify reports the real one; these only pace the first call).
COSTS = {SHOP: 3.0, STAGED_UPLOADS: 10.0, PRODUCT_SET: 10.0, INVENTORY_SET: 10.0, PRODUCT_STATUS: 10.0,
         FIND_PRODUCTS: 25.0, ORDERS: 350.0, PUBLICATIONS: 52.0, PUBLISH: 10.0, ACCESS_SCOPES: 2.0}


# Shopify's input names that sellers know by another name.
_FIELD_NAMES = {"files": "images", "originalSource": "images", "descriptionHtml": "description"}


def _field_name(path: Any) -> str:
    # userErrors name fields by path, e.g. ["input", "variants", "0", "price"]: the last word is the field.
    words = [str(p) for p in (path or []) if not str(p).isdigit() and str(p) not in ("input", "product")]
    return _FIELD_NAMES.get(words[-1], words[-1]) if words else "product"


def raise_user_errors(errors: list[dict[str, Any]], product: str | None) -> None:
    """Raise ContentRejected for the first of Shopify's ``userErrors`` (nothing if there are none)."""
    if errors:
        first = errors[0]
        raise ContentRejected(NAME, _field_name(first.get("field")), str(first.get("message", "refused")),
                              product=product)


class ShopifyGraphQL:
    """One shop's Admin GraphQL endpoint with Shopify's cost bucket mirrored on this side."""

    def __init__(self, context: PlatformContext) -> None:
        self._context = context
        settings = context.settings
        limits = context.spec.rate_limits
        self.shop_domain = settings.get("platforms.shopify.shop_domain").strip().removeprefix("https://").rstrip("/")
        base = settings.get("platforms.shopify.api_base").replace("{shop}", self.shop_domain).rstrip("/")
        self.url = f"{base}/{settings.get('platforms.shopify.api_version')}/graphql.json"
        self.auth = ShopifyAuth(context, settings.get("platforms.shopify.token_url").replace("{shop}",
                                                                                          self.shop_domain))
        clock, sleep = context.http.clock, context.http.sleep
        self.cost_bucket = TokenBucket(limits.cost_restore_rate or 100.0, limits.cost_bucket or 1000.0,
                                       clock=clock, sleep=sleep)
        self.client = ApiClient(
            NAME, base, options=context.http,
            limiter=TokenBucket(limits.requests_per_second, limits.burst, clock=clock, sleep=sleep),
            auth=self.auth, read_error=read_grant_error(NAME),
        )
        self.auth.client = self.client

    def close(self) -> None:
        """Close the HTTP session."""
        self.client.close()

    def execute(self, document: str, variables: dict[str, Any] | None = None, *,
                product: str | None = None) -> dict[str, Any]:
        """Run one query or mutation and return its ``data``; waits for query cost, retries THROTTLED answers."""
        mutation = document.lstrip().startswith("mutation")
        cost = COSTS.get(document, 10.0)
        options = self._context.http
        attempt = 0
        while True:
            self.cost_bucket.acquire(cost)
            response = self.client.request("POST", self.url, json={"query": document, "variables": variables or {}},
                                           product=product, idempotent=not mutation)
            body = response.json()
            extensions = body.get("extensions")
            status = ThrottleStatus.from_extensions(extensions)
            if status is not None:
                self.cost_bucket.sync(status.currently_available, rate=status.restore_rate,
                                      capacity=status.maximum_available)
            errors = list(body.get("errors") or [])
            if not any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors):
                if errors:
                    raise self._graphql_error(errors, product)
                return dict(body.get("data") or {})
            cost = requested_cost(extensions, cost)
            wait = status.wait_for(cost) if status is not None else 1.0
            if wait > options.max_wait or attempt >= options.max_retries:
                raise RateLimited(NAME, wait, product=product)
            attempt += 1
            # The next acquire() sleeps until the mirrored bucket holds ``cost`` points again.

    def _graphql_error(self, errors: list[dict[str, Any]], product: str | None) -> PlatformError:
        codes = {(e.get("extensions") or {}).get("code") for e in errors}
        text = "; ".join(str(e.get("message", "")) for e in errors)[:300]
        if "ACCESS_DENIED" in codes:
            required = list(self._context.spec.auth["required_scopes"])
            named = [scope for scope in required if scope in text] or required
            return PlatformError(NAME, _("the store app lacks a permission ({text})").format(text=text),
                                 product=product, hint=scopes_hint(self._context, named))
        return PlatformError(NAME, _("refused the request ({message})").format(message=text), product=product)

    def upload(self, url: str, parameters: list[dict[str, str]], filename: str, data: bytes, mime: str,
               product: str | None) -> None:
        """Send a file to a staged-upload target (another host: the Shopify token is *not* sent there)."""
        form = {str(p["name"]): str(p["value"]) for p in parameters}
        # The same file to the same target twice leaves the same object, so this may be retried.
        self.client.request("POST", url, data=form, files={"file": (filename, data, mime)}, product=product,
                            authenticated=False, idempotent=True)

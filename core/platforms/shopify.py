"""Shopify (Admin GraphQL): the store owner's pasted Admin API token, productSet with staged image uploads,
inventorySetQuantities for stock, and the orders query for sales.

The product carries SellerDesk's idempotency key in a metafield (sellerdesk.idempotency_key), so a product
whose creation went unanswered is recognised for certain.
"""

from __future__ import annotations

import html
import mimetypes
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from core.platforms.base import (
    AccountInfo,
    Choice,
    ConnectOptions,
    ListingRequest,
    ListingResult,
    ListingState,
    Platform,
    PlatformContext,
    PreferenceField,
    Sale,
)
from core.platforms.connections import get_preferences
from core.platforms.errors import AuthExpired, ContentRejected, PlatformError
from core.platforms.shopify_api import (
    FIND_PRODUCTS,
    INVENTORY_SET,
    NAME,
    ORDERS,
    PRODUCT_SET,
    PRODUCT_STATUS,
    SHOP,
    STAGED_UPLOADS,
    ShopifyGraphQL,
    raise_user_errors,
)

TOKEN = "shopify:access_token"  # noqa: S105 (a secret's name in the keychain, not a secret)
_STATES: dict[str, ListingState] = {"ACTIVE": "active", "DRAFT": "inactive", "ARCHIVED": "inactive"}


def _html(request: ListingRequest) -> str:
    paragraphs = [p.strip() for p in request.copy.description.split("\n\n") if p.strip()]
    parts = ["<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs]
    if request.copy.bullets:
        parts.append("<ul>" + "".join(f"<li>{html.escape(b)}</li>" for b in request.copy.bullets) + "</ul>")
    return "".join(parts)


class ShopifyPlatform(Platform):
    """A Shopify store through the Admin GraphQL API."""

    secret_names = (TOKEN,)

    def __init__(self, context: PlatformContext) -> None:
        super().__init__(context)
        self._token: str | None = None
        self._api = ShopifyGraphQL(context, self._access_token)

    def close(self) -> None:
        """Close the HTTP session."""
        self._api.close()

    def _access_token(self) -> str:
        if self._token is None:
            self._token = self.context.secrets.get(TOKEN)
        if not self._token:
            raise AuthExpired.not_connected(NAME)
        return self._token

    # --- connection ---

    def connect(self, options: ConnectOptions) -> AccountInfo:
        """Check the pasted Admin API token against the store, then keep it in the keychain."""
        if not self._api.shop_domain:
            raise PlatformError(NAME, "no store address is set",
                                hint="Run: sellerdesk config set platforms.shopify.shop_domain mystore.myshopify.com")
        token = (options.token or "").strip()
        if not token:
            raise PlatformError(NAME, "no Admin API token was given",
                                hint="In Shopify admin open Settings → Apps → Develop apps, install your app and "
                                     "copy its Admin API access token (it starts with shpat_).")
        self._token = token
        try:
            info = self.check_connection()
        except AuthExpired:
            self._token = None
            raise AuthExpired(NAME, "the store did not accept that Admin API token",
                              hint="Copy the token again from the store app and paste it whole.") from None
        self.context.secrets.set(TOKEN, token)
        return info

    def check_connection(self) -> AccountInfo:
        """Ask the store for its name, currency and locations."""
        data = self._api.execute(SHOP)
        shop = data["shop"]
        locations = data.get("locations", {}).get("nodes", [])
        prefs: dict[str, Any] = {"currency": shop.get("currencyCode"), "shop_domain": shop.get("myshopifyDomain")}
        if locations and not get_preferences(self.context.db, NAME).get("location_id"):
            prefs["location_id"] = locations[0]["id"]
        return AccountInfo(account_id=str(shop.get("myshopifyDomain", "")), account_name=str(shop.get("name", "")),
                           preferences=prefs)

    def preference_fields(self) -> list[PreferenceField]:
        """The location whose stock SellerDesk sets."""
        locations = self._api.execute(SHOP).get("locations", {}).get("nodes", [])
        return [PreferenceField("location_id", "Stock location",
                                tuple(Choice(str(loc["id"]), str(loc.get("name", ""))) for loc in locations))]

    # --- listings ---

    def _check(self, request: ListingRequest) -> dict[str, Any]:
        prefs = get_preferences(self.context.db, NAME)
        currency = prefs.get("currency")
        if currency and currency != request.currency:
            raise ContentRejected(NAME, "price", f"the store sells in {currency} but the product is priced in "
                                  f"{request.currency}", product=request.product_label,
                                  fix=f"Give the product a price in {currency} before listing it on Shopify.")
        if not prefs.get("location_id"):
            raise PlatformError(NAME, "no stock location is known", product=request.product_label,
                                hint="Reconnect Shopify, or choose a location in the Platforms tab.")
        return prefs

    def _staged_files(self, request: ListingRequest) -> list[dict[str, str]]:
        images = request.images[: self.capabilities.max_images]
        if not images:
            return []
        product = request.product_label
        blobs = []
        for path in images:
            try:
                blobs.append((path, path.read_bytes(), mimetypes.guess_type(path.name)[0] or "image/jpeg"))
            except OSError as exc:
                raise ContentRejected(NAME, "images", f"the photo file {path.name} cannot be read ({exc.strerror})",
                                      fix="Re-create the product's Shopify photos and publish again.",
                                      product=product) from exc
        staged = self._api.execute(STAGED_UPLOADS, {"input": [
            {"filename": path.name, "mimeType": mime, "httpMethod": "POST", "resource": "IMAGE",
             "fileSize": str(len(data))} for path, data, mime in blobs]}, product=product)["stagedUploadsCreate"]
        raise_user_errors(staged.get("userErrors") or [], product)
        files = []
        for (path, data, mime), target, alt in zip(blobs, staged["stagedTargets"],
                                                   (*request.alt_texts, *[""] * len(blobs)), strict=False):
            self._api.upload(target["url"], target.get("parameters") or [], path.name, data, mime, product)
            files.append({"originalSource": target["resourceUrl"], "contentType": "IMAGE", "alt": alt})
        return files

    def _product_input(self, request: ListingRequest, *, files: list[dict[str, str]] | None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "title": request.copy.title,
            "descriptionHtml": _html(request),
            "status": "ACTIVE",
            "tags": list(request.copy.tags),
            "productOptions": [{"name": "Title", "values": [{"name": "Default Title"}]}],
            "variants": [{
                "optionValues": [{"optionName": "Title", "name": "Default Title"}],
                "price": str(request.price),
                "inventoryItem": {"sku": request.sku or "", "tracked": True},
            }],
            "metafields": [{"namespace": "sellerdesk", "key": "idempotency_key", "type": "single_line_text_field",
                            "value": request.idempotency_key}],
        }
        if files is not None:
            data["files"] = files
        return data

    def _result(self, product: dict[str, Any]) -> ListingResult:
        url = product.get("onlineStoreUrl")
        if not url:
            numeric = str(product["id"]).rsplit("/", 1)[-1]
            url = f"https://{self._api.shop_domain}/admin/products/{numeric}"
        count = (product.get("mediaCount") or {}).get("count")
        return ListingResult(str(product["id"]), url, _STATES.get(str(product.get("status")), "unknown"),
                             image_count=int(count) if count is not None else None)

    def _set_stock(self, inventory_item_id: str, quantity: int, location_id: str, product: str | None) -> None:
        # SellerDesk's count is the truth it sets, so no compare-and-swap (changeFromQuantity null); the key makes a
        # retry of this very request harmless.
        result = self._api.execute(INVENTORY_SET, {"key": str(uuid.uuid4()), "input": {
            "name": "available", "reason": "correction",
            "quantities": [{"inventoryItemId": inventory_item_id, "locationId": location_id, "quantity": quantity,
                            "changeFromQuantity": None}],
        }}, product=product)["inventorySetQuantities"]
        raise_user_errors(result.get("userErrors") or [], product)

    def _save(self, request: ListingRequest, identifier: dict[str, str] | None,
              files: list[dict[str, str]] | None) -> tuple[ListingResult, str]:
        product = request.product_label
        saved = self._api.execute(PRODUCT_SET, {"identifier": identifier,
                                                "input": self._product_input(request, files=files)},
                                  product=product)["productSet"]
        raise_user_errors(saved.get("userErrors") or [], product)
        item = saved["product"]["variants"]["nodes"][0]["inventoryItem"]["id"]
        return self._result(saved["product"]), str(item)

    def publish(self, request: ListingRequest, *, existing: ListingResult | None = None) -> ListingResult:
        """Upload the photos, create the product with its copy, price, SKU and photos (one productSet), set stock.

        With ``existing`` the product already exists (productSet is all-or-nothing), so only its copy and
        stock are brought up to date.
        """
        prefs = self._check(request)
        if existing is None:
            result, item = self._save(request, None, self._staged_files(request))
        else:
            result, item = self._save(request, {"id": existing.remote_id}, None)
        self._set_stock(item, request.quantity, str(prefs["location_id"]), request.product_label)
        return result

    def update(self, remote_id: str, request: ListingRequest) -> ListingResult:
        """Bring the product's copy, price, SKU and stock in line with ``request`` (photos stay as they are)."""
        return self.publish(request, existing=ListingResult(remote_id, None, "unknown"))

    def update_inventory(self, remote_id: str, *, quantity: int, price: Decimal | None = None,
                         sku: str | None = None, product: str | None = None) -> None:
        """Set the stock of the product's (single) variant at the chosen location."""
        location = get_preferences(self.context.db, NAME).get("location_id")
        if not location:
            raise PlatformError(NAME, "no stock location is known", product=product,
                                hint="Reconnect Shopify, or choose a location in the Platforms tab.")
        numeric = remote_id.rsplit("/", 1)[-1]
        nodes = self._api.execute(FIND_PRODUCTS, {"query": f"id:{numeric}"}, product=product)["products"]["nodes"]
        if not nodes:
            raise PlatformError(NAME, "the product is no longer in the store", product=product)
        self._set_stock(str(nodes[0]["variants"]["nodes"][0]["inventoryItem"]["id"]), quantity, str(location),
                        product)

    def delist(self, remote_id: str, *, product: str | None = None) -> ListingResult:
        """Set the product to draft: hidden from buyers, kept in the store."""
        result = self._api.execute(PRODUCT_STATUS, {"product": {"id": remote_id, "status": "DRAFT"}},
                                   product=product)["productUpdate"]
        raise_user_errors(result.get("userErrors") or [], product)
        return self._result(result["product"])

    def find_existing(self, request: ListingRequest) -> ListingResult | None:
        """The product carrying this request's idempotency key (searched by SKU, else by title)."""
        query = f"sku:{_quoted(request.sku)}" if request.sku else f"title:{_quoted(request.copy.title)}"
        nodes = self._api.execute(FIND_PRODUCTS, {"query": query}, product=request.product_label)["products"]["nodes"]
        for node in nodes:
            if (node.get("metafield") or {}).get("value") == request.idempotency_key:
                return self._result(node)
        return None

    def fetch_sales(self, since: datetime) -> list[Sale]:
        """Order lines since ``since`` (Shopify shows 60 days without the read_all_orders scope)."""
        sales: list[Sale] = []
        after: str | None = None
        query = f"created_at:>='{since.isoformat(timespec='seconds')}'"
        while True:
            page = self._api.execute(ORDERS, {"query": query, "after": after})["orders"]
            for order in page["nodes"]:
                occurred = datetime.fromisoformat(str(order["createdAt"]).replace("Z", "+00:00"))
                for line in order["lineItems"]["nodes"]:
                    money = line["originalUnitPriceSet"]["shopMoney"]
                    quantity = int(line.get("quantity", 1))
                    sales.append(Sale(
                        external_id=str(line["id"]), occurred_at=occurred,
                        amount=Decimal(str(money["amount"])) * quantity, currency=str(money["currencyCode"]),
                        quantity=quantity, sku=line.get("sku") or None,
                        remote_listing_id=(line.get("product") or {}).get("id"),
                    ))
            if not page["pageInfo"]["hasNextPage"]:
                return sales
            after = page["pageInfo"]["endCursor"]


def _quoted(value: str) -> str:
    # Shopify's search syntax: a quoted phrase, with quotes and backslashes escaped.
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

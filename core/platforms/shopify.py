"""Shopify (Admin GraphQL): a Dev Dashboard app's client-credentials token (or a legacy pasted token), productSet
with staged image uploads, publishablePublish to the Online Store (and any other sales channel the seller picks),
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

from core.i18n import _
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
    PUBLICATIONS,
    PUBLISH,
    SHOP,
    STAGED_UPLOADS,
    ShopifyGraphQL,
    raise_user_errors,
)
from core.platforms.shopify_auth import (
    ACCESS_SCOPES,
    CLIENT_ID_SETTING,
    ShopifyAuth,
    missing_scopes,
    scopes_hint,
    secret_name,
)
from core.platforms.tokens import TokenSet

_STATES: dict[str, ListingState] = {"ACTIVE": "active", "DRAFT": "inactive", "ARCHIVED": "inactive"}


def _html(request: ListingRequest) -> str:
    paragraphs = [p.strip() for p in request.copy.description.split("\n\n") if p.strip()]
    parts = ["<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs]
    if request.copy.bullets:
        parts.append("<ul>" + "".join(f"<li>{html.escape(b)}</li>" for b in request.copy.bullets) + "</ul>")
    return "".join(parts)


class ShopifyPlatform(Platform):
    """A Shopify store through the Admin GraphQL API."""

    secret_names = ShopifyAuth.secret_names()

    def __init__(self, context: PlatformContext) -> None:
        super().__init__(context)
        self._api = ShopifyGraphQL(context)
        self._auth: ShopifyAuth = self._api.auth

    def close(self) -> None:
        """Close the HTTP session."""
        self._api.close()

    # --- connection ---

    def ready_to_connect(self) -> None:
        """Refuse at once when no store address is set (before any secret is asked for)."""
        if not self._api.shop_domain:
            raise PlatformError(NAME, _("no store address is set"),
                                hint=_("Enter it in the Connect dialog, or run: sellerdesk platforms connect shopify "
                                       "--shop mystore.myshopify.com"))

    def connect(self, options: ConnectOptions) -> AccountInfo:
        """Sign in with a pasted legacy token, else with the Dev Dashboard app's client id and secret; check the
        store grants every scope SellerDesk needs; only then keep the credentials in the keychain."""
        self.ready_to_connect()
        token = (options.token or "").strip()
        secret = (options.app_secret or "").strip()
        if token:
            tokens = TokenSet(token, None, None)
            refused = AuthExpired(NAME, _("the store did not accept that Admin API token"),
                                  hint=_("Copy the token again from the store app and paste it whole."))
        else:
            client_id = str(self.context.settings.get(CLIENT_ID_SETTING) or "").strip()
            secret = secret or (self.context.secrets.get(secret_name(self.context)) or "")
            if not client_id or not secret:
                raise PlatformError(NAME, _("no Dev Dashboard app client ID and secret (or Admin API token) were "
                                            "given"),
                                    hint=_("In the Shopify Dev Dashboard create an app, give it the scopes SellerDesk "
                                           "needs, install it on your store, and copy the Client ID and Secret from "
                                           "its Settings page."))
            tokens = self._auth.client_credentials(client_id, secret)
            refused = AuthExpired(NAME, _("the store refused the token it had just issued"))
        self._auth.tokens.use(tokens)
        try:
            info = self.check_connection()
        except AuthExpired:
            self._auth.tokens.forget()
            raise refused from None
        except PlatformError:
            self._auth.tokens.forget()
            raise
        if not token:
            self.context.secrets.set(secret_name(self.context), secret)
        self._auth.tokens.store(tokens)
        return info

    def check_connection(self) -> AccountInfo:
        """Ask the store for its name, currency and locations, and check the app has every scope needed."""
        granted = {str(s["handle"]) for s in
                   self._api.execute(ACCESS_SCOPES)["currentAppInstallation"]["accessScopes"]}
        missing = missing_scopes(granted, list(self.context.spec.auth["required_scopes"]))
        if missing:
            lacks = (_("the store app lacks the {names} permissions") if len(missing) > 1 else
                     _("the store app lacks the {names} permission"))
            raise PlatformError(NAME, lacks.format(names=", ".join(missing)), hint=scopes_hint(self.context, missing))
        data = self._api.execute(SHOP)
        shop = data["shop"]
        locations = data.get("locations", {}).get("nodes", [])
        route = "token" if self._auth.tokens.current().expires_at is None else "dev_dashboard"
        prefs: dict[str, Any] = {"currency": shop.get("currencyCode"), "shop_domain": shop.get("myshopifyDomain"),
                                 "auth_route": route}
        if locations and not get_preferences(self.context.db, NAME).get("location_id"):
            prefs["location_id"] = locations[0]["id"]
        return AccountInfo(account_id=str(shop.get("myshopifyDomain", "")), account_name=str(shop.get("name", "")),
                           preferences=prefs)

    def preference_fields(self) -> list[PreferenceField]:
        """The location whose stock SellerDesk sets, and the sales channels products go to besides the Online
        Store."""
        locations = self._api.execute(SHOP).get("locations", {}).get("nodes", [])
        online = self._online_store_title()
        channels = [c for c in self._channels() if c.label != online]
        return [PreferenceField("location_id", "Stock location",
                                tuple(Choice(str(loc["id"]), str(loc.get("name", ""))) for loc in locations)),
                PreferenceField("publication_ids", "Also sell on", tuple(channels), required=False, multiple=True,
                                help=f"Products always go to the {online}; tick other sales channels to publish "
                                     "them there too.")]

    def _online_store_title(self) -> str:
        return str(self.context.spec.extra["publishing"]["online_store"])

    def _channels(self) -> list[Choice]:
        nodes = self._api.execute(PUBLICATIONS)["publications"]["nodes"]
        return [Choice(str(n["id"]), str((n.get("catalog") or {}).get("title") or n["id"])) for n in nodes]

    def _publish_to_channels(self, product_id: str, prefs: dict[str, Any], product: str) -> None:
        """Publish to the Online Store and the channels the seller picked; without it buyers never see it."""
        channels = self._channels()
        online = [c.value for c in channels if c.label == self._online_store_title()]
        if not online:
            raise PlatformError(NAME, _("the store has no {channel} sales channel").format(
                                    channel=self._online_store_title()), product=product,
                                hint=_("Add the Online Store sales channel in Shopify admin, then publish again."))
        known = {c.value for c in channels}
        picked = [p for p in prefs.get("publication_ids") or [] if p in known and p not in online]
        result = self._api.execute(PUBLISH, {"id": product_id, "input": [
            {"publicationId": p} for p in online + picked]}, product=product)["publishablePublish"]
        raise_user_errors(result.get("userErrors") or [], product)

    # --- listings ---

    def _check(self, request: ListingRequest) -> dict[str, Any]:
        prefs = get_preferences(self.context.db, NAME)
        currency = prefs.get("currency")
        if currency and currency != request.currency:
            raise ContentRejected(NAME, "price", _("the store sells in {shop} but the product is priced in "
                                                   "{product}").format(shop=currency, product=request.currency),
                                  product=request.product_label,
                                  fix=_("Give the product a price in {shop} before listing it on Shopify.").format(
                                      shop=currency))
        if not prefs.get("location_id"):
            raise PlatformError(NAME, _("no stock location is known"), product=request.product_label,
                                hint=_("Reconnect Shopify, or choose a location in the Platforms tab."))
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
                raise ContentRejected(NAME, "images", _("the photo file {name} cannot be read ({reason})").format(
                                          name=path.name, reason=exc.strerror),
                                      fix=_("Re-create the product's Shopify photos and publish again."),
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
        if request.copy.seo_title or request.copy.seo_description:
            # The search-engine listing (SEOInput); an empty one falls back to Shopify's own (title, description).
            data["seo"] = {"title": request.copy.seo_title, "description": request.copy.seo_description}
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
        # Publishing again is harmless, and brings back a product someone took off a channel by hand.
        self._publish_to_channels(result.remote_id, prefs, request.product_label)
        return self._read_back(result.remote_id, request.product_label) or result

    def _read_back(self, remote_id: str, product: str) -> ListingResult | None:
        # The product's own view after publishing: its store address exists only now.
        numeric = remote_id.rsplit("/", 1)[-1]
        nodes = self._api.execute(FIND_PRODUCTS, {"query": f"id:{numeric}"}, product=product)["products"]["nodes"]
        return self._result(nodes[0]) if nodes else None

    def update(self, remote_id: str, request: ListingRequest) -> ListingResult:
        """Bring the product's copy, price, SKU and stock in line with ``request`` (photos stay as they are)."""
        return self.publish(request, existing=ListingResult(remote_id, None, "unknown"))

    def update_inventory(self, remote_id: str, *, quantity: int, price: Decimal | None = None,
                         sku: str | None = None, product: str | None = None) -> None:
        """Set the stock of the product's (single) variant at the chosen location."""
        location = get_preferences(self.context.db, NAME).get("location_id")
        if not location:
            raise PlatformError(NAME, _("no stock location is known"), product=product,
                                hint=_("Reconnect Shopify, or choose a location in the Platforms tab."))
        numeric = remote_id.rsplit("/", 1)[-1]
        nodes = self._api.execute(FIND_PRODUCTS, {"query": f"id:{numeric}"}, product=product)["products"]["nodes"]
        if not nodes:
            raise PlatformError(NAME, _("the product is no longer in the store"), product=product)
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

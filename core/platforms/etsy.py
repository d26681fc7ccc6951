"""Etsy (Open API v3): sign in with PKCE, create a draft listing, add photos, set stock, put it live; sales.

Publishing is a resumable sequence (draft → photos → inventory → active). After an unanswered step,
``find_existing`` finds the draft and ``publish(existing=...)`` carries on from where it stopped.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from core.i18n import N_, _
from core.platforms.base import (
    AccountInfo,
    Choice,
    ConnectOptions,
    Engagement,
    ListingRequest,
    ListingResult,
    ListingState,
    Platform,
    PlatformContext,
    PreferenceField,
    Sale,
)
from core.platforms.connections import get_preferences, record_expiry
from core.platforms.errors import ContentRejected, PlatformError
from core.platforms.etsy_api import NAME, EtsyApi
from core.platforms.oauth import AuthorizationRequest, authorize
from core.platforms.tokens import TokenManager, TokenSet, token_secret_names

# Choices a listing cannot be made without, by the names sellers know them by in Etsy's shop manager.
_REQUIRED_CHOICES = {"taxonomy_id": N_("no Etsy category has been chosen"),
                     "shipping_profile_id": N_("no Etsy shipping profile has been chosen"),
                     "readiness_state_id": N_("no Etsy processing profile has been chosen")}
_STATES: dict[str, ListingState] = {"draft": "draft", "active": "active", "inactive": "inactive"}


def _money(value: dict[str, Any]) -> Decimal:
    return Decimal(int(value["amount"])) / Decimal(int(value.get("divisor") or 1))


def _when(timestamp: Any) -> datetime:
    return datetime.fromtimestamp(int(timestamp), UTC)


class EtsyPlatform(Platform):
    """Etsy through its Open API v3."""

    # The app's shared secret is SellerDesk's, not the seller's: it stays when the seller disconnects.
    secret_names = token_secret_names(NAME)

    def __init__(self, context: PlatformContext) -> None:
        super().__init__(context)
        self._tokens = TokenManager(NAME, context.secrets, self._refresh,
                                    margin=float(context.spec.auth["refresh_margin_seconds"]), now=context.now,
                                    on_refreshed=self._refreshed)
        self._api = EtsyApi(context, self._tokens)

    def close(self) -> None:
        """Close the HTTP session."""
        self._api.close()

    def _refresh(self, refresh_token: str) -> TokenSet:
        return self._api.refresh_tokens(refresh_token)

    def _refreshed(self, tokens: TokenSet) -> None:
        record_expiry(self.context.db, NAME, tokens.refresh_expires_at)

    # --- connection ---

    def connect(self, options: ConnectOptions) -> AccountInfo:
        """Sign in through the system browser (PKCE, loopback redirect) and find the seller's shop."""
        settings = self.context.settings
        keystring = str(settings.get("platforms.etsy.client_id") or "").strip()
        secret = (options.app_secret or "").strip() or self.context.secrets.get(self._api.secret_name) or ""
        if not keystring or not secret:
            self._api.api_key()  # says which half is missing
        # A wrong keystring or secret is refused here in a second, not after the whole sign-in timeout.
        self._api.check_key(keystring, secret)
        if options.app_secret:
            self.context.secrets.set(self._api.secret_name, secret)
        request = AuthorizationRequest(
            platform=NAME,
            authorize_url=settings.get("platforms.etsy.authorize_url"),
            client_id=settings.get("platforms.etsy.client_id"),
            scopes=tuple(self.context.spec.auth["scopes"]),
            port=settings.get("platforms.etsy.redirect_port"),
            timeout=options.timeout or settings.get("platforms.oauth.timeout_seconds"),
        )
        tokens = authorize(request, self._api.exchange_code, open_browser=options.open_browser,
                           on_url=options.on_url, cancel=options.cancel)
        self._tokens.store(tokens)
        return self._account(tokens.refresh_expires_at)

    def check_connection(self) -> AccountInfo:
        """Ask Etsy who SellerDesk is signed in as (refreshing the token if needed)."""
        return self._account(self._tokens.current().refresh_expires_at)

    def _account(self, expires_at: datetime | None) -> AccountInfo:
        me = self._api.me()
        if not me.get("shop_id"):
            raise PlatformError(NAME, _("this Etsy account has no shop"),
                                hint=_("Open a shop on Etsy, then connect again."))
        shop = self._api.shop(int(me["shop_id"]))
        return AccountInfo(
            account_id=str(shop["shop_id"]), account_name=str(shop.get("shop_name", "")), expires_at=expires_at,
            preferences={"shop_id": int(shop["shop_id"]), "currency": shop.get("currency_code"),
                         "shop_url": shop.get("url")},
        )

    def _shop_id(self) -> int:
        shop_id = get_preferences(self.context.db, NAME).get("shop_id")
        if not shop_id:
            raise PlatformError(NAME, _("SellerDesk is not connected to an Etsy shop yet"),
                                hint=_("Connect {platform} in the Platforms tab (or run: sellerdesk platforms connect "
                                       "{name}).").format(platform="Etsy", name=NAME))
        return int(shop_id)

    # --- the seller's choices ---

    def preference_fields(self) -> list[PreferenceField]:
        """Category (seller taxonomy), shipping profile, processing profile, who made it and when."""
        shop_id = self._shop_id()
        listing = self.context.spec.extra["listing"]
        categories: list[Choice] = []

        def walk(nodes: list[dict[str, Any]], path: str) -> None:
            for node in nodes:
                label = f"{path} > {node['name']}" if path else str(node["name"])
                categories.append(Choice(str(node["id"]), label))
                walk(list(node.get("children") or []), label)

        walk(list(self._api.get("seller-taxonomy/nodes").get("results", [])), "")
        shipping = self._api.get(f"shops/{shop_id}/shipping-profiles").get("results", [])
        readiness = self._api.paged(f"shops/{shop_id}/readiness-state-definitions")
        return [
            PreferenceField("taxonomy_id", "Etsy category", tuple(categories),
                            help="Used for every product unless its category is mapped in taxonomy_by_category."),
            PreferenceField("shipping_profile_id", "Shipping profile", tuple(
                Choice(str(p["shipping_profile_id"]), str(p.get("title", ""))) for p in shipping)),
            PreferenceField("readiness_state_id", "Processing profile", tuple(
                Choice(str(r["readiness_state_id"]),
                       f"{r.get('readiness_state', '')} ({r.get('processing_days_display_label', '')})".strip())
                for r in readiness)),
            PreferenceField("who_made", "Who made it",
                            tuple(Choice(v, v.replace("_", " ")) for v in listing["who_made"])),
            PreferenceField("when_made", "When it was made",
                            tuple(Choice(v, v.replace("_", " ")) for v in listing["when_made"])),
        ]

    def _listing_choices(self, request: ListingRequest) -> dict[str, Any]:
        prefs = get_preferences(self.context.db, NAME)
        choices = {**self.context.spec.extra["listing"]["defaults"], **prefs}
        by_category = prefs.get("taxonomy_by_category") or {}
        if request.category and request.category in by_category:
            choices["taxonomy_id"] = by_category[request.category]
        for key, missing in _REQUIRED_CHOICES.items():
            if not choices.get(key):
                raise ContentRejected(
                    NAME, key, _(missing), product=request.product_label,
                    fix=_("Choose one in the Platforms tab (or: sellerdesk platforms prefs etsy {key}=ID; see the "
                          "choices with: sellerdesk platforms prefs etsy --options).").format(key=key))
        shop_currency = choices.get("currency")
        if shop_currency and shop_currency != request.currency:
            raise ContentRejected(NAME, "price", _("the Etsy shop sells in {shop} but the product is priced in "
                                                   "{product}").format(shop=shop_currency, product=request.currency),
                                  product=request.product_label,
                                  fix=_("Give the product a price in {shop} before listing it on Etsy.").format(
                                      shop=shop_currency))
        return choices

    # --- listings ---

    def publish(self, request: ListingRequest, *, existing: ListingResult | None = None) -> ListingResult:
        """Create the draft (unless ``existing``), add the photos not yet there, set SKU and stock, go live."""
        product = request.product_label
        if existing is not None and existing.state == "active":
            return existing
        if not request.images:
            raise ContentRejected(NAME, "images", _("Etsy needs at least one photo to put a listing live"),
                                  fix=_("Add a photo to the product and publish again."), product=product)
        choices = self._listing_choices(request)
        shop_id = self._shop_id()
        images = request.images[: self.capabilities.max_images]
        if existing is None:
            listing = self._api.create_draft(shop_id, self._listing_form(request, choices), product)
            listing_id, have = int(listing["listing_id"]), 0
        else:
            listing_id = int(existing.remote_id)
            # A draft found by its copy may carry another run's tags and price: make its words ours as well.
            self._api.update_listing(shop_id, listing_id, {key: value for key, value in self._listing_form(
                request, choices).items() if key in ("title", "description", "tags")}, product)
            have = len(self._api.get(f"shops/{shop_id}/listings/{listing_id}/images", product=product)
                       .get("results", []))
        # The SKU goes on first, before the photos: from here on find_existing recognises this listing by it.
        self._api.put_inventory(listing_id, self._inventory(request.listing_sku, request.price, request.quantity,
                                                            choices), product)
        for rank, path in enumerate(images[have:], start=have + 1):
            self._api.upload_image(shop_id, listing_id, path, rank, product)
        live = self._api.update_listing(shop_id, listing_id, {"state": "active"}, product)
        return ListingResult(str(listing_id), live.get("url"), _STATES.get(str(live.get("state")), "unknown"),
                             image_count=len(images))

    def _listing_form(self, request: ListingRequest, choices: dict[str, Any]) -> dict[str, str]:
        form = {
            "quantity": str(request.quantity),
            "title": request.copy.title,
            "description": request.copy.text_with_bullets(),
            "price": str(request.price),
            "who_made": str(choices["who_made"]),
            "when_made": str(choices["when_made"]),
            "taxonomy_id": str(choices["taxonomy_id"]),
            "shipping_profile_id": str(choices["shipping_profile_id"]),
            "readiness_state_id": str(choices["readiness_state_id"]),
            "type": "physical",
        }
        if request.copy.tags:
            # Tags cannot contain commas (Etsy allows letters, digits, spaces, - and '), so a comma list is exact.
            form["tags"] = ",".join(request.copy.tags)
        return form

    @staticmethod
    def _inventory(sku: str | None, price: Decimal, quantity: int, choices: dict[str, Any]) -> dict[str, Any]:
        offering: dict[str, Any] = {"price": float(price), "quantity": quantity, "is_enabled": True}
        if choices.get("readiness_state_id"):
            offering["readiness_state_id"] = int(choices["readiness_state_id"])
        return {"products": [{"sku": sku or "", "property_values": [], "offerings": [offering]}]}

    def update(self, remote_id: str, request: ListingRequest) -> ListingResult:
        """Bring a listing's title, description, tags, price, stock and SKU in line with ``request``."""
        choices = self._listing_choices(request)
        form = {"title": request.copy.title, "description": request.copy.text_with_bullets(),
                "tags": ",".join(request.copy.tags)}
        listing = self._api.update_listing(self._shop_id(), int(remote_id), form, request.product_label)
        self._api.put_inventory(int(remote_id), self._inventory(request.listing_sku, request.price,
                                                                request.quantity, choices), request.product_label)
        return ListingResult(remote_id, listing.get("url"), _STATES.get(str(listing.get("state")), "unknown"))

    def update_inventory(self, remote_id: str, *, quantity: int, price: Decimal | None = None,
                         sku: str | None = None, product: str | None = None) -> None:
        """Set stock (and price/SKU when given), keeping what Etsy has for the rest."""
        current = self._api.inventory(int(remote_id), product)
        first = (current.get("products") or [{}])[0]
        offering = (first.get("offerings") or [{}])[0]
        old_price = _money(offering["price"]) if isinstance(offering.get("price"), dict) else Decimal(0)
        body = self._inventory(sku if sku is not None else first.get("sku"), price if price is not None else old_price,
                               quantity, {"readiness_state_id": offering.get("readiness_state_id")})
        self._api.put_inventory(int(remote_id), body, product)

    def delist(self, remote_id: str, *, product: str | None = None) -> ListingResult:
        """Make the listing inactive (it can be activated again later)."""
        listing = self._api.update_listing(self._shop_id(), int(remote_id), {"state": "inactive"}, product)
        return ListingResult(remote_id, listing.get("url"), _STATES.get(str(listing.get("state")), "unknown"))

    def find_existing(self, request: ListingRequest) -> ListingResult | None:
        """The newest draft or live listing carrying this request's SKU (``listing_sku``).

        Etsy keeps no key of SellerDesk's, and a draft gets its SKU in the call after the one that creates it. So
        one more listing is accepted: an empty shell — a draft with no SKU and no photo — with exactly this title
        and description, which is what a create whose answer never came leaves. Copy alone is never enough: a
        listing with a SKU, photos or a live state is someone's finished work (another product may share the copy).
        """
        shop_id = self._shop_id()
        description = request.copy.text_with_bullets()
        shell: dict[str, Any] | None = None
        for state in ("draft", "active"):
            listings = self._api.get(f"shops/{shop_id}/listings", product=request.product_label, state=state,
                                     limit=100, sort_on="created", sort_order="desc").get("results", [])
            for listing in listings:
                skus = listing.get("skus") or []
                if request.listing_sku in skus:
                    return self._found(shop_id, listing, state, request)
                if (shell is None and state == "draft" and not skus and listing.get("title") == request.copy.title
                        and listing.get("description") == description):
                    shell = listing
        if shell is not None:
            found = self._found(shop_id, shell, "draft", request)
            if found.image_count == 0:
                return found
        return None

    def _found(self, shop_id: int, listing: dict[str, Any], state: str, request: ListingRequest) -> ListingResult:
        listing_id = int(listing["listing_id"])
        images = self._api.get(f"shops/{shop_id}/listings/{listing_id}/images",
                               product=request.product_label).get("results", [])
        return ListingResult(str(listing_id), listing.get("url"), _STATES.get(state, "unknown"),
                             image_count=len(images))

    # --- sales and engagement ---

    def fetch_sales(self, since: datetime) -> list[Sale]:
        """Every sold line (transaction) of the shop's receipts created since ``since``."""
        receipts = self._api.paged(f"shops/{self._shop_id()}/receipts", min_created=int(since.timestamp()))
        sales: list[Sale] = []
        for receipt in receipts:
            for line in receipt.get("transactions") or []:
                unit = _money(line["price"])
                quantity = int(line.get("quantity", 1))
                sales.append(Sale(
                    external_id=str(line["transaction_id"]),
                    occurred_at=_when(line.get("create_timestamp") or receipt["create_timestamp"]),
                    amount=unit * quantity, currency=str(line["price"].get("currency_code", "")),
                    quantity=quantity, sku=line.get("sku") or None,
                    remote_listing_id=str(line["listing_id"]) if line.get("listing_id") else None,
                ))
        return sales

    def fetch_engagement(self, remote_ids: list[str]) -> list[Engagement]:
        """Views and favourites of each listing."""
        taken = self.context.now()
        figures = []
        for remote_id in remote_ids:
            listing = self._api.get(f"listings/{int(remote_id)}")
            figures.append(Engagement(remote_id, taken, likes=int(listing.get("num_favorers") or 0),
                                      impressions=int(listing.get("views") or 0)))
        return figures

"""Pinterest (API v5): a product becomes a pin on the seller's chosen board, linking to its shop page.

The pin's picture is the pinterest preset's 2:3 JPEG (with two to five photos, a carousel pin of them), put online
for a moment (Pinterest downloads them when the pin is created) and taken down right after. The board is a
preference; ``new:<name>`` creates that board on the first publish. Trial apps work only against the sandbox
(``platforms.pinterest.sandbox``).

Access tokens last 30 days and continuous refresh tokens 60; SellerDesk renews ahead of expiry (through the sync
service's broker, or the seller's own app) and records the new end date, so the Platforms tab warns in time.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from core.i18n import _
from core.platforms.base import (
    AccountInfo,
    Choice,
    ConnectOptions,
    Engagement,
    ListingRequest,
    ListingResult,
    Platform,
    PlatformContext,
    PreferenceField,
    Sale,
)
from core.platforms.broker import open_sync_service
from core.platforms.claims import taken_by_another
from core.platforms.connections import get_preferences, record_expiry, set_preferences
from core.platforms.errors import ContentRejected, NotSupported
from core.platforms.media_host import hosted
from core.platforms.pinterest_api import NAME, PinterestApi
from core.platforms.social_copy import caption, check_copy, photo_label, product_link, publish_limit
from core.platforms.social_signin import OwnApp, SignIn, choose_route, own_app, sign_in_with_own_app
from core.platforms.tokens import TokenManager, TokenSet, token_secret_names

NEW_BOARD = "new:"


def pin_url(pin_id: str) -> str:
    """Where a pin can be seen."""
    return f"https://www.pinterest.com/pin/{pin_id}/"


class PinterestPlatform(Platform):
    """A Pinterest account's boards and pins."""

    secret_names = token_secret_names(NAME)

    def __init__(self, context: PlatformContext) -> None:
        super().__init__(context)
        self._tokens = TokenManager(NAME, context.secrets, self._refresh,
                                    margin=float(context.spec.auth["refresh_margin_seconds"]), now=context.now,
                                    on_refreshed=self._refreshed)
        self._api = PinterestApi(context, self._tokens)

    def close(self) -> None:
        """Close the HTTP session."""
        self._api.close()

    # --- tokens ---

    def _refresh(self, refresh_token: str) -> TokenSet:
        app = own_app(self.context, NAME)
        if app is not None:
            return self._api.token_call(app, {"grant_type": "refresh_token", "refresh_token": refresh_token},
                                        refreshing=True)
        service = open_sync_service(self.context, NAME)
        try:
            fresh = SignIn.from_broker(service.refresh(refresh_token), self.context.now())
        finally:
            service.close()
        current = self._tokens.current()
        # An answer without a new refresh token leaves the old one (and its end date) in force.
        return TokenSet(fresh.access_token, fresh.refresh_token or refresh_token, fresh.expires_at,
                        fresh.refresh_expires_at if fresh.refresh_token else current.refresh_expires_at)

    def _refreshed(self, tokens: TokenSet) -> None:
        record_expiry(self.context.db, NAME, tokens.refresh_expires_at or tokens.expires_at)

    # --- connection ---

    def connect(self, options: ConnectOptions) -> AccountInfo:
        """Sign in (sync-service broker, or the seller's own app) and find the account."""
        signed = choose_route(self.context, NAME, options, lambda app: self._own_app_sign_in(app, options))
        tokens = TokenSet(signed.access_token, signed.refresh_token, signed.expires_at, signed.refresh_expires_at)
        self._tokens.store(tokens)
        return self._account()

    def _own_app_sign_in(self, app: OwnApp, options: ConnectOptions) -> SignIn:
        def exchange(code: str, verifier: str, redirect_uri: str) -> SignIn:
            form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
            if self.context.spec.auth.get("continuous_refresh"):
                # Apps made before 25 Sep 2025 must ask for continuous refresh tokens (legacy ones are gone).
                form["continuous_refresh"] = "true"
            tokens = self._api.token_call(app, form, refreshing=False)
            return SignIn(tokens.access_token, tokens.expires_at, tokens.refresh_token, tokens.refresh_expires_at)

        return sign_in_with_own_app(self.context, NAME, app, options, exchange,
                                    authorize_url=str(self.context.settings.get("platforms.pinterest.authorize_url")))

    def check_connection(self) -> AccountInfo:
        """Ask Pinterest who SellerDesk is signed in as (renewing the token when it is due)."""
        return self._account()

    def _account(self) -> AccountInfo:
        account = self._api.get("user_account")
        # Read after the call: it may have renewed the tokens, which moves the end date.
        tokens = self._tokens.current()
        username = str(account.get("username", ""))
        return AccountInfo(str(account.get("id") or username), username,
                           expires_at=tokens.refresh_expires_at or tokens.expires_at,
                           preferences={"username": username})

    # --- boards ---

    def _boards(self, product: str | None = None) -> list[dict[str, Any]]:
        return [b for b in self._api.pages("boards", product=product, page_size=100) if isinstance(b, dict)]

    def preference_fields(self) -> list[PreferenceField]:
        """The board pins go to: one of the account's boards, or a new one made on the first publish."""
        name = str(self.context.spec.extra["new_board_name"])
        boards = self._boards()
        choices = [Choice(str(b["id"]), str(b.get("name", ""))) for b in boards]
        if not any(b.get("name") == name for b in boards):
            choices.append(Choice(NEW_BOARD + name, f"Create a new board “{name}”"))
        return [PreferenceField("board_id", "Pinterest board", tuple(choices),
                                help=f"Pins go to this board. To create one with another name: sellerdesk platforms "
                                     f"prefs pinterest board_id='{NEW_BOARD}Board name'.")]

    def create_board(self, name: str, *, product: str | None = None) -> Choice:
        """The board called ``name``: an existing one of that name, else a new public one."""
        for board in self._boards(product):
            if board.get("name") == name:
                return Choice(str(board["id"]), name)
        board = self._api.send("POST", "boards", {"name": name, "privacy": "PUBLIC"}, product=product)
        return Choice(str(board["id"]), str(board.get("name", name)))

    def _board(self, product: str) -> str:
        chosen = str(get_preferences(self.context.db, NAME).get("board_id") or "")
        if not chosen:
            raise ContentRejected(NAME, "board", _("no Pinterest board has been chosen"), product=product,
                                  fix=_("Choose one in the Platforms tab (or: sellerdesk platforms prefs pinterest "
                                        "board_id=ID, or board_id='{new}Board name' to create one).").format(
                                      new=NEW_BOARD))
        if chosen.startswith(NEW_BOARD):
            # Looked up by name first, so a creation whose answer was lost is found instead of made twice.
            board = self.create_board(chosen[len(NEW_BOARD):].strip(), product=product)
            set_preferences(self.context.db, NAME, {"board_id": board.value, "board_name": board.label})
            return board.value
        return chosen

    # --- pins ---

    def _pin_fields(self, request: ListingRequest) -> dict[str, Any]:
        product = request.product_label
        check_copy(request, with_title=True)
        prefs = get_preferences(self.context.db, NAME)
        fields: dict[str, Any] = {"title": request.copy.title, "description": caption(request, with_title=True)}
        link = product_link(self.context.db, request.product_id, self.context.spec.extra["link_from"],
                            prefs.get("shop_url"))
        alt = request.alt_texts[0].strip() if request.alt_texts else ""
        for field, value in (("link", link), ("alt_text", alt)):
            limit = publish_limit(NAME, field)
            if value and limit is not None and len(value) > limit:
                what = f"the alt text of {photo_label(request.images, 0)}" if field == "alt_text" else "the shop link"
                raise ContentRejected(NAME, field, f"{what} is {len(value):,} characters; Pinterest allows "
                                      f"{limit:,}", product=product,
                                      fix="Shorten the photo's alt text in the Products tab." if field == "alt_text"
                                      else "Use a shorter shop_url (sellerdesk platforms prefs pinterest shop_url=…).")
            if value:
                fields[field] = value
        return fields

    def _media_source(self, urls: list[str]) -> dict[str, Any]:
        # One photo: an image pin; two to five: a carousel pin of them (OpenAPI 5.23.0 PinMediaSourceImagesURL).
        if len(urls) == 1:
            return {"source_type": "image_url", "url": urls[0]}
        return {"source_type": "multiple_image_urls", "items": [{"url": url} for url in urls]}

    def _pictures(self, request: ListingRequest) -> tuple[Any, ...]:
        carousel = self.context.spec.extra["carousel"]
        if len(request.images) >= int(carousel["min_images"]):
            return request.images[: int(carousel["max_images"])]
        return request.images[:1]

    def publish(self, request: ListingRequest, *, existing: ListingResult | None = None) -> ListingResult:
        """Pin the product's photo (two to five photos: a carousel pin) to the chosen board, with title,
        description, alt text and shop link."""
        if existing is not None:
            return existing  # a pin is made in one call: one that exists is complete
        product = request.product_label
        if not request.images:
            raise ContentRejected(NAME, "images", _("a pin needs a photo"), product=product,
                                  fix=_("Add a photo to the product and publish again."))
        fields = self._pin_fields(request)
        fields["board_id"] = self._board(product)
        pictures = self._pictures(request)
        with hosted(self.context, NAME, pictures, product) as online:
            fields["media_source"] = self._media_source([picture.url for picture in online])
            try:
                pin = self._api.send("POST", "pins", fields, product=product)
            except ContentRejected as exc:
                if exc.field != "images":
                    raise
                found = re.search(r"items\[(\d+)\]", exc.reason)
                which = photo_label(request.images, int(found.group(1)) if found else 0)
                raise ContentRejected(NAME, "images", _("{photo}: Pinterest could not download it from its public "
                                                        "address ({reason})").format(photo=which, reason=exc.reason),
                                      product=product,
                                      fix=_("Check that the public image host works (sync service or S3 bucket "
                                            "settings), then publish again.")) from exc
        return ListingResult(str(pin["id"]), pin_url(str(pin["id"])), "active", image_count=len(pictures))

    def update(self, remote_id: str, request: ListingRequest) -> ListingResult:
        """Bring the pin's title, description, link and alt text in line with ``request``."""
        self._api.send("PATCH", f"pins/{remote_id}", self._pin_fields(request), product=request.product_label)
        return ListingResult(remote_id, pin_url(remote_id), "active")

    def update_inventory(self, remote_id: str, *, quantity: int, price: Decimal | None = None,
                         sku: str | None = None, product: str | None = None) -> None:
        """Nothing to do: a pin shows no stock (its link leads to the shop page, which does)."""

    def delist(self, remote_id: str, *, product: str | None = None) -> ListingResult:
        """Refused: a pin cannot be hidden, only deleted, and deleting loses its saves."""
        raise NotSupported(NAME, _("a pin cannot be taken off sale, only deleted"), product=product,
                           hint=_("Its link leads to the shop page, which shows the product as sold out. Delete the "
                                  "pin in Pinterest if you want it gone."))

    def find_existing(self, request: ListingRequest) -> ListingResult | None:
        """The pin on the chosen board with exactly this product's title and description that is not another
        product's pin (Pinterest keeps no key of SellerDesk's; see core.platforms.claims)."""
        board = str(get_preferences(self.context.db, NAME).get("board_id") or "")
        if not board or board.startswith(NEW_BOARD):
            return None
        description = caption(request, with_title=True)
        for pin in self._api.pages(f"boards/{board}/pins", product=request.product_label, page_size=50, max_pages=2):
            if (pin.get("title") == request.copy.title and pin.get("description") == description
                    and not taken_by_another(self.context.db, NAME, request.product_id, str(pin["id"]))):
                return ListingResult(str(pin["id"]), pin_url(str(pin["id"])), "active", image_count=1)
        return None

    def fetch_sales(self, since: datetime) -> list[Sale]:
        """Nothing: pins sell nothing themselves."""
        return []

    def fetch_engagement(self, remote_ids: list[str]) -> list[Engagement]:
        """Lifetime reactions, comments, impressions and outbound clicks of each pin."""
        taken = self.context.now()
        figures = []
        for remote_id in remote_ids:
            pin = self._api.get(f"pins/{remote_id}", pin_metrics="true")
            lifetime = (pin.get("pin_metrics") or {}).get("lifetime_metrics") or {}
            got = {key: int(lifetime.get(key) or 0) for key in ("reaction", "comment", "impression", "clickthrough")}
            # A pin's lifetime_metrics are pin_click, impression, clickthrough, reaction and comment (API v5.23):
            # saves are not among them, so they are left unknown rather than recorded as none.
            figures.append(Engagement(remote_id, taken, likes=got["reaction"], comments=got["comment"],
                                      impressions=got["impression"], clicks=got["clickthrough"],
                                      unavailable=("saves",)))
        return figures

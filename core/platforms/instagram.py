"""Instagram (Instagram API with Instagram Login, or with Facebook Login for Business): a product becomes a photo
post or a carousel of up to 10. The route (``platforms.instagram.login``) is chosen in core.platforms.instagram_login.

The pictures are the instagram preset's JPEGs, put online for a few minutes (Instagram downloads them itself) and
taken down as soon as their containers are FINISHED. The caption limits (2,200 characters, 5 hashtags,
20 mentions) and the daily publishing quota are checked before anything is uploaded.

With Instagram Login the long-lived token lasts 60 days and is renewed with ``ig_refresh_token`` (no app secret
needed) once fewer than ``refresh_when_days_left`` days remain; the Platforms tab shows its end date and warns
before it. With Facebook Login the calls carry the linked Page's token, which does not expire.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from core.platforms.base import (
    AccountInfo,
    ConnectOptions,
    Engagement,
    ListingRequest,
    ListingResult,
    Platform,
    PlatformContext,
    PreferenceField,
    Sale,
)
from core.platforms.claims import taken_by_another
from core.platforms.connections import get_preferences, record_expiry
from core.platforms.errors import AuthExpired, ContentRejected, NotSupported, PlatformError
from core.platforms.instagram_login import graph_for, insights_permission, login_route, sign_in_with_facebook
from core.platforms.instagram_publish import NAME, Containers
from core.platforms.media_host import hosted
from core.platforms.social_copy import caption, check_copy, photo_label
from core.platforms.social_signin import OwnApp, SignIn, choose_route, expires_after, sign_in_with_own_app
from core.platforms.tokens import TokenManager, TokenSet, token_secret_names

log = logging.getLogger(__name__)

_INSIGHT_FIELDS = {"reach": "reach", "saved": "saves", "shares": "shares", "views": "impressions"}


class InstagramPlatform(Platform):
    """An Instagram professional (business or creator) account."""

    secret_names = token_secret_names(NAME)

    def __init__(self, context: PlatformContext) -> None:
        super().__init__(context)
        self._host = str(context.settings.get("platforms.instagram.api_base")).rstrip("/")
        self._graph = graph_for(context)
        self._facebook_login = login_route(context) == "facebook"
        days = float(context.spec.auth["refresh_when_days_left"])
        self._tokens = TokenManager(NAME, context.secrets, self._refresh, margin=days * 86400, now=context.now,
                                    on_refreshed=lambda tokens: record_expiry(context.db, NAME, tokens.expires_at))

    def close(self) -> None:
        """Close the HTTP session."""
        self._graph.close()

    # --- tokens ---

    def _refresh(self, token: str) -> TokenSet:
        try:
            body = self._graph.get(f"{self._host}/refresh_access_token", token=None, grant_type="ig_refresh_token",
                                   access_token=token)
        except PlatformError as exc:
            if exc.retryable:
                raise
            raise AuthExpired(NAME, f"would not renew the sign-in ({exc.problem})") from exc
        return self._token_set(str(body["access_token"]), expires_after(self.context.now(), body.get("expires_in")))

    def _token_set(self, token: str, expires_at: datetime | None) -> TokenSet:
        expires = expires_at or expires_after(self.context.now(), self.context.spec.auth["token_seconds"])
        # The long-lived token renews itself: it is its own refresh token, and ends when it does.
        return TokenSet(token, token, expires, expires)

    # --- connection ---

    def connect(self, options: ConnectOptions) -> AccountInfo:
        """Sign in (sync-service broker, or the seller's own app) and find the professional account."""
        if self._facebook_login:
            linked = sign_in_with_facebook(self.context, self._graph, options)
            self._tokens.store(TokenSet(linked.page_token, None, None))  # a Page token: it does not expire
            info = self._account(linked.ig_user_id)
            return replace(info, preferences={**info.preferences, "page_name": linked.page_name})
        signed = choose_route(self.context, NAME, options, lambda app: self._own_app_sign_in(app, options))
        tokens = self._token_set(signed.access_token, signed.expires_at)
        self._tokens.store(tokens)
        return self._account()

    def _own_app_sign_in(self, app: OwnApp, options: ConnectOptions) -> SignIn:
        settings = self.context.settings

        def exchange(code: str, verifier: str, redirect_uri: str) -> SignIn:
            try:
                short = self._graph.call("POST", str(settings.get("platforms.instagram.token_url")), token=None,
                                         idempotent=False, data={
                                             "client_id": app.client_id, "client_secret": app.secret,
                                             "grant_type": "authorization_code", "redirect_uri": redirect_uri,
                                             "code": code})
                short = (short.get("data") or [short])[0]
                # The code gives an hour; ig_exchange_token turns that into the 60-day token.
                long = self._graph.get(f"{self._host}/access_token", token=None, grant_type="ig_exchange_token",
                                       client_secret=app.secret, access_token=short["access_token"])
            except PlatformError as exc:
                if exc.retryable:
                    raise
                raise PlatformError(NAME, f"the sign-in could not be completed; {exc.problem}",
                                    hint="Check platforms.instagram.client_id and the app secret, then connect "
                                         "again.") from exc
            return SignIn(str(long["access_token"]), expires_after(self.context.now(), long.get("expires_in")))

        return sign_in_with_own_app(self.context, NAME, app, options, exchange,
                                    authorize_url=str(settings.get("platforms.instagram.authorize_url")))

    def check_connection(self) -> AccountInfo:
        """Ask Instagram who SellerDesk is signed in as (renewing the token when it is due)."""
        return self._account()

    def _account(self, ig_user_id: str | None = None) -> AccountInfo:
        if self._facebook_login:
            # graph.facebook.com has no /me for the Instagram account: ask its own node.
            me = self._graph.get(ig_user_id or self._user_id(), token=self._tokens.access_token(), fields="id,username")
        else:
            me = self._graph.get("me", token=self._tokens.access_token(), fields="user_id,username")
        user_id = str(me.get("user_id") or me.get("id"))
        username = str(me.get("username", ""))
        # Read after the call: getting a token may have renewed it, which moves the end date.
        expires_at = self._tokens.current().expires_at
        route = "facebook_login" if self._facebook_login else "instagram_login"
        return AccountInfo(user_id, f"@{username}" if username else user_id, expires_at=expires_at,
                           preferences={"ig_user_id": user_id, "username": username, "auth_route": route})

    def _user_id(self) -> str:
        user_id = get_preferences(self.context.db, NAME).get("ig_user_id")
        if not user_id:
            raise AuthExpired.not_connected(NAME)
        return str(user_id)

    def _containers(self) -> Containers:
        return Containers(self.context, self._graph, self._user_id(), self._tokens.access_token)

    def preference_fields(self) -> list[PreferenceField]:
        """Nothing to choose: posts go to the account SellerDesk is signed in as."""
        return []

    # --- posts ---

    def publish(self, request: ListingRequest, *, existing: ListingResult | None = None) -> ListingResult:
        """Check caption and quota, put the pictures online, make and finish the containers, publish."""
        if existing is not None:
            return existing  # only media_publish makes a post, and it makes all of it
        product = request.product_label
        images = request.images[: self.capabilities.max_images]
        if not images:
            raise ContentRejected(NAME, "images", "an Instagram post needs at least one photo", product=product,
                                  fix="Add a photo to the product and publish again.")
        check_copy(request)
        text = caption(request)
        alts = (*request.alt_texts, *[""] * len(images))
        flow = self._containers()
        flow.check_quota(product)
        with hosted(self.context, NAME, images, product) as online:
            if len(images) == 1:
                container = flow.image(online[0].url, photo_label(images, 0), product, caption=text,
                                       alt_text=alts[0])
                flow.wait(container, photo_label(images, 0), product)
            else:
                children = [flow.image(image.url, photo_label(images, i), product, alt_text=alts[i],
                                       carousel_item=True) for i, image in enumerate(online)]
                for i, child in enumerate(children):
                    flow.wait(child, photo_label(images, i), product)
                container = flow.carousel(children, text, product)
                flow.wait(container, "the carousel", product)
        media_id = flow.publish(container, images, product)
        return ListingResult(media_id, self._permalink(media_id), "active", image_count=len(images))

    def _permalink(self, media_id: str) -> str | None:
        try:
            return self._graph.get(media_id, token=self._tokens.access_token(), fields="permalink").get("permalink")
        except PlatformError as exc:
            # The post is live; failing now would look like a failed publish and invite a second post.
            log.warning("instagram: no permalink for %s (%s)", media_id, exc.problem)
            return None

    def update(self, remote_id: str, request: ListingRequest) -> ListingResult:
        """Refused: Instagram does not let apps change a published caption."""
        raise NotSupported(NAME, "Instagram does not let apps change a published post", product=request.product_label,
                            hint="Edit the caption in the Instagram app (… → Edit).")

    def update_inventory(self, remote_id: str, *, quantity: int, price: Decimal | None = None,
                         sku: str | None = None, product: str | None = None) -> None:
        """Nothing to do: an Instagram post shows no stock."""

    def delist(self, remote_id: str, *, product: str | None = None) -> ListingResult:
        """Refused: Instagram does not let apps hide or archive a post."""
        raise NotSupported(NAME, "Instagram does not let apps hide or archive a post", product=product,
                            hint="Archive the post in the Instagram app (… → Archive); it can be shown again later.")

    def find_existing(self, request: ListingRequest) -> ListingResult | None:
        """The account's recent post with exactly this product's caption that is not another product's post
        (Instagram keeps no key of SellerDesk's; see core.platforms.claims)."""
        text = caption(request).strip()
        posts = self._graph.get(f"{self._user_id()}/media", token=self._tokens.access_token(),
                                product=request.product_label, fields="id,caption,permalink", limit=25).get("data", [])
        for post in posts:
            if str(post.get("caption", "")).strip() == text and not taken_by_another(
                    self.context.db, NAME, request.product_id, str(post["id"])):
                return ListingResult(str(post["id"]), post.get("permalink"), "active")
        return None

    def fetch_sales(self, since: datetime) -> list[Sale]:
        """Nothing: Instagram posts sell nothing themselves."""
        return []

    # --- engagement ---

    def fetch_engagement(self, remote_ids: list[str]) -> list[Engagement]:
        """Likes and comments of each post, plus reach, saves and shares from its insights."""
        token = self._tokens.access_token()
        metrics = list(self.context.spec.extra["engagement"]["insights_metrics"])
        taken = self.context.now()
        figures = []
        for remote_id in remote_ids:
            media = self._graph.get(remote_id, token=token, fields="like_count,comments_count")
            counts = {"likes": int(media.get("like_count") or 0), "comments": int(media.get("comments_count") or 0)}
            found, problem = self._insights(remote_id, token, metrics)
            counts.update(found)
            missing = tuple(sorted({_INSIGHT_FIELDS[m] for m in metrics if m in _INSIGHT_FIELDS} - found.keys()))
            figures.append(Engagement(remote_id, taken, **counts, unavailable=missing,
                                      problem=problem or (f"{', '.join(missing)} unavailable" if missing else None)))
        return figures

    def _insights(self, remote_id: str, token: str, metrics: list[str]) -> tuple[dict[str, int], str | None]:
        try:
            data = self._graph.get(f"{remote_id}/insights", token=token, metric=",".join(metrics)).get("data", [])
        except PlatformError as exc:
            if exc.retryable or isinstance(exc, AuthExpired):
                raise
            log.info("instagram: no insights for %s (%s)", remote_id, exc.problem)
            return {}, (f"insights are unavailable: {exc.problem} (reconnect Instagram to grant "
                        f"{insights_permission(self.context)})")
        found: dict[str, int] = {}
        for entry in data:
            field = _INSIGHT_FIELDS.get(str(entry.get("name")))
            if field is None:
                continue
            total = entry.get("total_value") or (entry.get("values") or [{}])[-1]
            found[field] = int(total.get("value") or 0)
        return found, None

"""Facebook Pages (Graph API): sign in, choose the Page, post the product with its photos, read engagement back.

One photo is posted with ``POST /{page-id}/photos`` (caption on the photo); several are uploaded unpublished and
then attached to one ``POST /{page-id}/feed``. Photos are sent as file uploads (``source``), so Facebook needs no
public image host. Posting uses the Page's own token, which does not expire when it was obtained from a
long-lived user token, so the connection has no end date to warn about; the user token only lists the Pages.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

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
from core.platforms.claims import taken_by_another
from core.platforms.connections import get_preferences
from core.platforms.errors import AuthExpired, ContentRejected, PlatformError
from core.platforms.media_host import read_picture
from core.platforms.meta_errors import ImageRejected
from core.platforms.meta_graph import GraphApi
from core.platforms.social_copy import caption, check_copy, photo_label, product_link
from core.platforms.social_signin import OwnApp, SignIn, choose_route, expires_after, sign_in_with_own_app

log = logging.getLogger(__name__)

NAME = "facebook"
USER_TOKEN = "facebook:user_token"  # noqa: S105 (secret names, not secrets)
PAGE_TOKENS = "facebook:page_tokens"
_POSTING_TASKS = frozenset({"CREATE_CONTENT", "MANAGE"})
_ENGAGEMENT_FIELDS = "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares"


class FacebookPlatform(Platform):
    """A Facebook Page the seller manages."""

    # The seller's own app secret (if any) stays on disconnect, like Etsy's: it belongs to the app, not the sign-in.
    secret_names = (USER_TOKEN, PAGE_TOKENS)

    def __init__(self, context: PlatformContext) -> None:
        super().__init__(context)
        settings = context.settings
        self._version = str(settings.get("platforms.facebook.api_version"))
        self._graph = GraphApi(context, NAME, str(settings.get("platforms.facebook.api_base")), self._version)
        self._page_tokens: dict[str, str] | None = None

    def close(self) -> None:
        """Close the HTTP session."""
        self._graph.close()

    # --- connection ---

    def connect(self, options: ConnectOptions) -> AccountInfo:
        """Sign in (sync-service broker, or the seller's own app), then list the Pages the seller may post to."""
        signed = choose_route(self.context, NAME, options, lambda app: self._own_app_sign_in(app, options))
        me = self._graph.get("me", token=signed.access_token, fields="id,name")
        pages = self._pages(signed.access_token, str(me["id"]))
        self._page_tokens = {p["id"]: p["access_token"] for p in pages}
        self.context.secrets.set_many({USER_TOKEN: signed.access_token, PAGE_TOKENS: json.dumps(self._page_tokens)})
        usable = [p for p in pages if _can_post(p)]
        if not usable:
            raise PlatformError(NAME, f"{me.get('name', 'this account')} cannot post to any Facebook Page",
                                hint="Create a Page (or ask its admin for a role that can create content), then "
                                     "connect again and select that Page when Facebook asks.")
        chosen = get_preferences(self.context.db, NAME).get("page_id")
        page = next((p for p in usable if p["id"] == chosen), usable[0] if len(usable) == 1 else None)
        if page is None:
            return AccountInfo(str(me["id"]), str(me.get("name", "")))
        return AccountInfo(page["id"], page["name"], preferences={"page_id": page["id"], "page_name": page["name"]})

    def _own_app_sign_in(self, app: OwnApp, options: ConnectOptions) -> SignIn:
        return own_app_sign_in(self.context, self._graph, self._version, app, options)

    def _pages(self, user_token: str, user_id: str) -> list[dict[str, Any]]:
        pages = self._graph.pages(f"{user_id}/accounts", token=user_token, fields="id,name,access_token,tasks")
        return [{"id": str(p["id"]), "name": str(p.get("name", "")), "access_token": str(p.get("access_token", "")),
                 "tasks": list(p.get("tasks") or [])} for p in pages if p.get("id")]

    def check_connection(self) -> AccountInfo:
        """Ask Facebook for the chosen Page (with its token), or for the signed-in person before one is chosen."""
        page_id = get_preferences(self.context.db, NAME).get("page_id")
        if page_id:
            page = self._graph.get(str(page_id), token=self._page_token(str(page_id), None), fields="id,name")
            return AccountInfo(str(page["id"]), str(page.get("name", "")), preferences={"page_name": page.get("name")})
        me = self._graph.get("me", token=self._user_token(), fields="id,name")
        return AccountInfo(str(me["id"]), str(me.get("name", "")))

    def _user_token(self) -> str:
        token = self.context.secrets.get(USER_TOKEN)
        if not token:
            raise AuthExpired.not_connected(NAME)
        return token

    def _store_pages(self, pages: list[dict[str, Any]]) -> None:
        self._page_tokens = {p["id"]: p["access_token"] for p in pages}
        self.context.secrets.set(PAGE_TOKENS, json.dumps(self._page_tokens))

    def _page_token(self, page_id: str, product: str | None) -> str:
        if self._page_tokens is None:
            # Read once per session: every keychain read is audited, and posting reads the token many times.
            self._page_tokens = dict(json.loads(self.context.secrets.get(PAGE_TOKENS) or "{}"))
        tokens = self._page_tokens
        if page_id not in tokens:
            user_token = self._user_token()
            me = self._graph.get("me", token=user_token, fields="id")
            self._store_pages(self._pages(user_token, str(me["id"])))
            tokens = self._page_tokens
        if page_id not in tokens:
            raise PlatformError(NAME, f"SellerDesk has no access to the chosen Page ({page_id})", product=product,
                                hint="Reconnect Facebook and select that Page when Facebook asks which Pages "
                                     "SellerDesk may use, or choose another Page in the Platforms tab.")
        return str(tokens[page_id])

    def _page(self, product: str | None) -> tuple[str, str]:
        page_id = get_preferences(self.context.db, NAME).get("page_id")
        if not page_id:
            raise ContentRejected(NAME, "page", "no Facebook Page has been chosen", product=product,
                                  fix="Choose the Page in the Platforms tab (or: sellerdesk platforms prefs facebook "
                                      "page_id=ID; see the Pages with: sellerdesk platforms prefs facebook --options).")
        return str(page_id), self._page_token(str(page_id), product)

    # --- the seller's choices ---

    def preference_fields(self) -> list[PreferenceField]:
        """The Page to post to, from the Pages where the seller's role may create content."""
        user_token = self._user_token()
        me = self._graph.get("me", token=user_token, fields="id")
        pages = self._pages(user_token, str(me["id"]))
        self._store_pages(pages)
        left_out = [p["name"] for p in pages if not _can_post(p)]
        note = f" Not listed (your role there cannot create content): {', '.join(left_out)}." if left_out else ""
        return [PreferenceField("page_id", "Facebook Page",
                                tuple(Choice(p["id"], p["name"]) for p in pages if _can_post(p)),
                                help="Products are posted to this Page." + note)]

    # --- posts ---

    def _link(self, request: ListingRequest) -> str | None:
        prefs = get_preferences(self.context.db, NAME)
        return product_link(self.context.db, request.product_id, self.context.spec.extra["post"]["link_from"],
                            prefs.get("shop_url"))

    def _message(self, request: ListingRequest, link: str | None) -> str:
        text = caption(request)
        if link and request.images:
            text += "\n\n" + str(self.context.spec.extra["post"]["link_line"]).format(url=link)
        return text

    def publish(self, request: ListingRequest, *, existing: ListingResult | None = None) -> ListingResult:
        """Post the product on the chosen Page: one photo, several photos in one post, or text with the link."""
        if existing is not None:
            return existing  # a post is never half-made: the photos of a lost attempt stay unpublished and vanish
        product = request.product_label
        check_copy(request)
        page_id, token = self._page(product)
        link = self._link(request)
        message = self._message(request, link)
        images = request.images[: self.capabilities.max_images]
        if not images:
            post = self._graph.post(f"{page_id}/feed", token=token, product=product, message=message, link=link)
            post_id = str(post["id"])
        elif len(images) == 1:
            post = self._upload(page_id, token, images, 0, product, caption=message)
            post_id = str(post.get("post_id") or post["id"])
        else:
            photo_ids = [str(self._upload(page_id, token, images, i, product, published="false")["id"])
                         for i in range(len(images))]
            attached = {f"attached_media[{i}]": json.dumps({"media_fbid": pid}) for i, pid in enumerate(photo_ids)}
            post_id = str(self._graph.call("POST", f"{page_id}/feed", token=token, product=product,
                                           data={"message": message, **attached})["id"])
        return ListingResult(post_id, self._permalink(post_id, token), "active", image_count=len(images))

    def _upload(self, page_id: str, token: str, images: tuple[Path, ...], index: int, product: str,
                **form: str) -> dict[str, Any]:
        data, content_type, _ = read_picture(NAME, images[index], product)
        # An unpublished photo is seen by nobody and vanishes in a day: sending it again is harmless.
        try:
            return self._graph.call("POST", f"{page_id}/photos", token=token, product=product,
                                    idempotent=form.get("published") == "false", data=form,
                                    files={"source": (images[index].name, data, content_type)})
        except ImageRejected as exc:
            raise exc.for_image(photo_label(images, index)) from exc

    def _permalink(self, post_id: str, token: str) -> str:
        try:
            found = self._graph.get(post_id, token=token, fields="permalink_url")
        except PlatformError as exc:
            # The post is live; failing now would look like a failed publish and invite a duplicate.
            log.warning("facebook: no permalink for %s (%s)", post_id, exc.problem)
            found = {}
        return str(found.get("permalink_url") or f"https://www.facebook.com/{post_id}")

    def update(self, remote_id: str, request: ListingRequest) -> ListingResult:
        """Replace the post's text with the current approved copy."""
        check_copy(request)
        _, token = self._page(request.product_label)
        self._graph.post(remote_id, token=token, product=request.product_label, idempotent=True,
                         message=self._message(request, self._link(request)))
        return ListingResult(remote_id, self._permalink(remote_id, token), "active")

    def update_inventory(self, remote_id: str, *, quantity: int, price: Decimal | None = None,
                         sku: str | None = None, product: str | None = None) -> None:
        """Nothing to do: a Page post shows no stock (its link leads to the shop page, which does)."""

    def delist(self, remote_id: str, *, product: str | None = None) -> ListingResult:
        """Hide the post from the Page's timeline (it can be shown again in Meta Business Suite)."""
        _, token = self._page(product)
        self._graph.post(remote_id, token=token, product=product, idempotent=True, is_hidden="true")
        return ListingResult(remote_id, None, "inactive")

    def find_existing(self, request: ListingRequest) -> ListingResult | None:
        """The Page's recent post with exactly this product's text that is not another product's post (Facebook
        keeps no key of SellerDesk's; see core.platforms.claims)."""
        product = request.product_label
        page_id, token = self._page(product)
        message = self._message(request, self._link(request)).strip()
        posts = self._graph.get(f"{page_id}/posts", token=token, product=product,
                                fields="id,message,permalink_url", limit=25).get("data", [])
        for post in posts:
            if str(post.get("message", "")).strip() == message and not taken_by_another(
                    self.context.db, NAME, request.product_id, str(post["id"])):
                return ListingResult(str(post["id"]), post.get("permalink_url"), "active")
        return None

    def fetch_sales(self, since: datetime) -> list[Sale]:
        """Nothing: Facebook Page posts sell nothing themselves (sales come from the linked shop)."""
        return []

    # --- engagement ---

    def fetch_engagement(self, remote_ids: list[str]) -> list[Engagement]:
        """Reactions, comments, shares and reach of each post."""
        _, token = self._page(None)
        taken = self.context.now()
        figures = []
        for remote_id in remote_ids:
            post = self._graph.get(remote_id, token=token, fields=_ENGAGEMENT_FIELDS)
            reach, problem = self._reach(remote_id, token)
            figures.append(Engagement(
                remote_id, taken, likes=_total(post.get("reactions")), comments=_total(post.get("comments")),
                shares=int((post.get("shares") or {}).get("count", 0)), reach=reach or 0,
                unavailable=("reach",) if reach is None else (), problem=problem))
        return figures

    def _reach(self, remote_id: str, token: str) -> tuple[int | None, str | None]:
        metric = str(self.context.spec.extra["engagement"]["reach_metric"])
        try:
            data = self._graph.get(f"{remote_id}/insights", token=token, metric=metric).get("data", [])
        except PlatformError as exc:
            if exc.retryable or isinstance(exc, AuthExpired):
                raise
            # Facebook gives post insights only to Pages with enough followers (and renames metrics): the other
            # figures still count, and the seller is told reach is unavailable rather than shown a false 0.
            log.info("facebook: no reach for %s (%s)", remote_id, exc.problem)
            return None, f"reach ({metric}) is unavailable: {exc.problem}"
        for entry in data:
            values = entry.get("values") or [{}]
            return int(values[-1].get("value") or 0), None
        return None, f"reach ({metric}) is unavailable: Facebook sent no figure"


def own_app_sign_in(context: PlatformContext, graph: GraphApi, version: str, app: OwnApp,
                    options: ConnectOptions) -> SignIn:
    """Facebook Login with the seller's own app: consent page, code → short-lived → long-lived (~60 days) user
    token. Also Instagram's Facebook Login route (``context`` then carries Instagram's scopes)."""
    platform = context.spec.name

    def exchange(code: str, verifier: str, redirect_uri: str) -> SignIn:
        try:
            short = graph.get("oauth/access_token", token=None, client_id=app.client_id, client_secret=app.secret,
                              redirect_uri=redirect_uri, code=code, code_verifier=verifier)
            # The short-lived token lasts an hour; the long-lived one (~60 days) is what Page tokens come from.
            long = graph.get("oauth/access_token", token=None, grant_type="fb_exchange_token",
                             client_id=app.client_id, client_secret=app.secret,
                             fb_exchange_token=short["access_token"])
        except PlatformError as exc:
            if exc.retryable:
                raise
            raise PlatformError(platform, f"the sign-in could not be completed; {exc.problem}",
                                hint="Check platforms.facebook.client_id and the Facebook app secret, then connect "
                                     "again.") from exc
        return SignIn(str(long["access_token"]), expires_after(context.now(), long.get("expires_in")))

    authorize_url = str(context.settings.get("platforms.facebook.authorize_url"))
    return sign_in_with_own_app(context, "facebook", app, options, exchange,
                                authorize_url=authorize_url.replace("{version}", version))


def _can_post(page: dict[str, Any]) -> bool:
    return bool(page.get("access_token")) and bool(_POSTING_TASKS & set(page.get("tasks") or []))


def _total(edge: Any) -> int:
    summary = edge.get("summary") if isinstance(edge, dict) else None
    return int(summary.get("total_count", 0)) if isinstance(summary, dict) else 0

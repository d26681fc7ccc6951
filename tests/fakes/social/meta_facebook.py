"""The Facebook Pages half of the Graph stand-in: user and Page tokens, /accounts, photos, feed posts, engagement."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.fakes.social.graph_base import GraphFailure, Token
from tests.fakes.social.media_fetcher import FB_MAX_BYTES, FetchFailed, fetch, read_picture
from tests.fakes.social.meta_instagram import IG_USER, LINKED_PAGE
from tests.fakes.social.meta_instagram import USERNAME as IG_USERNAME

if TYPE_CHECKING:
    from tests.fakes.social.meta import MetaStandIn

DAY = 86400
USER_ID, USER_NAME = "10001", "Asha Sharma"
_POSTING_TASKS = {"CREATE_CONTENT", "MANAGE"}

REACH_METRIC = "post_total_media_view_unique"  # replaces the deprecated post_impressions_unique


@dataclass
class Page:
    id: str
    name: str
    tasks: list[str]
    blocked: bool = False


@dataclass
class Post:
    id: str
    page: str
    message: str
    photos: list[str]
    link: str | None = None
    hidden: bool = False
    reactions: int = 0
    comments: int = 0
    shares: int = 0
    reach: int = 0


@dataclass
class Photo:
    id: str
    page: str
    format: str
    width: int
    height: int
    published: bool
    attached_to: str | None = None
    caption: str = ""


@dataclass
class FacebookState:
    pages: dict[str, Page] = field(default_factory=lambda: {
        "2001": Page("2001", "Asha's Pottery", ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"]),
        "2002": Page("2002", "Pottery Fans Club", ["ANALYZE"]),
    })
    posts: dict[str, Post] = field(default_factory=dict)
    photos: dict[str, Photo] = field(default_factory=dict)


class FacebookGraph:
    """graph.facebook.com as far as SellerDesk uses it."""

    def __init__(self, stand_in: MetaStandIn) -> None:
        self.stand_in = stand_in
        self.state = FacebookState()
        self._ids = itertools.count(9_000_001)

    def _failure(self, code: int, message: str, **kw: Any) -> GraphFailure:
        return GraphFailure(code, message, **kw)

    # --- OAuth token endpoint (GET /oauth/access_token): code exchange and fb_exchange_token ---

    def token_endpoint(self, q: dict[str, Any]) -> dict[str, Any]:
        app_id, secret = self.stand_in.apps["facebook"]
        if q.get("client_id") != app_id or q.get("client_secret") != secret:
            raise self._failure(1, "Error validating client secret.")
        if q.get("grant_type") == "fb_exchange_token":
            short = self.stand_in.tokens.get(str(q.get("fb_exchange_token")))
            if short is None or short.kind != "user":
                raise self._failure(190, "Invalid OAuth access token - Cannot parse access token")
            token = self.stand_in.issue("user", USER_ID, short.scopes, 60 * DAY)
            return {"access_token": token, "token_type": "bearer", "expires_in": 60 * DAY - 56}
        scopes = self.stand_in.take_code("facebook", str(q.get("code", "")), str(q.get("redirect_uri", "")))
        token = self.stand_in.issue("user", USER_ID, scopes, 5400)
        return {"access_token": token, "token_type": "bearer", "expires_in": 5400}

    # --- test helpers ---

    def engage(self, post_id: str, **figures: int) -> None:
        for key, value in figures.items():
            setattr(self.state.posts[post_id], key, value)

    def post_by_message(self, text: str) -> Post | None:
        return next((p for p in self.state.posts.values() if p.message == text), None)

    # --- Graph nodes ---

    def route(self, method: str, parts: list[str], params: dict[str, Any], token: Token) -> tuple[int, Any]:
        node = parts[0]
        edge = parts[1] if len(parts) > 1 else ""
        if self.stand_in.instagram.owns(node):  # Instagram through Facebook Login, on this host
            return self.stand_in.instagram.route(method, parts, params, token, login="facebook")
        if node == "me" and method == "GET":
            return 200, self._me(token)
        if edge == "accounts" and method == "GET":
            return 200, self._accounts(node, token, params)
        if node in self.state.pages:
            return self._page(method, self.state.pages[node], edge, params, token)
        if node in self.state.posts:
            return self._post(method, self.state.posts[node], edge, params, token)
        raise self._failure(100, f"(#100) Unsupported {method.lower()} request. Object with ID '{node}' does not "
                                 "exist, cannot be loaded due to missing permissions, or does not support this "
                                 "operation.", subcode=33)

    def _me(self, token: Token) -> dict[str, Any]:
        if token.kind != "user":
            raise self._failure(100, "(#100) Tried accessing nonexisting field (name) on node type (Page)")
        return {"id": USER_ID, "name": USER_NAME}

    def _accounts(self, user_id: str, token: Token, params: dict[str, Any]) -> dict[str, Any]:
        if token.kind != "user" or user_id != USER_ID:
            raise self._failure(100, "(#100) Tried accessing nonexisting field (accounts)")
        if "pages_show_list" not in token.scopes:
            raise self._failure(10, "(#10) This endpoint requires the 'pages_show_list' permission.")
        data = []
        for page in self.state.pages.values():
            page_token = next((t.value for t in self.stand_in.tokens.values()
                               if t.kind == "page" and t.subject == page.id and t.scopes == token.scopes), None)
            if page_token is None:
                # Page tokens from a long-lived user token do not expire (platform-facts.md).
                page_token = self.stand_in.issue("page", page.id, token.scopes, None)
            entry = {"id": page.id, "name": page.name, "access_token": page_token, "tasks": page.tasks,
                     "category": "Shopping & retail"}
            if page.id == LINKED_PAGE and "instagram_business_account" in str(params.get("fields", "")) \
                    and "instagram_basic" in token.scopes:
                entry["instagram_business_account"] = {"id": IG_USER, "username": IG_USERNAME}
            data.append(entry)
        return {"data": data, "paging": {"cursors": {"before": "QVFIA", "after": "QVFIB"}}}

    def _need(self, token: Token, page: Page, scope: str, *, posting: bool = False) -> None:
        if token.kind != "page" or token.subject != page.id:
            raise self._failure(190, "(#190) This method must be called with a Page Access Token")
        if scope not in token.scopes:
            raise self._failure(200, f"(#200) The user hasn't authorized the application to perform this action "
                                     f"(missing permission {scope})")
        if posting and not _POSTING_TASKS & set(page.tasks):
            raise self._failure(200, "(#200) The user does not have a role on this Page that may create content")

    def _page(self, method: str, page: Page, edge: str, params: dict[str, Any], token: Token) -> tuple[int, Any]:
        if method == "GET" and edge == "":
            self._need(token, page, "pages_show_list")
            return 200, {"id": page.id, "name": page.name}
        if method == "GET" and edge == "posts":
            self._need(token, page, "pages_read_engagement")
            posts = [p for p in reversed(list(self.state.posts.values())) if p.page == page.id]
            limit = int(params.get("limit", 25))
            return 200, {"data": [{"id": p.id, "message": p.message, "permalink_url": _permalink(p.id)}
                                  for p in posts[:limit]]}
        if method == "POST" and edge in ("photos", "feed"):
            self._need(token, page, "pages_manage_posts", posting=True)
            if page.blocked:
                raise self._failure(368, "It looks like you were misusing this feature by going too fast. You've "
                                         "been temporarily blocked from using it.", subcode=1390008)
            return 200, self._photo(page, params) if edge == "photos" else self._feed(page, params)
        raise self._failure(100, f"(#100) Unsupported {method.lower()} request on Page edge '{edge}'")

    def _check_duplicate(self, page: Page, message: str) -> None:
        if message and any(p.page == page.id and p.message == message for p in self.state.posts.values()):
            raise self._failure(506, "(#506) Duplicate status message")

    def _photo(self, page: Page, params: dict[str, Any]) -> dict[str, Any]:
        files = params.get("_files") or {}
        try:
            if "source" in files:
                picture = read_picture(files["source"][1], files["source"][0])
            elif params.get("url"):
                picture = fetch(str(params["url"]))
            else:
                raise self._failure(324, "(#324) Requires upload file")
        except FetchFailed as exc:
            raise self._failure(324, f"(#324) Missing or invalid image file ({exc})") from None
        if picture.size >= FB_MAX_BYTES:
            raise self._failure(100, "(#100) The photo is larger than 10 MB")
        published = str(params.get("published", "true")).lower() != "false"
        photo = Photo(str(next(self._ids)), page.id, picture.format, picture.width, picture.height, published,
                      caption=str(params.get("caption", "")))
        self.state.photos[photo.id] = photo
        if not published:
            return {"id": photo.id}
        self._check_duplicate(page, photo.caption)
        post = Post(f"{page.id}_{next(self._ids)}", page.id, photo.caption, [photo.id])
        photo.attached_to = post.id
        self.state.posts[post.id] = post
        return {"id": photo.id, "post_id": post.id}

    def _feed(self, page: Page, params: dict[str, Any]) -> dict[str, Any]:
        message = str(params.get("message", ""))
        attached: list[str] = []
        for i in itertools.count():
            raw = params.get(f"attached_media[{i}]")
            if raw is None:
                break
            photo = self.state.photos.get(str(json.loads(raw).get("media_fbid")))
            if photo is None or photo.page != page.id or photo.published or photo.attached_to:
                raise self._failure(100, f"(#100) attached_media[{i}] is not an unpublished photo of this Page")
            attached.append(photo.id)
        if not message and not attached and not params.get("link"):
            raise self._failure(100, "(#100) A post needs a message, a link or attached media")
        self._check_duplicate(page, message)
        post = Post(f"{page.id}_{next(self._ids)}", page.id, message, attached, link=params.get("link"))
        for photo_id in attached:
            self.state.photos[photo_id].attached_to = post.id
        self.state.posts[post.id] = post
        return {"id": post.id}

    def _post(self, method: str, post: Post, edge: str, params: dict[str, Any], token: Token) -> tuple[int, Any]:
        page = self.state.pages[post.page]
        if method == "POST" and edge == "":
            self._need(token, page, "pages_manage_posts", posting=True)
            if "message" in params:
                post.message = str(params["message"])
            if "is_hidden" in params:
                post.hidden = str(params["is_hidden"]).lower() == "true"
            return 200, {"success": True}
        self._need(token, page, "pages_read_engagement")
        if method == "GET" and edge == "insights":
            # Meta's deprecated-metrics list: the old name answers with the invalid-metric error, like any unknown one.
            if params.get("metric") != REACH_METRIC:
                raise self._failure(100, "(#100) The value must be a valid insights metric")
            return 200, {"data": [{"name": REACH_METRIC, "period": "lifetime", "values": [{"value": post.reach}],
                                   "id": f"{post.id}/insights/{REACH_METRIC}/lifetime"}]}
        if method == "GET" and edge == "":
            fields = str(params.get("fields", "id")).split(",")
            body: dict[str, Any] = {"id": post.id}
            for name in fields:
                base = name.split(".", 1)[0]
                if base == "permalink_url":
                    body[base] = _permalink(post.id)
                elif base == "message":
                    body[base] = post.message
                elif base in ("reactions", "comments"):
                    body[base] = {"data": [], "summary": {"total_count": getattr(post, base)}}
                elif base == "shares" and post.shares:
                    body[base] = {"count": post.shares}
            return 200, body
        raise self._failure(100, f"(#100) Unsupported {method.lower()} request on post edge '{edge}'")


def _permalink(post_id: str) -> str:
    page, _, story = post_id.partition("_")
    return f"https://www.facebook.com/{page}/posts/{story}"

"""The Instagram half of the Graph stand-in: Instagram Login tokens, the publishing quota, media containers whose
status moves IN_PROGRESS → FINISHED (or ERROR / EXPIRED), carousels, media_publish, and engagement.

Containers really download their image_url (tests.fakes.social.media_fetcher): an unreachable URL fails at
creation (9004/2207052), a wrong size or shape fails at creation (2207004, 2207009), and a PNG is accepted at
creation but refused at media_publish with code 100 / subcode 2207003, as in production.
"""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.fakes.http_stand_in import Reply
from tests.fakes.social.graph_base import GraphFailure, Token
from tests.fakes.social.media_fetcher import Fetched, FetchFailed, fetch, instagram_shape_problem

if TYPE_CHECKING:
    from tests.fakes.social.meta import MetaStandIn

DAY = 86400
IG_USER, USERNAME = "17841400000000001", "ashapottery"
# Hashtags: at most 5 per post since Instagram's December 2025 change (platform-facts.md); the old limit was 30.
MAX_CAPTION, MAX_HASHTAGS, MAX_MENTIONS, MAX_CHILDREN = 2200, 5, 20, 10
PUBLISH_SCOPE = "instagram_business_content_publish"
INSIGHTS_SCOPE = "instagram_business_manage_insights"  # media insights (platform-facts.md)
# The same account reached through Facebook Login (graph.facebook.com): Facebook's token kinds and permission names.
FACEBOOK_LOGIN = {"kinds": ("user", "page"), "publish": "instagram_content_publish",
                  "insights": "instagram_manage_insights", "read": "instagram_basic"}
LINKED_PAGE = "2001"  # the Facebook Page this Instagram account is linked to


@dataclass
class Container:
    id: str
    picture: Fetched | None
    caption: str
    carousel_item: bool
    children: list[str] = field(default_factory=list)
    polls_left: int = 0
    outcome: str = "FINISHED"
    status: str = "IN_PROGRESS"


@dataclass
class Media:
    id: str
    caption: str
    children: list[str]
    like_count: int = 0
    comments_count: int = 0
    reach: int = 0
    saved: int = 0
    shares: int = 0


class InstagramGraph:
    """graph.instagram.com as far as SellerDesk uses it."""

    def __init__(self, stand_in: MetaStandIn, *, in_progress_polls: int) -> None:
        self.stand_in = stand_in
        self.in_progress_polls = in_progress_polls
        self.next_outcome = "FINISHED"  # what the next containers end as: FINISHED, ERROR, EXPIRED or STUCK
        self.quota_usage = 0
        self.quota_total = 100
        self.containers: dict[str, Container] = {}
        self.media: dict[str, Media] = {}
        self.fetched: list[str] = []
        self._ids = itertools.count(18_000_000_001)

    # --- Instagram Login tokens ---

    def code_endpoint(self, form: dict[str, Any]) -> Reply:
        """POST api.instagram.com/oauth/access_token: the code → a short-lived token (its own error shape)."""
        app_id, secret = self.stand_in.apps["instagram"]
        if form.get("client_id") != app_id or form.get("client_secret") != secret:
            return Reply.json(400, {"error_type": "OAuthException", "code": 400,
                                    "error_message": "Invalid platform app"})
        try:
            scopes = self.stand_in.take_code("instagram", str(form.get("code", "")), str(form.get("redirect_uri")))
        except GraphFailure:
            return Reply.json(400, {"error_type": "OAuthException", "code": 400,
                                    "error_message": "Invalid authorization code"})
        token = self.stand_in.issue("ig", IG_USER, scopes, 3600)
        return Reply.json(200, {"data": [{"access_token": token, "user_id": IG_USER,
                                          "permissions": ",".join(sorted(scopes))}]})

    def long_lived(self, action: str, q: dict[str, Any]) -> dict[str, Any]:
        """``access_token`` (ig_exchange_token, needs the app secret) or ``refresh_access_token``."""
        token = self.stand_in.tokens.get(str(q.get("access_token")))
        if token is None or token.kind != "ig" or token.revoked is not None:
            raise GraphFailure(190, "Invalid OAuth access token - Cannot parse access token")
        if action == "access_token":
            if q.get("grant_type") != "ig_exchange_token" or q.get("client_secret") != self.stand_in.apps[
                    "instagram"][1]:
                raise GraphFailure(101, "Error validating client secret.")
        else:
            if q.get("grant_type") != "ig_refresh_token":
                raise GraphFailure(100, "Unsupported grant type")
            if token.issued > time.time() - DAY:
                raise GraphFailure(100, "The access token must be at least 24 hours old to be refreshed.")
        fresh = self.stand_in.issue("ig", IG_USER, token.scopes, 60 * DAY)
        return {"access_token": fresh, "token_type": "bearer", "expires_in": 60 * DAY}

    # --- test helpers ---

    def engage(self, media_id: str, **figures: int) -> None:
        for key, value in figures.items():
            setattr(self.media[media_id], key, value)

    # --- Graph nodes ---

    def owns(self, node: str) -> bool:
        """Whether a graph.facebook.com node is this Instagram account or one of its containers or posts."""
        return node == IG_USER or node in self.containers or node in self.media

    def route(self, method: str, parts: list[str], params: dict[str, Any], token: Token, *,
              login: str = "instagram") -> tuple[int, Any]:
        node = parts[0]
        edge = parts[1] if len(parts) > 1 else ""
        publish, insights = PUBLISH_SCOPE, INSIGHTS_SCOPE
        if login == "facebook":
            publish, insights = FACEBOOK_LOGIN["publish"], FACEBOOK_LOGIN["insights"]
            if token.kind not in FACEBOOK_LOGIN["kinds"] or (token.kind == "page" and token.subject != LINKED_PAGE):
                raise GraphFailure(190, "Invalid OAuth access token - Cannot parse access token")
            if FACEBOOK_LOGIN["read"] not in token.scopes:
                raise GraphFailure(10, "(#10) Application does not have permission for this action")
        elif token.kind != "ig":
            raise GraphFailure(190, "Invalid OAuth access token - Cannot parse access token")
        if node == "me" and method == "GET" and login == "instagram":
            return 200, {"id": IG_USER, "user_id": IG_USER, "username": USERNAME}
        if node == IG_USER and method == "GET" and edge == "":
            return 200, {"id": IG_USER, "username": USERNAME}
        if node == IG_USER:
            return 200, self._user(method, edge, params, token, publish)
        if node in self.containers and method == "GET":
            container = self.containers[node]
            self._advance(container)
            return 200, {"id": node, "status_code": container.status,
                         "status": _status_text(container)}
        if node in self.media and method == "GET":
            if edge == "insights" and insights not in token.scopes:
                raise GraphFailure(10, "(#10) Application does not have permission for this action")
            return 200, self._media(self.media[node], edge, params)
        raise GraphFailure(100, f"(#100) Object with ID '{node}' does not exist or does not support this operation",
                           subcode=33)

    def _user(self, method: str, edge: str, params: dict[str, Any], token: Token, publish: str) -> dict[str, Any]:
        if method == "GET" and edge == "content_publishing_limit":
            return {"data": [{"quota_usage": self.quota_usage,
                              "config": {"quota_total": self.quota_total, "quota_duration": DAY}}]}
        if method == "GET" and edge == "media":
            items = list(reversed(self.media.values()))[: int(params.get("limit", 25))]
            return {"data": [{"id": m.id, "caption": m.caption, "permalink": _permalink(m.id)} for m in items]}
        if method == "POST" and edge in ("media", "media_publish"):
            if publish not in token.scopes:
                raise GraphFailure(10, "(#10) Application does not have permission for this action")
            return self._create(params) if edge == "media" else self._publish(params)
        raise GraphFailure(100, f"(#100) Unsupported {method.lower()} request on '{edge}'")

    def _create(self, params: dict[str, Any]) -> dict[str, Any]:
        caption = str(params.get("caption", ""))
        _check_caption(caption)
        carousel_item = str(params.get("is_carousel_item", "false")).lower() == "true"
        if params.get("media_type") == "CAROUSEL":
            children = [c for c in str(params.get("children", "")).split(",") if c]
            if not 2 <= len(children) <= MAX_CHILDREN:
                raise GraphFailure(100, f"(#100) A carousel has 2 to {MAX_CHILDREN} children", subcode=2207028)
            for child in children:
                item = self.containers.get(child)
                if item is None or not item.carousel_item or item.status != "FINISHED":
                    raise GraphFailure(100, f"(#100) Child {child} is not a finished carousel item")
            container = Container(str(next(self._ids)), None, caption, False, children)
        else:
            if carousel_item and caption:
                raise GraphFailure(100, "(#100) A carousel item cannot have a caption; put it on the carousel")
            url = str(params.get("image_url", ""))
            try:
                picture = fetch(url)
            except FetchFailed:
                raise GraphFailure(9004, "Media download has failed. The media URI doesn't meet our requirements.",
                                   subcode=2207052) from None
            self.fetched.append(url)
            problem = instagram_shape_problem(picture)
            if problem is not None:
                raise GraphFailure(36003, problem[1], subcode=problem[0])
            container = Container(str(next(self._ids)), picture, caption, carousel_item)
        container.polls_left, container.outcome = self.in_progress_polls, self.next_outcome
        self.containers[container.id] = container
        return {"id": container.id}

    def _advance(self, container: Container) -> None:
        if container.status != "IN_PROGRESS" or container.outcome == "STUCK":
            return
        if container.polls_left > 0:
            container.polls_left -= 1
            return
        container.status = container.outcome

    def _publish(self, params: dict[str, Any]) -> dict[str, Any]:
        container = self.containers.get(str(params.get("creation_id")))
        if container is None:
            raise GraphFailure(100, "(#100) creation_id is not a media container of this account")
        if container.status != "FINISHED":
            raise GraphFailure(9007, "The media is not ready for publishing, please wait for a moment",
                               subcode=2207027)
        if self.quota_usage >= self.quota_total:
            raise GraphFailure(9, "Application request limit reached: the account has reached the maximum number "
                                  "of posts allowed via the API in 24 hours", subcode=2207042)
        pictures = [self.containers[c].picture for c in container.children] or [container.picture]
        if any(p is not None and p.format != "JPEG" for p in pictures):
            raise GraphFailure(100, "The image format is not supported. Only JPEG images can be published.",
                               subcode=2207003)
        media = Media(str(next(self._ids)), container.caption, container.children)
        self.media[media.id] = media
        container.status = "PUBLISHED"
        self.quota_usage += 1
        return {"id": media.id}

    def _media(self, media: Media, edge: str, params: dict[str, Any]) -> dict[str, Any]:
        if edge == "insights":
            metrics = str(params.get("metric", "")).split(",")
            unknown = [m for m in metrics if m not in ("reach", "saved", "shares")]
            if unknown:
                raise GraphFailure(100, f"(#100) metric[0] must be one of the following values: reach, saved, "
                                        f"shares (got {unknown[0]})")
            return {"data": [{"name": m, "period": "lifetime", "values": [{"value": getattr(media, m)}],
                              "id": f"{media.id}/insights/{m}/lifetime"} for m in metrics]}
        return {"id": media.id, "caption": media.caption, "permalink": _permalink(media.id),
                "like_count": media.like_count, "comments_count": media.comments_count,
                "media_type": "CAROUSEL_ALBUM" if media.children else "IMAGE"}


def _check_caption(caption: str) -> None:
    hashtags = len(re.findall(r"(?<![\w#])#\w", caption))
    mentions = len(re.findall(r"(?<![\w@])@\w", caption))
    if len(caption) > MAX_CAPTION or hashtags > MAX_HASHTAGS or mentions > MAX_MENTIONS:
        raise GraphFailure(100, f"(#100) The caption breaks Instagram's limits ({len(caption)} characters, "
                                f"{hashtags} hashtags, {mentions} mentions)")


def _status_text(container: Container) -> str:
    if container.status == "ERROR":
        return "Error: Media upload has failed with error code 2207001"
    return container.status.title()


def _permalink(media_id: str) -> str:
    return f"https://www.instagram.com/p/SD{media_id[-6:]}/"

"""Instagram's two sign-in routes (platform-facts, Instagram): which host, scopes and token each uses.

- **Instagram Login** (``platforms.instagram.login = instagram``): graph.instagram.com, ``instagram_business_*``
  scopes, a 60-day token renewed with ``ig_refresh_token``; for professional accounts with or without a Page.
- **Facebook Login for Business** (``facebook``): graph.facebook.com, ``instagram_basic``,
  ``instagram_content_publish``, ``pages_read_engagement``…; the Instagram account is the one linked to a Facebook
  Page the seller manages, and calls carry that Page's token, which does not expire (it comes from a long-lived
  user token). The sign-in is Facebook's: the sync service's Facebook broker or the seller's own Facebook app.

Both routes publish the same way (containers, media_publish), so only the host, version and token differ.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from core.platforms.base import ConnectOptions, PlatformContext
from core.platforms.errors import PlatformError
from core.platforms.meta_graph import GraphApi
from core.platforms.social_signin import SignIn, choose_route
from core.platforms.specs import get_spec

NAME = "instagram"
LOGIN_SETTING = "platforms.instagram.login"


def login_route(context: PlatformContext) -> str:
    """``instagram`` or ``facebook``: how this Instagram account signs in."""
    return str(context.settings.get(LOGIN_SETTING))


def graph_for(context: PlatformContext) -> GraphApi:
    """The Graph session of the chosen route (graph.instagram.com, or graph.facebook.com for Facebook Login)."""
    settings = context.settings
    if login_route(context) == "facebook":
        host, version = settings.get("platforms.facebook.api_base"), settings.get("platforms.facebook.api_version")
    else:
        host, version = settings.get("platforms.instagram.api_base"), settings.get("platforms.instagram.api_version")
    return GraphApi(context, NAME, str(host), str(version))


def insights_permission(context: PlatformContext) -> str:
    """The permission media insights need on the chosen route."""
    auth = context.spec.auth
    return str(auth["facebook_login"]["insights_scope"] if login_route(context) == "facebook"
               else auth["insights_scope"])


@dataclass(frozen=True)
class LinkedAccount:
    """The Instagram professional account behind a Facebook Page, and the Page token its calls use."""

    page_token: str
    ig_user_id: str
    username: str
    page_name: str


def _facebook_context(context: PlatformContext) -> PlatformContext:
    # Facebook's sign-in (its app, secret and redirect port) asking for Instagram's Facebook Login scopes.
    facebook = get_spec("facebook")
    scopes = list(context.spec.auth["facebook_login"]["scopes"])
    return replace(context, spec=replace(facebook, auth={**facebook.auth, "scopes": scopes}))


def sign_in_with_facebook(context: PlatformContext, graph: GraphApi, options: ConnectOptions) -> LinkedAccount:
    """Facebook Login (broker or the seller's own Facebook app), then the Page whose Instagram account to use."""
    from core.platforms.facebook import own_app_sign_in

    facebook = _facebook_context(context)
    version = str(context.settings.get("platforms.facebook.api_version"))
    signed: SignIn = choose_route(facebook, "facebook", options,
                                  lambda app: own_app_sign_in(facebook, graph, version, app, options))
    me = graph.get("me", token=signed.access_token, fields="id")
    pages = graph.pages(f"{me['id']}/accounts", token=signed.access_token,
                        fields="id,name,access_token,instagram_business_account{id,username}")
    linked = [p for p in pages if isinstance(p.get("instagram_business_account"), dict)]
    if not linked:
        raise PlatformError(NAME, "none of the Facebook Pages you allowed has an Instagram professional account "
                            "linked to it",
                            hint="Link the Instagram account to your Page (Instagram app → Settings → Account type "
                                 "and tools, or Meta Business Suite), then connect again; or connect with Instagram "
                                 "Login instead (Connect → Sign in with: instagram, or: sellerdesk platforms connect "
                                 "instagram --login instagram).")
    page: dict[str, Any] = linked[0]
    account = page["instagram_business_account"]
    return LinkedAccount(str(page["access_token"]), str(account["id"]), str(account.get("username", "")),
                         str(page.get("name", "")))

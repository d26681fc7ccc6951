"""What a seller types to connect a platform: store address, app id, app secret, or a pasted token.

One description serves the window's Connect dialog and ``sellerdesk platforms connect``: the form lists the
fields with what is already set (a stored secret shows as stored, never its value), and ``apply`` checks the
answers, stores the non-secret ones as settings and hands the secrets to ``connect`` in ConnectOptions (the
platform keeps them only once it has accepted them). Fields can be typed again at any time, e.g. after a typo in
Etsy's shared secret.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.errors import ValidationError
from core.i18n import _
from core.platforms.base import ConnectOptions
from core.platforms.oauth import CALLBACK_PATH
from core.platforms.specs import get_spec

if TYPE_CHECKING:
    from core.app import App

_SHOP = re.compile(r"[a-z0-9][a-z0-9-]*\.myshopify\.com")


@dataclass(frozen=True)
class FormField:
    """One thing to type: ``key`` is shop, client_id, app_secret or token."""

    key: str
    label: str
    secret: bool = False
    value: str = ""  # the current setting (secrets: always empty)
    stored: bool = False  # a secret for this field is already in the keychain (left empty, it is kept)
    help: str = ""
    choices: tuple[str, ...] = ()  # one of these (a drop-down), not free text


@dataclass(frozen=True)
class ConnectForm:
    """The fields of one platform's Connect dialog and the notes shown above them."""

    platform: str
    title: str
    fields: tuple[FormField, ...]
    notes: tuple[str, ...] = ()


def callback_url(app: App, name: str) -> str | None:
    """The exact redirect address to register for ``name``'s app, when it uses a fixed loopback port."""
    key = f"platforms.{name}.redirect_port"
    try:
        port = int(app.settings.get(key))
    except (KeyError, ValidationError):
        return None
    return f"http://127.0.0.1:{port}{CALLBACK_PATH}" if port else None


def normalise_shop(text: str) -> str:
    """``mystore``, ``https://mystore.myshopify.com/`` … → ``mystore.myshopify.com``; anything else is refused."""
    shop = text.strip().lower().removeprefix("https://").removeprefix("http://").split("/")[0]
    if shop and "." not in shop:
        shop += ".myshopify.com"
    if not _SHOP.fullmatch(shop):
        raise ValidationError(_("{text} is not a Shopify store address.").format(text=repr(text.strip())), field="shop",
                              hint=_("Use the address ending in .myshopify.com (Shopify admin → Settings → Domains)."))
    return shop


def _has_setting(app: App, key: str) -> bool:
    try:
        app.settings.get(key)
    except (KeyError, ValidationError):
        return False
    return True


LOGIN_KEY = "platforms.instagram.login"


def app_of(app: App, name: str) -> str:
    """Whose app ``name`` signs in with: Instagram through Facebook Login uses the Facebook app."""
    return "facebook" if name == "instagram" and app.settings.get(LOGIN_KEY) == "facebook" else name


def connect_form(app: App, name: str) -> ConnectForm | None:
    """The fields connecting ``name`` asks for; None when there is nothing to type (browser sign-in only)."""
    spec = get_spec(name)
    owner = get_spec(app_of(app, name))
    auth = owner.auth
    fields: list[FormField] = []
    notes: list[str] = []
    secret = auth.get("app_secret") or auth.get("own_app")
    stored = bool(secret and app.secrets.get(str(secret.get("name") or secret.get("secret"))))
    client_key = f"platforms.{owner.name}.client_id"
    client_id = str(app.settings.get(client_key)) if _has_setting(app, client_key) else ""
    if name == "instagram":
        fields.append(FormField("login", _("Sign in with"), value=str(app.settings.get(LOGIN_KEY)),
                                choices=("instagram", "facebook"),
                                help=_("instagram: Instagram Login (any professional account); facebook: Facebook "
                                       "Login (the account linked to your Facebook Page)")))
    if name == "shopify":
        shop = str(app.settings.get("platforms.shopify.shop_domain"))
        fields.append(FormField("shop", _("Store address"), value=shop, help="mystore.myshopify.com"))
        fields.append(FormField("client_id", _("Client ID (Dev Dashboard app)"), value=client_id,
                                help=_("Shopify Dev Dashboard → your app → Settings")))
        fields.append(FormField("app_secret", _("Client secret"), secret=True, stored=stored,
                                help=_("Shopify Dev Dashboard → your app → Settings")))
        fields.append(FormField("token", _("Or: Admin API token (older custom app, shpat_…)"), secret=True,
                                help=_("Only for apps made in Shopify admin before 2026; leave empty otherwise.")))
        notes.append(_("Create an app in the Shopify Dev Dashboard, give it the scopes {scopes}, install it on your "
                       "store, then copy its Client ID and Secret here. SellerDesk renews its 24-hour token by "
                       "itself.").format(scopes=", ".join(auth.get("required_scopes", []))))
    elif name == "etsy":
        fields.append(FormField("client_id", _("Keystring"), value=client_id,
                                help=_("etsy.com/developers → Your apps → the app's keystring")))
        fields.append(FormField("app_secret", _("Shared secret"), secret=True, stored=stored,
                                help=_("Shown beside the keystring")))
    elif auth.get("own_app") and _has_setting(app, client_key):
        label = (_("Your own Meta app id (optional)") if name == "instagram" else
                 _("Your own {platform} app id (optional)").format(platform=owner.display_name))
        fields.append(FormField("client_id", label, value=client_id,
                                help=_("Empty: sign in through the SellerDesk sync service. For Instagram: your "
                                       "Instagram app's id with Instagram Login, your Facebook app's with Facebook "
                                       "Login.")))
        fields.append(FormField("app_secret", _("App secret"), secret=True, stored=stored))
    else:
        return None
    url = callback_url(app, name)
    if url is not None and name != "shopify":
        notes.append(_("Register this exact callback URL in your {platform} app: {url}").format(
            platform=spec.display_name, url=url))
    return ConnectForm(name, _("Connect {platform}").format(platform=spec.display_name), tuple(fields), tuple(notes))


def apply_connect_form(app: App, name: str, values: Mapping[str, str], options: ConnectOptions | None = None,
                       ) -> ConnectOptions:
    """Check the typed ``values``, store the settings among them, and return the options ``connect`` needs.

    A secret left empty keeps the stored one. Nothing is stored when a value is refused.
    """
    form = connect_form(app, name)
    result = options or ConnectOptions()
    if form is None:
        return result
    typed = {k: str(v).strip() for k, v in values.items() if v is not None}
    if "login" in typed and typed["login"] != app.settings.get(LOGIN_KEY):
        if typed["login"] not in ("instagram", "facebook"):
            raise ValidationError(_("{text} is not a way to sign in to Instagram.").format(text=repr(typed["login"])),
                                  field="login",
                                  hint=_("Choose instagram or facebook."))
        # Another route means another app: its id and secret are asked for afresh.
        app.settings.set(LOGIN_KEY, typed["login"])
        form = connect_form(app, name) or form
    fields = {f.key: f for f in form.fields}
    settings: dict[str, str] = {}
    if "shop" in fields:
        shop = typed.get("shop", fields["shop"].value)
        if not shop:
            raise ValidationError(_("Enter the store address first."), field="shop",
                                  hint=_("It ends in .myshopify.com (Shopify admin → Settings → Domains)."))
        settings["platforms.shopify.shop_domain"] = normalise_shop(shop)
    client_id = typed.get("client_id", fields["client_id"].value if "client_id" in fields else "")
    if "client_id" in fields:
        settings[f"platforms.{app_of(app, name)}.client_id"] = client_id
    token = typed.get("token", "")
    secret = typed.get("app_secret", "")
    if name == "etsy" and not client_id:
        raise ValidationError(_("Enter your Etsy app's keystring."), field="client_id",
                              hint=_("etsy.com/developers → Your apps; SellerDesk needs your own Etsy app."))
    needs_secret = bool(client_id) and not token and "app_secret" in fields
    if needs_secret and not secret and not fields["app_secret"].stored:
        raise ValidationError(_("Enter the {field}.").format(field=fields["app_secret"].label.lower()),
                              field="app_secret")
    if name == "shopify" and not token and not client_id:
        raise ValidationError(_("Enter the Dev Dashboard app's Client ID and secret, or an older app's Admin API "
                                "token."), field="client_id")
    for key, value in settings.items():
        app.settings.set(key, value)
    result.token = token or None
    result.app_secret = secret or None
    return result

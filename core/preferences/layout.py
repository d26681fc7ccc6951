"""The Settings window's layout, declared once: which group and section each setting belongs to, and its label.

Keys not named here are still shown, under Advanced, labelled by their description. The same layout gives every
message that sends the seller to a setting its window path ("Edit → Settings → Platforms → Etsy → App keystring").
"""

from __future__ import annotations

from dataclasses import dataclass

from core.i18n import N_, _

GROUPS = (N_("General"), N_("Appearance"), N_("AI copy"), N_("Platforms"), N_("Sync"), N_("Advanced"))
HIDDEN = frozenset({"general.first_run_done"})  # bookkeeping, not a choice


@dataclass(frozen=True)
class Place:
    """Where a setting (or a secret) is shown: group, section within it, and its label."""

    group: str
    section: str
    label: str

    @property
    def path(self) -> str:
        """The window path a message names: ``Edit → Settings → Platforms → Etsy → App keystring``."""
        parts = [N_("Edit"), N_("Settings"), self.group, *([self.section] if self.section else []), self.label]
        return " → ".join(_(part) for part in parts)


def _place(group: str, section: str, entries: dict[str, str]) -> dict[str, Place]:
    return {key: Place(group, section, label) for key, label in entries.items()}


SETTINGS: dict[str, Place] = {
    **_place(N_("General"), "", {
        "general.language": N_("Language"),
        "general.locale": N_("Numbers and dates"),
        "general.digits": N_("Digits"),
        "general.currency": N_("Currency of new products"),
        "general.timezone": N_("Time zone"),
    }),
    **_place(N_("General"), N_("Listings"), {
        "listings.updates": N_("When a listed product changes"),
        "listings.stock_sync_off": N_("Leave stock alone on"),
        "publishing.grace_minutes": N_("Post a missed post up to (minutes late)"),
    }),
    **_place(N_("General"), N_("Posting"), {
        "publishing.background": N_("Post scheduled items in the background (also while the window is closed)"),
    }),
    **_place(N_("General"), N_("Updates"), {
        "updates.check": N_("Check for updates when SellerDesk starts"),
    }),
    **_place(N_("Appearance"), "", {
        "general.theme": N_("Theme"),
        "images.background": N_("Photo background colour"),
        "images.padding": N_("Fill around photos with"),
    }),
    **_place(N_("AI copy"), "", {
        "content.tone": N_("Tone of new copy"),
        "content.temperature": N_("How adventurous (0–2)"),
        "content.gemini_model": N_("Gemini model"),
        "content.thinking_level": N_("How long Gemini thinks"),
    }),
    **_place(N_("Platforms"), N_("Etsy"), {
        "platforms.etsy.client_id": N_("App keystring"),
        "platforms.etsy.redirect_port": N_("Sign-in redirect port"),
    }),
    **_place(N_("Platforms"), N_("Shopify"), {
        "platforms.shopify.client_id": N_("Your app's client id"),  # first: its secret follows it
        "platforms.shopify.shop_domain": N_("Store address"),
    }),
    **_place(N_("Platforms"), N_("Pinterest"), {
        "platforms.pinterest.client_id": N_("Your own app's id"),
        "platforms.pinterest.sandbox": N_("Use the sandbox (trial apps)"),
        "platforms.pinterest.redirect_port": N_("Sign-in redirect port"),
    }),
    **_place(N_("Platforms"), N_("Facebook"), {
        "platforms.facebook.client_id": N_("Your own app's id"),
        "platforms.facebook.redirect_port": N_("Sign-in redirect port"),
    }),
    **_place(N_("Platforms"), N_("Instagram"), {
        "platforms.instagram.login": N_("Sign in with"),
        "platforms.instagram.client_id": N_("Your own app's id"),
        "platforms.instagram.redirect_port": N_("Sign-in redirect port"),
    }),
    **_place(N_("Platforms"), N_("Meesho, Snapdeal, IndiaMART"), {
        "browser.channel": N_("Browser"),
        "browser.executable_path": N_("Browser program (instead)"),
        "browser.headless": N_("Hide the browser while listing"),
        "browser.minimised": N_("Otherwise, keep its window minimised"),
    }),
    **_place(N_("Platforms"), N_("Pictures for Instagram and Pinterest"), {
        "media.host": N_("Put pictures online through"),
        "media.s3.endpoint": N_("Bucket endpoint"),
        "media.s3.region": N_("Bucket region"),
        "media.s3.bucket": N_("Bucket"),
        "media.s3.access_key_id": N_("Access key id"),
    }),
    **_place(N_("Sync"), "", {
        "sync.server_url": N_("Sync service address"),
        "sync.interval_seconds": N_("Sync every (seconds)"),
        "sync.settings_keys": N_("Settings shared between computers"),
        "listings.sales_poll_minutes": N_("Fetch sales every (minutes)"),
        "listings.engagement_poll_hours": N_("Fetch likes and reach every (hours)"),
    }),
    **_place(N_("Advanced"), "", {
        "logging.level": N_("Log detail"),
        "content.gemini_base_url": N_("Gemini address"),
    }),
}


@dataclass(frozen=True)
class SecretField:
    """A secret the seller types into the Settings window (write-only; its value is never shown)."""

    name: str  # the keychain name, e.g. ``etsy:shared_secret``
    place: Place
    help: str
    words: str  # how a sentence names it: "your Etsy shared secret"


SECRETS: tuple[SecretField, ...] = (
    SecretField("gemini:api_key", Place(N_("AI copy"), "", N_("Gemini API key")),
                N_("From Google AI Studio. Without a key SellerDesk writes copy offline from your product's facts."),
                N_("your Gemini API key")),
    SecretField("etsy:shared_secret", Place(N_("Platforms"), N_("Etsy"), N_("Shared secret")),
                N_("Shown beside the keystring on your Etsy app's page."), N_("your Etsy shared secret")),
    SecretField("indiamart:crm_key", Place(N_("Platforms"), N_("Meesho, Snapdeal, IndiaMART"), N_("IndiaMART CRM key")),
                N_("From IndiaMART's Lead Manager → Import/Export leads → CRM API key; it fetches your buyer leads."),
                N_("your IndiaMART CRM key")),
    SecretField("shopify:client_secret", Place(N_("Platforms"), N_("Shopify"), N_("Your app's client secret")),
                N_("From your app's Settings page in Shopify's Dev Dashboard, beside its client id."),
                N_("your Shopify app's client secret")),
    SecretField("pinterest:app_secret", Place(N_("Platforms"), N_("Pinterest"), N_("Your own app's secret")),
                N_("Only with your own Pinterest app id."), N_("your Pinterest app's secret")),
    SecretField("facebook:app_secret", Place(N_("Platforms"), N_("Facebook"), N_("Your own app's secret")),
                N_("Only with your own Facebook app id."), N_("your Facebook app's secret")),
    SecretField("instagram:app_secret", Place(N_("Platforms"), N_("Instagram"), N_("Your own app's secret")),
                N_("Only with your own Instagram app id."), N_("your Instagram app's secret")),
    SecretField("media:s3_secret_access_key", Place(N_("Platforms"),
                                                    N_("Pictures for Instagram and Pinterest"),
                                                    N_("Secret access key")),
                N_("The secret that goes with the access key id."), N_("your picture bucket's secret access key")),
)


def place_of(key: str) -> Place:
    """Where the Settings window shows ``key`` (Advanced, under its key's first part, when not laid out)."""
    if key in SETTINGS:
        return SETTINGS[key]
    for secret in SECRETS:
        if secret.name == key:
            return secret.place
    section = key.split(".")[1] if key.startswith("platforms.") else key.split(".")[0]
    return Place("Advanced", section.capitalize(), key)


def where(key: str, example: str | None = None) -> str:
    """How to change ``key``: its window path, and the command for a terminal (``example`` is the value shown)."""
    if any(secret.name == key for secret in SECRETS):
        return f"In the window: {place_of(key).path}; or run: sellerdesk config set-secret {key}"
    command = f"sellerdesk config set {key} {example or 'VALUE'}"
    return f"In the window: {place_of(key).path}; or run: {command}"

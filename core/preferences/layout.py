"""The Settings window's layout, declared once: which group and section each setting belongs to, and its label.

Keys not named here are still shown, under Advanced, labelled by their description. The same layout gives every
message that sends the seller to a setting its window path ("Edit → Settings → Platforms → Etsy → App keystring").
"""

from __future__ import annotations

from dataclasses import dataclass

GROUPS = ("General", "Appearance", "AI copy", "Platforms", "Sync", "Advanced")
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
        parts = ["Edit", "Settings", self.group, *([self.section] if self.section else []), self.label]
        return " → ".join(parts)


def _place(group: str, section: str, entries: dict[str, str]) -> dict[str, Place]:
    return {key: Place(group, section, label) for key, label in entries.items()}


SETTINGS: dict[str, Place] = {
    **_place("General", "", {
        "general.language": "Language",
        "general.locale": "Numbers and dates",
        "general.currency": "Currency of new products",
        "general.timezone": "Time zone",
    }),
    **_place("General", "Listings", {
        "listings.updates": "When a listed product changes",
        "listings.stock_sync_off": "Leave stock alone on",
        "publishing.grace_minutes": "Post a missed post up to (minutes late)",
    }),
    **_place("General", "Posting", {
        "publishing.background": "Post scheduled items in the background (also while the window is closed)",
    }),
    **_place("General", "Updates", {
        "updates.check": "Check for updates when SellerDesk starts",
    }),
    **_place("Appearance", "", {
        "general.theme": "Theme",
        "images.background": "Photo background colour",
    }),
    **_place("AI copy", "", {
        "content.tone": "Tone of new copy",
        "content.temperature": "How adventurous (0–2)",
        "content.gemini_model": "Gemini model",
    }),
    **_place("Platforms", "Etsy", {
        "platforms.etsy.client_id": "App keystring",
        "platforms.etsy.redirect_port": "Sign-in redirect port",
    }),
    **_place("Platforms", "Shopify", {
        "platforms.shopify.shop_domain": "Store address",
    }),
    **_place("Platforms", "Pinterest", {
        "platforms.pinterest.client_id": "Your own app's id",
        "platforms.pinterest.sandbox": "Use the sandbox (trial apps)",
        "platforms.pinterest.redirect_port": "Sign-in redirect port",
    }),
    **_place("Platforms", "Facebook", {
        "platforms.facebook.client_id": "Your own app's id",
        "platforms.facebook.redirect_port": "Sign-in redirect port",
    }),
    **_place("Platforms", "Instagram", {
        "platforms.instagram.client_id": "Your own app's id",
        "platforms.instagram.redirect_port": "Sign-in redirect port",
    }),
    **_place("Platforms", "Meesho, Snapdeal, IndiaMART", {
        "browser.channel": "Browser",
        "browser.executable_path": "Browser program (instead)",
        "browser.headless": "Hide the browser while listing",
    }),
    **_place("Platforms", "Pictures for Instagram and Pinterest", {
        "media.host": "Put pictures online through",
        "media.s3.endpoint": "Bucket endpoint",
        "media.s3.region": "Bucket region",
        "media.s3.bucket": "Bucket",
        "media.s3.access_key_id": "Access key id",
    }),
    **_place("Sync", "", {
        "sync.server_url": "Sync service address",
        "sync.interval_seconds": "Sync every (seconds)",
        "sync.settings_keys": "Settings shared between computers",
        "listings.sales_poll_minutes": "Fetch sales every (minutes)",
        "listings.engagement_poll_hours": "Fetch likes and reach every (hours)",
    }),
    **_place("Advanced", "", {
        "logging.level": "Log detail",
        "content.gemini_base_url": "Gemini address",
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
    SecretField("gemini:api_key", Place("AI copy", "", "Gemini API key"),
                "From Google AI Studio. Without a key SellerDesk writes copy offline from your product's facts.",
                "your Gemini API key"),
    SecretField("etsy:shared_secret", Place("Platforms", "Etsy", "Shared secret"),
                "Shown beside the keystring on your Etsy app's page.", "your Etsy shared secret"),
    SecretField("indiamart:crm_key", Place("Platforms", "Meesho, Snapdeal, IndiaMART", "IndiaMART CRM key"),
                "From IndiaMART's Lead Manager → Import/Export leads → CRM API key; it fetches your buyer leads.",
                "your IndiaMART CRM key"),
    SecretField("pinterest:app_secret", Place("Platforms", "Pinterest", "Your own app's secret"),
                "Only with your own Pinterest app id.", "your Pinterest app's secret"),
    SecretField("facebook:app_secret", Place("Platforms", "Facebook", "Your own app's secret"),
                "Only with your own Facebook app id.", "your Facebook app's secret"),
    SecretField("instagram:app_secret", Place("Platforms", "Instagram", "Your own app's secret"),
                "Only with your own Instagram app id.", "your Instagram app's secret"),
    SecretField("media:s3_secret_access_key", Place("Platforms", "Pictures for Instagram and Pinterest",
                                                    "Secret access key"),
                "The secret that goes with the access key id.", "your picture bucket's secret access key"),
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

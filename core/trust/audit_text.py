"""The audit log in a seller's words: "Published “Brass diya” to Etsy" at 14:05 local time, not
``listing.publish etsy:12 {"remote_id": …}`` in UTC. The raw entries stay as they are for ``--json``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.db.database import Database
from core.db.models import Product
from core.i18n import N_

CATEGORIES = {"secret": N_("Keys and passwords"), "listing": N_("Publishing"), "platform": N_("Publishing"),
              "stock": N_("Stock"), "data": N_("Your data"), "products": N_("Your data")}
OTHER = N_("Other")
# Keychain names that are not in the Settings window.
SECRET_NAMES = {"sellerdesk:db_key": "the database's encryption key", "sync:refresh_token": "your sync sign-in",
                "sync:access_token": "your sync sign-in", "sync:access_expires_at": "your sync sign-in",
                "shopify:access_token": "your Shopify access token"}
VERBS = {"secret.read": "Used", "secret.write": "Stored", "secret.delete": "Removed"}
LISTING_WORDS = {"publish": "Published {title} to {platform}", "update": "Updated {title} on {platform}",
                 "stock": "Sent the stock of {title} to {platform}", "take_down": "Took {title} off {platform}",
                 "relist": "Put {title} back on sale on {platform}", "repost": "Posted {title} again on {platform}"}


@dataclass(frozen=True)
class AuditLine:
    """One audit entry as the seller reads it."""

    at: datetime  # aware, in the seller's zone
    when: str  # "Thu 3 Dec 2026, 14:05"
    category: str
    what: str
    kind: str  # the raw kind, for anyone who asks support

    def matches(self, category: str = "", text: str = "") -> bool:
        """Whether the line is in ``category`` (empty: any) and holds ``text`` (any case)."""
        return (not category or self.category == category) and text.casefold() in self.what.casefold()


def secret_words(name: str) -> str:
    """``etsy:shared_secret`` → "your Etsy shared secret"; the Settings window's label where it has one."""
    from core.preferences.layout import SECRETS

    if name in SECRET_NAMES:
        return SECRET_NAMES[name]
    for field in SECRETS:
        if field.name == name:
            return field.words
    namespace, _, key = name.partition(":")
    key = {"access_token": "sign-in", "refresh_token": "sign-in", "access_expires_at": "sign-in",
           "refresh_expires_at": "sign-in", "bundle": "sign-in"}.get(key, key.replace("_", " "))
    return f"your {_platform(namespace)} {key}"


def _platform(name: str) -> str:
    special = {"indiamart": "IndiaMART", "whatsapp": "WhatsApp", "s3": "S3", "media": "picture bucket"}
    return special.get(name, name.capitalize())


def _title(subject: str, titles: dict[int, str]) -> tuple[str, str]:
    """``etsy:12`` → ("Etsy", "“Brass diya”"); a product that is gone is named by its number."""
    platform, _, raw_id = subject.partition(":")
    if platform == "product":
        platform = ""
    product_id = int(raw_id) if raw_id.isdigit() else None
    title = titles.get(product_id) if product_id is not None else None
    named = f"“{title}”" if title else (f"product {product_id}" if product_id is not None else subject)
    return _platform(platform) if platform else "", named


def describe(kind: str, subject: str, detail: dict[str, Any], titles: dict[int, str]) -> str:
    """One entry in words."""
    group, _, action = kind.partition(".")
    if group == "secret":
        found = "" if detail.get("found", True) else " (it was not stored)"
        return f"{VERBS.get(kind, 'Used')} {secret_words(subject)}{found}"
    if group == "listing":
        platform, title = _title(subject, titles)
        text = LISTING_WORDS.get(action, action.replace("_", " ").capitalize() + " {title} on {platform}")
        return text.format(title=title, platform=platform)
    if group == "stock":
        _platform_name, title = _title(subject, titles)
        change = f"from {detail.get('before')} to {detail.get('after')}"
        return f"A sale changed the stock of {title} {change}" if action == "sale" else \
            f"Set the stock of {title} {change}"
    if kind == "platform.connect":
        account = f" ({detail['account']})" if detail.get("account") else ""
        return f"Connected {_platform(subject)}{account}"
    if kind == "platform.disconnect":
        return f"Disconnected {_platform(subject)}"
    if kind == "data.export":
        return f"Exported all your data to {subject}"
    if kind == "data.purge":
        return f"Removed for good what was in the bin ({subject})"
    if kind == "products.import":
        counts = ", ".join(f"{detail[k]} {word}" for k, word in (("created", "new"), ("updated", "updated"),
                                                                 ("skipped", "skipped")) if detail.get(k))
        name = detail.get("file") or "a CSV file"
        return f"Imported products from {name}" + (f": {counts}" if counts else "")
    return f"{kind.replace('.', ' ').replace('_', ' ').capitalize()} {subject}".strip()


def plain_lines(db: Database, events: list[dict[str, Any]], zone: ZoneInfo) -> list[AuditLine]:
    """``events`` (from :func:`core.trust.audit.recent_events`) in words and the seller's local time."""
    ids = {int(raw) for e in events for raw in [e["subject"].partition(":")[2]] if raw.isdigit()}
    titles: dict[int, str] = {}
    if ids:
        with db.reading() as session:
            titles = {pid: title for pid, title in session.execute(
                select(Product.id, Product.title).where(Product.id.in_(ids)))}
    lines = []
    for event in events:
        at = datetime.fromisoformat(event["at"]).astimezone(zone)
        lines.append(AuditLine(at, f"{at:%a} {at.day} {at:%b %Y, %H:%M}",
                               CATEGORIES.get(event["kind"].split(".")[0], OTHER),
                               describe(event["kind"], event["subject"], event["detail"], titles), event["kind"]))
    return lines

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
from core.i18n import N_, _, format_when

CATEGORIES = {"secret": N_("Keys and passwords"), "listing": N_("Publishing"), "platform": N_("Publishing"),
              "stock": N_("Stock"), "data": N_("Your data"), "products": N_("Your data")}
OTHER = N_("Other")
# Keychain names that are not in the Settings window.
SECRET_NAMES = {"sellerdesk:db_key": N_("the database's encryption key"), "sync:refresh_token": N_("your sync sign-in"),
                "sync:access_token": N_("your sync sign-in"), "sync:access_expires_at": N_("your sync sign-in"),
                "shopify:access_token": N_("your Shopify access token")}
VERBS = {"secret.read": N_("Used {secret}"), "secret.write": N_("Stored {secret}"),
         "secret.delete": N_("Removed {secret}")}
LISTING_WORDS = {"publish": N_("Published {title} to {platform}"), "update": N_("Updated {title} on {platform}"),
                 "stock": N_("Sent the stock of {title} to {platform}"),
                 "take_down": N_("Took {title} off {platform}"),
                 "relist": N_("Put {title} back on sale on {platform}"),
                 "repost": N_("Posted {title} again on {platform}")}


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
        return _(SECRET_NAMES[name])
    for field in SECRETS:
        if field.name == name:
            return _(field.words)
    namespace, _sep, key = name.partition(":")
    signs_in = key in ("access_token", "refresh_token", "access_expires_at", "refresh_expires_at", "bundle")
    return _("your {platform} {what}").format(platform=_platform(namespace),
                                               what=_("sign-in") if signs_in else key.replace("_", " "))


def _platform(name: str) -> str:
    special = {"indiamart": "IndiaMART", "whatsapp": "WhatsApp", "s3": "S3", "media": _("picture bucket")}
    return special.get(name, name.capitalize())


def _title(subject: str, titles: dict[int, str]) -> tuple[str, str]:
    """``etsy:12`` → ("Etsy", "“Brass diya”"); a product that is gone is named by its number."""
    platform, _sep, raw_id = subject.partition(":")
    if platform == "product":
        platform = ""
    product_id = int(raw_id) if raw_id.isdigit() else None
    title = titles.get(product_id) if product_id is not None else None
    named = f"“{title}”" if title else (_("product {number}").format(number=product_id) if product_id is not None
                                        else subject)
    return _platform(platform) if platform else "", named


def describe(kind: str, subject: str, detail: dict[str, Any], titles: dict[int, str]) -> str:
    """One entry in words."""
    group, _sep, action = kind.partition(".")
    if group == "secret":
        found = "" if detail.get("found", True) else " " + _("(it was not stored)")
        return _(VERBS.get(kind, VERBS["secret.read"])).format(secret=secret_words(subject)) + found
    if group == "listing":
        platform, title = _title(subject, titles)
        text = _(LISTING_WORDS[action]) if action in LISTING_WORDS else \
            action.replace("_", " ").capitalize() + " {title} ({platform})"
        return text.format(title=title, platform=platform)
    if group == "stock":
        _platform_name, title = _title(subject, titles)
        text = _("A sale changed the stock of {title} from {before} to {after}") if action == "sale" else \
            _("Set the stock of {title} from {before} to {after}")
        return text.format(title=title, before=detail.get("before"), after=detail.get("after"))
    if kind == "platform.connect":
        account = f" ({detail['account']})" if detail.get("account") else ""
        return _("Connected {platform}").format(platform=_platform(subject) + account)
    if kind == "platform.disconnect":
        return _("Disconnected {platform}").format(platform=_platform(subject))
    if kind == "data.export":
        return _("Exported all your data to {path}").format(path=subject)
    if kind == "data.purge":
        return _("Removed for good what was in the bin ({what})").format(what=subject)
    if kind == "products.import":
        counts = ", ".join(word.format(count=detail[k]) for k, word in (
            ("created", _("{count} new")), ("updated", _("{count} updated")), ("skipped", _("{count} skipped")))
            if detail.get(k))
        name = detail.get("file") or _("a CSV file")
        return _("Imported products from {file}").format(file=name) + (f": {counts}" if counts else "")
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
        lines.append(AuditLine(at, format_when(at, "EEE d MMM y, HH:mm"),  # names in the interface language
                               CATEGORIES.get(event["kind"].split(".")[0], OTHER),
                               describe(event["kind"], event["subject"], event["detail"], titles), event["kind"]))
    return lines

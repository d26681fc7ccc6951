"""What a social post says: the caption exactly as the copy rules checked it, limits enforced before anything is
sent, the link to the product's shop page, and how messages name a photo.

Social platforms refuse an over-long caption only after the pictures were uploaded (or, for Instagram, after a
publishing slot was spent on a container), so the limits of resources/content/rules.json are applied here first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy import select

from core.content.models import PlatformCopy
from core.content.rules import compose_caption as compose_rules_caption
from core.content.rules import load_json_resource, load_rules
from core.content.validate import validate
from core.db.database import Database
from core.db.models import Product, PublishJob
from core.platforms.base import ListingRequest
from core.platforms.errors import ContentRejected
from core.platforms.specs import display_name

# Copy fields a social caption is checked on; the caption itself covers hashtags and @mentions in the text.
_CHECKED_FIELDS = ("title", "description", "caption")


def platform_copy(request: ListingRequest, *, with_title: bool) -> PlatformCopy:
    """The request's approved copy in the content rules' shape (title only where the platform shows one)."""
    copy = request.copy
    return PlatformCopy(platform=request.platform, title=copy.title if with_title else "",
                        description=copy.description, bullets=list(copy.bullets), hashtags=list(copy.hashtags))


def caption(request: ListingRequest, *, with_title: bool = False) -> str:
    """The text the platform posts: description, bullets and hashtags joined as the copy rules say."""
    rules = load_rules().platform(request.platform)
    return compose_rules_caption(platform_copy(request, with_title=with_title), rules)


def check_copy(request: ListingRequest, *, with_title: bool = False) -> None:
    """Refuse (ContentRejected, nothing sent) copy that breaks the platform's caption, title or text limits."""
    copy = platform_copy(request, with_title=with_title)
    for violation in validate(copy, load_rules()):
        if violation.field in _CHECKED_FIELDS:
            raise ContentRejected(
                request.platform, violation.field, violation.message, product=request.product_label,
                fix=f"Edit the {display_name(request.platform)} copy in the Content tab, approve it, and publish "
                    "again.")


def publish_limit(platform: str, name: str) -> int | None:
    """A limit the publisher enforces itself (``publish_limits`` in rules.json, e.g. Pinterest's alt text)."""
    raw = load_json_resource("rules.json")["platforms"][platform].get("publish_limits", {}).get(name)
    return int(raw["max_chars"]) if raw and raw.get("max_chars") is not None else None


def photo_label(images: Sequence[Path], index: int) -> str:
    """How messages name one picture: ``photo 2 of 3 (instagram-1a2b.jpg)``."""
    return f"photo {index + 1} of {len(images)} ({images[index].name})"


def _public(url: str) -> bool:
    # Some platforms record their seller-side page (a Shopify admin link) when no shop page exists yet;
    # a buyer could not open it, so it must never be posted.
    return url.startswith(("https://", "http://")) and "/admin/" not in url


def product_link(db: Database, product_id: int, sources: Iterable[str], template: str | None) -> str | None:
    """The product's shop page: its live listing on the first of ``sources`` (e.g. Shopify, then Etsy) that has
    one, else the seller's ``template`` (``{sku}`` and ``{product_id}`` filled in), else None."""
    order = list(sources)
    with db.session() as session:
        rows = session.execute(select(PublishJob.platform, PublishJob.remote_url).where(
            PublishJob.product_id == product_id, PublishJob.state == "published",
            PublishJob.platform.in_(order), PublishJob.remote_url.is_not(None))).all()
        sku = session.scalar(select(Product.sku).where(Product.id == product_id))
    found = {platform: str(url) for platform, url in rows if url and _public(str(url))}
    for platform in order:
        if platform in found:
            return found[platform]
    if template and ("{sku}" not in template or sku):
        return template.replace("{sku}", sku or "").replace("{product_id}", str(product_id))
    return None

"""Publishing one product to one platform: the ListingRequest assembled from the database, then the platform call.

The publishing queue wraps :func:`publish_listing`; it owns jobs, retries and the decision what to do after
OutcomeUnknown (``find_existing`` then ``publish(existing=...)``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import select

from core.content.drafts import facts_fingerprint
from core.db.models import AuditEvent, ContentDraft, Product
from core.errors import NotFound, ValidationError
from core.i18n import _
from core.platforms.base import ListingCopy, ListingRequest, ListingResult, Platform
from core.platforms.connections import mark_needs_attention
from core.platforms.errors import AuthExpired, PlatformError
from core.platforms.specs import display_name, get_spec
from core.products.marketplace import given_details

if TYPE_CHECKING:
    from core.app import App
    from core.db.database import Database


class HasPath(Protocol):
    """A made picture on disk (core.images' Variant)."""

    @property
    def path(self) -> Path:
        """Where the picture is."""
        ...


class VariantSource(Protocol):
    """Where platform-sized pictures come from (core.images.store.ImageStore in the app)."""

    def variants(self, sha256: str, platforms: Sequence[str],
                 focal: tuple[float, float] | None = None) -> Sequence[HasPath]:
        """The picture of stored photo ``sha256`` for each platform, made if needed."""
        ...


def default_idempotency_key(product_id: int, platform: str) -> str:
    """A stable key for "this product on this platform" when the caller (the queue) has none of its own."""
    return hashlib.sha256(f"sellerdesk:{platform}:{product_id}".encode()).hexdigest()[:32]


def approval_is_stale(draft: ContentDraft) -> bool:
    """Whether approved copy was approved before the product's facts (price, stock, title...) last changed."""
    return (draft.status == "approved" and bool(draft.approved_facts)
            and draft.approved_facts != facts_fingerprint(draft.product))


def stale_copy_refusal(product_id: int, title: str, platform: str) -> ValidationError:
    """Why approved copy that went stale is not published (which product, which platform) and what to do."""
    name = display_name(platform)
    return ValidationError(
        f"The {name} copy of product #{product_id} '{title}' was approved before the product changed (price, stock, "
        f"title, description or attributes), so it is not published until it is approved again.", field="copy",
        hint=f"Check the {name} copy in the Content tab and approve it again (or: sellerdesk content approve "
             f"{product_id} {platform}), then publish again.")


def build_listing_request(db: Database, product_id: int, platform: str, variants: VariantSource, *,
                          idempotency_key: str | None = None, new_listing: bool = False) -> ListingRequest:
    """The ListingRequest of a product for a platform: its facts, its *approved* copy, its platform photos.

    Refuses (ValidationError) when the product has no price yet or no approved copy for the platform, and, for a
    ``new_listing`` (a first publish), copy approved before the product's facts changed. Follow-ups of a live
    listing (price and stock in step) still carry it: it is the copy the listing already shows.
    """
    name = display_name(platform)
    with db.session() as session:
        product = session.get(Product, product_id)
        if product is None or product.deleted_at is not None:
            raise NotFound(_("There is no product #{id}.").format(id=product_id),
                           hint=_("See the products with: sellerdesk products list"))
        if product.price <= 0:  # a draft made from photos waits for its price; nothing is listed at 0
            raise ValidationError(_("Product #{id} '{title}' has no price yet, so it cannot be published to "
                                    "{platform}.").format(id=product_id, title=product.title, platform=name),
                                  field="price",
                                  hint=_("Enter its price in the Products tab (or: {command}), then publish "
                                         "again.").format(command=f"sellerdesk products edit {product_id} --price 499"))
        draft = session.scalars(select(ContentDraft).where(
            ContentDraft.product_id == product_id, ContentDraft.platform == platform)).first()
        if draft is None or draft.status != "approved":
            state = "is not approved yet" if draft is not None else "has not been written yet"
            raise ValidationError(
                f"The {name} copy of product #{product_id} '{product.title}' {state}, so it cannot be published.",
                field="copy", hint=f"Review and approve the {name} copy in the Content tab, then publish again.")
        if new_listing and approval_is_stale(draft):
            raise stale_copy_refusal(product_id, product.title, platform)
        copy = ListingCopy(title=draft.title, description=draft.description, bullets=tuple(draft.bullets or ()),
                           tags=tuple(draft.tags or ()), hashtags=tuple(draft.hashtags or ()),
                           seo_title=draft.seo_title or "", seo_description=draft.seo_description or "")
        photos = [(i.sha256, (i.focal_x, i.focal_y), i.alt_text) for i in product.images]
        facts: dict[str, Any] = {"price": product.price, "currency": product.currency, "quantity": product.quantity,
                                 "sku": product.sku, "category": product.category,
                                 "attributes": {str(k): str(v) for k, v in (product.attributes or {}).items()},
                                 "details": given_details(product)}
    # Pictures are made outside the database session: rendering can take a while.
    max_images = get_spec(platform).capabilities.max_images
    images = tuple(variants.variants(sha, [platform], focal)[0].path for sha, focal, _ in photos[:max_images])
    return ListingRequest(
        product_id=product_id, platform=platform, copy=copy, images=images,
        idempotency_key=idempotency_key or default_idempotency_key(product_id, platform),
        alt_texts=tuple(alt for _, _, alt in photos[:max_images]), **facts,
    )


def publish_listing(app: App, product_id: int, platform: str, *, existing: ListingResult | None = None,
                    idempotency_key: str | None = None, variants: VariantSource | None = None,
                    target: Platform | None = None) -> ListingResult:
    """Publish product ``product_id`` to ``platform`` with its approved copy and photos; returns where it lives.

    ``existing`` (from ``find_existing`` after OutcomeUnknown) finishes that listing instead of creating one.
    ``target`` is an already open platform object (the queue keeps one per platform); otherwise one is opened
    and closed here. Raises the PlatformError family, each naming the product.
    """
    from core.platforms.registry import open_platform

    request = build_listing_request(app.db, product_id, platform,
                                    variants if variants is not None else app.image_store,
                                    idempotency_key=idempotency_key, new_listing=True)
    owned = target is None
    client = open_platform(app, platform) if target is None else target
    try:
        result = client.publish(request, existing=existing)
    except PlatformError as exc:
        if isinstance(exc, AuthExpired):
            mark_needs_attention(app.db, platform)
        named = exc.for_product(request.product_label)
        if named is exc:
            raise
        raise named from exc
    finally:
        if owned:
            client.close()
    with app.db.session() as session:
        session.add(AuditEvent(kind="listing.publish", subject=f"{platform}:{product_id}",
                               detail={"remote_id": result.remote_id, "url": result.url, "state": result.state}))
    return result

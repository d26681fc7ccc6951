"""publish_listing assembles the listing from the database and refuses what is not ready."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.app import App
from core.db.models import AuditEvent, Product
from core.db.types import utcnow
from core.errors import NotFound, ValidationError
from core.platforms.publish import build_listing_request, default_idempotency_key, publish_listing
from tests.fakes.etsy import EtsyStandIn
from tests.platforms.conftest import FakeVariants, add_product


def test_copy_must_be_approved_for_that_platform(app: App, variants: FakeVariants) -> None:
    draft_only = add_product(app, approved=False)
    with pytest.raises(ValidationError, match="The Etsy copy of product #1 'Blue Glazed Stoneware Mug' is not "
                                              "approved yet") as caught:
        publish_listing(app, draft_only, "etsy", variants=variants)
    assert "approve the Etsy copy in the Content tab" in str(caught.value)
    shopify_only = add_product(app, platforms=("shopify",), sku="MUG-2")
    with pytest.raises(ValidationError, match="has not been written yet"):
        publish_listing(app, shopify_only, "etsy", variants=variants)
    assert variants.calls == []  # nothing was rendered for a refused product


def test_a_missing_or_deleted_product_is_not_found(app: App, variants: FakeVariants) -> None:
    with pytest.raises(NotFound, match="There is no product #99"):
        publish_listing(app, 99, "etsy", variants=variants)
    product_id = add_product(app)
    with app.db.session() as session:
        session.get(Product, product_id).deleted_at = utcnow()  # type: ignore[union-attr]
    with pytest.raises(NotFound):
        publish_listing(app, product_id, "etsy", variants=variants)


def test_the_request_carries_facts_copy_and_platform_photos(app: App, variants: FakeVariants) -> None:
    product_id = add_product(app, photos=22)
    request = build_listing_request(app.db, product_id, "etsy", variants)
    assert len(request.images) == 20  # Etsy's limit from its data file
    assert all(path.name.endswith("-etsy.jpg") for path in request.images)
    assert request.alt_texts[0] == "Mug photo 1"
    assert (str(request.price), request.currency, request.quantity, request.sku) == ("24.5", "USD", 5, "MUG-BLUE-01")
    assert request.copy.bullets == ("350 ml", "Microwave safe") and request.category == "Kitchen > Mugs"
    assert request.idempotency_key == default_idempotency_key(product_id, "etsy")
    assert request.product_label == f"#{product_id} 'Blue Glazed Stoneware Mug - handmade 350 ml'"
    assert build_listing_request(app.db, product_id, "etsy", variants, idempotency_key="job-7").idempotency_key \
        == "job-7"


def test_publishing_is_audited(etsy_app: App, etsy_server: EtsyStandIn, variants: FakeVariants) -> None:
    product_id = add_product(etsy_app)
    result = publish_listing(etsy_app, product_id, "etsy", variants=variants)
    with etsy_app.db.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.kind == "listing.publish")).one()
        assert event.subject == f"etsy:{product_id}" and event.detail["remote_id"] == result.remote_id


def test_a_shop_in_another_currency_is_refused_before_sending(etsy_app: App, etsy_server: EtsyStandIn,
                                                              variants: FakeVariants) -> None:
    from core.platforms.errors import ContentRejected

    product_id = add_product(etsy_app, currency="INR")
    with pytest.raises(ContentRejected, match="the Etsy shop sells in USD but the product is priced in INR"):
        publish_listing(etsy_app, product_id, "etsy", variants=variants)
    assert etsy_server.listings == {}

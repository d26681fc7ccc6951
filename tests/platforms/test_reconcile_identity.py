"""Reconciliation never takes someone else's listing: every listing SellerDesk makes carries an identifier it finds
again (the product's SKU, or one made from the job's key), and matching on copy alone is never enough."""

from __future__ import annotations

import pytest

from core.app import App
from core.platforms.errors import OutcomeUnknown
from core.platforms.publish import build_listing_request, publish_listing
from tests.fakes.etsy import EtsyStandIn
from tests.platforms.conftest import FakeVariants, add_product, opener


def test_a_product_without_sku_gets_a_listing_sku_it_is_found_by(etsy_app: App, etsy_server: EtsyStandIn,
                                                                 variants: FakeVariants) -> None:
    product_id = add_product(etsy_app, sku=None)
    etsy_server.drop("POST", r"/images$")  # the draft and its first photo are made; the answer is lost
    with pytest.raises(OutcomeUnknown):
        publish_listing(etsy_app, product_id, "etsy", variants=variants, idempotency_key="a1b2c3d4e5f6a7b8")
    request = build_listing_request(etsy_app.db, product_id, "etsy", variants, idempotency_key="a1b2c3d4e5f6a7b8")
    assert request.listing_sku == "SD-A1B2C3D4E5F6"
    (listing,) = etsy_server.listings.values()
    assert listing["skus"] == ["SD-A1B2C3D4E5F6"]  # set before the photos, so even this half-made draft has it
    with opener(etsy_app)("etsy") as etsy:
        found = etsy.find_existing(request)
        assert found is not None and found.remote_id == str(listing["listing_id"]) and found.image_count == 1


def test_another_products_listing_with_the_same_copy_is_never_taken(etsy_app: App, etsy_server: EtsyStandIn,
                                                                    variants: FakeVariants) -> None:
    first = add_product(etsy_app, sku=None)
    second = add_product(etsy_app, sku=None)  # the same words: a seller listing two colours with one text
    published = publish_listing(etsy_app, first, "etsy", variants=variants, idempotency_key="1111aaaa2222bbbb")
    # The second product's attempt was cut off before anything reached Etsy; its job is reconciled.
    request = build_listing_request(etsy_app.db, second, "etsy", variants, idempotency_key="3333cccc4444dddd")
    with opener(etsy_app)("etsy") as etsy:
        assert etsy.find_existing(request) is None
        result = publish_listing(etsy_app, second, "etsy", variants=variants, existing=None, target=etsy,
                                 idempotency_key="3333cccc4444dddd")
    assert result.remote_id != published.remote_id and len(etsy_server.listings) == 2


def test_a_draft_with_the_same_copy_but_photos_is_someone_elses_work(etsy_app: App, etsy_server: EtsyStandIn,
                                                                     variants: FakeVariants) -> None:
    first = add_product(etsy_app, sku=None)
    second = add_product(etsy_app, sku=None)
    etsy_server.drop("POST", r"/images$")  # the first product's draft has its SKU and a photo; the rest is lost
    with pytest.raises(OutcomeUnknown):
        publish_listing(etsy_app, first, "etsy", variants=variants, idempotency_key="5555eeee6666ffff")
    request = build_listing_request(etsy_app.db, second, "etsy", variants, idempotency_key="7777aaaa8888bbbb")
    with opener(etsy_app)("etsy") as etsy:
        assert etsy.find_existing(request) is None  # same words, but it carries another SKU and photos
        mine = build_listing_request(etsy_app.db, first, "etsy", variants, idempotency_key="5555eeee6666ffff")
        assert etsy.find_existing(mine) is not None

"""Shopify gets the copy's search-engine listing (SEO title and meta description) on the first publish and on every
update of the listing, as ProductSetInput.seo (an SEOInput)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.app import App
from core.db.models import ContentDraft
from core.platforms.publish import build_listing_request, publish_listing
from tests.fakes.shopify import ShopifyStandIn
from tests.fakes.shopify_inputs import InvalidVariable, check_variable
from tests.platforms.conftest import FakeVariants, add_product, opener


def _seo(app: App, product_id: int, title: str, description: str) -> None:
    with app.db.session() as session:
        draft = session.scalars(select(ContentDraft).where(ContentDraft.product_id == product_id,
                                                           ContentDraft.platform == "shopify")).one()
        draft.seo_title, draft.seo_description = title, description


def test_the_seo_title_and_description_go_out_on_publish_and_on_update(shopify_app: App,
                                                                        shopify_server: ShopifyStandIn,
                                                                        variants: FakeVariants) -> None:
    product_id = add_product(shopify_app, platforms=("shopify",))
    _seo(shopify_app, product_id, "Blue Stoneware Mug, 350 ml | Clay Corner",
         "A hand-thrown 350 ml stoneware mug in a deep blue glaze. Microwave and dishwasher safe.")
    with opener(shopify_app)("shopify") as shopify:
        result = publish_listing(shopify_app, product_id, "shopify", variants=variants, target=shopify)
        assert shopify_server.products[result.remote_id]["seo"] == {
            "title": "Blue Stoneware Mug, 350 ml | Clay Corner",
            "description": "A hand-thrown 350 ml stoneware mug in a deep blue glaze. Microwave and dishwasher safe."}
        _seo(shopify_app, product_id, "Blue Mug 350 ml", "Deep blue stoneware mug, 350 ml.")
        shopify.update(result.remote_id, build_listing_request(shopify_app.db, product_id, "shopify", variants))
    assert shopify_server.products[result.remote_id]["seo"] == {"title": "Blue Mug 350 ml",
                                                                 "description": "Deep blue stoneware mug, 350 ml."}
    assert len(shopify_server.products) == 1


def test_copy_without_a_search_engine_listing_leaves_shopify_its_own(shopify_app: App,
                                                                      shopify_server: ShopifyStandIn,
                                                                      variants: FakeVariants) -> None:
    product_id = add_product(shopify_app, platforms=("shopify",))
    with opener(shopify_app)("shopify") as shopify:
        result = publish_listing(shopify_app, product_id, "shopify", variants=variants, target=shopify)
    assert "seo" not in shopify_server.products[result.remote_id]


def test_the_stand_in_takes_seo_only_in_shopifys_shape() -> None:
    check_variable("ProductSetInput!", {"title": "Mug", "seo": {"title": "Mug", "description": "A mug."}}, "input")
    for wrong in ({"metaDescription": "A mug."}, {"title": 70}):
        with pytest.raises(InvalidVariable):
            check_variable("ProductSetInput!", {"title": "Mug", "seo": wrong}, "input")
    with pytest.raises(InvalidVariable, match="seoTitle"):  # not a ProductSetInput field: it sits inside seo
        check_variable("ProductSetInput!", {"title": "Mug", "seoTitle": "Mug"}, "input")

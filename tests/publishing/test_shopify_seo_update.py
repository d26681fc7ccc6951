"""A live Shopify listing follows its copy's search-engine listing: changing only the SEO title or meta description
(and approving it) queues an update that sends them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.app import App
from core.db.models import ContentDraft
from core.listings.store import list_listings
from core.publishing.jobs import list_jobs
from tests.fakes.shopify import ShopifyStandIn
from tests.platforms.conftest import add_product
from tests.publishing.conftest import wait_for


def test_an_seo_only_edit_reaches_the_live_shopify_listing(shop: App, shopify_server: ShopifyStandIn,
                                                           make_publisher: Any) -> None:
    product = add_product(shop, platforms=("shopify",))
    make_publisher(shop).schedule([product], ["shopify"], "now")
    wait_for(lambda: len(list_listings(shop.db, product_id=product)) == 1, message="live on Shopify")
    live = next(iter(shopify_server.products.values()))
    assert "seo" not in live
    with shop.db.session() as session:
        draft = session.scalars(select(ContentDraft).where(ContentDraft.product_id == product)).one()
        draft.seo_title, draft.seo_description = "Blue Mug 350 ml", "Deep blue stoneware mug, 350 ml."
    wait_for(lambda: any(j.action == "update" and j.state == "published" for j in list_jobs(shop.db)),
             message="the update went out")
    assert live["seo"] == {"title": "Blue Mug 350 ml", "description": "Deep blue stoneware mug, 350 ml."}
    assert len(shopify_server.products) == 1

"""Publishing through the queue against the stand-ins: once, on time, or told why not."""

from __future__ import annotations

from core.app import App
from core.publishing.jobs import get_job, job_events, list_jobs
from tests.fakes.etsy import EtsyStandIn
from tests.fakes.shopify import ShopifyStandIn
from tests.platforms.conftest import add_product
from tests.publishing.conftest import wait_for


def test_publish_now_goes_out_once_on_every_platform(shop: App, etsy_server: EtsyStandIn,
                                                      shopify_server: ShopifyStandIn, make_publisher) -> None:
    product_id = add_product(shop)
    publisher = make_publisher(shop)
    result = publisher.schedule([product_id], ["all"], "now")
    assert sorted(j.platform for j in result.jobs) == ["etsy", "shopify"] and result.skipped == []
    jobs = wait_for(lambda: [j for j in list_jobs(shop.db) if j.state == "published"] if all(
        j.state == "published" for j in list_jobs(shop.db)) else None, message="both published")
    assert len(etsy_server.listings) == 1 and len(shopify_server.products) == 1
    etsy_job = next(j for j in jobs if j.platform == "etsy")
    listing = next(iter(etsy_server.listings.values()))
    assert etsy_job.remote_id == str(listing["listing_id"]) and listing["state"] == "active"
    history = [(e.from_state, e.to_state) for e in job_events(shop.db, etsy_job.id)]
    assert history == [("draft", "scheduled"), ("scheduled", "publishing"), ("publishing", "published")]
    assert get_job(shop.db, etsy_job.id).published_at is not None

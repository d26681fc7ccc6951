"""A job paused for the seller (its platform's sign-in refused) goes on by itself once the seller connects again:
``sellerdesk platforms connect`` puts it back in the queue, the running queue sends it, and nothing is sent twice.
(The window's Connect button: tests/platforms/test_platforms_tab.py.)"""

from __future__ import annotations

import io

import pytest

from core.app import App
from core.publishing.jobs import get_job, job_events
from core.publishing.resume import WAITING_FOR_SELLER, resume_paused
from tests.fakes.shopify import ShopifyStandIn
from tests.platforms.conftest import add_product
from tests.publishing.conftest import wait_for


def test_connecting_again_from_the_cli_sends_the_paused_post(shop: App, shopify_server: ShopifyStandIn,
                                                            make_publisher, cli, monkeypatch: pytest.MonkeyPatch,
                                                            ) -> None:
    shopify_server.token = "shpat_revoked"  # the shop took SellerDesk's token back
    publisher = make_publisher(shop)
    job = publisher.schedule([add_product(shop, platforms=("shopify",))], ["shopify"], "now").jobs[0]
    paused = wait_for(lambda: (j := get_job(shop.db, job.id)).state == "needs_attention" and j, message="paused")
    assert paused.note == WAITING_FOR_SELLER and not paused.outcome_unknown and shopify_server.products == {}
    assert paused.next_step is not None and paused.next_step.startswith("Reconnect Shopify in the Platforms tab")
    assert paused.next_step.endswith("The post then goes out by itself.")

    shopify_server.token = "shpat_fresh"
    monkeypatch.setattr("sys.stdin", io.StringIO("shpat_fresh\n"))
    result = cli("platforms", "connect", "shopify", "--token-stdin")
    assert result.code == 0, result.out + result.err
    assert (f"{paused.label}, paused until you connected, is back in the queue.") in result.out
    # The queue that paused it is still running: its Shopify client was renewed, with the token given now.
    done = wait_for(lambda: (j := get_job(shop.db, job.id)).state == "published" and j, message="published")
    assert done.attempts == 2 and len(shopify_server.products) == 1  # one listing, through the queue
    moves = [(e.from_state, e.to_state, e.message) for e in job_events(shop.db, job.id)]
    assert ("needs_attention", "scheduled", "Shopify was connected again: back in the queue") in moves


def test_only_jobs_paused_for_the_seller_are_resumed(shop: App, shopify_server: ShopifyStandIn,
                                                     make_publisher) -> None:
    from core.platforms.connections import set_preferences

    set_preferences(shop.db, "etsy", {"shipping_profile_id": None})  # Etsy refuses the listing's content
    shopify_server.token = "shpat_revoked"
    publisher = make_publisher(shop)
    jobs = {j.platform: j for j in publisher.schedule([add_product(shop)], ["etsy", "shopify"], "now").jobs}
    wait_for(lambda: all(get_job(shop.db, j.id).state == "needs_attention" for j in jobs.values()),
             message="both need the seller")
    assert get_job(shop.db, jobs["etsy"].id).note is None  # a refused copy waits for a fix, not for a sign-in
    publisher.stop()  # so the resumed job stays where resume_paused put it
    assert resume_paused(shop, "etsy") == []
    assert resume_paused(shop, "shopify")[0].id == jobs["shopify"].id
    assert resume_paused(shop, "shopify") == []  # moved once

"""``sellerdesk publish``, ``jobs`` and ``run-scheduler`` as a seller would use them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.app import App
from core.publishing.jobs import get_job, list_jobs
from tests.fakes.etsy import EtsyStandIn
from tests.fakes.shopify import ShopifyStandIn
from tests.platforms.conftest import add_product
from tests.publishing.conftest import add_photographed_product

FUTURE = datetime.now(UTC) + timedelta(days=30)


def test_publish_at_a_local_time_schedules_it_in_ist(shop: App, cli) -> None:
    product = add_product(shop)
    local = FUTURE.astimezone(ZoneInfo("Asia/Kolkata")).replace(hour=18, minute=30)
    result = cli("publish", str(product), "--platform", "all", "--at", local.strftime("%Y-%m-%dT%H:%M"))
    assert result.code == 0, result.err
    assert f"Scheduled #{product} 'Blue Glazed Stoneware Mug' on Etsy for " in result.out
    assert f"{local:%d %b %Y}, 18:30 IST" in result.out
    assert "goes out while SellerDesk's window or 'sellerdesk run-scheduler' is running" in result.out
    jobs = list_jobs(shop.db)
    assert {j.scheduled_at for j in jobs} == {local.astimezone(UTC).replace(second=0, microsecond=0)}

    listed = cli("--json", "jobs", "list")
    rows = json.loads(listed.out)
    assert [r["state"] for r in rows] == ["scheduled", "scheduled"] and rows[0]["platform"] in ("etsy", "shopify")
    table = cli("jobs", "list", "--platform", "shopify")
    assert "Scheduled" in table.out and "18:30 IST" in table.out and "Etsy" not in table.out

    cancelled = cli("jobs", "cancel", str(jobs[0].id))
    assert cancelled.code == 0 and f"Cancelled job #{jobs[0].id}" in cancelled.out
    again = cli("jobs", "cancel", str(jobs[0].id))
    assert again.code == 1 and "it was cancelled" in again.err


def test_a_time_the_clocks_skip_is_refused_on_the_command_line(shop: App, cli) -> None:
    shop.settings.set("general.timezone", "America/New_York")
    result = cli("publish", str(add_product(shop)), "--platform", "etsy", "--at", "2027-03-14T02:30")
    assert result.code == 1 and "clocks jump from 02:00 to 03:00" in result.err
    assert list_jobs(shop.db) == []


def test_publish_now_waits_and_prints_progress(shop: App, etsy_server: EtsyStandIn, shopify_server: ShopifyStandIn,
                                               cli, tmp_path) -> None:
    product = add_photographed_product(shop, tmp_path)
    shop.settings.set("platforms.http.max_retries", 0)
    result = cli("publish", str(product), "--platform", "etsy", "--platform", "shopify")
    assert result.code == 0, result.out + result.err
    assert f"#{product} 'Blue Glazed Stoneware Mug' on Etsy: publishing…" in result.out
    assert f"#{product} 'Blue Glazed Stoneware Mug' on Etsy: published: https://www.etsy.com/listing/" in result.out
    assert len(etsy_server.listings) == 1 and len(shopify_server.products) == 1
    finished = [line for line in result.out.splitlines() if ": published: " in line]
    assert len(finished) == 2 and len(set(finished)) == 2, result.out  # each outcome printed once, not twice
    shown = cli("jobs", "show", str(list_jobs(shop.db)[0].id))
    assert "scheduled → publishing: attempt 1 started" in shown.out and "publishing → published" in shown.out


def test_retry_sends_a_failed_job_again(shop: App, cli) -> None:
    from core.publishing.jobs import claim, create_job, move

    job = create_job(shop.db, add_product(shop), "etsy", at=FUTURE)
    claim(shop.db, job.id, now=FUTURE)
    move(shop.db, job.id, "failed", "refused", last_error="Etsy: refused")
    result = cli("jobs", "retry", str(job.id))
    assert result.code == 0 and "will be tried again now" in result.out and "run-scheduler" in result.out
    assert get_job(shop.db, job.id).state == "scheduled"
    assert cli("jobs", "retry", "999").code == 1


def test_edit_stock_take_down_and_sales_sync_from_the_command_line(
        shop: App, etsy_server: EtsyStandIn, shopify_server: ShopifyStandIn, cli, tmp_path) -> None:
    product = add_photographed_product(shop, tmp_path)
    assert cli("publish", str(product), "--platform", "etsy", "--platform", "shopify").code == 0
    listed = cli("listings", "list")
    assert listed.code == 0 and "Live" in listed.out and "Etsy" in listed.out and "Shopify" in listed.out

    edited = cli("products", "edit", str(product), "--price", "30")
    assert edited.code == 0, edited.out + edited.err
    assert f"Update of #{product} 'Blue Glazed Stoneware Mug' on Etsy: done." in edited.out
    assert next(iter(etsy_server.listings.values()))["price"]["amount"] == 3000

    counted = cli("stock", "set", str(product), "2")
    assert counted.code == 0, counted.err
    assert "stock 5 → 2; Etsy and Shopify are updated" in counted.out
    assert list(shopify_server.inventory.values()) == [2]

    etsy_server.add_receipt(7, int(datetime.now(UTC).timestamp()) + 2, [(701, 2, 30.0, None)])
    synced = cli("sales", "sync", "--platform", "etsy")
    assert synced.code == 0, synced.out + synced.err
    assert "Etsy: 1 new; " in synced.out and "sold on Etsy, stock 2 → 0" in synced.out
    assert next(iter(shopify_server.products.values()))["status"] == "DRAFT"

    rows = json.loads(cli("--json", "listings", "list").out)
    assert {r["state"] for r in rows} == {"sold_out"}
    down = cli("listings", "take-down", str(rows[0]["id"]))
    assert down.code == 0 and "Take-down of" in down.out
    assert json.loads(cli("--json", "listings", "show", str(rows[0]["id"])).out)["state"] == "taken_down"
    refused = cli("listings", "repost", str(rows[0]["id"]))
    assert refused.code == 1 and "updated in place, not posted again" in refused.err

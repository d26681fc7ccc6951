"""Nothing lost, nothing doubled: restarts, missed times (clock-driven), interrupted attempts, the computer sleeping."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from core.app import App
from core.publishing.jobs import claim, create_job, get_job, job_events, list_jobs
from core.publishing.reconcile import MISSED_ASLEEP, MISSED_CLOSED
from tests.fakes.etsy import EtsyStandIn
from tests.fakes.shopify import ShopifyStandIn
from tests.platforms.conftest import FakeVariants, add_product, opener
from tests.publishing.conftest import Clock, wait_for

NOON = datetime(2026, 12, 5, 6, 30, tzinfo=UTC)  # 12:00 IST


def test_a_post_late_within_the_grace_window_goes_out_at_start(shop: App, etsy_server: EtsyStandIn,
                                                               make_publisher) -> None:
    job = create_job(shop.db, add_product(shop), "etsy", at=NOON, now=NOON - timedelta(days=1))
    make_publisher(shop, clock=Clock(NOON + timedelta(minutes=25)), grace_minutes=30)
    wait_for(lambda: get_job(shop.db, job.id).state == "published", message="published")
    assert len(etsy_server.listings) == 1


def test_a_post_missed_beyond_the_grace_window_waits_for_the_seller(shop: App, etsy_server: EtsyStandIn,
                                                                    make_publisher) -> None:
    job = create_job(shop.db, add_product(shop), "etsy", at=NOON, now=NOON - timedelta(days=1))
    clock = Clock(NOON + timedelta(hours=3))
    publisher = make_publisher(shop, clock=clock, grace_minutes=30)
    missed = get_job(shop.db, job.id)
    assert missed.state == "needs_attention" and missed.next_step == MISSED_CLOSED
    assert MISSED_CLOSED == "Missed its time while SellerDesk was closed: publish now or reschedule"
    assert etsy_server.listings == {}  # nothing went out late on its own
    publisher.retry(job.id)  # "publish now"
    wait_for(lambda: get_job(shop.db, job.id).state == "published", message="published after the seller chose")
    assert len(etsy_server.listings) == 1


def test_a_post_made_late_while_running_was_slept_through(shop: App, shopify_server: ShopifyStandIn,
                                                          make_publisher) -> None:
    publisher = make_publisher(shop)
    # As if the computer slept past the time: a due job found by the next look at the table, hours late.
    job = create_job(shop.db, add_product(shop, platforms=("shopify",)), "shopify",
                     at=datetime.now(UTC) - timedelta(hours=2))
    wait_for(lambda: get_job(shop.db, job.id).state == "needs_attention", message="missed")
    assert get_job(shop.db, job.id).next_step == MISSED_ASLEEP and shopify_server.products == {}
    assert publisher.is_runner


def test_schedules_survive_a_restart_in_the_app_database(shop: App, shopify_server: ShopifyStandIn,
                                                         make_publisher) -> None:
    first = make_publisher(shop)
    at = datetime.now(UTC) + timedelta(seconds=1.5)
    result = first.schedule([add_product(shop, platforms=("shopify",))], ["shopify"], at)
    job_id = result.jobs[0].id
    with shop.db.engine.connect() as conn:
        stored = conn.execute(text("SELECT id FROM apscheduler_jobs")).scalars().all()
    assert stored == [str(job_id)]  # APScheduler's job id is our job id
    first.stop()
    make_publisher(shop)
    wait_for(lambda: get_job(shop.db, job_id).state == "published", timeout=10, message="published after restart")
    assert len(shopify_server.products) == 1
    assert get_job(shop.db, job_id).published_at >= at  # type: ignore[operator]


def test_an_interrupted_attempt_is_checked_on_the_platform_and_finished_not_sent_again(
        shop: App, etsy_server: EtsyStandIn, variants: FakeVariants, make_publisher) -> None:
    from core.platforms.publish import build_listing_request

    product_id = add_product(shop)
    job = create_job(shop.db, product_id, "etsy", at=NOON, now=NOON)
    claim(shop.db, job.id, now=NOON)  # committed as "publishing" ...
    request = build_listing_request(shop.db, product_id, "etsy", variants, idempotency_key=job.idempotency_key)
    with opener(shop)("etsy") as etsy:  # ... the draft was made on Etsy, and then SellerDesk died
        etsy._api.create_draft(etsy_server.shop_id, etsy._listing_form(request, etsy._listing_choices(request)),
                               request.product_label)
    make_publisher(shop)
    done = wait_for(lambda: (j := get_job(shop.db, job.id)).state == "published" and j, message="reconciled")
    assert len(etsy_server.listings) == 1 and done.remote_id == str(next(iter(etsy_server.listings)))
    assert next(iter(etsy_server.listings.values()))["state"] == "active"
    steps = [(e.to_state, e.message) for e in job_events(shop.db, job.id)]
    assert ("needs_attention", "SellerDesk stopped during the attempt: the outcome is unknown") in steps
    assert [s for s in steps if s[0] == "publishing"][-1][1] == "checking the platform for the earlier attempt"
    creates = [r for r in etsy_server.requests if r.method == "POST" and r.path.endswith("/listings")]
    assert len(creates) == 1


def test_list_jobs_reads_back_what_was_stored(shop: App) -> None:
    job = create_job(shop.db, add_product(shop), "etsy", at=NOON)
    assert [j.id for j in list_jobs(shop.db, states=["scheduled"])] == [job.id]
    assert list_jobs(shop.db, platform="shopify") == [] and list_jobs(shop.db, ids=[job.id + 1]) == []


def test_the_first_start_makes_its_schedule_table_while_other_writes_land(tmp_path: Any, make_publisher: Any) -> None:
    """APScheduler creates its table on the very first start; a write committed meanwhile must not fail it with
    "database is locked" (its transactions take the write lock first, as ours do)."""
    for attempt in range(4):
        app = App(tmp_path / f"shop{attempt}")
        stop = threading.Event()

        def write(app: App = app, stop: threading.Event = stop) -> None:
            with app.db.session() as session:
                session.execute(text("CREATE TABLE IF NOT EXISTS busy (x INTEGER)"))
            while not stop.is_set():
                with app.db.session() as session:
                    session.execute(text("INSERT INTO busy VALUES (1)"))

        writer = threading.Thread(target=write)
        writer.start()
        publisher = make_publisher(app, start=False)
        try:
            publisher.start()
        finally:
            stop.set()
            writer.join()
        with app.db.reading() as session:
            assert session.execute(text("SELECT count(*) FROM apscheduler_jobs")).scalar() == 0
        publisher.stop()
        app.close()

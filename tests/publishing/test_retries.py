"""Only temporary failures are retried (with backoff and jitter); a rate limit waits as asked; an unanswered
publish is checked on the platform before anything is sent again; everything else is told with a next step."""

from __future__ import annotations

from core.app import App
from core.db.types import utcnow
from core.platforms.connections import set_preferences
from core.publishing.jobs import create_job, get_job, job_events
from tests.fakes.etsy import EtsyStandIn
from tests.fakes.shopify import ShopifyStandIn
from tests.platforms.conftest import add_product
from tests.publishing.conftest import wait_for

FAKE = ("fakegram",)


def _state(app: App, job_id: int, state: str) -> bool:
    return get_job(app.db, job_id).state == state


def test_a_temporary_failure_is_retried_after_a_backoff(app: App, fake_platform, make_publisher) -> None:
    server = fake_platform()
    server.fail_next = [503]
    publisher = make_publisher(app)
    job = publisher.schedule([add_product(app, platforms=FAKE)], FAKE, "now").jobs[0]
    wait_for(lambda: _state(app, job.id, "published"), message="published after a retry")
    assert get_job(app.db, job.id).attempts == 2 and len(server.items) == 1
    events = job_events(app.db, job.id)
    retry = next(e for e in events if e.to_state == "scheduled" and "retry at" in e.message)
    second = [e for e in events if e.to_state == "publishing"][1]
    config = publisher.config
    assert (second.at - retry.at).total_seconds() >= config.backoff(1, 0.0)  # waited at least the backoff
    # The step doubles per attempt up to the cap; half of it is random, so retries never bunch up.
    assert [config.backoff(n, 0.0) for n in (1, 2, 3, 4)] == [0.025, 0.05, 0.1, 0.1]
    assert config.backoff(1, 1.0) == 0.05


def test_a_job_that_keeps_failing_fails_with_a_reason_and_a_next_step(app: App, fake_platform,
                                                                      make_publisher) -> None:
    server = fake_platform()
    server.fail_next = [503] * 10
    publisher = make_publisher(app, max_attempts=3)
    job = publisher.schedule([add_product(app, platforms=FAKE)], FAKE, "now").jobs[0]
    wait_for(lambda: _state(app, job.id, "failed"), message="failed")
    failed = get_job(app.db, job.id)
    assert failed.attempts == 3 and server.items == {}
    assert "Fakegram: had a server problem (HTTP 503)" in (failed.last_error or "")
    assert failed.next_step == (f"Fakegram kept failing (had a server problem (HTTP 503)). Press Retry (or: "
                                f"sellerdesk jobs retry {job.id}) when it works again.")


def test_a_rate_limit_waits_as_long_as_the_platform_asked(app: App, etsy_server: EtsyStandIn, make_publisher) -> None:
    from tests.publishing.conftest import connect_etsy

    connect_etsy(app, etsy_server)
    publisher = make_publisher(app, http={"max_retries": 0})
    etsy_server.throttle_next(1.0)
    job = publisher.schedule([add_product(app, platforms=("etsy",))], ["etsy"], "now").jobs[0]
    waiting = wait_for(lambda: (j := get_job(app.db, job.id)).retry_at and j, message="rescheduled")
    assert waiting.state in ("scheduled", "publishing", "published")
    wait_for(lambda: _state(app, job.id, "published"), message="published after the wait")
    events = job_events(app.db, job.id)
    asked = next(e for e in events if e.message == "Etsy asked to wait 1 second")
    second_try = [e for e in events if e.to_state == "publishing"][1]
    assert (second_try.at - asked.at).total_seconds() >= 0.95
    assert len(etsy_server.listings) == 1


def test_an_unanswered_publish_is_checked_then_finished_never_sent_blindly(shop: App, etsy_server: EtsyStandIn,
                                                                          make_publisher) -> None:
    etsy_server.drop("POST", r"/shops/\d+/listings$", after_processing=True)  # made, but the answer is lost
    publisher = make_publisher(shop, check_after_seconds=0.3)
    job = publisher.schedule([add_product(shop, platforms=("etsy",))], ["etsy"], "now").jobs[0]
    unknown = wait_for(lambda: (j := get_job(shop.db, job.id)).state == "needs_attention" and j, message="unknown")
    assert unknown.outcome_unknown and "may or may not exist" in (unknown.next_step or "")
    assert "do not post it by hand" in (unknown.next_step or "")
    wait_for(lambda: _state(shop, job.id, "published"), message="checked and finished")
    creates = [r for r in etsy_server.requests if r.method == "POST" and r.path.endswith("/listings")]
    assert len(creates) == 1 and len(etsy_server.listings) == 1
    assert next(iter(etsy_server.listings.values()))["state"] == "active"


def test_when_the_check_finds_nothing_it_is_sent_once_more(app: App, fake_platform, make_publisher) -> None:
    server = fake_platform()
    server.drop("POST", "^/items$", after_processing=False)  # the connection died before the item was made
    publisher = make_publisher(app, check_after_seconds=0.2)
    job = publisher.schedule([add_product(app, platforms=FAKE)], FAKE, "now").jobs[0]
    wait_for(lambda: _state(app, job.id, "published"), message="published after the check")
    methods = [(r.method, r.path) for r in server.requests]
    assert methods == [("POST", "/items"), ("GET", "/items"), ("POST", "/items")]  # looked before sending again
    assert len(server.items) == 1


def test_refused_content_and_sign_in_need_the_seller_and_are_not_retried(shop: App, etsy_server: EtsyStandIn,
                                                                         shopify_server: ShopifyStandIn,
                                                                         make_publisher) -> None:
    set_preferences(shop.db, "etsy", {"shipping_profile_id": None})
    shopify_server.token = "shpat_revoked"
    publisher = make_publisher(shop)
    product = add_product(shop)
    jobs = {j.platform: j for j in publisher.schedule([product], ["etsy", "shopify"], "now").jobs}
    wait_for(lambda: all(_state(shop, j.id, "needs_attention") for j in jobs.values()), message="both need attention")
    etsy, shopify = get_job(shop.db, jobs["etsy"].id), get_job(shop.db, jobs["shopify"].id)
    assert "no Etsy shipping profile has been chosen" in (etsy.last_error or "")
    assert etsy.next_step is not None and "Choose one in the Platforms tab" in etsy.next_step
    assert etsy.next_step.endswith(f"Then press Retry (or: sellerdesk jobs retry {etsy.id}).")
    assert "Reconnect Shopify" in (shopify.next_step or "")
    assert etsy.attempts == shopify.attempts == 1 and etsy_server.listings == {} and shopify_server.products == {}


def test_copy_unapproved_after_scheduling_fails_with_what_to_do(app: App, fake_platform, make_publisher) -> None:
    from core.db.models import ContentDraft

    fake_platform()
    product = add_product(app, platforms=FAKE)
    job = create_job(app.db, product, "fakegram", at=utcnow())
    with app.db.session() as session:
        session.query(ContentDraft).update({"status": "draft"})
    make_publisher(app)
    wait_for(lambda: _state(app, job.id, "failed"), message="failed")
    failed = get_job(app.db, job.id)
    assert "is not approved yet" in (failed.last_error or "") and "Content tab" in (failed.next_step or "")

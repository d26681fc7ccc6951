"""The queue: per-platform concurrency and rate limits, priority, pause and resume, cancel, waiting for the network."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from core.app import App
from core.db.types import utcnow
from core.publishing.attempt import WAITING_FOR_NETWORK
from core.publishing.jobs import get_job, job_events, list_jobs
from core.publishing.states import IllegalTransition
from tests.platforms.conftest import add_product
from tests.publishing.conftest import wait_for

FAKE = ("fakegram",)


def _products(app: App, count: int, platforms: tuple[str, ...] = FAKE) -> list[int]:
    return [add_product(app, platforms=platforms, sku=f"SKU-{n}", title=f"Mug {n}", photos=1) for n in range(count)]


def _all(app: App, state: str, count: int) -> bool:
    jobs = list_jobs(app.db)
    return len(jobs) == count and all(j.state == state for j in jobs)


def test_concurrency_and_rate_limits_come_from_the_data_file(app: App, fake_platform, make_publisher) -> None:
    wide = fake_platform("fakegram", per_second=12, rate=10, concurrency=3, latency=0.1)
    narrow = fake_platform("fakebook", per_second=5, rate=4, concurrency=1, latency=0.05)
    publisher = make_publisher(app)
    products = _products(app, 12, ("fakegram", "fakebook"))
    started = time.monotonic()
    publisher.schedule(products, ["fakegram", "fakebook"], "now")
    wait_for(lambda: _all(app, "published", 24), timeout=20, message="all published")
    elapsed = time.monotonic() - started
    assert len(wide.items) == len(narrow.items) == 12
    assert wide.violations == narrow.violations == 0  # the stand-ins never had to say 429
    assert wide.busiest_second <= 12 and narrow.busiest_second <= 5
    assert wide.most_in_flight <= 3 and narrow.most_in_flight == 1
    assert wide.most_in_flight >= 2  # the wide lane did work in parallel
    assert elapsed >= 12 / 4 - 1  # the narrow platform's 4 requests a second set the pace


def test_publish_now_jumps_the_queue(app: App, fake_platform, make_publisher) -> None:
    fake_platform(concurrency=1)
    publisher = make_publisher(app)
    publisher.pause()
    publisher.schedule(_products(app, 3), FAKE, utcnow())  # ordinary scheduled work, due now
    urgent = publisher.schedule([add_product(app, platforms=FAKE, sku="URGENT", title="Urgent")], FAKE,
                                "now").jobs[0]
    assert list_jobs(app.db, states=["publishing", "published"]) == []  # paused: nothing started
    publisher.resume()
    wait_for(lambda: _all(app, "published", 4), message="all published")
    order = sorted(list_jobs(app.db), key=lambda j: j.started_at)  # type: ignore[arg-type, return-value]
    assert order[0].id == urgent.id


def test_pause_holds_everything_and_resume_lets_it_go(app: App, fake_platform, make_publisher) -> None:
    server = fake_platform()
    publisher = make_publisher(app)
    publisher.pause("fakegram")
    assert publisher.is_paused("fakegram") and not publisher.is_paused()
    publisher.schedule(_products(app, 2), FAKE, "now")
    time.sleep(0.3)
    assert server.requests == [] and {j.state for j in list_jobs(app.db)} == {"scheduled"}
    publisher.resume()
    wait_for(lambda: _all(app, "published", 2), message="published after resume")


def test_cancel_takes_a_waiting_job_off_the_schedule(app: App, fake_platform, make_publisher) -> None:
    server = fake_platform()
    publisher = make_publisher(app)
    later = publisher.schedule(_products(app, 1), FAKE, utcnow() + timedelta(seconds=0.6)).jobs[0]
    cancelled = publisher.cancel(later.id)
    assert cancelled.state == "cancelled"
    time.sleep(1.0)
    assert server.requests == [] and get_job(app.db, later.id).state == "cancelled"
    done = publisher.schedule([add_product(app, platforms=FAKE, sku="X", title="X")], FAKE, "now").jobs[0]
    wait_for(lambda: get_job(app.db, done.id).state == "published", message="published")
    with pytest.raises(IllegalTransition, match="already published"):
        publisher.cancel(done.id)


def test_jobs_due_while_offline_wait_for_the_network(app: App, fake_platform, make_publisher) -> None:
    server = fake_platform(concurrency=1)
    server.fail_next = [503]
    network = threading.Event()  # down
    publisher = make_publisher(app, probe=lambda platform: network.is_set())
    first, second = publisher.schedule(_products(app, 2), FAKE, "now").jobs
    wait_for(lambda: all(get_job(app.db, j.id).note == WAITING_FOR_NETWORK for j in (first, second)),
             message="both waiting for network")
    assert {get_job(app.db, j.id).state for j in (first, second)} == {"scheduled"}
    time.sleep(0.2)
    assert len(server.requests) == 1  # nothing more is tried while the network is down
    network.set()
    wait_for(lambda: _all(app, "published", 2), message="published when the network returned")
    assert len(server.items) == 2
    assert any(e.message.endswith("waiting for network") for e in job_events(app.db, first.id))

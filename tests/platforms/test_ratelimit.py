"""Reading each platform's rate-limit dialect into one number: seconds to wait."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.platforms.ratelimit import EtsyQuota, ThrottleStatus, TokenBucket, requested_cost, retry_after_seconds
from tests.platforms.conftest import FakeTime


def test_retry_after_in_seconds_or_as_a_date() -> None:
    now = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("7", now=now) == 7.0
    assert retry_after_seconds("Wed, 25 Nov 2026 12:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("Wed, 25 Nov 2026 11:00:00 GMT", now=now) == 0.0  # in the past: go now
    assert retry_after_seconds("soon", now=now) is None
    assert retry_after_seconds(None) is None


def test_etsy_quota_headers() -> None:
    headers = {"x-limit-per-second": "10", "x-remaining-this-second": "0", "x-limit-per-day": "10000",
               "x-remaining-today": "9000"}
    quota = EtsyQuota.from_headers(headers)
    assert (quota.per_second, quota.remaining_second, quota.per_day, quota.remaining_today) == (10, 0, 10000, 9000)
    assert quota.wait(day_recheck=3600) == 1.0
    assert EtsyQuota.from_headers({**headers, "x-remaining-today": "0"}).wait(day_recheck=3600) == 3600
    assert EtsyQuota.from_headers({"x-remaining-this-second": "4"}).wait(day_recheck=3600) == 0.0
    assert EtsyQuota.from_headers({"x-remaining-this-second": "lots"}).remaining_second is None


def test_shopify_throttle_wait_from_cost_available_and_restore_rate() -> None:
    extensions = {"cost": {"requestedQueryCost": 112, "actualQueryCost": None, "throttleStatus": {
        "maximumAvailable": 1000.0, "currentlyAvailable": 12.0, "restoreRate": 50.0}}}
    status = ThrottleStatus.from_extensions(extensions)
    assert status is not None
    assert status.wait_for(requested_cost(extensions, 10)) == pytest.approx(2.0)  # (112 - 12) / 50
    assert status.wait_for(5) == 0.0
    assert status.wait_for(5000) == pytest.approx((1000 - 12) / 50)  # more than the bucket: wait for a full one
    assert ThrottleStatus.from_extensions({"cost": {}}) is None
    assert requested_cost(None, 10) == 10


def test_token_bucket_waits_only_beyond_the_burst(fake_time: FakeTime) -> None:
    bucket = TokenBucket(10, 10, clock=fake_time.clock, sleep=fake_time.sleep)
    for _ in range(10):
        bucket.acquire()
    assert fake_time.sleeps == []
    bucket.acquire()
    assert fake_time.sleeps == [pytest.approx(0.1)]
    bucket.pause(1.0)
    bucket.acquire()
    assert fake_time.sleeps[-1] == pytest.approx(1.1)


def test_token_bucket_adopts_the_platforms_view(fake_time: FakeTime) -> None:
    bucket = TokenBucket(100, 1000, clock=fake_time.clock, sleep=fake_time.sleep)
    bucket.sync(5, rate=50, capacity=2000)
    bucket.acquire(55)
    assert fake_time.sleeps == [pytest.approx(1.0)]  # (55 - 5) / 50

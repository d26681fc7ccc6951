"""Human pacing from the data files: a token bucket and jitter between listings, pauses between boxes, a daily cap,
and a browser that introduces itself as Chrome (no HeadlessChrome, navigator.webdriver false)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from core.platforms.browser.pacing import Pacer, PacingRules
from core.platforms.browser.submissions import Submission, SubmissionLog
from core.platforms.errors import RateLimited
from core.platforms.ratelimit import TokenBucket
from core.platforms.specs import get_spec
from tests.portals.conftest import PortalEnv, unpaced

EnvOf = Callable[[str], PortalEnv]


@pytest.mark.parametrize("name", ["meesho", "snapdeal", "indiamart"])
def test_the_bundled_pacing_is_conservative(name: str) -> None:
    rules = PacingRules.of(get_spec(name))
    assert 1 / rules.per_second >= 20 and rules.burst == 1
    assert rules.per_day is not None and rules.per_day <= 50
    assert rules.submit_jitter[1] > rules.submit_jitter[0] > 0
    assert rules.between_fields[0] > 0 and rules.typing_ms[0] > 0


def test_listings_wait_their_turn_and_the_form_is_filled_at_a_persons_pace(env_of: EnvOf) -> None:
    env = env_of("meesho")
    pacer = env.platform.pacer
    saved = pacer.rules, pacer.bucket
    bundled = PacingRules.of(env.platform.context.spec)
    waits = unpaced(env.platform)  # the waits are recorded, not slept; typing time is real time: none here
    pacer.bucket = TokenBucket(bundled.per_second, bundled.burst, sleep=lambda s: pacer.sleep(s))
    try:
        started = time.monotonic()
        env.publish(env.add_product(sku="MEES-PACE-1"))
        took = time.monotonic() - started
        first = list(waits)
        env.publish(env.add_product(sku="MEES-PACE-2"))
        second = waits[len(first):]
    finally:
        pacer.rules, pacer.bucket = saved
    low, high = bundled.between_fields
    pauses = [w for w in first if low <= w <= high]
    assert len(pauses) >= 8  # one before every box and every button of the four screens
    # The second listing waits for the bucket (one every 20 s) plus the jitter, however fast the first went.
    assert max(second) >= 1 / bundled.per_second - took - 0.5
    assert any(bundled.submit_jitter[0] <= w <= bundled.submit_jitter[1] for w in second)


def test_submits_reach_the_portal_no_faster_than_the_bucket_allows(env_of: EnvOf) -> None:
    env = env_of("snapdeal")
    pacer = env.platform.pacer
    saved = pacer.sleep, pacer.rules, pacer.bucket
    rules = PacingRules(per_second=1.0, burst=1, per_day=None, submit_jitter=(0.2, 0.4), between_fields=(0.0, 0.0),
                        typing_ms=(20.0, 30.0))
    pacer.sleep, pacer.rules = time.sleep, rules
    pacer.bucket = TokenBucket(rules.per_second, rules.burst, sleep=time.sleep)
    arrived: list[float] = []
    create = env.replica.create

    def timed(*args: Any, **kwargs: Any) -> Any:
        arrived.append(time.monotonic())
        return create(*args, **kwargs)

    env.replica.create = timed  # type: ignore[method-assign]
    try:
        for i in range(3):
            env.publish(env.add_product(sku=f"SNAP-PACE-{i}"))
    finally:
        env.replica.create = create  # type: ignore[method-assign]
        pacer.sleep, pacer.rules, pacer.bucket = saved
    gaps = [b - a for a, b in pairwise(arrived)]
    assert len(gaps) == 2 and min(gaps) >= 1.0 + 0.2 - 0.05, gaps


def test_the_daily_cap_holds_the_rest_until_tomorrow_portal_time(tmp_path: Path) -> None:
    log = SubmissionLog(tmp_path, "meesho")
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # 17:30 in India
    for i, at in enumerate([now - timedelta(hours=20), now - timedelta(hours=2), now - timedelta(minutes=5)]):
        log.add(Submission(f"S-{i}", i, "sent", at.isoformat(), at.isoformat()))
    rules = PacingRules(per_second=1.0, burst=1, per_day=2, submit_jitter=(0, 0), between_fields=(0, 0),
                        typing_ms=(0, 0))
    waits: list[float] = []
    pacer = Pacer("meesho", rules, log, zone="Asia/Kolkata", now=lambda: now, sleep=waits.append)
    with pytest.raises(RateLimited) as caught:  # two today (the one 20 h ago was yesterday in India)
        pacer.before_submit("Meesho")
    assert "listed 2 products on Meesho today, the daily limit" in str(caught.value)
    until_midnight = 6.5 * 3600
    assert until_midnight <= caught.value.retry_after <= until_midnight + 900
    assert waits == []
    pacer.rules = replace(rules, per_day=3)
    pacer.before_submit("Meesho")


def test_the_browser_says_it_is_chrome_not_a_robot(env_of: EnvOf) -> None:
    env = env_of("indiamart")
    env.replica.requests.clear()
    env.platform.check_connection()
    agents = {r.headers.get("User-Agent", "") for r in env.replica.requests}
    assert agents and all("Chrome/" in a and "HeadlessChrome" not in a for a in agents), agents
    webdriver, agent = env.platform._run(lambda tab: tab.page.evaluate("[navigator.webdriver, navigator.userAgent]"))
    assert webdriver is False and "HeadlessChrome" not in agent

"""Human pacing for the portals: marketplaces ban accounts that list "too fast", so SellerDesk works like a person.

All numbers come from the platform's data file (resources/platforms/<name>.json):

- ``rate_limits.requests_per_second`` and ``burst``: a token bucket for new listings (0.05/s: one every 20 s);
- ``rate_limits.per_day``: at most this many new listings a day (portal time); more wait until tomorrow;
- ``pacing.submit_jitter_seconds``: a random extra wait before each listing, so they do not come at a beat;
- ``pacing.between_fields_seconds``: a random pause between boxes and screens, as a person reading the form;
- ``pacing.typing_delay_ms``: key-by-key typing for boxes marked ``"typed": true`` in the portal file.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.i18n import _, format_duration
from core.platforms.browser.submissions import SubmissionLog
from core.platforms.errors import RateLimited
from core.platforms.ratelimit import TokenBucket
from core.platforms.specs import PlatformSpec

Span = tuple[float, float]


def _span(raw: Any, default: Span) -> Span:
    if raw is None:
        return default
    low, high = (float(v) for v in raw)
    return (max(0.0, low), max(low, high))


@dataclass(frozen=True)
class PacingRules:
    """One portal's pacing, read from its platform data file."""

    per_second: float
    burst: int
    per_day: int | None
    submit_jitter: Span
    between_fields: Span
    typing_ms: Span

    @classmethod
    def of(cls, spec: PlatformSpec) -> PacingRules:
        """The rules in ``spec`` (its ``rate_limits`` and ``pacing``)."""
        pacing = spec.extra.get("pacing", {})
        limits = spec.rate_limits
        return cls(per_second=limits.requests_per_second, burst=limits.burst, per_day=limits.per_day,
                   submit_jitter=_span(pacing.get("submit_jitter_seconds"), (0.0, 0.0)),
                   between_fields=_span(pacing.get("between_fields_seconds"), (0.0, 0.0)),
                   typing_ms=_span(pacing.get("typing_delay_ms"), (0.0, 0.0)))


class Pacer:
    """Keeps one portal's listings at a person's pace: waits before each submit, pauses between fields, refuses
    more than the daily cap. ``sleep`` and ``rng`` may be replaced (tests record the waits instead of sleeping)."""

    def __init__(self, platform: str, rules: PacingRules, submissions: SubmissionLog, *, zone: str,
                 now: Callable[[], datetime], sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None) -> None:
        self.platform = platform
        self.rules = rules
        self.submissions = submissions
        self.zone = ZoneInfo(zone)
        self.now = now
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.bucket = TokenBucket(rules.per_second, rules.burst, sleep=lambda s: self.sleep(s))

    def before_submit(self, display: str, product: str | None = None) -> float:
        """Wait for this listing's turn (bucket plus jitter); over today's cap raises RateLimited until tomorrow.
        Returns the seconds waited."""
        self.check_daily_cap(display, product)
        waited = self.bucket.acquire()
        jitter = self.rng.uniform(*self.rules.submit_jitter)
        if jitter > 0:
            self.sleep(jitter)
        return waited + jitter

    def check_daily_cap(self, display: str, product: str | None = None) -> None:
        """Refuse (RateLimited until local midnight) once today's listings reached ``per_day``."""
        cap = self.rules.per_day
        if cap is None:
            return
        local = self.now().astimezone(self.zone)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        sent = self.submissions.sent_since(midnight)
        if sent < cap:
            return
        tomorrow = midnight + timedelta(days=1)
        wait = (tomorrow - local).total_seconds() + self.rng.uniform(60, 900)
        raise RateLimited(self.platform, wait, product=product,
                          problem=_("SellerDesk has listed {count} products on {platform} today, the daily limit "
                                    "set for {platform} (so the account is not taken for a robot); the rest go in "
                                    "{wait}").format(count=sent, platform=display, wait=format_duration(wait)))

    def pause(self) -> None:
        """A person's pause between two boxes or screens."""
        pause = self.rng.uniform(*self.rules.between_fields)
        if pause > 0:
            self.sleep(pause)

    def typing_delay_ms(self) -> float:
        """Milliseconds between two keys when typing a box key by key."""
        return self.rng.uniform(*self.rules.typing_ms)

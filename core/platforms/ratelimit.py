"""Rate limits: a client-side token bucket per platform, and reading what each platform says about its limits.

Platforms answer in different dialects (Retry-After, Etsy's x-remaining-* headers, Shopify's query-cost bucket);
each is turned into one number here: how many seconds to wait before the next request.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from core.db.types import utcnow

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class TokenBucket:
    """A thread-safe token bucket: ``rate`` tokens a second up to ``capacity``; ``acquire`` waits for enough.

    Tokens may go negative: each caller reserves its share at once and sleeps outside the lock, so concurrent
    callers queue fairly instead of all waking at the same instant.
    """

    def __init__(self, rate: float, capacity: float, *, clock: Clock = time.monotonic,
                 sleep: Sleep = time.sleep) -> None:
        if rate <= 0 or capacity <= 0:
            raise ValueError("rate and capacity must be positive")
        self.rate = float(rate)
        self.capacity = float(capacity)
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.capacity
        self._stamp = clock()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def reserve(self, cost: float = 1.0) -> float:
        """Take ``cost`` tokens now and return how long the caller must wait before using them."""
        with self._lock:
            self._refill()
            self._tokens -= cost
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def acquire(self, cost: float = 1.0) -> float:
        """Take ``cost`` tokens, sleeping (with the injected sleep) until they exist; returns the seconds waited."""
        wait = self.reserve(cost)
        if wait > 0:
            self._sleep(wait)
        return wait

    def pause(self, seconds: float) -> None:
        """Hold every caller back for ``seconds`` (the platform said the current window is used up)."""
        with self._lock:
            self._refill()
            self._tokens = min(self._tokens, 0.0) - seconds * self.rate

    def sync(self, available: float, *, rate: float | None = None, capacity: float | None = None) -> None:
        """Adopt the platform's own view of the bucket (Shopify reports it after every call)."""
        with self._lock:
            if rate and rate > 0:
                self.rate = float(rate)
            if capacity and capacity > 0:
                self.capacity = float(capacity)
            self._tokens = min(self.capacity, float(available))
            self._stamp = self._clock()


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds asked by a ``Retry-After`` header (delta-seconds or an HTTP date); None if absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            return None
        seconds = (when - (now or utcnow())).total_seconds()
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return int(raw.strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class EtsyQuota:
    """Etsy's rate-limit headers of one response (None where a header was absent)."""

    per_second: int | None
    remaining_second: int | None
    per_day: int | None
    remaining_today: int | None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> EtsyQuota:
        """Read ``x-limit-per-second``, ``x-remaining-this-second``, ``x-limit-per-day``, ``x-remaining-today``."""
        return cls(
            per_second=_int_header(headers, "x-limit-per-second"),
            remaining_second=_int_header(headers, "x-remaining-this-second"),
            per_day=_int_header(headers, "x-limit-per-day"),
            remaining_today=_int_header(headers, "x-remaining-today"),
        )

    def wait(self, *, day_recheck: float) -> float:
        """Seconds to hold off before the next call: 0 with quota left, 1 s when this second is used up, and
        ``day_recheck`` when today's quota is gone (the window slides, so calls come back gradually)."""
        if self.remaining_today is not None and self.remaining_today <= 0:
            return day_recheck
        if self.remaining_second is not None and self.remaining_second <= 0:
            return 1.0
        return 0.0


@dataclass(frozen=True)
class ThrottleStatus:
    """Shopify's ``extensions.cost.throttleStatus``: a leaky bucket of query-cost points."""

    maximum_available: float
    currently_available: float
    restore_rate: float

    @classmethod
    def from_extensions(cls, extensions: Mapping[str, Any] | None) -> ThrottleStatus | None:
        """Read the throttle status from a GraphQL response's ``extensions``; None if it is missing or malformed."""
        try:
            raw = extensions["cost"]["throttleStatus"]  # type: ignore[index]
            return cls(float(raw["maximumAvailable"]), float(raw["currentlyAvailable"]), float(raw["restoreRate"]))
        except (KeyError, TypeError, ValueError):
            return None

    def wait_for(self, cost: float) -> float:
        """Seconds until ``cost`` points are available (a query costing more than the bucket waits for a full one)."""
        needed = min(float(cost), self.maximum_available) - self.currently_available
        if needed <= 0 or self.restore_rate <= 0:
            return 0.0
        return needed / self.restore_rate


def requested_cost(extensions: Mapping[str, Any] | None, default: float) -> float:
    """The ``requestedQueryCost`` Shopify reported, or ``default`` when it did not."""
    try:
        return float(extensions["cost"]["requestedQueryCost"])  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return default

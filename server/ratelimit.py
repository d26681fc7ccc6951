"""Sliding-window limits counted in the database, so every instance behind the load balancer sees the same count
(sign-ins, sign-ups); and token buckets in memory for the busy sync routes, per instance."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from server.errors import ApiError
from server.models import RateEvent
from server.security import sha256_hex


@dataclass(frozen=True)
class Window:
    """At most ``limit`` events under one key in any ``seconds``."""

    limit: int
    seconds: int


def account_key(kind: str, email: str) -> str:
    """The key for an account's events; the email is hashed so the table holds no addresses."""
    return f"{kind}-acct:{sha256_hex(email)[:40]}"


def pair_key(kind: str, email: str, address: str) -> str:
    """The key for one address's attempts at one account (hashed together: the table holds no addresses)."""
    return f"{kind}-pair:{sha256_hex(email + chr(0) + address)[:40]}"


def address_key(kind: str, address: str) -> str:
    """The key for one client address's events."""
    return f"{kind}-ip:{address[:60]}"


def retry_after(session: Session, key: str, window: Window, now: datetime) -> int | None:
    """Seconds until ``key`` may try again, or None if it is under its limit."""
    since = now - timedelta(seconds=window.seconds)
    count, oldest = session.execute(
        select(func.count(RateEvent.id), func.min(RateEvent.at)).where(RateEvent.key == key, RateEvent.at > since)
    ).one()
    if count < window.limit or oldest is None:
        return None
    # The window frees a slot when its oldest event ages out.
    return max(1, math.ceil((oldest + timedelta(seconds=window.seconds) - now).total_seconds()))


def check(session: Session, limits: list[tuple[str, Window]], now: datetime) -> None:
    """Raise 429 (with Retry-After) if any key is over its limit."""
    waits = [wait for key, window in limits if (wait := retry_after(session, key, window, now)) is not None]
    if waits:
        wait = max(waits)
        raise ApiError(429, "rate_limited", f"Too many attempts. Try again in {wait} seconds.",
                       {"Retry-After": str(wait)})


def check_backoff(session: Session, key: str, free: int, window_seconds: int, now: datetime) -> None:
    """429 until 2^(failures - free) seconds (at most the window) have passed since ``key``'s last failure."""
    since = now - timedelta(seconds=window_seconds)
    count, last = session.execute(
        select(func.count(RateEvent.id), func.max(RateEvent.at)).where(RateEvent.key == key, RateEvent.at > since)
    ).one()
    if count < free or last is None:
        return
    delay = min(2 ** min(count - free + 1, 30), window_seconds)
    wait = math.ceil((last + timedelta(seconds=delay) - now).total_seconds())
    if wait > 0:
        raise ApiError(429, "rate_limited", f"Too many wrong passwords from here. Try again in {wait} seconds.",
                       {"Retry-After": str(wait)})


def _delete_unlocked(session: Session, *conditions: ColumnElement[bool]) -> None:
    # SKIP LOCKED: rows another request is deleting right now are left to it. Waiting for them instead is how
    # two logins from one address deadlocked on PostgreSQL. (SQLite has a single writer and ignores the clause.)
    doomed = select(RateEvent.id).where(*conditions).limit(1000).with_for_update(skip_locked=True)
    session.execute(delete(RateEvent).where(RateEvent.id.in_(doomed)))


def record(session: Session, keys: list[str], window_seconds: int, now: datetime) -> list[int]:
    """Count one event under each key (returning the events' ids), and drop this key's events too old to matter."""
    cutoff = now - timedelta(seconds=window_seconds)
    events = []
    for key in keys:
        _delete_unlocked(session, RateEvent.key == key, RateEvent.at <= cutoff)
        event = RateEvent(key=key, at=now)
        session.add(event)
        events.append(event)
    session.flush()
    return [event.id for event in events]


def uncount(session: Session, event_ids: list[int]) -> None:
    """Take back events this request counted (an attempt that turned out to be a successful login)."""
    session.execute(delete(RateEvent).where(RateEvent.id.in_(event_ids)))


def forget(session: Session, key: str) -> None:
    """Clear a key's events (a successful login clears the account's failures)."""
    _delete_unlocked(session, RateEvent.key == key)


@dataclass(frozen=True)
class Rate:
    """``per_minute`` requests on average, ``burst`` at once."""

    per_minute: int
    burst: int


class Buckets:
    """Token buckets by key (e.g. ``("push", account_id)``) in this instance's memory: no database write per
    request. Behind a load balancer each instance counts alone, so an account gets at most instances × the rate.
    The least recently used keys are forgotten beyond ``max_keys``."""

    def __init__(self, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._buckets: OrderedDict[object, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_keys = max_keys
        self._clock = clock

    def take(self, key: object, rate: Rate) -> None:
        """Spend one token of ``key``'s bucket, or raise 429 with the seconds until one is back."""
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.pop(key, (float(rate.burst), now))
            tokens = min(float(rate.burst), tokens + (now - at) * rate.per_minute / 60)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                wait = max(1, math.ceil((1 - tokens) * 60 / rate.per_minute))
                raise ApiError(429, "rate_limited", f"Too many sync requests from this account; the desktop waits "
                                                    f"{wait} seconds and carries on by itself.",
                               {"Retry-After": str(wait)})
            self._buckets[key] = (tokens - 1, now)
            while len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)

"""Prometheus metrics (prometheus-client): request latency by route, and at each scrape the sync queues and
storage read from the database — accounts, open conflicts, stored versions, bytes stored against the quota.

With several worker processes set PROMETHEUS_MULTIPROC_DIR to an empty folder shared by them (see
docs/operations.md), so a scrape of any worker sums all of them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from server.models import Account, Blob, MediaItem, SyncChange, SyncConflict

if TYPE_CHECKING:
    from server.db import Database

REQUEST_SECONDS = Histogram("sellerdesk_request_seconds", "Time to answer a request, by route.",
                            ["method", "route", "status"],
                            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
HOUSEKEEPING_RUNS = Counter("sellerdesk_housekeeping_runs", "Housekeeping rounds finished, by outcome.", ["outcome"])
CONTENT_TYPE = CONTENT_TYPE_LATEST


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request (``route`` is the route's template, never the concrete path)."""
    REQUEST_SECONDS.labels(method, route, str(status)).observe(seconds)


class DatabaseCollector(Collector):
    """Gauges read from the database when Prometheus scrapes (a handful of aggregate queries)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """The current figures."""
        with self._db.reader() as session:
            accounts = session.scalar(select(func.count()).select_from(Account)) or 0
            conflicts = session.scalar(select(func.count()).select_from(SyncConflict)
                                       .where(SyncConflict.resolved_at.is_(None))) or 0
            versions = session.scalar(select(func.count()).select_from(SyncChange)) or 0
            synced = session.scalar(select(func.coalesce(func.sum(Account.sync_bytes), 0))) or 0
            files = sum(session.scalar(select(func.coalesce(func.sum(table.size), 0))) or 0
                        for table in (Blob, MediaItem))
        yield GaugeMetricFamily("sellerdesk_accounts", "Accounts.", value=accounts)
        yield GaugeMetricFamily("sellerdesk_open_conflicts", "Conflicts waiting for a seller.", value=conflicts)
        yield GaugeMetricFamily("sellerdesk_stored_versions", "Record versions kept for pulls.", value=versions)
        stored = GaugeMetricFamily("sellerdesk_stored_bytes", "Bytes stored against quotas, by what.",
                                   labels=["what"])
        stored.add_metric(["records"], synced)
        stored.add_metric(["files"], files)
        yield stored


def exposition(db: Database) -> bytes:
    """The text a scrape receives: this process's (or, in multiprocess mode, every worker's) metrics and the
    database gauges."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(REQUEST_SECONDS)
        registry.register(HOUSEKEEPING_RUNS)
    registry.register(DatabaseCollector(db))
    return generate_latest(registry)

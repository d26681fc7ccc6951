"""A generic API platform for publishing tests and the benchmark: a Platform over the shared HTTP stand-in machinery.

The stand-in keeps items keyed by SellerDesk's idempotency key, enforces a per-second limit over a sliding window
(answering 429 and counting each violation), tracks how many requests it served at once, and can be told to
answer some requests with an error status or to add latency to every request. ``register_fake`` adds a
platform data file for it (in memory) so that the registry, the queue and build_listing_request find it.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from core.platforms.base import (
    AccountInfo,
    ConnectOptions,
    ListingRequest,
    ListingResult,
    Platform,
    PlatformContext,
    PreferenceField,
    Sale,
)
from core.platforms.http import ApiClient
from core.platforms.ratelimit import TokenBucket
from core.platforms.specs import Capabilities, PlatformSpec, RateLimits, all_specs
from tests.fakes.http_stand_in import Reply, Request, StandIn


class GenericStandIn(StandIn):
    """Items at ``/items``; ``per_second`` requests per sliding second, more get 429 and are counted."""

    def __init__(self, *, per_second: int, latency: float = 0.0) -> None:
        super().__init__()
        self.per_second = per_second
        self.latency = latency
        self.items: dict[str, dict[str, Any]] = {}
        self.fail_next: list[int] = []
        self.violations = 0
        self.served = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.busiest_second = 0
        self._recent: deque[float] = deque()
        self._count = threading.Lock()

    def handle(self, request: Request) -> Reply:  # called under the stand-in's lock: keep it quick
        now = time.monotonic()
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.per_second:
            self.violations += 1
            return Reply.json(429, {"error": "rate limited"}, {"Retry-After": "1"})
        self._recent.append(now)
        self.busiest_second = max(self.busiest_second, len(self._recent))
        self.served += 1
        if self.fail_next:
            return Reply.json(self.fail_next.pop(0), {"error": "temporarily unavailable"})
        if request.method == "POST" and request.path == "/items":
            body = request.json()
            item_id = str(len(self.items) + 1)
            self.items[body["key"]] = {**body, "id": item_id, "state": "active"}
            return Reply.json(201, self.items[body["key"]])
        if request.method == "GET" and request.path == "/items":
            found = self.items.get(request.query.get("key", [""])[0])
            return Reply.json(200, {"results": [found] if found else []})
        match = re.fullmatch(r"/items/(\d+)/(delist|stock)", request.path)
        item = next((i for i in self.items.values() if match and i["id"] == match.group(1)), None)
        if item is None or match is None:
            return Reply.json(404, {"error": "no such item"})
        if match.group(2) == "delist":
            item["state"] = "inactive"
        else:
            item["quantity"] = request.json()["quantity"]
        return Reply.json(200, item)

    def dispatch(self, request: Request) -> Reply:
        with self._count:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            reply = super().dispatch(request)
            if self.latency:
                time.sleep(self.latency)  # outside the stand-in's lock: concurrent requests overlap, as on a server
            return reply
        finally:
            with self._count:
                self.in_flight -= 1


class GenericPlatform(Platform):
    """A platform that lists an item in one request and finds it again by SellerDesk's idempotency key."""

    def __init__(self, context: PlatformContext) -> None:
        super().__init__(context)
        limits = context.spec.rate_limits
        bucket = TokenBucket(limits.requests_per_second, limits.burst, clock=context.http.clock,
                             sleep=context.http.sleep)
        self._api = ApiClient(self.name, str(context.spec.extra["base_url"]), options=context.http, limiter=bucket)

    def close(self) -> None:
        """Close the HTTP session."""
        self._api.close()

    def connect(self, options: ConnectOptions) -> AccountInfo:
        """Nothing to sign in to."""
        return AccountInfo("1", "Fake shop")

    def check_connection(self) -> AccountInfo:
        """Always connected."""
        return AccountInfo("1", "Fake shop")

    def preference_fields(self) -> list[PreferenceField]:
        """No choices."""
        return []

    def publish(self, request: ListingRequest, *, existing: ListingResult | None = None) -> ListingResult:
        """One POST (or nothing, when ``existing`` is live already)."""
        if existing is not None:
            return existing
        body = {"key": request.idempotency_key, "title": request.copy.title, "price": str(request.price),
                "quantity": request.quantity, "images": len(request.images)}
        item = self._api.request("POST", "/items", json=body, product=request.product_label).json()
        return ListingResult(item["id"], f"https://fake.example/{self.name}/{item['id']}", "active")

    def update(self, remote_id: str, request: ListingRequest) -> ListingResult:
        """Not needed by these tests."""
        raise NotImplementedError

    def update_inventory(self, remote_id: str, *, quantity: int, price: Decimal | None = None,
                         sku: str | None = None, product: str | None = None) -> None:
        """Set the item's stock."""
        self._api.request("PUT", f"/items/{remote_id}/stock", json={"quantity": quantity}, product=product)

    def delist(self, remote_id: str, *, product: str | None = None) -> ListingResult:
        """Take the item off sale."""
        self._api.request("PUT", f"/items/{remote_id}/delist", json={}, product=product)
        return ListingResult(remote_id, None, "inactive")

    def find_existing(self, request: ListingRequest) -> ListingResult | None:
        """The item carrying this request's idempotency key."""
        found = self._api.request("GET", "/items", params={"key": request.idempotency_key},
                                  product=request.product_label).json()["results"]
        return ListingResult(found[0]["id"], None, "active") if found else None

    def fetch_sales(self, since: datetime) -> list[Sale]:
        """No sales here."""
        return []


@contextmanager
def register_fake(name: str, server: GenericStandIn, *, rate: float, concurrency: int, burst: int = 1,
                  inventory: bool = True) -> Iterator[PlatformSpec]:
    """Make ``name`` a known platform served by ``server`` for the duration of the block.

    A burst of 1 spaces requests evenly, so no sliding second ever holds more than ``rate`` of them.
    """
    spec = PlatformSpec(name=name, display_name=name.title(), kind="api", module=f"{__name__}:GenericPlatform",
                        connect="token", capabilities=replace(Capabilities(), max_images=4, inventory=inventory),
                        rate_limits=RateLimits(requests_per_second=rate, burst=burst),
                        concurrency=concurrency, extra={"base_url": server.url})
    all_specs()[name] = spec
    try:
        yield spec
    finally:
        all_specs().pop(name, None)

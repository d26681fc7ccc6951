"""One Graph API session (graph.facebook.com or graph.instagram.com): versioned base, bearer tokens, usage headers.

Every answer's usage headers are read. Once Meta says a budget is spent, further calls are refused here as
RateLimited (without sending) until the announced time has passed: calls made while throttled only extend it.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import httpx

from core.platforms.base import PlatformContext
from core.platforms.errors import RateLimited
from core.platforms.http import ApiClient
from core.platforms.meta_errors import Usage, graph_error_reader
from core.platforms.ratelimit import TokenBucket
from core.platforms.specs import display_name

log = logging.getLogger(__name__)


class GraphApi:
    """Graph calls for one platform; ``token`` is passed per call (Facebook uses user and Page tokens)."""

    def __init__(self, context: PlatformContext, platform: str, host: str, version: str) -> None:
        self.platform = platform
        self.host = host.rstrip("/")
        graph = context.spec.extra.get("graph", {})
        self._fallback = float(graph.get("rate_limit_fallback_seconds", 900))
        self._slow_percent = float(graph.get("usage_slow_percent", 80))
        self._clock = context.http.clock
        self._blocked_until = 0.0
        self._lock = threading.Lock()
        limits = context.spec.rate_limits
        self.limiter = TokenBucket(limits.requests_per_second, limits.burst, clock=context.http.clock,
                                   sleep=context.http.sleep)
        permissions = ", ".join(context.spec.auth.get("scopes", []))
        self.client = ApiClient(platform, f"{self.host}/{version.strip('/')}/", options=context.http,
                                limiter=self.limiter, observe=self._observe,
                                read_error=graph_error_reader(platform, rate_fallback=self._fallback,
                                                              permissions=permissions))

    def close(self) -> None:
        """Close the HTTP session."""
        self.client.close()

    def _observe(self, response: httpx.Response) -> None:
        usage = Usage.from_headers(response.headers)
        if usage.exhausted:
            with self._lock:
                self._blocked_until = max(self._blocked_until, self._clock() + usage.wait_seconds(self._fallback))
            log.warning("%s: Meta reports its budget used up (%.0f %%)", self.platform, usage.percent)
        elif usage.percent >= self._slow_percent:
            # Close to the limit: spread the remaining calls out rather than running into the wall.
            self.limiter.pause(1.0)

    def _check_budget(self, product: str | None) -> None:
        with self._lock:
            left = self._blocked_until - self._clock()
        if left > 0:
            raise RateLimited(self.platform, left, product=product,
                              problem=f"{display_name(self.platform)} said its call budget is used up; "
                                      "SellerDesk waits before calling again")

    def call(self, method: str, path: str, *, token: str | None, product: str | None = None,
             idempotent: bool | None = None, **kwargs: Any) -> dict[str, Any]:
        """Send one Graph request (``path`` relative to the versioned base, or absolute) and return its JSON."""
        self._check_budget(product)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.client.request(method, path, product=product, idempotent=idempotent,
                                       authenticated=False, headers=headers, **kwargs)
        body = response.json() if response.content else {}
        return body if isinstance(body, dict) else {"data": body}

    def get(self, path: str, *, token: str | None, product: str | None = None, **params: Any) -> dict[str, Any]:
        """GET ``path`` with ``params``."""
        return self.call("GET", path, token=token, product=product, params=params or None)

    def post(self, path: str, *, token: str | None, product: str | None = None, idempotent: bool | None = None,
             **form: Any) -> dict[str, Any]:
        """POST ``form`` (urlencoded) to ``path``; not repeated after an unanswered send unless ``idempotent``."""
        return self.call("POST", path, token=token, product=product, idempotent=idempotent,
                         data={k: str(v) for k, v in form.items() if v is not None})

    def pages(self, path: str, *, token: str, max_pages: int = 10, **params: Any) -> list[dict[str, Any]]:
        """Every item of a ``{data, paging}`` list, following ``paging.cursors.after`` up to ``max_pages``."""
        items: list[dict[str, Any]] = []
        after: str | None = None
        for _ in range(max_pages):
            query = dict(params, **({"after": after} if after else {}))
            page = self.get(path, token=token, **query)
            items.extend(item for item in page.get("data", []) if isinstance(item, dict))
            paging = page.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not after or not paging.get("next"):
                return items
        return items

"""The HTTP client every API platform shares: limits, timeouts, retries, and failures turned into PlatformErrors.

The rule that matters most: a request that changes something (POST, PATCH) and got no answer is *never* sent
again here. It becomes OutcomeUnknown, and the caller looks on the platform before doing anything else.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from core.i18n import _
from core.platforms.errors import AuthExpired, OutcomeUnknown, PlatformError, RateLimited, TransientFailure
from core.platforms.ratelimit import Clock, Sleep, TokenBucket, retry_after_seconds

log = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# A gateway that timed out may have passed the request on: for a change, that is "maybe done", not "not done".
_GATEWAY_MAYBE_DONE = frozenset({502, 504})


@dataclass
class HttpOptions:
    """Timeouts, retry bounds and the clock/sleep/randomness the client uses (tests inject their own)."""

    timeout: float = 30.0
    connect_timeout: float = 10.0
    max_retries: int = 3
    max_wait: float = 60.0
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    sleep: Sleep = time.sleep
    clock: Clock = time.monotonic
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: half the step is fixed, half random, so retries never bunch up."""
        step = min(self.backoff_cap, self.backoff_base * 2**attempt)
        return float(step / 2 + self.rng.uniform(0, step / 2))


class Auth(Protocol):
    """Credentials for one platform: headers to send, and one chance to renew them after a 401."""

    def headers(self) -> dict[str, str]:
        """Headers that authenticate a request (may refresh a token that is about to expire)."""
        ...

    def refresh(self) -> bool:
        """Renew the credentials after the platform refused them; True if there is something new to try."""
        ...


ErrorReader = Callable[[httpx.Response, "str | None"], PlatformError]
WaitReader = Callable[[httpx.Response], float]
Observer = Callable[[httpx.Response], None]


def generic_error(platform: str) -> ErrorReader:
    """An error reader for platforms without a documented error shape: status and the start of the body."""

    def read(response: httpx.Response, product: str | None) -> PlatformError:
        snippet = response.text[:200].strip()
        return PlatformError(platform, _("the request was refused (HTTP {status}: {text})").format(
            status=response.status_code, text=snippet), product=product)

    return read


def retry_after_wait(response: httpx.Response) -> float:
    """Seconds to wait after a 429: the Retry-After header, else one second."""
    wait = retry_after_seconds(response.headers.get("retry-after"))
    return 1.0 if wait is None else wait


class ApiClient:
    """One platform's HTTP session: every request passes the limiter, and every failure leaves as a PlatformError."""

    def __init__(self, platform: str, base_url: str, *, options: HttpOptions, limiter: TokenBucket,
                 auth: Auth | None = None, read_error: ErrorReader | None = None,
                 rate_wait: WaitReader = retry_after_wait, observe: Observer | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        self.platform = platform
        self.options = options
        self.limiter = limiter
        self.auth = auth
        self._read_error = read_error or generic_error(platform)
        self._rate_wait = rate_wait
        self._observe = observe
        self._http = httpx.Client(
            base_url=base_url,
            timeout=httpx.Timeout(options.timeout, connect=options.connect_timeout),
            headers=dict(headers or {}),
            follow_redirects=False,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def request(self, method: str, url: str, *, product: str | None = None, idempotent: bool | None = None,
                authenticated: bool = True, **kwargs: Any) -> httpx.Response:
        """Send one request and return a successful (2xx) response, or raise the matching PlatformError.

        ``idempotent`` defaults from the method (GET/PUT/DELETE yes, POST/PATCH no). Idempotent requests are
        retried with backoff on network errors and 5xx; others only when the platform certainly did nothing
        (connection refused, 429, 401 before a refresh). ``kwargs`` go to httpx (params, data, json, files, ...);
        pass file contents as bytes so that a retry can send them again.
        """
        method = method.upper()
        safe_to_repeat = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        extra_headers = dict(kwargs.pop("headers", None) or {})
        attempt = 0
        refreshed = False
        while True:
            self.limiter.acquire()
            headers = dict(extra_headers)
            if authenticated and self.auth is not None:
                headers.update(self.auth.headers())
            started = self.options.clock()
            try:
                response = self._http.request(method, url, headers=headers, **kwargs)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                failure: PlatformError = TransientFailure(
                    self.platform, _("could not be reached ({reason})").format(reason=_reason(exc)), product=product)
                retry = True
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                log.warning("%s %s %s: no answer after sending (%s)", self.platform, method, _path(url),
                            type(exc).__name__)
                if not safe_to_repeat:
                    raise OutcomeUnknown(
                        self.platform, _("sent the request but got no answer ({reason}); it may or may not have "
                                         "been done").format(reason=_reason(exc)), product=product) from exc
                failure = TransientFailure(self.platform, _("stopped answering ({reason})").format(
                    reason=_reason(exc)), product=product)
                retry = True
            else:
                log.info("%s %s %s -> %s in %.2f s", self.platform, method, _path(url), response.status_code,
                         self.options.clock() - started)
                if response.is_success:
                    if self._observe is not None:
                        self._observe(response)
                    return response
                if response.status_code == 401 and authenticated and self.auth is not None and not refreshed:
                    refreshed = True
                    if self.auth.refresh():
                        continue
                    raise AuthExpired(self.platform, _("the connection was refused and could not be renewed"),
                                      product=product)
                if response.status_code == 401:
                    raise AuthExpired(self.platform, _("the connection is no longer accepted"), product=product)
                if response.status_code == 429:
                    wait = self._rate_wait(response)
                    if wait > self.options.max_wait or attempt >= self.options.max_retries:
                        raise RateLimited(self.platform, wait, product=product)
                    log.info("%s asks to wait %.1f s", self.platform, wait)
                    self.options.sleep(wait)
                    attempt += 1
                    continue
                if response.status_code >= 500:
                    if not safe_to_repeat and response.status_code in _GATEWAY_MAYBE_DONE:
                        raise OutcomeUnknown(
                            self.platform, _("a gateway failed after the request was sent (HTTP {status}); it may "
                                             "or may not have been done").format(status=response.status_code),
                            product=product)
                    failure = TransientFailure(
                        self.platform, _("had a server problem (HTTP {status})").format(status=response.status_code),
                        product=product)
                    retry = safe_to_repeat
                else:
                    raise self._read_error(response, product)
            if not retry or attempt >= self.options.max_retries:
                raise failure
            self.options.sleep(self.options.backoff(attempt))
            attempt += 1


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _path(url: str) -> str:
    # Query strings stay out of the log: they are noise, and for some platforms they carry identifiers.
    return url.split("?", 1)[0]

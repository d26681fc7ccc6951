"""The shared HTTP client: what is retried, what is never sent twice, and what each failure becomes."""

from __future__ import annotations

import random
import socket
from collections.abc import Iterator

import pytest

from core.platforms.errors import AuthExpired, OutcomeUnknown, RateLimited, TransientFailure
from core.platforms.http import ApiClient, HttpOptions
from core.platforms.ratelimit import TokenBucket
from tests.fakes.http_stand_in import Reply, Request, StandIn
from tests.platforms.conftest import FakeTime


class Scripted(StandIn):
    """Answers each request with the next scripted status (then 200), and counts what it acted on."""

    def __init__(self, *statuses: int, headers: dict[str, str] | None = None) -> None:
        super().__init__()
        self.script = list(statuses)
        self.headers = headers or {}
        self.acted: list[str] = []

    def handle(self, request: Request) -> Reply:
        self.acted.append(f"{request.method} {request.path}")
        status = self.script.pop(0) if self.script else 200
        return Reply.json(status, {"ok": status == 200, "auth": request.headers.get("Authorization")}, self.headers)


class FlakyAuth:
    def __init__(self, renewable: bool = True) -> None:
        self.token = "old"
        self.renewable = renewable
        self.refreshes = 0

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def refresh(self) -> bool:
        self.refreshes += 1
        self.token = "new"
        return self.renewable


@pytest.fixture
def server() -> Iterator[Scripted]:
    stand_in = Scripted()
    stand_in.start()
    yield stand_in
    stand_in.stop()


def client(url: str, time: FakeTime, *, timeout: float = 2.0, auth: FlakyAuth | None = None,
           max_wait: float = 60.0) -> ApiClient:
    options = HttpOptions(timeout=timeout, connect_timeout=1.0, max_retries=3, max_wait=max_wait,
                          backoff_base=0.5, sleep=time.sleep, clock=time.clock, rng=random.Random(7))
    return ApiClient("etsy", url, options=options, limiter=TokenBucket(100, 100, clock=time.clock, sleep=time.sleep),
                     auth=auth)


def test_unreachable_server_is_a_transient_failure_after_bounded_backoff(fake_time: FakeTime) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    api = client(f"http://127.0.0.1:{port}", fake_time)
    with pytest.raises(TransientFailure, match="Etsy: could not be reached") as caught:
        api.request("POST", "/listings", product="#3 'Mug'")  # never sent, so even a POST may be tried again
    api.close()
    assert caught.value.retryable and "(product #3 'Mug')" in str(caught.value)
    assert len(fake_time.sleeps) == 3
    for attempt, slept in enumerate(fake_time.sleeps):
        step = 0.5 * 2**attempt
        assert step / 2 <= slept <= step  # backoff with jitter


def test_server_errors_are_retried_only_when_safe(server: Scripted, fake_time: FakeTime) -> None:
    server.script = [503, 503]
    api = client(server.url, fake_time)
    assert api.request("GET", "/ping").json()["ok"]
    assert len(server.acted) == 3 and len(fake_time.sleeps) == 2
    server.script = [503]
    with pytest.raises(TransientFailure, match="HTTP 503"):
        api.request("POST", "/listings")
    server.script = [504]
    with pytest.raises(OutcomeUnknown, match="may or may not"):
        api.request("POST", "/listings")
    api.close()
    assert server.acted.count("POST /listings") == 2  # neither POST was sent a second time


def test_dropped_connection_retries_a_read_but_never_a_create(server: Scripted, fake_time: FakeTime) -> None:
    api = client(server.url, fake_time)
    server.drop("GET", "/ping")
    assert api.request("GET", "/ping").json()["ok"]
    server.drop("POST", "/listings")
    with pytest.raises(OutcomeUnknown) as caught:
        api.request("POST", "/listings", product="#3 'Mug'")
    api.close()
    assert server.acted.count("POST /listings") == 1
    assert not caught.value.retryable
    assert "checks the platform for the listing" in str(caught.value)


def test_no_answer_in_time_after_sending_a_create_is_outcome_unknown(server: Scripted,
                                                                       fake_time: FakeTime) -> None:
    api = client(server.url, fake_time, timeout=0.3)
    server.delay("POST", "/listings", 1.0)
    with pytest.raises(OutcomeUnknown, match="ReadTimeout"):
        api.request("POST", "/listings")
    api.close()
    assert server.acted == ["POST /listings"]


def test_429_waits_the_time_asked_then_goes_on(server: Scripted, fake_time: FakeTime) -> None:
    server.script = [429]
    server.headers = {"Retry-After": "7"}
    api = client(server.url, fake_time)
    assert api.request("POST", "/listings").json()["ok"]  # a 429 did nothing, so the POST may be sent again
    assert fake_time.sleeps == [7.0]
    server.script = [429]
    server.headers = {"Retry-After": "900"}
    with pytest.raises(RateLimited) as caught:
        api.request("GET", "/ping")
    api.close()
    assert caught.value.retry_after == 900 and "15 minutes" in str(caught.value)


def test_401_refreshes_once_then_asks_to_reconnect(server: Scripted, fake_time: FakeTime) -> None:
    auth = FlakyAuth()
    api = client(server.url, fake_time, auth=auth)
    server.script = [401]
    assert api.request("GET", "/ping").json()["auth"] == "Bearer new"
    server.script = [401, 401]
    with pytest.raises(AuthExpired, match="Reconnect Etsy"):
        api.request("GET", "/ping")
    api.close()
    assert auth.refreshes == 2  # once per request, never in a loop

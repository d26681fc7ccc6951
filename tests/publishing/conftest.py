"""Fixtures for publishing tests: the stand-ins, an app connected to them, a Publisher with quick timings.

Every Publisher a test makes is stopped at the end, and no thread (queue worker, scheduler, server) may outlive
its test.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from core.app import App
from core.platforms.base import ConnectOptions
from core.platforms.connections import set_preferences
from core.platforms.service import connect_platform
from core.publishing.config import load_config
from core.publishing.service import Publisher
from tests.fakes.etsy import EtsyStandIn
from tests.fakes.shopify import ShopifyStandIn
from tests.platforms.conftest import (  # noqa: F401  (etsy_server and shopify_server are fixtures reused here)
    FakeBrowser,
    FakeVariants,
    etsy_server,
    opener,
    point_at_etsy,
    point_at_shopify,
    shopify_server,
)
from tests.publishing.generic_fake import GenericStandIn, register_fake

QUICK = {"backoff_base_seconds": 0.05, "backoff_cap_seconds": 0.2, "check_after_seconds": 0.2, "poll_seconds": 0.2,
         "probe_interval_seconds": 0.05, "stop_wait_seconds": 5.0}


@pytest.fixture(autouse=True)
def no_thread_left() -> Iterator[None]:
    """No queue worker, scheduler, prober or server may outlive its test (Qt's pool threads, which Python sees as
    dummy threads, are checked by the tab tests through the pools themselves)."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        left = [t for t in threading.enumerate() if t not in before and t.is_alive()
                and not isinstance(t, threading._DummyThread)]
        if not left:
            return
        time.sleep(0.05)
    raise AssertionError(f"threads left running: {left}")


def connect_etsy(app: App, server: EtsyStandIn) -> None:
    """Sign in to the Etsy stand-in through its consent page, and make the seller's Etsy choices."""
    point_at_etsy(app, server)
    browser = FakeBrowser()
    with opener(app)("etsy") as etsy:
        connect_platform(app, "etsy", ConnectOptions(app_secret=server.shared_secret, open_browser=browser,
                                                     timeout=10), target=etsy)
    browser.join()
    set_preferences(app.db, "etsy", {"taxonomy_id": 1064, "shipping_profile_id": 71, "readiness_state_id": 81})


def connect_shopify(app: App, server: ShopifyStandIn) -> None:
    """Paste the Shopify stand-in's token."""
    point_at_shopify(app, server)
    with opener(app)("shopify") as shopify:
        connect_platform(app, "shopify", ConnectOptions(token=server.token), target=shopify)


@pytest.fixture
def shop(app: App, etsy_server: EtsyStandIn, shopify_server: ShopifyStandIn) -> App:
    """An app connected to both stand-ins."""
    connect_etsy(app, etsy_server)
    connect_shopify(app, shopify_server)
    return app


@pytest.fixture
def variants(tmp_path: Any) -> FakeVariants:
    return FakeVariants(tmp_path / "variants")


class Clock:
    """A settable UTC clock (real time unless frozen)."""

    def __init__(self, frozen: datetime | None = None) -> None:
        self.frozen = frozen

    def __call__(self) -> datetime:
        return self.frozen if self.frozen is not None else datetime.now(UTC)


@pytest.fixture
def make_publisher(variants: FakeVariants) -> Iterator[Callable[..., Publisher]]:
    """Publishers on an app with quick retries and checks; each is stopped when the test ends."""
    made: list[Publisher] = []

    def make(app: App, *, clock: Callable[[], datetime] | None = None, probe: Callable[[Any], bool] | None = None,
             start: bool = True, http: dict[str, Any] | None = None, **config: Any) -> Publisher:
        publisher = Publisher(app, clock=clock or Clock(), opener=opener(app, **(http or {})), variants=variants,
                              probe=probe or (lambda platform: True),
                              config=load_config(app.settings, **{**QUICK, **config}))
        made.append(publisher)
        if start:
            publisher.start()
        return publisher

    yield make
    for publisher in made:
        publisher.stop()


def wait_for(condition: Callable[[], Any], timeout: float = 10.0, message: str = "") -> Any:
    """Poll ``condition`` until it is truthy (returning it) or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting: {message or condition}")


@pytest.fixture
def fake_platform(app: App) -> Iterator[Callable[..., GenericStandIn]]:
    """Start a generic stand-in and register it as platform ``name`` (connected); undone at the end."""
    from contextlib import ExitStack

    from core.platforms.connections import record_connected

    with ExitStack() as stack:
        def make(name: str = "fakegram", *, per_second: int = 20, rate: float = 10.0, concurrency: int = 2,
                 latency: float = 0.0) -> GenericStandIn:
            server = GenericStandIn(per_second=per_second, latency=latency)
            server.start()
            stack.callback(server.stop)
            stack.enter_context(register_fake(name, server, rate=rate, concurrency=concurrency))
            record_connected(app.db, name, "Fake shop", "1", None, {})
            return server

        yield make


def add_photographed_product(app: App, tmp_path: Any, *, platforms: tuple[str, ...] = ("etsy", "shopify"),
                             sku: str = "MUG-BLUE-01") -> int:
    """A product whose photo is really in the app's image store (for the CLI and subprocesses, which render
    their own platform pictures)."""
    from PIL import Image

    from core.db.models import ProductImage
    from tests.platforms.conftest import add_product

    product_id = add_product(app, platforms=platforms, photos=0, sku=sku)
    path = tmp_path / f"{sku}.jpg"
    Image.new("RGB", (1200, 900), (40, 90, 160)).save(path, quality=85)
    stored = app.image_store.add(path)
    with app.db.session() as session:
        session.add(ProductImage(product_id=product_id, sha256=stored.sha256, original_name=path.name,
                                 width=stored.width, height=stored.height, format=stored.format))
    return product_id

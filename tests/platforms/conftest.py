"""Fixtures for platform tests: running stand-ins, an app pointed at them, a product ready to publish."""

from __future__ import annotations

import hashlib
import io
import threading
import webbrowser
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from core.app import App
from core.db.models import ContentDraft, Product, ProductImage
from core.platforms.base import ConnectOptions, Platform
from core.platforms.registry import http_options, open_platform
from core.platforms.service import connect_platform
from tests.fakes.etsy import EtsyStandIn
from tests.fakes.shopify import ShopifyStandIn


@pytest.fixture(autouse=True)
def no_thread_left() -> Iterator[None]:
    """Every server, listener and fake browser a test starts must be gone when it ends."""
    before = set(threading.enumerate())
    yield
    # Qt's pool threads show up as _DummyThread once they ran Python; the window fixture checks those itself.
    left = [t for t in threading.enumerate()
            if t not in before and t.is_alive() and not isinstance(t, threading._DummyThread)]
    assert not left, f"threads left running: {left}"


@dataclass
class FakeTime:
    """A clock that only moves when something sleeps; every sleep is recorded."""

    now: float = 1_000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


class FakeBrowser:
    """The seller's browser: follows the consent page's redirect to SellerDesk's loopback listener, on its own
    thread (a real browser is another process)."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.landed: list[httpx.Response] = []
        self.urls: list[str] = []

    def __call__(self, url: str) -> bool:
        self.urls.append(url)

        def visit() -> None:
            with httpx.Client(follow_redirects=True, timeout=5) as client:
                self.landed.append(client.get(url))

        thread = threading.Thread(target=visit, name="fake-browser")
        self.threads.append(thread)
        thread.start()
        return True

    def join(self) -> None:
        for thread in self.threads:
            thread.join(10)


@pytest.fixture
def browser() -> Iterator[FakeBrowser]:
    fake = FakeBrowser()
    yield fake
    fake.join()


@pytest.fixture
def etsy_server() -> Iterator[EtsyStandIn]:
    server = EtsyStandIn()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def shopify_server() -> Iterator[ShopifyStandIn]:
    server = ShopifyStandIn()
    server.start()
    yield server
    server.stop()


def point_at_etsy(app: App, server: EtsyStandIn) -> None:
    app.settings.set("platforms.etsy.api_base", f"{server.url}/v3/application")
    app.settings.set("platforms.etsy.token_url", f"{server.url}/v3/public/oauth/token")
    app.settings.set("platforms.etsy.authorize_url", f"{server.url}/oauth/connect")
    app.settings.set("platforms.etsy.client_id", server.keystring)
    app.settings.set("platforms.etsy.redirect_port", 0)  # any free port: test runs may overlap
    app.settings.set("platforms.http.timeout_seconds", 2.0)
    app.settings.set("platforms.http.connect_timeout_seconds", 2.0)


def point_at_shopify(app: App, server: ShopifyStandIn) -> None:
    app.settings.set("platforms.shopify.api_base", f"{server.url}/{{shop}}/admin/api")
    app.settings.set("platforms.shopify.token_url", f"{server.url}/{{shop}}/admin/oauth/access_token")
    app.settings.set("platforms.shopify.shop_domain", server.shop_domain)
    app.settings.set("platforms.http.timeout_seconds", 2.0)
    app.settings.set("platforms.http.connect_timeout_seconds", 2.0)


def opener(app: App, time: FakeTime | None = None, **options: Any) -> Callable[[str], Platform]:
    """Open platforms on ``app`` with a fake clock (if given) and quick retries."""

    def open_named(name: str) -> Platform:
        extra: dict[str, Any] = {"backoff_base": 0.01, **options}
        if time is not None:
            extra.update(sleep=time.sleep, clock=time.clock)
        return open_platform(app, name, http=http_options(app.settings, **extra))

    return open_named


@pytest.fixture
def etsy_app(app: App, etsy_server: EtsyStandIn, browser: FakeBrowser) -> App:
    """An app connected to the Etsy stand-in, with the seller's Etsy choices made."""
    point_at_etsy(app, etsy_server)
    with opener(app)("etsy") as etsy:
        connect_platform(app, "etsy", ConnectOptions(app_secret=etsy_server.shared_secret, open_browser=browser,
                                                     timeout=10), target=etsy)
    browser.join()
    from core.platforms.connections import set_preferences

    set_preferences(app.db, "etsy", {"taxonomy_id": 1064, "shipping_profile_id": 71, "readiness_state_id": 81})
    return app


@pytest.fixture
def shopify_app(app: App, shopify_server: ShopifyStandIn) -> App:
    """An app connected to the Shopify stand-in with the owner's pasted token."""
    point_at_shopify(app, shopify_server)
    with opener(app)("shopify") as shopify:
        connect_platform(app, "shopify", ConnectOptions(token=shopify_server.token), target=shopify)
    return app


def jpeg(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (seed * 40 % 256, 90, 160)).save(out, "JPEG")
    return out.getvalue()


class FakeVariants:
    """Platform pictures on disk, as core.images' store would hand them out."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    def variants(self, sha256: str, platforms: Sequence[str], focal: tuple[float, float] | None = None) -> list[Any]:
        self.calls.append((sha256, tuple(platforms)))
        out = []
        for platform in platforms:
            path = self.folder / f"{sha256[:12]}-{platform}.jpg"
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(jpeg(int(sha256[:2], 16)))
            out.append(type("Variant", (), {"path": path, "preset": platform})())
        return out


@pytest.fixture
def variants(tmp_path: Path) -> FakeVariants:
    return FakeVariants(tmp_path / "variants")


def add_product(app: App, *, platforms: Sequence[str] = ("etsy", "shopify"), approved: bool = True,
                photos: int = 3, sku: str | None = "MUG-BLUE-01", currency: str = "USD",
                title: str = "Blue Glazed Stoneware Mug") -> int:
    """A product with photos and (approved) copy for the given platforms; returns its id."""
    with app.db.session() as session:
        product = Product(title=title, description="Hand-thrown mug.", price=Decimal("24.50"), currency=currency,
                          quantity=5, sku=sku, category="Kitchen > Mugs", attributes={"colour": "blue"})
        session.add(product)
        session.flush()
        for i in range(photos):
            sha = hashlib.sha256(f"{title}-{i}".encode()).hexdigest()
            session.add(ProductImage(product_id=product.id, sha256=sha, original_name=f"mug{i}.jpg", position=i,
                                     alt_text=f"Mug photo {i + 1}"))
        for platform in platforms:
            session.add(ContentDraft(
                product_id=product.id, platform=platform, title=f"{title} - handmade 350 ml",
                description="A hand-thrown stoneware mug in a deep blue glaze.\n\nDishwasher safe.",
                bullets=["350 ml", "Microwave safe"], tags=["stoneware mug", "blue mug", "handmade"],
                status="approved" if approved else "draft"))
        return product.id


@pytest.fixture
def stand_ins(monkeypatch: pytest.MonkeyPatch, etsy_server: EtsyStandIn, shopify_server: ShopifyStandIn,
              browser: FakeBrowser) -> tuple[EtsyStandIn, ShopifyStandIn]:
    """Settings (through the environment) pointing the command line at both stand-ins."""
    env = {
        "PLATFORMS__ETSY__API_BASE": f"{etsy_server.url}/v3/application",
        "PLATFORMS__ETSY__TOKEN_URL": f"{etsy_server.url}/v3/public/oauth/token",
        "PLATFORMS__ETSY__AUTHORIZE_URL": f"{etsy_server.url}/oauth/connect",
        "PLATFORMS__ETSY__CLIENT_ID": etsy_server.keystring,
        "PLATFORMS__ETSY__REDIRECT_PORT": "0",
        "PLATFORMS__SHOPIFY__API_BASE": f"{shopify_server.url}/{{shop}}/admin/api",
        "PLATFORMS__SHOPIFY__TOKEN_URL": f"{shopify_server.url}/{{shop}}/admin/oauth/access_token",
        "PLATFORMS__SHOPIFY__SHOP_DOMAIN": shopify_server.shop_domain,
        "LOGGING__LEVEL": "DEBUG",
    }
    for key, value in env.items():
        monkeypatch.setenv(f"SELLERDESK_{key}", value)
    monkeypatch.setattr(webbrowser, "open", browser)
    return etsy_server, shopify_server

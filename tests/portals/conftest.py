"""Fixtures for the browser platforms: replica portals driven by real Chromium, signed-in apps, products to list.

One replica, one app and one browser per portal serve the whole run (sign-in costs a browser start, so it is done
once per portal); each test leaves the replica and the settings as it found them. Sign-in runs headless
(browser.sign_in_headless) and the test types the replica's OTP through the sign-in hook, as a seller would
type the SMS code. The browser is SELLERDESK_BROWSER__EXECUTABLE_PATH if set (read before the per-test env is
cleaned), else the Chromium the doctor finds.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from core.app import App
from core.components import NODE_ENV
from core.db.models import ContentDraft, Product, ProductImage
from core.doctor import find_browser
from core.platforms.base import ConnectOptions, ListingResult
from core.platforms.browser.catalog import publish_catalog
from core.platforms.browser.platform import PortalPlatform
from core.platforms.connections import PlatformStatus
from core.platforms.publish import publish_listing
from core.platforms.registry import open_platform
from core.platforms.service import connect_platform
from tests.fakes.portals.indiamart import IndiaMartReplica
from tests.fakes.portals.meesho import MeeshoReplica
from tests.fakes.portals.replica import PortalReplica
from tests.fakes.portals.snapdeal import SnapdealReplica

BROWSER = os.environ.get("SELLERDESK_BROWSER__EXECUTABLE_PATH") or find_browser("chromium", "")
PORTALS = ("meesho", "snapdeal", "indiamart")
REPLICAS: dict[str, type[PortalReplica]] = {"meesho": MeeshoReplica, "snapdeal": SnapdealReplica,
                                             "indiamart": IndiaMartReplica}
TIMEOUT = 10.0
# What Meesho's Legal Metrology screen demands of every product (as product attributes).
LEGAL_METROLOGY = {"net_quantity": "1 N", "weight_g": "350", "country_of_origin": "India",
                   "manufacturer_name": "Asha Handicrafts",
                   "manufacturer_address": "12 Potters Lane, Khurja, UP 203131"}
# What Meesho's Mugs category demands of every design (resources/portals/templates/meesho.json).
MUG_ATTRIBUTES = {"capacity": "350 ml", "colour": "blue"}
LISTING_SECONDS = "listing_seconds"  # a test property: (portal, seconds per product)


def jpeg(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (seed * 37 % 256, 120, 90)).save(out, "JPEG")
    return out.getvalue()


class PortalVariants:
    """Platform pictures on disk, as core.images' store would hand them out."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def variants(self, sha256: str, platforms: Sequence[str], focal: tuple[float, float] | None = None) -> list[Any]:
        out = []
        for platform in platforms:
            path = self.folder / f"{sha256[:12]}-{platform}.jpg"
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(jpeg(int(sha256[:2], 16)))
            out.append(type("Variant", (), {"path": path})())
        return out


def configure(app: App, name: str, replica: PortalReplica) -> None:
    """Point ``app`` at the replica and the test browser; sign-in headless so the hook can type."""
    app.settings.set(f"platforms.{name}.portal_url", replica.url)
    app.settings.set("browser.executable_path", str(BROWSER))
    app.settings.set("browser.sign_in_headless", True)
    app.settings.set("browser.timeout_seconds", TIMEOUT)


def unpaced(platform: PortalPlatform) -> list[float]:
    """Record the pacer's waits instead of sleeping them, type at once and lift the daily cap, so the suite
    does not take half a minute per listing; test_pacing checks the pacing itself. Returns the recorded waits."""
    waits: list[float] = []
    platform.pacer.sleep = waits.append
    platform.pacer.rules = replace(platform.pacer.rules, typing_ms=(0.0, 0.0), per_day=None)
    return waits


def add_product(app: App, platform: str, *, sku: str, title: str, photos: Sequence[str], attributes: dict[str, str],
                copy_title: str | None = None, price: str = "249", category: str = "Kitchen > Mugs",
                description: str = "A hand-thrown stoneware mug in a deep blue glaze.",
                bullets: tuple[str, ...] = ("350 ml", "Dishwasher safe"), currency: str = "INR") -> int:
    """A product with the photos ``photos`` (sha256 of each) and approved copy for ``platform``; returns its id."""
    with app.db.session() as session:
        product = Product(title=title, description=description, price=Decimal(price), currency=currency,
                          quantity=7, sku=sku, category=category, attributes=attributes)
        session.add(product)
        session.flush()
        for i, sha in enumerate(photos):
            session.add(ProductImage(product_id=product.id, sha256=sha, original_name=f"p{i}.jpg", position=i))
        session.add(ContentDraft(product_id=product.id, platform=platform, title=copy_title or title,
                                 description=description, bullets=list(bullets), tags=["mug"], status="approved"))
        return product.id


@dataclass
class PortalEnv:
    """One portal for the run: its replica, an app on its own data dir, one open platform (one browser)."""

    name: str
    replica: PortalReplica
    app: App
    platform: PortalPlatform
    variants: PortalVariants
    status: PlatformStatus | None = None
    connect_seconds: float = 0.0
    products: int = field(default=0)

    def connect(self) -> PlatformStatus:
        """Sign in through the replica's phone + OTP page."""
        self.platform.on_sign_in_page = self.replica.seller_signs_in
        started = time.perf_counter()
        self.status = connect_platform(self.app, self.name, ConnectOptions(timeout=30), target=self.platform)
        self.connect_seconds = time.perf_counter() - started
        return self.status

    def add_product(self, *, sku: str | None = None, title: str = "Blue Glazed Stoneware Mug",
                    price: str = "249", category: str = "Kitchen > Mugs", photos: int = 2,
                    description: str = "A hand-thrown stoneware mug in a deep blue glaze.",
                    bullets: tuple[str, ...] = ("350 ml", "Dishwasher safe"), currency: str = "INR",
                    attributes: dict[str, str] | None = None) -> int:
        """A product with photos and approved copy for this portal; returns its id."""
        self.products += 1
        attrs = {"hsn_code": "6912", "gst_rate": "12", "material": "stoneware"} if attributes is None else attributes
        if attributes is None and self.name == "meesho":
            attrs |= LEGAL_METROLOGY | MUG_ATTRIBUTES  # Meesho refuses a catalog without them
        shas = [hashlib.sha256(f"{self.name}-{self.products}-{i}".encode()).hexdigest() for i in range(photos)]
        return add_product(self.app, self.name, sku=sku or f"{self.name[:3].upper()}-{self.products:03d}",
                           title=title, copy_title=f"{title} {self.products}", price=price, category=category,
                           photos=shas, description=description, bullets=bullets, currency=currency,
                           attributes=attrs)

    def publish(self, product_id: int) -> ListingResult:
        """Publish through the app's own path on the shared browser: publish_listing, or for Meesho, which lists
        catalogs of designs and never one product alone, publish_catalog with a second design of the product."""
        if self.name != "meesho":
            return publish_listing(self.app, product_id, self.name, target=self.platform, variants=self.variants)
        designs = [product_id, self.second_design(product_id)]
        made = publish_catalog(self.app, self.name, designs, target=self.platform, variants=self.variants)
        return dict(made)[product_id]

    def second_design(self, product_id: int) -> int:
        """Another design of the product (the same facts, copy and photos; SKU and title end in "-B"), made once."""
        with self.app.db.session() as session:
            product = session.get(Product, product_id)
            assert product is not None
            sku = f"{product.sku}-B"
            known = session.query(Product).filter(Product.sku == sku).first()
            if known is not None:
                return known.id
            skip = {"id", "sku", "title", "sync_id", "created_at", "updated_at"}
            twin = Product(**{c.key: getattr(product, c.key) for c in Product.__table__.columns if c.key not in skip},
                           sku=sku, title=f"{product.title} B")
            session.add(twin)
            session.flush()
            for image in product.images:
                session.add(ProductImage(product_id=twin.id, sha256=image.sha256, original_name=image.original_name,
                                         position=image.position))
            for draft in product.drafts:
                session.add(ContentDraft(product_id=twin.id, platform=draft.platform, title=f"{draft.title} B",
                                         description=draft.description, bullets=list(draft.bullets or ()),
                                         tags=list(draft.tags or ()), status=draft.status))
            return twin.id

    def settle_earlier_reviews(self) -> None:
        """Record every listing that earlier tests left in the portal's review as passed, so that a test reading
        the review reads only its own listings (each one read costs a page in the browser)."""
        log = self.platform.submissions
        for waiting in log.awaiting_review():
            log.add(replace(waiting, state="reviewed", status="active", at=waiting.sent_at))

    def reset(self) -> None:
        """Undo what a test switched on: replica faults and modes, edited settings."""
        self.replica.faults.clear()
        self.replica.variant = None
        self.replica.frozen.clear()
        self.replica.banner_next_submit = None
        self.replica.result_next_submit = None
        self.replica.search_lag = 0.0
        self.replica.popup = self.replica.captcha = False
        self.app.settings.set("browser.timeout_seconds", TIMEOUT)
        self.app.settings.unset("browser.portals_dir")


class Portals:
    """The run's portal environments, made on first use and all closed at the end."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.envs: dict[str, PortalEnv] = {}

    def get(self, name: str) -> PortalEnv:
        """The environment of ``name`` (not necessarily signed in)."""
        if name not in self.envs:
            replica = REPLICAS[name]()
            replica.start()
            app = App(self.root / name)
            configure(app, name, replica)
            platform = open_platform(app, name)
            assert isinstance(platform, PortalPlatform)
            unpaced(platform)
            self.envs[name] = PortalEnv(name, replica, app, platform, PortalVariants(self.root / name / "pics"))
        return self.envs[name]

    def signed_in(self, name: str) -> PortalEnv:
        """The environment of ``name``, signed in (the first call signs in through the OTP page)."""
        env = self.get(name)
        if env.status is None:
            env.connect()
        return env

    def close(self) -> None:
        for env in self.envs.values():
            env.platform.close()
            env.replica.stop()
            env.app.close()


def _browser_threads() -> set[threading.Thread]:
    # Qt's pool threads show up as _DummyThread once they ran Python; tests that start them check them themselves.
    return {t for t in threading.enumerate() if t.is_alive() and not isinstance(t, threading._DummyThread)}


@pytest.fixture(scope="session", autouse=True)
def nothing_left_at_the_end() -> Iterator[None]:
    """After the last portal test every browser, driver and replica thread must be gone."""
    before = _browser_threads()
    yield
    left = [t for t in _browser_threads() - before]
    assert not left, f"threads left running: {left}"


@pytest.fixture(scope="session")
def portals(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portals]:
    if BROWSER is None:
        pytest.skip("no Chromium, Chrome or Edge found; set SELLERDESK_BROWSER__EXECUTABLE_PATH")
    envs = Portals(tmp_path_factory.mktemp("portals"))
    yield envs
    envs.close()


@pytest.fixture(autouse=True)
def playwrights_own_node(monkeypatch: pytest.MonkeyPatch) -> None:
    """From a checkout the playwright package carries its Node: a frozen build's override (core.components), set by
    an earlier test, must not point these tests' driver at another one."""
    monkeypatch.delenv(NODE_ENV, raising=False)


@pytest.fixture(autouse=True)
def no_stray_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test may leave only the shared portal browsers and replicas running (they end with the run).

    A replica's request threads count as its own: Chromium keeps idle (and pre-opened) connections to it.
    """
    before = _browser_threads()
    yield
    shared = ("browser-", "asyncio-waitpid", "Replica-server", "process_request_thread")
    left = [t for t in _browser_threads() - before if not any(s in t.name for s in shared)]
    assert not left, f"threads left running: {left}"


@pytest.fixture
def env_of(portals: Portals) -> Iterator[Callable[[str], PortalEnv]]:
    """Signed-in portal environments for this test, reset afterwards."""
    used: list[PortalEnv] = []

    def get(name: str) -> PortalEnv:
        env = portals.signed_in(name)
        used.append(env)
        return env

    yield get
    for env in used:
        env.reset()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Per-product listing times against the replicas (the first includes starting the browser), as the tests
    recorded them (from whichever worker process ran them)."""
    timings = [value for report in terminalreporter.stats.get("passed", []) if report.when == "call"
               for key, value in report.user_properties if key == LISTING_SECONDS]
    if not timings:
        return
    terminalreporter.section("portal listing time per product")
    for name, seconds in sorted(timings):
        shown = ", ".join(f"{s:.2f}" for s in seconds)
        terminalreporter.write_line(f"{name:<10} {shown} s")

"""Fixtures for Facebook, Instagram and Pinterest: the stand-ins, the real sync service, a product with photos."""

from __future__ import annotations

import io
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from core.app import App
from core.db.database import DB_FILE
from core.db.models import ContentDraft, Product, ProductImage
from core.platforms.base import ConnectOptions, Platform
from core.platforms.connections import set_preferences
from core.platforms.media_host import S3_SECRET
from core.platforms.registry import http_options, open_platform
from core.platforms.service import connect_platform
from server.config import ProviderConfig, default_provider
from tests.fakes.social.meta import MetaStandIn
from tests.fakes.social.pinterest import PinterestStandIn
from tests.fakes.social.s3 import S3StandIn
from tests.fakes.social.sync_service import SyncService, migrate_new
from tests.platforms.conftest import FakeBrowser, browser  # noqa: F401  (fixture reused)

SOCIAL = ("facebook", "instagram", "pinterest")
BOARD = "549755885175"


@pytest.fixture(autouse=True)
def no_thread_left() -> Iterator[None]:
    """Every server and fake browser a test starts must be gone when it ends."""
    before = set(threading.enumerate())
    yield
    # Qt's pool threads show up as _DummyThread once they ran Python; the window fixture checks those itself.
    left = [t for t in threading.enumerate()
            if t not in before and t.is_alive() and not isinstance(t, threading._DummyThread)]
    assert not left, f"threads left running: {left}"


@pytest.fixture(scope="session")
def app_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SellerDesk's database migrated once; each test's app starts from a copy (it holds no rows yet)."""
    folder = tmp_path_factory.mktemp("app-template")
    App(folder).db.dispose()
    return folder / DB_FILE


@pytest.fixture
def app(isolated_env: Path, app_template: Path) -> Iterator[App]:
    """A core App on the test's data dir, its database copied from the migrated template."""
    isolated_env.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(app_template, isolated_env / DB_FILE)
    application = App(isolated_env)
    yield application
    application.close()


@dataclass
class Sleeps:
    """Waits the platforms asked for (container polls, backoff), recorded instead of slept."""

    taken: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.taken.append(round(seconds, 3))


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def meta() -> Iterator[MetaStandIn]:
    server = MetaStandIn()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pinterest() -> Iterator[PinterestStandIn]:
    server = PinterestStandIn()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3() -> Iterator[S3StandIn]:
    server = S3StandIn()
    server.start()
    yield server
    server.stop()


def broker_providers(meta: MetaStandIn, pinterest: PinterestStandIn) -> dict[str, ProviderConfig]:
    """The broker's provider settings pointing at the stand-ins (app ids and secrets held by the service)."""
    providers = {}
    for name in ("facebook", "instagram"):
        authorize, token, exchange = meta.endpoints(name)
        app_id, secret = meta.apps[name]
        providers[name] = ProviderConfig(name, app_id, secret, authorize, token, exchange,
                                         default_provider(name).scopes)
    providers["pinterest"] = ProviderConfig("pinterest", pinterest.broker_client_id, pinterest.broker_client_secret,
                                            f"{pinterest.url}/oauth/", f"{pinterest.url}/v5/oauth/token", "",
                                            default_provider("pinterest").scopes)
    return providers


@pytest.fixture(scope="session")
def sync_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The service's database migrated once; each service starts from a copy."""
    return migrate_new(tmp_path_factory.mktemp("sync-template") / "server.db")


@pytest.fixture
def sync(tmp_path: Path, meta: MetaStandIn, pinterest: PinterestStandIn, sync_template: Path) -> Iterator[SyncService]:
    service = SyncService(tmp_path / "sync-service", broker_providers(meta, pinterest), sync_template)
    service.start()
    yield service
    service.stop()


def point_at(app: App, meta: MetaStandIn, pinterest: PinterestStandIn) -> None:
    """Settings that send the three platforms to the stand-ins."""
    settings = app.settings
    settings.set("platforms.facebook.api_base", meta.fb_api_base)
    settings.set("platforms.facebook.api_version", meta.version)
    settings.set("platforms.facebook.authorize_url", meta.endpoints("facebook")[0].replace(meta.version,
                                                                                           "{version}"))
    settings.set("platforms.instagram.api_base", meta.ig_api_base)
    settings.set("platforms.instagram.api_version", meta.version)
    settings.set("platforms.instagram.authorize_url", meta.endpoints("instagram")[0])
    settings.set("platforms.instagram.token_url", meta.endpoints("instagram")[1])
    settings.set("platforms.pinterest.api_base", f"{pinterest.url}/v5")
    settings.set("platforms.pinterest.sandbox_api_base", f"{pinterest.url}/sandbox/v5")
    settings.set("platforms.pinterest.authorize_url", f"{pinterest.url}/oauth/")
    settings.set("platforms.pinterest.token_url", f"{pinterest.url}/v5/oauth/token")
    settings.set("platforms.http.timeout_seconds", 5.0)
    settings.set("platforms.http.connect_timeout_seconds", 2.0)


@pytest.fixture
def social_app(app: App, meta: MetaStandIn, pinterest: PinterestStandIn, sync: SyncService) -> App:
    """An app pointed at the stand-ins and signed in to the sync service (broker and media host)."""
    point_at(app, meta, pinterest)
    sync.sign_in(app)
    return app


Opener = Callable[..., Platform]


@pytest.fixture
def opener(sleeps: Sleeps) -> Opener:
    """Open a platform with quick retries and recorded (not slept) waits."""

    def open_named(app: App, name: str, **options: Any) -> Platform:
        extra: dict[str, Any] = {"backoff_base": 0.01, "sleep": sleeps, **options}
        return open_platform(app, name, http=http_options(app.settings, **extra))

    return open_named


def connect(app: App, name: str, browser: FakeBrowser, opener: Opener, **options: Any) -> None:
    """Connect ``name`` the way the Platforms tab does, with the fake browser clicking "Allow"."""
    with opener(app, name) as platform:
        connect_platform(app, name, ConnectOptions(open_browser=browser, timeout=10, **options), target=platform)
    browser.join()


@pytest.fixture
def connected(social_app: App, browser: FakeBrowser, opener: Opener) -> App:
    """All three platforms connected through the sync service's broker; Page and board chosen."""
    for name in SOCIAL:
        connect(social_app, name, browser, opener)
    set_preferences(social_app.db, "pinterest", {"board_id": BOARD})
    return social_app


def use_s3(app: App, s3: S3StandIn) -> None:
    """Public pictures go to the S3 stand-in's bucket."""
    for key, value in (("endpoint", s3.url), ("bucket", s3.bucket), ("region", s3.region),
                       ("access_key_id", s3.access_key)):
        app.settings.set(f"media.s3.{key}", value)
    app.secrets.set(S3_SECRET, s3.secret_key)


def own_app_options(app: App, name: str, meta: MetaStandIn, pinterest: PinterestStandIn) -> dict[str, str]:
    """Set ``name`` up for the seller's own app; returns the connect options carrying its secret."""
    if name == "pinterest":
        app_id, secret = pinterest.client_id, pinterest.client_secret
    else:
        app_id, secret = meta.apps[name]
    app.settings.set(f"platforms.{name}.client_id", app_id)
    return {"app_secret": secret}


def _own(app: App, meta: MetaStandIn, pinterest: PinterestStandIn, s3: S3StandIn, browser: FakeBrowser,
         opener: Opener, names: Sequence[str]) -> App:
    point_at(app, meta, pinterest)
    use_s3(app, s3)
    for name in names:
        connect(app, name, browser, opener, **own_app_options(app, name, meta, pinterest))
    set_preferences(app.db, "pinterest", {"board_id": BOARD})
    return app


@pytest.fixture
def own_apps(app: App, meta: MetaStandIn, pinterest: PinterestStandIn, s3: S3StandIn, browser: FakeBrowser,
             opener: Opener) -> App:
    """All three connected with the seller's own apps (no sync service), pictures hosted in the S3 bucket."""
    return _own(app, meta, pinterest, s3, browser, opener, SOCIAL)


@pytest.fixture
def facebook_app(app: App, meta: MetaStandIn, pinterest: PinterestStandIn, s3: S3StandIn, browser: FakeBrowser,
                 opener: Opener) -> App:
    """Facebook alone, connected with the seller's own app."""
    return _own(app, meta, pinterest, s3, browser, opener, ["facebook"])


@pytest.fixture
def instagram_app(app: App, meta: MetaStandIn, pinterest: PinterestStandIn, s3: S3StandIn, browser: FakeBrowser,
                  opener: Opener) -> App:
    """Instagram alone, connected with the seller's own app; pictures go to the S3 bucket."""
    return _own(app, meta, pinterest, s3, browser, opener, ["instagram"])


@pytest.fixture
def pinterest_app(app: App, meta: MetaStandIn, pinterest: PinterestStandIn, s3: S3StandIn, browser: FakeBrowser,
                  opener: Opener) -> App:
    """Pinterest alone, connected with the seller's own app, board chosen; pictures go to the S3 bucket."""
    return _own(app, meta, pinterest, s3, browser, opener, ["pinterest"])


def photo(seed: int, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A JPEG that looks enough like a product photo (shapes and gradients) to survive every preset."""
    image = Image.new("RGB", size, (230 - seed * 20, 200, 180 + seed * 10))
    draw = ImageDraw.Draw(image)
    for i in range(6):
        draw.ellipse((100 + i * 150, 200 + seed * 40, 400 + i * 150, 700 + seed * 40), fill=(40 * i, 90, 160 - i))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def add_product(app: App, tmp_path: Path, *, photos: int = 3, platforms: Sequence[str] = SOCIAL,
                title: str = "Blue Glazed Stoneware Mug", description: str | None = None, sku: str = "MUG-BLUE-01",
                hashtags: Sequence[str] = ("#handmade", "#pottery", "#mug"), alt: str = "") -> int:
    """A product with real photos in the image store and approved copy for ``platforms``; returns its id."""
    with app.db.session() as session:
        product = Product(title=title, description="Hand-thrown mug.", price=Decimal("24.50"), currency="INR",
                          quantity=5, sku=sku, category="Kitchen > Mugs")
        session.add(product)
        session.flush()
        for i in range(photos):
            source = tmp_path / f"{sku}-{i}.jpg"
            source.write_bytes(photo(i))
            stored = app.image_store.add(source)
            session.add(ProductImage(product_id=product.id, sha256=stored.sha256, original_name=source.name,
                                     position=i, width=stored.width, height=stored.height, format="JPEG",
                                     alt_text=alt or f"Blue mug, view {i + 1}"))
        for platform in platforms:
            session.add(ContentDraft(
                product_id=product.id, platform=platform, title=f"{title} - 350 ml",
                description=description or "A hand-thrown stoneware mug in a deep blue glaze. Dishwasher safe.",
                bullets=["350 ml", "Microwave safe"] if platform != "pinterest" else [],
                hashtags=list(hashtags), status="approved"))
        return int(product.id)


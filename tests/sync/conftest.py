"""The real sync service on 127.0.0.1 (uvicorn on a thread, SQLite in the test's folder), and desktop "devices":
each an App on its own data dir with its own keychain and a network that a test can switch off or make drop the
answer to a request; ``computers``: a laptop and a shop computer on one account, both able to post to a platform
stand-in."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from core.app import App
from core.platforms.connections import record_connected
from core.publishing.config import load_config
from core.publishing.service import Publisher
from core.secrets.store import SecretStore
from core.sync import state
from core.sync.account import SyncAccount
from core.sync.engine import RoundReport, sync_now
from server.app import create_app
from server.config import Limits, PasswordCost, ServerConfig
from server.db import Database, migrate
from tests.fakes.mailbox import CONFIRM_SUBJECT, Mailbox, confirm
from tests.fakes.memory_keyring import MemoryKeyring
from tests.platforms.conftest import FakeVariants, opener
from tests.publishing.conftest import QUICK
from tests.publishing.generic_fake import GenericStandIn, register_fake

PASSWORD = "correct horse battery staple"
CHEAP_PASSWORDS = PasswordCost(time_cost=1, memory_kib=1024, parallelism=1, concurrent_hashes=4)


class LiveServer:
    """One service instance; ``stop()`` and ``start()`` again keep its address and its data."""

    def __init__(self, root: Path, template: Path, mailbox: Mailbox) -> None:
        self.root = root
        self.mailbox = mailbox  # where its account emails arrive
        self._confirmed: dict[str, int] = {}
        root.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, root / "server.db")
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.limits = Limits(registrations_per_address=1000, login_failures_per_address=1000)  # used at start()

    def start(self) -> LiveServer:
        config = ServerConfig(database_url=f"sqlite:///{self.root / 'server.db'}", secret="sync-tests-" + "s" * 40,
                              public_url=self.url, media_dir=self.root / "media",
                              limits=self.limits, password_cost=CHEAP_PASSWORDS, db_pool_size=4,
                              mail=self.mailbox.config())
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self._server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning", access_log=False,
                                                     lifespan="on"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, name="sync-service")
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the sync service did not start")
            time.sleep(0.01)
        return self

    def confirm(self, email: str) -> None:
        """Open the newest confirmation link emailed to ``email`` (waiting for one not opened yet), as the seller
        does in a browser."""
        email = email.strip().lower()
        self.mailbox.wait_for(email, CONFIRM_SUBJECT, after=self._confirmed.get(email, 0))
        newest = self.mailbox.count(email, CONFIRM_SUBJECT) - 1
        with httpx.Client() as browser:
            confirm(browser, self.mailbox, email, after=newest)
        self._confirmed[email] = newest + 1

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(10)
            assert not self._thread.is_alive(), "the sync service did not stop"
        self._server = self._thread = None


class Network(httpx.BaseTransport):
    """A device's connection: ``online = False`` is a pulled cable; ``drop_answer_to(path)`` lets the next request
    to ``path`` reach the service and then loses its answer, as a flaky mobile connection does."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.online = True
        self._drop: str | None = None
        self.tokens_seen: set[str] = set()  # every access and refresh token that crossed this connection

    def drop_answer_to(self, path: str) -> None:
        self._drop = path

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self.online:
            raise httpx.ConnectError("network is unreachable", request=request)
        bearer = request.headers.get("authorization", "")
        if bearer:
            self.tokens_seen.add(bearer.removeprefix("Bearer "))
        response = self.inner.handle_request(request)
        if request.url.path.startswith("/v1/auth/"):
            response.read()
            if response.is_success and response.content:
                body = response.json()
                self.tokens_seen.update(body[name] for name in ("access_token", "refresh_token") if name in body)
        if self._drop is not None and request.url.path == self._drop:
            self._drop = None
            response.read()
            response.close()
            raise httpx.ReadError("connection reset by peer", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


@dataclass
class Device:
    """One of the seller's computers."""

    name: str
    app: App
    account: SyncAccount
    network: Network
    keyring: MemoryKeyring
    http: httpx.Client

    def sync(self) -> RoundReport:
        return sync_now(self.account)

    def close(self) -> None:
        self.http.close()
        self.app.close()


@pytest.fixture(autouse=True)
def no_thread_left_behind() -> Iterator[None]:
    """Fail a test that leaves a server (or any other non-daemon thread) running. Daemon threads are Qt's pooled
    workers as Python sees them, idle until Qt retires them; the window fixture checks those."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5
    while (extra := [t for t in threading.enumerate() if t not in before and t.is_alive() and not t.daemon]) and \
            time.monotonic() < deadline:
        time.sleep(0.05)
    assert not extra, f"threads left running: {[t.name for t in extra]}"


@pytest.fixture(scope="session")
def server_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, migrated service database, copied for each server."""
    path = tmp_path_factory.mktemp("sync-template") / "server.db"
    db = Database(f"sqlite:///{path}", pool_size=2)
    migrate(db)
    db.close()
    return path


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """The SMTP server the service sends account emails through (empty for each test)."""
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture
def server(tmp_path: Path, server_template: Path, mailbox: Mailbox) -> Iterator[LiveServer]:
    """A running service, stopped at the end of the test."""
    live = LiveServer(tmp_path / "service", server_template, mailbox).start()
    yield live
    live.stop()


@pytest.fixture
def make_device(tmp_path: Path, server: LiveServer) -> Iterator[Callable[..., Device]]:
    """``make_device("laptop")``: a data dir pointed at the service, not signed in."""
    devices: list[Device] = []

    def make(name: str) -> Device:
        app = App(tmp_path / name)
        app.settings.set("sync.server_url", server.url)
        keyring = MemoryKeyring()
        network = Network()
        http = httpx.Client(transport=network, timeout=10)
        account = SyncAccount(app, secrets=SecretStore(app.data_dir, db=app.db, backend=keyring), http=http)
        device = Device(name, app, account, network, keyring, http)
        devices.append(device)
        return device

    yield make
    for device in devices:
        device.close()


FAKE = "fakegram"


@pytest.fixture
def fake_shop() -> Iterator[GenericStandIn]:
    """The platform both computers could post to, counting every post it receives."""
    server = GenericStandIn(per_second=50)
    server.start()
    with register_fake(FAKE, server, rate=20, concurrency=1):
        yield server
    server.stop()


def publisher_for(device: Device, tmp_path: Path) -> Publisher:
    """A computer's publishing with quick rounds, on the platform stand-in."""
    return Publisher(device.app, opener=opener(device.app), variants=FakeVariants(tmp_path / "variants"),
                     probe=lambda platform: True, config=load_config(device.app.settings, **QUICK))


@pytest.fixture
def run_publishing(tmp_path) -> Iterator[Callable[[Device], Publisher]]:
    """Start a computer's publishing (as its window does), with quick rounds; stopped at the end of the test."""
    started: list[Publisher] = []

    def start(device: Device) -> Publisher:
        publisher = publisher_for(device, tmp_path)
        started.append(publisher)
        assert publisher.start()
        return publisher

    yield start
    for publisher in started:
        publisher.stop()


@pytest.fixture
def computers(make_device: Callable[..., Device], server, fake_shop: GenericStandIn) -> tuple[Device, Device]:
    """The laptop and the shop computer, signed in to one account and both connected to the platform."""
    laptop, shop = make_device("laptop"), make_device("shop")
    for device, name in ((laptop, "Laptop"), (shop, "Shop PC")):
        with device.app.db.session() as session:
            state.write(session, state.DEVICE_NAME, name)
        record_connected(device.app.db, FAKE, "Fake shop", "1", None, {})
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    shop.account.sign_in("asha@example.com", PASSWORD)
    return laptop, shop

"""Fixtures for the service: the same tests run on SQLite and, when a server is given, on PostgreSQL.

Set SELLERDESK_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres) to include
PostgreSQL; the tests create their own database on that server and drop it afterwards.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server.app import create_app
from server.client import SyncServiceClient
from server.config import Limits, PasswordCost, ServerConfig, default_provider
from server.db import Database, migrate
from server.models import Base
from tests.fakes.mailbox import Mailbox, sign_up
from tests.server.asgi import asgi_client

# Read at import: the root conftest clears SELLERDESK_* variables inside every test.
POSTGRES_URL = os.environ.get("SELLERDESK_TEST_POSTGRES_URL", "")
SECRET = "test-secret-0123456789abcdef-" + "x" * 24
PUBLIC_URL = "https://sync.test"
PASSWORD = "correct horse battery"
# Argon2 at its cheapest: the tests are about behaviour, not hashing cost.
CHEAP_PASSWORDS = PasswordCost(time_cost=1, memory_kib=1024, parallelism=1, concurrent_hashes=8)


@dataclass
class Backend:
    """A migrated database kind; ``fresh_url`` gives each test an empty one."""

    name: str
    template: str

    def fresh_url(self, tmp_path: Path) -> str:
        """An empty, migrated database for one test."""
        if self.name == "sqlite":
            target = tmp_path / "server.db"
            shutil.copyfile(self.template, target)
            return f"sqlite:///{target}"
        engine = create_engine(self.template)
        with engine.begin() as conn:  # DELETE beats TRUNCATE on tables this small
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
        engine.dispose()
        return self.template


@contextmanager
def _postgres_database() -> Iterator[str]:
    admin_url = make_url(POSTGRES_URL)
    name = f"sellerdesk_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """Each database kind, migrated once per test session."""
    if request.param == "sqlite":
        template = tmp_path_factory.mktemp("template") / "server.db"
        db = Database(f"sqlite:///{template}")
        migrate(db)
        db.close()
        yield Backend("sqlite", str(template))
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL variant skipped: set SELLERDESK_TEST_POSTGRES_URL to a server the tests may "
                    "create databases on (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres)")
    with _postgres_database() as url:
        db = Database(url)
        migrate(db)
        db.close()
        yield Backend("postgresql", url)


@pytest.fixture
def db_url(backend: Backend, tmp_path: Path) -> str:
    """An empty, migrated database for this test."""
    return backend.fresh_url(tmp_path)


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    """The SMTP server the service sends account emails through (one per test session)."""
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture
def config(db_url: str, tmp_path: Path, mailbox: Mailbox) -> ServerConfig:
    """A service configuration on this test's database and media folder."""
    return ServerConfig(database_url=db_url, secret=SECRET, public_url=PUBLIC_URL, media_dir=tmp_path / "media",
                        limits=Limits(registrations_per_address=1000, login_failures_per_address=1000),
                        password_cost=CHEAP_PASSWORDS, db_pool_size=5, mail=mailbox.config(),
                        providers={name: default_provider(name) for name in ("facebook", "instagram", "pinterest")})


@pytest.fixture
def make_app(config: ServerConfig) -> Iterator[Callable[..., FastAPI]]:
    """Build the app, optionally with changed limits or other config; everything is closed afterwards."""
    apps: list[FastAPI] = []

    def build(cfg: ServerConfig | None = None, **limits: Any) -> FastAPI:
        chosen = cfg or config
        if limits:
            chosen = replace(chosen, limits=replace(chosen.limits, **limits))
        app = create_app(chosen)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.state.services.close()


@pytest.fixture
def app(make_app: Callable[..., FastAPI]) -> FastAPI:
    """The app with default settings."""
    return make_app()


def open_http(app: FastAPI, follow_redirects: bool = False,
              address: str = "testclient") -> AbstractContextManager[httpx.Client]:
    """Raw HTTP to ``app`` in-process at the public URL (requests come from ``address``)."""
    return asgi_client(app, PUBLIC_URL, follow_redirects, address)


@pytest.fixture
def http(app: FastAPI) -> Iterator[httpx.Client]:
    """Raw HTTP to the default app."""
    with open_http(app) as client:
        yield client


@pytest.fixture
def new_device(http: httpx.Client, mailbox: Mailbox) -> Iterator[Callable[..., SyncServiceClient]]:
    """A signed-in device: ``new_device("a@example.com")`` registers (confirming the address through the emailed
    link) or logs in to that account."""
    clients: list[SyncServiceClient] = []
    registered: set[str] = set()

    def sign_in(email: str, name: str = "", password: str = PASSWORD) -> SyncServiceClient:
        client = SyncServiceClient(PUBLIC_URL, http=http)
        device = str(uuid.uuid4())
        if email in registered:
            client.login(email, password, device, name)
        else:
            sign_up(client, http, mailbox, email, password, device, name)
            registered.add(email)
        clients.append(client)
        return client

    yield sign_in
    for client in clients:
        client.close()


def bearer(client: SyncServiceClient) -> dict[str, str]:
    """The Authorization header of a signed-in client, for raw requests."""
    assert client.tokens is not None
    return {"Authorization": f"Bearer {client.tokens.access_token}"}

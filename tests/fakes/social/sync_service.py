"""The real SellerDesk service (server/) on 127.0.0.1, served by uvicorn on a thread, for end-to-end tests.

Its media host hands out real public URLs that the stand-ins download from, and its OAuth broker exchanges codes
with the Meta and Pinterest stand-ins (given as provider endpoints). ``sign_in(app)`` registers an account and
leaves the session where SellerDesk keeps it (``sync.server_url`` and the ``sync:`` secrets).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from core.app import App
from core.platforms.broker import SESSION_ACCESS, SESSION_EXPIRES, SESSION_REFRESH
from server.app import create_app
from server.client import SyncServiceClient
from server.config import Limits, PasswordCost, ProviderConfig, ServerConfig, default_provider
from server.db import Database, migrate
from tests.fakes.mailbox import Mailbox, sign_up

PASSWORD = "correct horse battery staple"
# Argon2 at its cheapest: these tests are about the platforms, not about password hashing.
CHEAP_PASSWORDS = PasswordCost(time_cost=1, memory_kib=1024, parallelism=1, concurrent_hashes=4)


def migrate_new(path: Path) -> Path:
    """An empty service database at ``path``, migrated to the newest schema."""
    db = Database(f"sqlite:///{path}", pool_size=2)
    migrate(db)
    db.close()
    return path


class SyncService:
    """One service instance with its own database and media folder under ``root``."""

    def __init__(self, root: Path, providers: dict[str, ProviderConfig] | None = None,
                 template: Path | None = None) -> None:
        self.root = root
        self.providers = providers or {}
        self.template = template
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.url = ""
        self.mailbox = Mailbox()  # where the service's account emails arrive

    def start(self) -> SyncService:
        self.root.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{self.root / 'server.db'}"
        if self.template is not None:
            shutil.copyfile(self.template, self.root / "server.db")
        else:
            migrate_new(self.root / "server.db")
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        providers = {name: default_provider(name) for name in ("facebook", "instagram", "pinterest")}
        config = ServerConfig(database_url=database_url, secret="social-tests-" + "s" * 40, public_url=self.url,
                              media_dir=self.root / "media", limits=Limits(registrations_per_address=1000),
                              password_cost=CHEAP_PASSWORDS, db_pool_size=4, mail=self.mailbox.start().config(),
                              providers={**providers, **self.providers})
        self._server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning", access_log=False,
                                                     lifespan="on"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]},
                                        name="sync-service")
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the sync service did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        if self._socket is not None:
            self._socket.close()
        self.mailbox.stop()

    def media_count(self) -> int:
        """Pictures currently held by the media host (files on disk)."""
        folder = self.root / "media"
        return sum(1 for path in folder.rglob("*") if path.is_file() and ".staging" not in path.parts)

    def sign_in(self, app: App, email: str = "asha@example.com") -> None:
        """Register an account (confirming its address by the emailed link) and store its session the way
        SellerDesk keeps it."""
        with SyncServiceClient(self.url) as client, httpx.Client() as browser:
            tokens = sign_up(client, browser, self.mailbox, email, PASSWORD, name="test desktop")
        app.settings.set("sync.server_url", self.url)
        app.secrets.set_many({SESSION_ACCESS: tokens.access_token, SESSION_REFRESH: tokens.refresh_token,
                              SESSION_EXPIRES: str(tokens.expires_at)})

"""Safe defaults for production: random secrets, https links, a database connection budget shared by the workers,
owner-only files, and links that never name a listening address."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from server.config import DEFAULT_DB_CONNECTIONS, ConfigError, config_from_env
from server.db import Database, migrate
from server.storage import LocalDiskStore
from tests.server.conftest import SECRET


def _production(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {"DATABASE_URL": "postgresql+psycopg://sd@db/sd", "SELLERDESK_SERVER_SECRET": SECRET,
           "SELLERDESK_SERVER_PUBLIC_URL": "https://sync.example.com", "SELLERDESK_SERVER_MEDIA_DIR": str(tmp_path),
           "SELLERDESK_SERVER_SMTP_HOST": "smtp.example.com", "SELLERDESK_SERVER_MAIL_FROM": "no-reply@example.com"}
    env.update({("SELLERDESK_SERVER_" + k if k != "DATABASE_URL" else k): v for k, v in overrides.items()})
    return env


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("weak", ["a" * 40, "password" * 5, "sellerdesk-sellerdesk-sellerdesk-1"])
def test_production_refuses_a_made_up_secret(tmp_path: Path, weak: str) -> None:
    with pytest.raises(ConfigError, match="token_hex"):
        config_from_env(_production(tmp_path, SECRET=weak))


def test_production_refuses_plain_http_links_except_on_loopback(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="https://"):
        config_from_env(_production(tmp_path, PUBLIC_URL="http://sync.example.com"))
    local = config_from_env(_production(tmp_path, PUBLIC_URL="http://127.0.0.1:8765"))
    assert local.public_base == "http://127.0.0.1:8765"


@pytest.mark.parametrize("bind", ["http://0.0.0.0:8765", "https://0.0.0.0", "http://[::]:8765"])
def test_a_listening_address_is_never_a_link(tmp_path: Path, bind: str) -> None:
    for env, data_dir in ((_production(tmp_path, PUBLIC_URL=bind), None),
                          ({"SELLERDESK_SERVER_PUBLIC_URL": bind}, tmp_path / "data")):
        with pytest.raises(ConfigError, match="listening address"):
            config_from_env(env, data_dir)


def test_the_command_line_never_turns_a_wildcard_host_into_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    import uvicorn

    from server.__main__ import main

    started: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: started.update(kwargs))
    for name in ("SELLERDESK_SERVER_PUBLIC_URL", "SELLERDESK_SERVER_DATA_DIR", "SELLERDESK_SERVER_WORKERS"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    assert main(["--data-dir", str(tmp_path / "data"), "--host", "0.0.0.0", "--port", "9123", "--workers", "2"]) == 0
    assert started["host"] == "0.0.0.0" and started["workers"] == 2
    assert os.environ["SELLERDESK_SERVER_PUBLIC_URL"] == "http://127.0.0.1:9123"
    config = config_from_env(os.environ, tmp_path / "data")
    assert config.public_base == "http://127.0.0.1:9123"
    assert config.db_pool_size == DEFAULT_DB_CONNECTIONS // 2  # the workers share the connection budget


def test_the_workers_share_a_connection_budget(tmp_path: Path) -> None:
    assert config_from_env(_production(tmp_path)).db_pool_size == DEFAULT_DB_CONNECTIONS
    assert config_from_env(_production(tmp_path, WORKERS="4")).db_pool_size == DEFAULT_DB_CONNECTIONS // 4
    assert config_from_env(_production(tmp_path, WORKERS="4", DB_CONNECTIONS="40")).db_pool_size == 10
    assert config_from_env(_production(tmp_path, WORKERS="4", DB_POOL_SIZE="7")).db_pool_size == 7
    with pytest.raises(ConfigError, match="too few for 4 workers"):
        config_from_env(_production(tmp_path, WORKERS="4", DB_CONNECTIONS="6"))


def test_a_worker_never_opens_more_connections_than_its_share(db_url: str) -> None:
    db = Database(db_url, pool_size=3)
    try:
        if db.is_sqlite:
            pytest.skip("SQLite has no connection limit to keep to")
        held = [db.engine.connect() for _ in range(3)]
        db.engine.pool._timeout = 0.2  # type: ignore[attr-defined]
        with pytest.raises(Exception, match="QueuePool limit"):
            db.engine.connect()
        for conn in held:
            conn.close()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        db.close()


def test_private_files_are_the_owners_alone(tmp_path: Path) -> None:
    config = config_from_env({}, tmp_path / "data")
    db = Database(config.database_url, pool_size=2)
    try:
        migrate(db)
        LocalDiskStore(config.media_dir)
        assert _mode(tmp_path / "data") == 0o700
        assert _mode(tmp_path / "data" / "server.db") == 0o600
        assert _mode(tmp_path / "data" / "server-secret") == 0o600
        assert _mode(config.media_dir) == 0o700
        wal = tmp_path / "data" / "server.db-wal"
        assert wal.exists() and _mode(wal) == 0o600
    finally:
        db.close()

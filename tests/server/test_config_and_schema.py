"""Starting up: configuration from the environment, and migrations that build exactly the models' schema."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from server.config import ConfigError, config_from_env
from server.db import Database, migrate
from server.models import Base
from tests.server.conftest import SECRET


def test_a_data_dir_is_all_a_one_machine_server_needs(tmp_path: Path) -> None:
    config = config_from_env({}, tmp_path / "data", port=9000)
    assert config.database_url == f"sqlite:///{tmp_path / 'data' / 'server.db'}"
    assert config.public_url == "http://127.0.0.1:9000"
    assert config.media_dir == tmp_path / "data" / "media"
    secret_file = tmp_path / "data" / "server-secret"
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    # The next start (or a second instance) reuses the same secret, so tokens stay valid.
    assert config_from_env({}, tmp_path / "data").secret == config.secret


def test_production_settings_come_from_the_environment(tmp_path: Path) -> None:
    env = {"DATABASE_URL": "postgresql+psycopg://sd@db/sd", "SELLERDESK_SERVER_SECRET": SECRET,
           "SELLERDESK_SERVER_PUBLIC_URL": "https://sync.example.com/", "SELLERDESK_SERVER_MEDIA_DIR": str(tmp_path),
           "SELLERDESK_SERVER_SMTP_HOST": "smtp.example.com", "SELLERDESK_SERVER_MAIL_FROM": "no-reply@example.com",
           "SELLERDESK_SERVER_PINTEREST_APP_ID": "pin-id", "SELLERDESK_SERVER_PINTEREST_APP_SECRET": "pin-secret",
           "SELLERDESK_SERVER_FACEBOOK_TOKEN_URL": "https://graph.facebook.com/v26.0/oauth/access_token",
           "SELLERDESK_SERVER_INSTAGRAM_SCOPES": "instagram_business_basic,instagram_business_content_publish",
           "SELLERDESK_SERVER_LOGIN_FAILURES_PER_ACCOUNT": "7"}
    config = config_from_env(env)
    assert config.public_base == "https://sync.example.com"
    assert config.providers["pinterest"].configured and not config.providers["facebook"].configured
    assert config.providers["facebook"].token_url.endswith("/v26.0/oauth/access_token")
    assert config.providers["instagram"].scopes == ("instagram_business_basic", "instagram_business_content_publish")
    assert config.limits.login_failures_per_account == 7


def test_missing_production_settings_are_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as missing:
        config_from_env({"DATABASE_URL": "postgresql+psycopg://sd@db/sd"})
    message = str(missing.value)
    assert "SELLERDESK_SERVER_SECRET" in message and "SELLERDESK_SERVER_PUBLIC_URL" in message
    assert "--data-dir" in message
    with pytest.raises(ConfigError, match="at least 32"):
        config_from_env({"SELLERDESK_SERVER_SECRET": "short"}, tmp_path)
    with pytest.raises(ConfigError, match="whole number"):
        config_from_env({"SELLERDESK_SERVER_ACCESS_TTL_SECONDS": "soon"}, tmp_path)


def test_migrations_build_exactly_the_models_schema(db_url: str) -> None:
    db = Database(db_url)
    try:
        migrate(db)  # a second run on a migrated database changes nothing
        with db.engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        db.close()
    assert differences == []


def test_the_server_refuses_to_start_without_its_settings(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from server.__main__ import main

    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["--port", "0"]) == 2
    assert "SELLERDESK_SERVER_SECRET" in capsys.readouterr().err

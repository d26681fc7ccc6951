"""Pooled PostgreSQL connections: pinged only after sitting idle, and replaced unseen when the database dropped them."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from server import db as server_db
from server.db import Database
from tests.server.conftest import Backend


@pytest.fixture
def postgres_only(backend: Backend) -> None:
    if backend.name != "postgresql":
        pytest.skip("SQLite connections are files: there is no server to drop them")


def _pings(database: Database, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    calls: list[object] = []
    ping = database.engine.dialect.do_ping

    def counting(dbapi_connection: object) -> bool:
        calls.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(database.engine.dialect, "do_ping", counting)
    return calls


@pytest.mark.usefixtures("postgres_only")
def test_a_connection_back_in_the_pool_a_moment_ago_is_not_pinged(db_url: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    database = Database(db_url, pool_size=1)
    pings = _pings(database, monkeypatch)
    try:
        for _ in range(3):
            with database.reader() as session:
                assert session.execute(text("SELECT 1")).scalar() == 1
        assert pings == []  # busy connections cost no extra round trip per request
        monkeypatch.setattr(server_db, "PING_AFTER_IDLE_SECONDS", 0.0)
        with database.reader() as session:
            session.execute(text("SELECT 1"))
        assert len(pings) == 1  # one idle (here: for any time at all) is checked first
    finally:
        database.close()


@pytest.mark.usefixtures("postgres_only")
def test_a_connection_the_database_dropped_while_idle_is_replaced_unseen(db_url: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server_db, "PING_AFTER_IDLE_SECONDS", 0.0)
    database = Database(db_url, pool_size=1)
    killer = create_engine(db_url)
    try:
        with database.engine.connect() as conn:
            dropped = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        with killer.begin() as conn:  # what a database restart or an idle timeout does to it
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped}).scalar()
        with database.writer() as session:  # no error reaches the request
            assert session.execute(text("SELECT pg_backend_pid()")).scalar() != dropped
    finally:
        killer.dispose()
        database.close()

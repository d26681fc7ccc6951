"""Engine, sessions and migrations for SQLite (one machine) and PostgreSQL (several instances).

Writers on SQLite start with BEGIN IMMEDIATE: two deferred transactions that both read then write would otherwise
fail with "database is locked" instead of waiting their turn. Readers keep a plain BEGIN so WAL lets them run
alongside the writer.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any fixed number works; it only has to be the same for every instance migrating the same database.
_MIGRATION_LOCK_ID = 0x5E11E2D5

# Alembic narrates every start at INFO ("Context impl ..."); the upgrade itself is logged by us.
logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
log = logging.getLogger(__name__)


def _sqlite_tuning(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to the "begin" hook below instead of the sqlite3 module's own guesswork.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("foreign_keys=ON", "busy_timeout=30000", "synchronous=NORMAL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get("sellerdesk_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


# A pooled connection given back less than this long ago was working a moment ago: it is handed out again without
# the round trip of a ping. One idle for longer is pinged first and replaced if the database dropped it meanwhile
# (a restart, an idle timeout, a failover), as pool_pre_ping would, but not before every request.
PING_AFTER_IDLE_SECONDS = 5.0


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")  # None: just connected
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError("the database dropped this idle connection") from exc  # the pool reconnects


def _private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only (SQLite gives its -wal and -shm files the same mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    path.chmod(0o600)


class Database:
    """The service's database: hands out short sessions, one per unit of work."""

    def __init__(self, url: str, pool_size: int = 40) -> None:
        self.url = url
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        # hide_parameters: a database error in the log must not carry the values (hashes, tokens, data) it was given.
        options: dict[str, Any] = {"hide_parameters": True}
        if not self.is_sqlite:
            # Exactly this worker's share of the connection budget (config.pool_size_for): a request finding every
            # connection busy waits for one rather than opening more than PostgreSQL's max_connections allows.
            options.update(pool_size=pool_size, max_overflow=0, pool_timeout=30)
        elif parsed.database not in (None, "", ":memory:"):
            options.update(pool_size=pool_size, max_overflow=10)
        self.engine = create_engine(url, **options)
        if not self.is_sqlite:
            _ping_when_idle(self.engine)
        if self.is_sqlite:
            if parsed.database not in (None, "", ":memory:"):
                _private_file(Path(parsed.database))
            _sqlite_tuning(self.engine)
            raw = self.engine.raw_connection()  # outside any transaction, which the pragma insists on
            try:
                raw.cursor().execute("PRAGMA journal_mode=WAL")  # a property of the file: once, not per connection
            finally:
                raw.close()
        self._write_engine = self.engine.execution_options(sellerdesk_write=True)
        # SQLite lets one writer in at a time, and a writer kept out polls with growing sleeps (up to 100 ms each).
        # Queueing this process's writers on a lock hands the database over without those sleeps; the busy
        # timeout still arbitrates between processes.
        self._write_turn = threading.Lock() if self.is_sqlite else None

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A session for reads only; nothing is committed."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def writer(self) -> Iterator[Session]:
        """A session committed when the block ends normally and rolled back when it raises."""
        with self._write_turn or nullcontext(), Session(self._write_engine, expire_on_commit=False) as session, \
                session.begin():
            yield session

    def ping(self) -> None:
        """Raise if the database cannot be reached."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def migrate(db: Database) -> None:
    """Bring the schema to the newest revision. Several instances starting at once take turns (PostgreSQL lock)."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with db._write_engine.begin() as conn:
        if not db.is_sqlite:
            conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
        current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return
        log.info("migrating the service database %s -> %s", current, head)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")

"""Opening the local SQLite database: checks, pragmas, automatic migrations, sessions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, literal_column, select, table
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from core.db import DB_FILE as DB_FILE  # where it always was, for its many importers
from core.errors import SellerDeskError, StorageError

SQLITE_MAGIC = b"SQLite format 3\x00"


def _set_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # SQLAlchemy's documented pysqlite recipe, part 1: the driver's own transaction handling only BEGINs before
    # INSERT/UPDATE/DELETE, so a SAVEPOINT issued first becomes the transaction and its RELEASE commits. Turn the
    # driver's handling off; _begin below starts every transaction explicitly instead.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer; a kill never corrupts
    cur.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable across app crashes, fast
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


_IMMEDIATE = "sellerdesk_immediate"


def _begin(conn: Connection) -> None:
    # Part 2 of the recipe: SQLAlchemy's "begin" is a real BEGIN, so begin_nested() is a savepoint inside it and an
    # outer rollback undoes everything the nested blocks did.
    # Sessions (which write) begin IMMEDIATE: a deferred transaction that reads, then writes after another
    # connection committed, fails at once with SQLITE_BUSY_SNAPSHOT, which no busy_timeout waits out; IMMEDIATE
    # takes the write lock first and waits for it. Plain reads (engine.connect) stay deferred and never wait.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_IMMEDIATE) else "BEGIN")


def check_database_file(path: Path) -> None:
    """Refuse a file that exists but is not an SQLite database, before SQLite touches it.

    An empty (0-byte) file is refused too: SQLite would take it for a new, empty shop, and tomorrow's backup would
    be of that, while the seller's real data is what went missing.
    """
    if not path.exists():
        return
    if path.stat().st_size == 0:
        raise StorageError(
            f"The database file {path} is empty (0 bytes): the shop's data is missing from it.",
            hint="Nothing was changed. Restore it from <data dir>/backups (sellerdesk data backups lists them), "
            "or delete the empty file to start a new shop.",
        )
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        raise StorageError(
            f"The database file {path} is damaged or is not a SellerDesk database.",
            hint="Nothing was changed. Restore it from <data dir>/backups, or move it away to start afresh.",
        )


class Database:
    """One SQLite database file with its engine and session factory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # hide_parameters: SQLAlchemy's error text would otherwise carry the bound values (buyer names, addresses
        # before encryption) into logs, crash reports and messages.
        self.engine: Engine = create_engine(f"sqlite:///{path}", hide_parameters=True)
        event.listen(self.engine, "connect", _set_pragmas)
        event.listen(self.engine, "begin", _begin)
        # The engine for code outside our sessions that writes (APScheduler's job store): every transaction on it
        # takes the write lock first, as sessions do.
        self.writer: Engine = self.engine.execution_options(**{_IMMEDIATE: True})
        self._sessions = sessionmaker(self.writer, expire_on_commit=False)
        self._readers = sessionmaker(self.engine, expire_on_commit=False)
        self._refused: StorageError | None = None

    def refuse(self, error: StorageError) -> None:
        """Refuse every later session with ``error`` (the daily full check found the file damaged)."""
        self._refused = error

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on any error.

        It holds the write lock from its start; long reads that write nothing use :meth:`reading` instead.
        """
        with self._session(self._sessions) as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reading only (an export, a report): it never holds up a writer, however long it takes."""
        with self._session(self._readers) as session:
            yield session

    @contextmanager
    def _session(self, factory: sessionmaker[Session]) -> Iterator[Session]:
        if self._refused is not None:
            raise self._refused
        with factory() as session:
            try:
                yield session
                session.commit()
            except IntegrityError:
                session.rollback()
                raise  # a broken constraint is the caller's to explain (duplicate SKU, ...)
            except StatementError as exc:
                session.rollback()
                if isinstance(exc.orig, SellerDeskError):
                    # A column type refused a value (e.g. the encryption key is locked away): the seller needs that
                    # reason, not "StatementError" — and the wrapper's text would name the statement.
                    raise exc.orig from None
                if isinstance(exc, SADatabaseError):
                    raise _storage_error(self.path, exc) from exc
                raise
            except BaseException:
                session.rollback()
                raise

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Every row of a read-only ``sql`` with ``?`` parameters (as :class:`core.db.reads.ReadOnly` reads)."""
        with self.engine.connect() as conn:
            return [tuple(row) for row in conn.exec_driver_sql(sql, tuple(params))]

    def dispose(self) -> None:
        """Close every pooled connection (before the file is copied, moved or deleted)."""
        self.engine.dispose()


def _storage_error(path: Path, exc: SADatabaseError) -> StorageError:
    text = str(exc.orig)
    if "not a database" in text or "malformed" in text:
        return StorageError(
            f"The database file {path} is damaged ({text}).",
            hint="Restore it from <data dir>/backups; SellerDesk has not changed it.",
        )
    if "readonly" in text or "read-only" in text:
        return StorageError(
            f"The database file {path} cannot be written ({text}).",
            hint="Check the permissions of the data dir, or choose another with --data-dir.",
        )
    if "locked" in text:
        return StorageError(
            f"The database {path} is busy in another SellerDesk window or command.",
            hint="Close the other one, or try again in a moment.",
        )
    return StorageError(f"The database {path} failed: {text}.")


def _probe_tables(db: Database) -> None:
    # The cheap check at every open: read the first row of every table, which touches each table's root page. A
    # file with a sound header but scribbled pages fails here (the full PRAGMA quick_check runs once a day, in
    # core.trust.housekeeping), so no command writes into a damaged database.
    with db.engine.connect() as conn:
        names = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'").scalars().all()
        for name in names:
            conn.execute(select(literal_column("*")).select_from(table(name)).limit(1)).all()


def open_database(data_dir: Path) -> Database:
    """Open (creating if needed) and migrate the database in ``data_dir``.

    Raises StorageError with a one-line reason for a missing/read-only dir, a damaged file,
    or a database written by a newer SellerDesk. The file is never modified in those cases.
    """
    from core.db.migrate import upgrade_to_head

    path = data_dir / DB_FILE
    check_database_file(path)
    db = Database(path)
    try:
        upgrade_to_head(db)
        _probe_tables(db)
    except SADatabaseError as exc:
        db.dispose()
        raise _storage_error(path, exc) from exc
    except BaseException:
        db.dispose()
        raise
    return db

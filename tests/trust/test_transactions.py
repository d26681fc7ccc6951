"""Nested transactions really are savepoints: a nested rollback undoes only its rows, an outer one undoes all."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.db.database import open_database
from core.db.models import Product
from core.sync.apply import apply_version
from core.sync.capture import quietly
from server.client_models import RecordVersion


class Boom(Exception):
    pass


def _titles(db) -> list[str]:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return sorted(session.scalars(select(Product.title)))


def _product(title: str, sku: str | None = None) -> Product:
    return Product(title=title, price=100, currency="INR", sku=sku)


def test_nested_rollback_undoes_only_its_rows(tmp_path: Path) -> None:
    db = open_database(tmp_path)
    try:
        with db.session() as session:
            with session.begin_nested():  # the first statement of the transaction is a savepoint
                session.add(_product("Kept before"))
            with pytest.raises(Boom), session.begin_nested():
                session.add(_product("Undone"))
                session.flush()
                raise Boom
            session.add(_product("Kept after"))
        assert _titles(db) == ["Kept after", "Kept before"]
    finally:
        db.dispose()


def test_outer_rollback_undoes_released_savepoints_too(tmp_path: Path) -> None:
    db = open_database(tmp_path)
    try:
        with pytest.raises(Boom), db.session() as session:
            with session.begin_nested():  # released: without a real BEGIN around it, this would commit
                session.add(_product("Inside a savepoint"))
            session.add(_product("Outside"))
            session.flush()
            raise Boom
        assert _titles(db) == []
    finally:
        db.dispose()


def test_a_failed_sync_round_undoes_every_record_it_applied(app) -> None:
    vase = RecordVersion("product", "6a2b1c3d-0000-4000-8000-0000000000a1", 1, False,
                         {"title": "Vase", "price": "900", "currency": "INR"}, datetime(2026, 12, 1, tzinfo=UTC), 1)
    with pytest.raises(Boom), app.db.session() as session:
        quietly(session)
        assert apply_version(session, vase) == "applied"
        raise Boom  # e.g. the connection to the service drops before the round is recorded
    assert _titles(app.db) == []


def test_error_text_never_carries_the_values_written(tmp_path: Path) -> None:
    db = open_database(tmp_path)
    try:
        with db.session() as session:
            session.add(_product("Mug", sku="M-1"))
        with pytest.raises(IntegrityError) as caught, db.session() as session:
            session.add(_product("Gift for Priya Sharma, 12 MG Road", sku="M-1"))
        assert "Priya" not in str(caught.value) and "MG Road" not in str(caught.value)
        assert "UNIQUE" in str(caught.value)
    finally:
        db.dispose()


def test_writers_that_read_first_wait_for_each_other_instead_of_failing(tmp_path: Path) -> None:
    import threading

    from sqlalchemy import func

    db = open_database(tmp_path)
    failures: list[str] = []

    def worker(n: int) -> None:
        for i in range(60):
            try:
                with db.session() as session:  # read, then write: what most saves do
                    session.scalar(select(func.count()).select_from(Product))
                    session.add(_product(f"w{n}-{i}"))
            except Exception as exc:
                failures.append(str(exc))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []  # a deferred BEGIN would fail here with "database is locked" (SQLITE_BUSY_SNAPSHOT)
        assert len(_titles(db)) == 240
        with db.reading() as session:  # a long read holds no lock: a writer goes ahead meanwhile
            session.scalar(select(func.count()).select_from(Product))
            with db.session() as other:
                other.add(_product("while reading"))
        assert "while reading" in _titles(db)
    finally:
        db.dispose()

"""The local database: created at the newest schema, upgraded from older ones, refusing newer or damaged files."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command

from core.db.database import DB_FILE, Database, open_database
from core.db.migrate import alembic_config, current_revision, head_revision
from core.db.models import Product, SaleEvent
from core.errors import StorageError


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_is_at_head_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = open_database(tmp_path)
    try:
        assert current_revision(db) == head_revision()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        db.dispose()


def test_money_is_exact_and_times_are_utc(tmp_path: Path) -> None:
    db = open_database(tmp_path)
    ist = timezone(timedelta(hours=5, minutes=30))
    try:
        with db.session() as s:
            s.add(SaleEvent(platform="etsy", external_id="r1", amount=Decimal("1299.99"), currency="INR",
                            occurred_at=datetime(2026, 3, 1, 10, 0, tzinfo=ist)))
        with db.session() as s:
            sale = s.query(SaleEvent).one()
            assert sale.amount == Decimal("1299.99")
            assert sale.occurred_at == datetime(2026, 3, 1, 4, 30, tzinfo=UTC)
            assert sale.occurred_at.utcoffset() == timedelta(0)
    finally:
        db.dispose()


def test_upgrade_from_first_revision_keeps_data_and_makes_a_backup(tmp_path: Path) -> None:
    db = Database(tmp_path / DB_FILE)
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO products (title, description, price, currency, quantity, category, attributes, status,"
            " language, created_at, updated_at) VALUES ('Old lamp', '', 4990000, 'INR', 2, '', '{}', 'draft', 'en',"
            " '2025-01-01 00:00:00', '2025-01-01 00:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO product_images (product_id, sha256, original_name, position, width, height, format,"
            " focal_x, focal_y, created_at) VALUES (1, 'abc', 'lamp.jpg', 0, 10, 10, 'JPEG', 0.5, 0.5,"
            " '2025-01-01 00:00:00')"
        )
    db.dispose()

    upgraded = open_database(tmp_path)
    try:
        assert current_revision(upgraded) == head_revision()
        with upgraded.session() as s:
            product = s.get(Product, 1)
            assert product is not None
            assert (product.title, product.price) == ("Old lamp", Decimal("499"))
            assert product.images[0].alt_text == ""
    finally:
        upgraded.dispose()
    backups = list((tmp_path / "backups").glob("*before-upgrade-from-0001*"))
    assert len(backups) == 1
    conn = sqlite3.connect(backups[0])
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    conn.close()


def test_database_from_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    open_database(tmp_path).dispose()
    path = tmp_path / DB_FILE
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(StorageError, match="newer version of SellerDesk") as err:
        open_database(tmp_path)
    assert "nothing has been changed" in str(err.value)
    assert _digest(path) == before


def test_damaged_database_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / DB_FILE
    path.write_bytes(b"PK\x03\x04 this is a zip, not a database" * 100)
    before = _digest(path)
    with pytest.raises(StorageError, match="damaged"):
        open_database(tmp_path)
    assert _digest(path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_data_dir_is_refused(tmp_path: Path) -> None:
    from core.app import ensure_data_dir

    tmp_path.chmod(0o500)
    try:
        with pytest.raises(StorageError, match="read-only"):
            ensure_data_dir(tmp_path)
    finally:
        tmp_path.chmod(0o700)


def test_data_dir_that_is_a_file_gives_one_line_reason(cli, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    result = cli("--data-dir", str(blocker / "sub"), "products", "list")
    assert result.code == 1
    assert result.err.startswith("sellerdesk: The data dir") and result.err.count("\n") == 1


def test_schema_head_constant_matches_the_migration_scripts() -> None:
    from core.db import SCHEMA_HEAD

    assert head_revision() == SCHEMA_HEAD


def test_fast_listing_text_matches_what_the_types_read_back(tmp_path: Path) -> None:
    from core.products.listing import list_products
    from core.products.service import create_product, get_product, product_input

    db = open_database(tmp_path)
    try:
        for price in ("1299.50", "100", "0.05", "12345.6", "99.99"):
            created = create_product(db, product_input({"title": f"Item {price}", "price": price}))
            listed = next(r for r in list_products(db) if r["id"] == created.id)
            stored = get_product(db, created.id)
            assert listed["price"] == str(stored.price)
            assert listed["updated_at"] == stored.updated_at.isoformat()
    finally:
        db.dispose()

"""README promises kept from every entry point: a daily check and backup, the bin emptied after 30 days, and no
write into a damaged or emptied database."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from core.app import App
from core.db.database import DB_FILE, open_database
from core.db.models import AuditEvent, Product
from core.trust.housekeeping import run_daily


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _checkpoint(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _scribble(path: Path, page: int) -> None:
    data = bytearray(path.read_bytes())
    size = 4096
    data[(page - 1) * size: page * size] = b"\x5a" * size
    path.write_bytes(bytes(data))


def _titles(app: App) -> list[str]:
    with app.db.session() as session:
        return sorted(session.scalars(select(Product.title)))


def test_the_first_command_of_the_day_checks_and_backs_up(cli, isolated_env: Path) -> None:
    assert cli("products", "add", "--title", "Mug", "--price", "100").code == 0
    today = datetime.now(UTC)
    backup = isolated_env / "backups" / f"daily-{today:%Y-%m-%d}.db"
    assert backup.exists()
    made = backup.stat().st_mtime_ns
    assert cli("products", "list").code == 0
    assert backup.stat().st_mtime_ns == made  # once a day, not once a command


def test_the_bin_is_emptied_after_30_days_at_start_and_daily(isolated_env: Path) -> None:
    isolated_env.mkdir()
    db = open_database(isolated_env)  # a shop as it was left yesterday
    now = datetime.now(UTC)
    with db.session() as session:
        session.add_all([Product(title=t, price=Decimal(5), currency="INR", deleted_at=d) for t, d in [
            ("Deleted 31 days ago", now - timedelta(days=31)), ("Deleted 29 days ago", now - timedelta(days=29)),
            ("Live", None)]])
    db.dispose()

    app = App(isolated_env)
    try:
        assert _titles(app) == ["Deleted 29 days ago", "Live"]  # purged at start, without 'data purge'
        with app.db.session() as session:
            session.add(Product(title="Deleted 40 days ago", price=Decimal(5), currency="INR",
                                deleted_at=now - timedelta(days=40)))
        run_daily(app)  # later the same day (the scheduler asks every few minutes): already done today
        assert "Deleted 40 days ago" in _titles(app)
        run_daily(app, now=now + timedelta(days=2))  # the window left open over two nights
        assert _titles(app) == ["Live"]
        with app.db.session() as session:
            purges = session.scalars(select(AuditEvent.kind).where(AuditEvent.kind == "data.purge")).all()
        assert len(purges) == 2
    finally:
        app.close()


def test_a_damaged_table_refuses_every_command_and_the_file_is_untouched(cli, isolated_env: Path) -> None:
    assert cli("products", "add", "--title", "Mug", "--price", "100").code == 0
    path = isolated_env / DB_FILE
    _checkpoint(path)
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'sale_events'").fetchone()[0]
    conn.close()
    _scribble(path, root)  # a table 'products add' never reads
    before = _digest(path)
    result = cli("products", "add", "--title", "Lamp", "--price", "300")
    assert result.code == 1 and "damaged" in result.err and "unexpected" not in result.err
    assert _digest(path) == before


def test_damage_deep_in_a_table_is_found_by_the_daily_full_check(cli, isolated_env: Path) -> None:
    app = App(isolated_env)
    with app.db.session() as session:
        session.add_all(Product(title=f"Item {n}", description="x" * 600, price=Decimal(5), currency="INR")
                        for n in range(1500))
    app.close()
    path = isolated_env / DB_FILE
    _checkpoint(path)
    conn = sqlite3.connect(path)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    roots = {row[0] for row in conn.execute("SELECT rootpage FROM sqlite_master")}
    conn.close()
    assert pages not in roots
    _scribble(path, pages)  # the last leaf of a big table: the cheap check at open reads only the first ones
    for backup in (isolated_env / "backups").glob("daily-*.db"):
        backup.unlink()  # the first start of a new day
    before = _digest(path)
    result = cli("products", "add", "--title", "Lamp", "--price", "300")
    assert result.code == 1 and "is damaged" in result.err
    assert _digest(path) == before
    assert not list((isolated_env / "backups").glob("daily-*.db"))  # and no backup of the damaged file


def test_an_empty_database_file_is_damage_not_a_new_shop(cli, isolated_env: Path) -> None:
    assert cli("products", "add", "--title", "Mug", "--price", "100").code == 0
    path = isolated_env / DB_FILE
    _checkpoint(path)
    path.write_bytes(b"")
    for name in (f"{DB_FILE}-wal", f"{DB_FILE}-shm"):
        (isolated_env / name).unlink(missing_ok=True)
    result = cli("products", "add", "--title", "Lamp", "--price", "300")
    assert result.code == 1 and "empty (0 bytes)" in result.err
    assert path.stat().st_size == 0
    checked = cli("data", "backups")
    assert checked.code == 1 and "empty (0 bytes)" in checked.out


def test_the_scheduler_loop_asks_for_the_daily_care(app, monkeypatch) -> None:
    import threading
    from dataclasses import replace

    from core.publishing.config import load_config
    from core.publishing.service import Publisher
    from core.trust import housekeeping

    asked = threading.Event()
    monkeypatch.setattr(housekeeping, "run_daily", lambda a, **_: asked.set() if a is app else None)
    publisher = Publisher(app, config=replace(load_config(app.settings), poll_seconds=0.05))
    publisher.start()
    try:
        assert asked.wait(5), "the window and run-scheduler stay open for days; each day needs its backup and purge"
    finally:
        publisher.stop()

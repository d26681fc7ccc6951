"""The window's quick start shows its first frame before the database is checked; until the full check has passed,
nothing can write into the file (the database is not handed out), and a damaged file is refused unopened."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from core.app import App
from core.db.database import DB_FILE
from core.db.models import Product
from core.trust import backup
from core.trust.housekeeping import DamagedDatabase


def _shop(data_dir: Path) -> Path:
    made = App(data_dir)
    with made.db.session() as session:
        session.add(Product(title="Brass diya", price=Decimal(250), currency="INR"))
    made.close()
    path = data_dir / DB_FILE
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def test_a_write_asked_for_while_the_check_runs_waits_until_it_has_passed(isolated_env: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _shop(isolated_env)
    checking, release, order = threading.Event(), threading.Event(), []
    real = backup.integrity

    def slow_check(path: Path) -> str:
        checking.set()
        assert release.wait(10)
        order.append("checked")
        return real(path)

    monkeypatch.setattr(backup, "integrity", slow_check)
    app = App(isolated_env)
    app.check_before_open = True
    try:
        checker = threading.Thread(target=app.check_database)
        checker.start()
        assert checking.wait(10)

        def write() -> None:
            with app.db.session() as session:
                session.add(Product(title="Jute bag", price=Decimal(90), currency="INR"))
            order.append("written")

        writer = threading.Thread(target=write)
        writer.start()
        writer.join(1.0)  # ample for an open and a write, were they not held
        assert writer.is_alive() and order == []  # held at the gate while the check runs
        release.set()
        checker.join(10)
        writer.join(10)
        assert order == ["checked", "written"]  # checked once: the writer did not check again
    finally:
        release.set()
        app.close()


def test_a_damaged_file_is_refused_unopened_and_unchanged(isolated_env: Path) -> None:
    path = _shop(isolated_env)
    for made in (isolated_env / "backups").glob("daily-*.db"):
        made.unlink()  # the first start of a new day
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'sale_events'").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * 4096: root * 4096] = b"\x5a" * 4096
    path.write_bytes(bytes(data))
    before = hashlib.sha256(path.read_bytes()).hexdigest()

    app = App(isolated_env)
    app.check_before_open = True
    try:
        assert [row[1] for row in app.reads.rows("SELECT id, title FROM products")] == ["Brass diya"]
        with pytest.raises(DamagedDatabase, match="is damaged") as refused:
            app.db.session()
        assert refused.value.integrity != "ok"
        with pytest.raises(DamagedDatabase):  # and at every later ask
            app.db.session()
        assert "db" not in app.__dict__
    finally:
        app.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not list((isolated_env / "backups").glob("daily-*.db"))  # no backup of the damaged file

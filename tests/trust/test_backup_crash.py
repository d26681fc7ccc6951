"""Integrity check and daily backups; crash reports without secrets."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.db.database import DB_FILE
from core.products.service import create_product, product_input
from core.trust.backup import daily_backups, daily_maintenance, integrity, restore_backup
from core.trust.crash import install, write_report


def test_one_backup_a_day_and_only_seven_kept(app) -> None:
    create_product(app.db, product_input({"title": "Mug", "price": "100"}))
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    for day in range(10):
        for _ in range(2):  # a second start on the same day makes no second backup
            daily_maintenance(app.data_dir, today=start + timedelta(days=day))
    # (opening the database made today's real backup too; the ones of these simulated days are what is checked)
    names = [p.name for p in daily_backups(app.data_dir) if p.name.startswith("daily-2026-11")]
    assert names == [f"daily-2026-11-{d:02d}.db" for d in range(4, 11)]
    conn = sqlite3.connect(app.data_dir / "backups" / names[-1])
    assert conn.execute("SELECT title FROM products").fetchall() == [("Mug",)]
    conn.close()


def test_damage_is_found_and_a_backup_restores(app) -> None:
    create_product(app.db, product_input({"title": "Bowl", "price": "100"}))
    daily_maintenance(app.data_dir, today=datetime.now(UTC) + timedelta(days=1))  # tomorrow's, with the bowl
    backup = daily_backups(app.data_dir)[-1]
    app.close()
    path = app.data_dir / DB_FILE
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[4096:] = b"\x5a" * (len(data) - 4096)  # a disk fault scribbles over every page after the first
    path.write_bytes(bytes(data))
    assert integrity(path) != "ok"
    assert not daily_maintenance(app.data_dir).healthy

    kept = restore_backup(app.data_dir, backup)
    assert kept.exists() and integrity(path) == "ok"
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT title FROM products").fetchall() == [("Bowl",)]
    conn.close()


def test_crash_report_hides_secrets_and_home(tmp_path: Path) -> None:
    try:
        raise RuntimeError(
            f"token refresh_token=r3fr3sh-abc in {Path.home()}/shop with key AIzaSyA1234567890abcdefghij")
    except RuntimeError as exc:
        report = write_report(tmp_path, RuntimeError, exc, exc.__traceback__)
    text = report.read_text(encoding="utf-8")
    assert "RuntimeError" in text and "SellerDesk" in text
    assert "r3fr3sh-abc" not in text and "AIzaSyA1234567890" not in text
    assert str(Path.home()) + "/shop" not in text


def test_uncaught_errors_in_worker_threads_are_saved(tmp_path: Path, monkeypatch) -> None:
    import sys

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    seen: list[Path] = []
    install(tmp_path, seen.append)

    def boom() -> None:
        raise ValueError("worker broke")

    worker = threading.Thread(target=boom, name="image-batch")
    worker.start()
    worker.join()
    assert len(seen) == 1
    text = seen[0].read_text(encoding="utf-8")
    assert "Thread: image-batch" in text and "worker broke" in text

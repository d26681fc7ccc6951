"""The window's quick start: the first frame (the Products list) is drawn from read-only reads before SQLAlchemy is
imported; the database is checked and opened after it, and a damaged file is still refused with the plain message,
nothing written to it."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from core.app import App
from core.db.database import DB_FILE
from core.db.models import Product
from core.trust.backup import backup_now, daily_backup_name

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import json, sys
from desktop.main import lighten_imports
lighten_imports()
from PySide6.QtWidgets import QApplication
from core.app import App
from desktop.main import prepare_database, show_main_window
qt_app = QApplication([])
app = App(sys.argv[1])
quick = prepare_database(app)
window = show_main_window(app)
seen = {}
window.firstPainted.connect(lambda: seen.update(rows=window.products.model.rowCount(),
                                                 orm="sqlalchemy" in sys.modules))
while "rows" not in seen or window.lazy_tabs.waiting() or window.tasks.running:
    qt_app.processEvents()
print(json.dumps({**seen, "quick": quick and app.check_before_open, "opened": "db" in app.__dict__}))
window.tasks.shutdown()
app.close()
"""


def _shop(data_dir: Path, titles: list[str]) -> Path:
    made = App(data_dir)
    with made.db.session() as session:
        session.add_all(Product(title=title, price=Decimal(250), currency="INR") for title in titles)
    made.settings.set("general.first_run_done", True)
    made.close()
    path = data_dir / DB_FILE
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _damage(path: Path) -> str:
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'sale_events'").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * 4096: root * 4096] = b"\x5a" * 4096  # a table the Products list never reads
    path.write_bytes(bytes(data))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_first_frame_lists_products_before_sqlalchemy_is_imported(isolated_env: Path) -> None:
    _shop(isolated_env, ["Brass diya", "Jute bag"])
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", CHILD, str(isolated_env)], capture_output=True, text=True, env=env,
                         timeout=120, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == {"rows": 2, "orm": False, "quick": True, "opened": True}


def _quick_window(qtbot, data_dir: Path):  # type: ignore[no-untyped-def]
    from desktop.main import prepare_database
    from desktop.main_window import MainWindow

    app = App(data_dir)
    assert prepare_database(app) and app.check_before_open
    window = MainWindow(app)
    qtbot.addWidget(window)
    window.show()
    return app, window


def test_a_damaged_file_found_after_the_first_frame_is_refused_with_the_plain_message(
        qtbot, isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _shop(isolated_env, ["Brass diya"])
    for made in (isolated_env / "backups").glob("daily-*.db"):
        made.unlink()  # no backup yet
    before = _damage(path)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda _parent, _title, text: told.append(text)))
    app, window = _quick_window(qtbot, isolated_env)
    try:
        assert window.products.model.rowCount() == 1  # the first frame, read-only
        qtbot.waitUntil(lambda: window.refused, timeout=20_000)
        assert len(told) == 1 and "The database is damaged (" in told[0] and "no backup yet" in told[0]
        assert not window.isVisible() and "db" not in app.__dict__
        assert window.tasks.shutdown(10_000)
    finally:
        app.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_damaged_file_found_after_the_first_frame_can_be_swapped_for_its_backup(
        qtbot, isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _shop(isolated_env, ["Brass diya"])
    (isolated_env / "backups" / daily_backup_name(datetime.now(UTC))).unlink()  # made empty, before the product
    backup_now(isolated_env, daily_backup_name(datetime.now(UTC)))  # today's backup holds it
    app = App(isolated_env)
    with app.db.session() as session:
        session.add(Product(title="Made after the backup", price=Decimal(90), currency="INR"))
    app.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _damage(path)
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda _parent, _title, text: asked.append(text) or QMessageBox.StandardButton.Yes))
    app, window = _quick_window(qtbot, isolated_env)
    try:
        assert window.products.model.rowCount() == 2
        qtbot.waitUntil(lambda: not window.lazy_tabs.waiting() and not window.tasks.running, timeout=30_000)
        assert len(asked) == 1 and "The database is damaged (" in asked[0] and "Restore the backup daily-" in asked[0]
        assert not window.refused and window.isVisible()
        assert window.products.model.titles([window.products.model.product_id(0)]) == ["Brass diya"]
        assert window.products.model.rowCount() == 1 and "db" in app.__dict__
        window.close()
        assert window.tasks.shutdown(10_000)
    finally:
        app.close()
    assert list(isolated_env.glob("sellerdesk-replaced-*.db"))  # the damaged file kept beside it

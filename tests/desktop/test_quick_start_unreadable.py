"""A database file SQLite cannot even open as a database (its header overwritten) is still refused at start with the
plain message and its newest backup offered, as before the quick start read the schema revision from it."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from core.app import App
from core.db.database import DB_FILE
from core.db.models import Product
from core.trust.backup import daily_backup_name


def test_a_file_that_is_not_a_database_is_offered_its_backup_at_start(
        qapp: object, isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.main import prepare_database

    made = App(isolated_env)
    with made.db.session() as session:
        session.add(Product(title="Brass diya", price=Decimal(250), currency="INR"))
    made.settings.set("general.first_run_done", True)
    made.close()
    assert (isolated_env / "backups" / daily_backup_name(datetime.now(UTC))).exists()
    path = isolated_env / DB_FILE
    data = bytearray(path.read_bytes())
    data[:100] = b"\x5a" * 100  # the header: "file is not a database"
    path.write_bytes(bytes(data))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda *_a: pytest.fail("refused without the offer")))
    app = App(isolated_env)
    try:
        assert prepare_database(app) is False  # the seller said No: nothing to show
    finally:
        app.close()
    assert len(asked) == 1 and "The database is damaged (" in asked[0] and "Restore the backup daily-" in asked[0]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before

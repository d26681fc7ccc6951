"""The audit log in a seller's words and local time, with a filter, in the window and the terminal."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from core.db.models import AuditEvent
from core.products.service import create_product, product_input

NOON_UTC = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)  # 17:30 in India


def _log(app) -> int:
    product = create_product(app.db, product_input({"title": "Brass diya", "price": "500"}))
    app.secrets.set("gemini:api_key", "AIzaAuditKey-0123456789")
    app.secrets.get("etsy:shared_secret")  # not stored
    with app.db.session() as session:
        session.add_all([
            AuditEvent(at=NOON_UTC, kind="listing.publish", subject=f"etsy:{product.id}",
                       detail={"remote_id": "123", "url": "https://etsy.example/123", "state": "active"}),
            AuditEvent(kind="stock.set", subject=f"product:{product.id}", detail={"before": 5, "after": 7}),
            AuditEvent(kind="platform.connect", subject="indiamart", detail={"account": "Diya House"}),
            AuditEvent(kind="products.import", subject="key", detail={"file": "catalogue.csv", "created": 12,
                                                                       "updated": 3, "skipped": 1}),
        ])
    return product.id


def test_the_log_reads_as_sentences_in_local_time_and_filters(qtbot, app) -> None:
    from desktop.audit_dialog import AuditDialog

    _log(app)
    dialog = AuditDialog(app)
    qtbot.addWidget(dialog)
    rows = {dialog.table.item(r, 1).text(): dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())}
    assert rows["Published “Brass diya” to Etsy"] == "Thu 5 Mar 2026, 17:30"  # IST, not 12:00 UTC
    assert "Stored your Gemini API key" in rows and "Used your Etsy shared secret (it was not stored)" in rows
    assert "Set the stock of “Brass diya” from 5 to 7" in rows and "Connected IndiaMART (Diya House)" in rows
    assert "Imported products from catalogue.csv: 12 new, 3 updated, 1 skipped" in rows
    assert not any("secret.read" in text or "gemini:api_key" in text or "{" in text for text in rows)
    dialog.category.setCurrentIndex(dialog.category.findData("Keys and passwords"))
    shown = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert shown and all("your" in text for text in shown)
    dialog.category.setCurrentIndex(0)
    qtbot.keyClicks(dialog.search, "diya")
    shown = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert sorted(shown) == ["Connected IndiaMART (Diya House)", "Published “Brass diya” to Etsy",
                             "Set the stock of “Brass diya” from 5 to 7"]
    assert dialog.count.text().startswith("3 of ")


def test_help_audit_log_opens_it_from_the_menu(qtbot, window) -> None:
    _log(window.app)
    seen: list[str] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        seen.append(dialog.windowTitle())
        seen.extend(dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount()))
        dialog.reject()

    QTimer.singleShot(200, look)
    help_menu = window.menuBar().actions()[-1].menu()
    next(a for a in help_menu.actions() if a.text() == "A&udit log…").trigger()
    assert seen[0] == "Audit log" and "Published “Brass diya” to Etsy" in seen


def test_the_terminal_prints_the_same_words(cli, app) -> None:
    _log(app)
    out = cli("data", "audit", "--category", "publishing").out
    assert "Thu 5 Mar 2026, 17:30" in out and "Published “Brass diya” to Etsy" in out and "Gemini" not in out
    assert "Set the stock" in cli("data", "audit", "--search", "stock").out

"""Export products to CSV and Import sales… count what they did in the status bar, and their Cancel stops them with
nothing half-written: no CSV, no copied photos, no sales."""

from __future__ import annotations

import csv
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import func, select

from core.db.models import SaleEvent
from core.products.csvio import EXPORT_PROGRESS_EVERY
from core.products.photos import add_photos
from core.products.service import create_product, product_input
from tests.desktop.shop import add_many_products

BULK = 1000  # products without photos, exported first (lowest ids)
PHOTOGRAPHED = 4  # then these, each with a photo to copy


@pytest.fixture
def catalogue(window, tmp_path: Path) -> Path:
    """A thousand products, then a few with a photo each; returns where the export goes."""
    add_many_products(window.app.db, BULK)
    for n in range(PHOTOGRAPHED):
        photo = tmp_path / f"diya-{n}.jpg"
        Image.new("RGB", (800, 600), (60 * n, 120, 200)).save(photo, quality=85)
        product = create_product(window.app.db, product_input({"title": f"Brass diya {n}", "price": "499"}))
        add_photos(window.app.db, window.app.image_store, product.id, [photo])
    return tmp_path / "out" / "catalogue.csv"


def _export_action(window) -> QAction:  # type: ignore[no-untyped-def]
    """File › Export products to CSV… (Ctrl+E)."""
    file_menu = window.menuBar().actions()[0].menu()
    return next(a for a in file_menu.actions() if a.text() == "&Export products to CSV…")


def _choose(monkeypatch, method: str, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, method, staticmethod(lambda *_a, **_k: (str(path), "")))


def test_export_counts_products_and_writes_the_file_with_photos(qtbot, window, catalogue: Path, monkeypatch) -> None:
    catalogue.parent.mkdir()
    _choose(monkeypatch, "getSaveFileName", catalogue)
    seen: list[str] = []
    window.tasks.progressed.connect(lambda _h: seen.append(window.work_label.text()))
    _export_action(window).trigger()
    assert window.work_cancel.isVisible()
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=30_000)
    total = BULK + PHOTOGRAPHED
    assert f"Exporting products: {5 * EXPORT_PROGRESS_EVERY} of 1,004 products" in seen
    assert "Exporting products: 1,004 of 1,004 products" in seen
    with catalogue.open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == total
    assert len(list((catalogue.parent / "catalogue_photos").iterdir())) == PHOTOGRAPHED
    assert f"Exported {total:,} products" in window.statusBar().currentMessage()


def test_cancel_stops_the_export_and_leaves_no_file_and_no_copied_photo(qtbot, window, catalogue: Path,
                                                                      monkeypatch) -> None:
    catalogue.parent.mkdir()
    earlier = catalogue.parent / "catalogue_photos" / "kept.jpg"  # a file of an earlier export: not this one's
    earlier.parent.mkdir()
    earlier.write_bytes(b"jpeg")
    copy = shutil.copyfile

    def slow_copy(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.3)  # a phone photo on a slow USB stick
        return copy(*args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", slow_copy)
    _choose(monkeypatch, "getSaveFileName", catalogue)
    _export_action(window).trigger()
    task = window.tasks.shown_task()
    qtbot.waitUntil(lambda: task.done >= BULK, timeout=30_000)  # copying the photos now
    qtbot.waitUntil(lambda: any(p != earlier for p in earlier.parent.iterdir()), timeout=10_000)
    qtbot.mouseClick(window.work_cancel, Qt.MouseButton.LeftButton)
    assert window.work_label.text() == "Cancelling…"
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=30_000)
    assert not catalogue.exists()
    assert list(earlier.parent.iterdir()) == [earlier]  # its own copies taken back, the earlier file left alone
    assert "The export was cancelled after 1,00" in window.statusBar().currentMessage()


def _sales_csv(path: Path, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["date", "platform", "sku", "amount", "order_id"])
        writer.writerows([f"2026-0{1 + n % 9}-1{n % 10}", "whatsapp", "JUTE-1", "250", f"wa-{n}"]
                         for n in range(rows))
    return path


def _import_sales_button(qtbot, window):  # type: ignore[no-untyped-def]
    create_product(window.app.db, product_input({"title": "Jute bag", "price": "250", "sku": "JUTE-1"}))
    window.tabs.setCurrentWidget(window.analytics)
    button = window.analytics.empty_buttons[1]  # no sales yet: the tab offers to import them
    qtbot.waitUntil(button.isVisible, timeout=10_000)
    assert button.text() == "Import sales from CSV…"
    # The tab's own loading ("Loading analytics…") ends first, so the status bar is the import's alone.
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=10_000)
    return button


def _sales(window) -> int:  # type: ignore[no-untyped-def]
    with window.app.db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(SaleEvent)) or 0)


def test_importing_sales_counts_them_in_the_status_bar(qtbot, window, tmp_path: Path, monkeypatch) -> None:
    _choose(monkeypatch, "getOpenFileName", _sales_csv(tmp_path / "sales.csv", 3000))
    button = _import_sales_button(qtbot, window)
    seen: list[str] = []
    window.tasks.progressed.connect(lambda _h: seen.append(window.work_label.text()))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.work_cancel.isVisible()
    qtbot.waitUntil(lambda: _sales(window) == 3000 and not window.tasks.running, timeout=30_000)
    assert "Importing sales…" in seen  # reading the file: how many it holds is not known yet
    assert any(re.fullmatch(r"Importing sales: [\d,]+ of 3,000 sales", text) for text in seen[:-2])
    assert "Importing sales: 3,000 of 3,000 sales" in seen


def test_cancel_stops_a_sales_import_and_adds_none(qtbot, window, tmp_path: Path, monkeypatch) -> None:
    from core.analytics import sales

    store = sales._store
    stored: list[int] = []
    held = threading.Event()  # a slow disk: after 2,000 sales, storing waits until the test has clicked Cancel

    def slow_store(session, rows, report):  # type: ignore[no-untyped-def]
        if sum(stored) >= 2000:
            held.wait(30)
        stored.append(len(rows))
        return store(session, rows, report)

    monkeypatch.setattr(sales, "_store", slow_store)
    _choose(monkeypatch, "getOpenFileName", _sales_csv(tmp_path / "sales.csv", 20_000))
    button = _import_sales_button(qtbot, window)
    messages: list[str] = []
    window.analytics.message.connect(messages.append)
    seen: list[str] = []
    window.tasks.progressed.connect(lambda _h: seen.append(window.work_label.text()))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    task = window.tasks.shown_task()
    qtbot.waitUntil(lambda: task.total and task.done >= 2000, timeout=30_000)  # storing: sales in the transaction
    # (read as the counts came: a short "Loading analytics…" of the tab may hold the bar for a moment)
    assert any(re.fullmatch(r"Importing sales: [\d,]+ of 20,000 sales", text) for text in seen), seen[-5:]
    qtbot.mouseClick(window.work_cancel, Qt.MouseButton.LeftButton)
    held.set()
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=30_000)
    assert task.done < 20_000, "every sale was stored before Cancel took effect"
    assert _sales(window) == 0  # one transaction: none of them
    assert messages[-1] == "The sales import was cancelled; no sales were added."

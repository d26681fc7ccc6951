"""Long work shows counts in the status bar ("3 of 10 photos") and stops when the seller presses its Cancel."""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

import core.products.csvio as csvio
from core.products.csvio import CHUNK_ROWS
from core.products.listing import product_ids
from core.products.service import create_product, get_product, product_input


@pytest.fixture
def ten_photos(tmp_path: Path) -> list[str]:
    """Ten phone-sized photos (each takes a moment to check and store)."""
    paths = []
    for n in range(10):
        image = Image.new("RGB", (2400, 1800), (20 * n, 90, 160))
        ImageDraw.Draw(image).rectangle((100 + 50 * n, 200, 900, 900), fill=(240, 220, 120))
        path = tmp_path / f"shop-{n}.jpg"
        image.save(path, quality=92)
        paths.append(str(path))
    return paths


def _product_in_editor(window) -> int:
    product = create_product(window.app.db, product_input({"title": "Brass diya", "price": "499"}))
    window.products.model.refresh()
    window.products.select(product.id)
    return product.id


def test_adding_photos_counts_them_in_the_status_bar(qtbot, window, ten_photos: list[str]) -> None:
    product_id = _product_in_editor(window)
    seen: list[str] = []
    window.tasks.progressed.connect(lambda _h: seen.append(window.work_label.text()))
    window.products.editor.photos.add_files(ten_photos)  # what dropping them on the photo list does
    assert window.work_cancel.isVisible() and window.work_label.text() == "Adding 10 photos…"
    qtbot.waitUntil(lambda: len(get_product(window.app.db, product_id).images) == 10, timeout=30_000)
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=10_000)
    assert "Adding 10 photos: 3 of 10 photos" in seen and "Adding 10 photos: 10 of 10 photos" in seen
    assert not window.work_cancel.isVisible() and window.work_label.text() == ""


def test_cancel_in_the_status_bar_stops_adding_photos_and_adds_none(qtbot, window, ten_photos: list[str],
                                                                    monkeypatch) -> None:
    import time

    from core.images.store import ImageStore

    add = ImageStore.add

    def slow_add(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.2)  # a 12 MP phone photo takes this long to check and store; these plain ones do not
        return add(self, *args, **kwargs)

    monkeypatch.setattr(ImageStore, "add", slow_add)
    product_id = _product_in_editor(window)
    window.products.editor.photos.add_files(ten_photos)
    task = window.tasks.shown_task()
    qtbot.waitUntil(lambda: task.done >= 1, timeout=20_000)
    qtbot.mouseClick(window.work_cancel, Qt.MouseButton.LeftButton)
    assert window.work_label.text() == "Cancelling…" and not window.work_cancel.isEnabled()
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=20_000)
    assert task.done < 10, "every photo was stored before Cancel took effect"
    assert get_product(window.app.db, product_id).images == []
    assert "cancelled" in window.products.editor.photos.hint.text()
    assert not window.work_cancel.isVisible()


def test_cancel_stops_a_product_import_after_whole_chunks(qtbot, window, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "products.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["sku", "title", "price"])
        writer.writerows([f"JB-{n:05d}", f"Jute bag {n}", "250"] for n in range(8000))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(path), "")))
    real_import = csvio.import_products

    def importing_slowly(*args: Any, progress: Any, cancel: Any, **kwargs: Any) -> Any:
        """The real import, waiting after its second chunk until Cancel is pressed (a big file on a slow disk:
        on a fast machine these 8,000 rows could be stored before the test clicks)."""
        def told(p: csvio.ImportProgress) -> None:
            progress(p)
            ends = time.monotonic() + 30
            while p.done >= 2 * CHUNK_ROWS and not cancel() and time.monotonic() < ends:
                time.sleep(0.01)

        return real_import(*args, progress=told, cancel=cancel, **kwargs)

    monkeypatch.setattr(csvio, "import_products", importing_slowly)
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    window.import_csv()
    task = window.tasks.shown_task()
    qtbot.waitUntil(lambda: task.done >= 2 * CHUNK_ROWS, timeout=30_000)
    assert re.fullmatch(r"Importing products: [\d,]+ of 8,000 rows", window.work_label.text())
    qtbot.mouseClick(window.work_cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=30_000)
    stored = len(product_ids(window.app.db))
    assert stored % CHUNK_ROWS == 0 and 2 * CHUNK_ROWS <= stored < 8000  # whole chunks, never half of one
    assert any("cancelled" in m for m in messages)
    assert window.products.model.rowCount() == stored

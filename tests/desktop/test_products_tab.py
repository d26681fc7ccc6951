"""Clicking through the Products tab as a seller would."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt

from core.products.listing import list_products
from core.products.service import get_product


def _type_new_product(qtbot, window, title: str, price: str) -> int:
    window.new_product()
    editor = window.products.editor
    qtbot.keyClicks(editor.title, title)
    qtbot.keyClicks(editor.price, price)
    qtbot.waitUntil(lambda: editor.product_id is not None, timeout=5000)
    return editor.product_id


def test_create_product_with_three_photos_then_edit(qtbot, window, photos: list[Path]) -> None:
    product_id = _type_new_product(qtbot, window, "Handmade brass diya", "1,299.50")
    editor = window.products.editor
    assert editor.state.text() == "All changes saved"
    assert window.products.model.rowCount() == 1

    editor.photos.add_files([str(p) for p in photos])
    qtbot.waitUntil(lambda: editor.photos.list.count() == 3, timeout=15000)
    stored = get_product(window.app.db, product_id)
    assert [i.original_name for i in stored.images] == ["photo0.jpg", "photo1.jpg", "photo2.jpg"]
    assert (stored.images[1].width, stored.images[1].height) == (1200, 1600)

    editor.quantity.setValue(7)
    qtbot.keyClicks(editor.category, "Home > Lighting")
    qtbot.waitUntil(lambda: get_product(window.app.db, product_id).quantity == 7, timeout=5000)
    qtbot.waitUntil(lambda: get_product(window.app.db, product_id).category == "Home > Lighting", timeout=5000)
    row = list_products(window.app.db)[0]
    assert (row["price"], row["images"]) == ("1299.5", 3)


def test_invalid_price_is_marked_and_not_saved(qtbot, window) -> None:
    product_id = _type_new_product(qtbot, window, "Cushion", "450")
    editor = window.products.editor
    editor.price.clear()
    qtbot.keyClicks(editor.price, "four fifty")
    qtbot.waitUntil(lambda: editor._errors["price"].isVisible(), timeout=5000)
    assert "is not a number" in editor._errors["price"].text()
    assert editor.price.property("invalid") is True
    assert str(get_product(window.app.db, product_id).price) == "450"


def test_unsaved_edit_survives_a_kill(qtbot, window, isolated_env: Path) -> None:
    from core.app import App
    from desktop.main_window import MainWindow

    product_id = _type_new_product(qtbot, window, "Terracotta planter", "799")
    editor = window.products.editor
    editor.price.clear()
    qtbot.keyClicks(editor.price, "79x")  # invalid, so only the journal holds it
    journal = isolated_env / "autosave" / f"product-{product_id}.json"
    assert journal.exists()

    # A second window on the same data dir stands for the app started again after being killed.
    again = MainWindow(App(isolated_env))
    qtbot.addWidget(again)
    again.products.select(product_id)
    assert again.products.editor.price.text() == "79x"
    assert again.products.editor.state.text() == "Recovered unsaved changes"
    again.tasks.shutdown()


def test_search_filters_as_you_type(qtbot, window) -> None:
    from core.products.service import create_product, product_input

    for title in ("Brass diya", "Silk dupatta", "Brass bell"):
        create_product(window.app.db, product_input({"title": title, "price": "100"}))
    window.products.model.refresh()
    assert window.products.model.rowCount() == 3
    with qtbot.waitSignal(window.products.model.countChanged) as searched:
        qtbot.keyClicks(window.products.search, "brass")
        assert window.products.model.rowCount() == 3, "searched before the seller paused typing"
    assert searched.args == [2] and window.products.model.rowCount() == 2
    window.products.search.clear()  # the clear button brings everything back at once
    assert window.products.model.rowCount() == 3


def test_delete_and_undo(qtbot, window) -> None:
    product_id = _type_new_product(qtbot, window, "Jute bag", "250")
    window.products.model.refresh()
    window.products.select(product_id)
    window.products.delete_selected()
    assert window.products.model.rowCount() == 0
    assert window.undo_button.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.products.model.rowCount() == 1
    assert get_product(window.app.db, product_id).title == "Jute bag"


def test_event_loop_keeps_turning_during_long_work(qtbot, window) -> None:
    from PySide6.QtCore import QTimer

    ticks = []
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()

    from PIL import Image

    picture = Image.new("RGB", (2400, 1800), (120, 80, 40))

    def slow(handle):  # a second of photo work in the pool, like a real image batch
        deadline = time.monotonic() + 1.0
        made = 0
        while time.monotonic() < deadline and not handle.cancelled:
            picture.resize((1200, 900), Image.Resampling.LANCZOS)
            made += 1
        return made

    done = []
    window.tasks.start("Long job", slow, on_success=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=30_000)
    timer.stop()
    # A 10 ms timer ticks ~100 times in that second if the GUI thread is never starved; 20 allows for a busy box.
    assert len(ticks) >= 20, f"the GUI thread only ticked {len(ticks)} times while the job ran"
    qtbot.waitUntil(lambda: window.work_label.text() == "", timeout=5000)  # the status bar says it is over


def test_window_state_is_remembered(qtbot, window, isolated_env: Path) -> None:
    from core.app import App
    from desktop.main_window import MainWindow

    window.tabs.setCurrentIndex(3)
    window.close()
    again = MainWindow(App(isolated_env))
    qtbot.addWidget(again)
    assert again.tabs.currentIndex() == 3
    again.tasks.shutdown()


def test_a_task_finishing_after_its_window_is_gone_is_harmless(qtbot, isolated_env) -> None:
    import threading

    from core.app import App
    from desktop.main_window import MainWindow

    gate = threading.Event()
    win = MainWindow(App(isolated_env))
    win.tasks.start("Slow", lambda _h: gate.wait(10))
    pool = win.tasks.pool
    pool.setParent(None)  # keep the pool alive so the task can finish after the window is gone
    win.deleteLater()
    qtbot.wait(50)
    gate.set()
    assert pool.waitForDone(10_000)
    qtbot.wait(50)  # the finished signal is delivered now, to nobody

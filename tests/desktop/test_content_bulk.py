"""Several products' copy from the window: pick, write with progress, cancel between products."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import Qt

from core.content import bulk
from core.content.drafts import list_drafts
from core.products.service import create_product, product_input


def _products(window: Any, count: int) -> list[int]:
    ids = [create_product(window.app.db, product_input({"title": f"Brass diya {n}", "price": "499",
                                                       "attributes": "material=brass"})).id for n in range(count)]
    window.products.model.refresh()
    return ids


def _open(qtbot: Any, window: Any, ids: list[int], *, key: bool = False) -> Any:
    window.products.select(ids[0])
    window.tabs.setCurrentWidget(window.content)
    content = window.content
    if key:
        qtbot.waitUntil(content.offline.isEnabled)  # the keychain has a key: Gemini writes
    else:
        qtbot.waitUntil(lambda: "No Gemini key" in content.writer_note.text())
    content.several.click()
    dialog = content.findChild(bulk_dialog_type())
    assert dialog is not None and dialog.chosen() == [ids[0]]  # the product on show is ticked
    for row in range(dialog.products.count()):
        dialog.products.item(row).setCheckState(Qt.CheckState.Checked)
    return dialog


def bulk_dialog_type() -> type:
    from desktop.content.bulk_dialog import BulkCopyDialog

    return BulkCopyDialog


def test_several_products_written_offline_with_progress(qtbot: Any, window: Any) -> None:
    ids = _products(window, 3)
    dialog = _open(qtbot, window, ids)
    assert dialog.offline.isChecked() and dialog.start.text() == "Write copy"  # no key: offline, no cost
    dialog.start.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20_000)
    assert sorted(dialog.result.written) == ids and dialog.progress.value() == 3
    assert "Copy written for 3 products." in dialog.estimate.text()
    assert all(len(list_drafts(window.app.db, i)) == 8 for i in ids)


def test_cancel_stops_before_the_next_product(qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _products(window, 3)
    real = bulk.generate_drafts

    def held(app: Any, product_id: int, *args: Any, cancel: threading.Event, **kw: Any) -> Any:
        cancel.wait(10)  # the first product is "being written" until the seller presses Cancel
        return real(app, product_id, *args, cancel=cancel, **kw)

    monkeypatch.setattr(bulk, "generate_drafts", held)
    dialog = _open(qtbot, window, ids)
    dialog.start.click()
    qtbot.waitUntil(lambda: dialog.cancel.text() == "Cancel")
    dialog.cancel.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20_000)
    assert dialog.result.cancelled and dialog.result.written == {}
    assert "Stopped: the rest were not changed." in dialog.estimate.text()
    assert all(list_drafts(window.app.db, i) == {} for i in ids)


def test_a_gemini_run_shows_its_cost_first(qtbot: Any, window: Any) -> None:
    from core.content.drafts import GEMINI_KEY
    from tests.fakes.gemini import FakeGemini

    with FakeGemini() as fake:
        window.app.settings.set("content.gemini_base_url", fake.url)
        window.app.secrets.set(GEMINI_KEY, fake.api_key)
        ids = _products(window, 2)
        dialog = _open(qtbot, window, ids, key=True)
        assert not dialog.offline.isChecked() and dialog.start.text() == "Check cost"
        dialog.start.click()
        qtbot.waitUntil(lambda: "Gemini calls" in dialog.start.text(), timeout=20_000)
        assert "2 products: 2 Gemini calls, about" in dialog.estimate.text() and fake.requests == []
        dialog.start.click()
        qtbot.waitUntil(lambda: dialog.result is not None, timeout=30_000)
        assert sorted(dialog.result.written) == ids and len(fake.requests) == 2
        assert "Gemini used" in dialog.estimate.text()

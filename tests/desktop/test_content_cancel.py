"""Cancel on "Write copy" really cancels: no further (paid) Gemini call after it, and no draft written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from core.content.drafts import GEMINI_KEY, list_drafts
from core.products.service import create_product, product_input
from tests.fakes.gemini import FakeGemini


@pytest.fixture
def gemini(window) -> Iterator[FakeGemini]:
    """The Gemini stand-in, with its key stored the way Settings stores it."""
    with FakeGemini() as fake:
        window.app.settings.set("content.gemini_base_url", fake.url)
        window.app.secrets.set(GEMINI_KEY, fake.api_key)
        yield fake


def _start_writing(qtbot, window, gemini: FakeGemini) -> int:
    product = create_product(window.app.db, product_input({"title": "Handmade brass diya", "price": "499"}))
    window.products.model.refresh()
    window.products.select(product.id)
    window.tabs.setCurrentWidget(window.content)
    content = window.content
    qtbot.waitUntil(content.offline.isEnabled)  # the keychain (asked in the background) has a key: Gemini writes
    assert not content.offline.isChecked()
    qtbot.mouseClick(content.generate, Qt.MouseButton.LeftButton)
    assert content.cancel.isVisible()
    qtbot.waitUntil(lambda: len(gemini.requests) == 1, timeout=10_000)
    return product.id


def _cancel_and_wait(qtbot, window) -> None:
    with qtbot.waitSignal(window.content.message) as said:
        qtbot.mouseClick(window.content.cancel, Qt.MouseButton.LeftButton)
    assert said.args == ["Cancelled: no copy was written."]
    assert not window.content.cancel.isVisible() and window.content.generate.isEnabled()
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=10_000)


def test_cancel_while_gemini_answers_writes_nothing(qtbot, window, gemini: FakeGemini) -> None:
    gemini.script(FakeGemini.slow(1.0))
    product_id = _start_writing(qtbot, window, gemini)
    _cancel_and_wait(qtbot, window)
    assert list_drafts(window.app.db, product_id) == {}  # the answer that came back after Cancel was dropped
    assert len(gemini.requests) == 1
    assert window.content.editors["etsy"].title.text() == ""


def test_cancel_during_a_retry_wait_makes_no_further_call(qtbot, window, gemini: FakeGemini) -> None:
    gemini.script(FakeGemini.server_error(503))  # the writer waits 1-2 s, then would call again
    product_id = _start_writing(qtbot, window, gemini)
    _cancel_and_wait(qtbot, window)
    assert len(gemini.requests) == 1, "Gemini was called again after Cancel"
    assert list_drafts(window.app.db, product_id) == {}


def test_writing_again_after_cancel_shows_only_the_new_copy(qtbot, window, gemini: FakeGemini) -> None:
    gemini.script(FakeGemini.slow(1.0))
    product_id = _start_writing(qtbot, window, gemini)
    qtbot.mouseClick(window.content.cancel, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.content.generate, Qt.MouseButton.LeftButton)  # the seller changes their mind
    qtbot.waitUntil(lambda: len(list_drafts(window.app.db, product_id)) == 8, timeout=15_000)
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=10_000)
    assert window.content.generate.isEnabled() and not window.content.cancel.isVisible()
    assert "Written by Gemini" in window.content.writer_note.text()

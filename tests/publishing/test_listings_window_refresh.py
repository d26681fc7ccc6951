"""The Listings window reads its listings again by itself once its own Take down has gone out: it follows the
publisher's job events as the Schedule tab relays them, so the seller never reopens it to see the result."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from core.app import App
from core.listings.store import list_listings
from desktop.listings.dialog import ListingsDialog
from desktop.schedule.tab import PublishSignals
from desktop.tasks import TaskRunner
from tests.fakes.shopify import ShopifyStandIn
from tests.platforms.conftest import add_product
from tests.publishing.conftest import wait_for


def _state_of(dialog: ListingsDialog, platform: str) -> str:
    row = next(i for i, x in enumerate(dialog.listings) if x.platform == platform)
    item = dialog.table.item(row, 2)
    return item.text() if item else ""


def test_the_window_shows_its_take_down_once_it_has_gone_out(
        qtbot: Any, shop: App, make_publisher: Any, shopify_server: ShopifyStandIn,
        monkeypatch: pytest.MonkeyPatch) -> None:
    product = add_product(shop)
    publisher = make_publisher(shop)
    publisher.schedule([product], ["shopify"], "now")
    wait_for(lambda: len(list_listings(shop.db)) == 1, message="one listing")
    signals = PublishSignals()
    publisher.add_observer(signals.relay)
    tasks = TaskRunner()
    dialog = ListingsDialog(shop, tasks, lambda *_a: None, job_events=signals.event)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert "Live" in _state_of(dialog, "shopify")
    rect = dialog.table.visualRect(dialog.table.model().index(0, 0))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.take_down_button, Qt.MouseButton.LeftButton)
    # No reload() here: the job's events bring the window up to date.
    qtbot.waitUntil(lambda: "Taken down" in _state_of(dialog, "shopify"), timeout=15_000)
    assert next(iter(shopify_server.products.values()))["status"] == "DRAFT"
    close = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Close")
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    seen: list[object] = []
    signals.event.connect(seen.append)
    publisher.schedule([product], ["shopify"], "now")  # a closed window follows the events no more
    qtbot.waitUntil(lambda: bool(seen))
    assert not dialog._reload_timer.isActive()
    publisher.remove_observer(signals.relay)
    assert tasks.shutdown(10_000)

"""View › Listings… opens the Listings window following the publisher's job events (through the Schedule tab's
relay), so a take-down or update it asked for shows there once it has gone out, with no reopening."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QAction

from core.publishing.events import PublishEvent
from core.publishing.jobs import list_jobs
from desktop.listings.dialog import ListingsDialog


def test_the_listings_window_opened_from_the_menu_follows_job_events(
        qtbot: Any, shop_window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[ListingsDialog] = []

    def show(dialog: ListingsDialog) -> None:  # not modal: the test goes on with it open
        opened.append(dialog)
        dialog.show()

    monkeypatch.setattr(ListingsDialog, "exec", show)
    action = next(a for a in shop_window.findChildren(QAction) if a.text() == "&Listings…")
    action.trigger()
    (dialog,) = opened
    job = list_jobs(shop_window.app.db)[0]
    shop_window.schedule.signals.relay(PublishEvent("job", "changed", job=job))
    qtbot.waitUntil(dialog._reload_timer.isActive)
    dialog.reject()

"""The Platforms tab's page of one platform as a seller reaches it: a button of it clicked, products ticked."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget

from core.app import App
from core.platforms.connections import platform_status
from desktop.platforms.detail import PlatformDetail
from desktop.tasks import TaskRunner


def click_on_page(app: App, qtbot: Any, platform: str, button: str) -> tuple[PlatformDetail, TaskRunner]:
    """Open ``platform``'s page and click its ``button`` (an attribute name, e.g. "check_button"), which must be
    shown and enabled; the page is returned (it owns what the click opens) with the runner of its tasks."""
    tasks = TaskRunner()
    detail = PlatformDetail(app, tasks)
    qtbot.addWidget(detail)
    detail.show_status(platform_status(app.db, platform))
    clicked = getattr(detail, button)
    assert clicked.isVisibleTo(detail) and clicked.isEnabled()
    qtbot.mouseClick(clicked, Qt.MouseButton.LeftButton)
    return detail, tasks


def tick(products: QListWidget, ids: Collection[int]) -> None:
    """Tick the products ``ids`` in a dialog's product checklist."""
    for row in range(products.count()):
        item = products.item(row)
        if item.data(Qt.ItemDataRole.UserRole) in ids:
            item.setCheckState(Qt.CheckState.Checked)

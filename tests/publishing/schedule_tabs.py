"""A Schedule tab shown as the window shows it, publishing with the given Publisher; closed, with every worker
done, when the test ends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from core.app import App
from core.publishing.service import Publisher
from desktop.schedule.tab import ScheduleTab
from desktop.tasks import TaskRunner


def shown_tab(qtbot: Any, app: App, publisher: Publisher) -> Iterator[ScheduleTab]:
    """Yield the tab once its publishing runs (use with ``yield from`` in a fixture)."""
    tasks = TaskRunner()
    widget = ScheduleTab(app, tasks, publisher=publisher)
    widget.resize(1300, 800)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.publisher.is_runner)
    yield widget
    widget.shutdown()
    assert tasks.shutdown(10_000)
    assert tasks.pool.activeThreadCount() == 0 and tasks.writer.activeThreadCount() == 0

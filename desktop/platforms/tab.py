"""The Platforms tab: every place the seller sells, its status at a glance, and its page."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from core.app import App
from core.content.rules import load_rules
from core.i18n import _
from core.platforms.connections import list_statuses
from desktop.platforms.detail import STATE_COLOURS, PlatformDetail
from desktop.tasks import TaskRunner

NAME_ROLE = Qt.ItemDataRole.UserRole + 1


class PlatformsTab(QWidget):
    """A list of all eight platforms with their status, beside the selected one's page."""

    message = Signal(str)

    def __init__(self, app: App, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self._told: list[str] = []  # the warnings already put in the status bar
        self.list = QListWidget()
        self.list.setFixedWidth(320)
        self.list.setIconSize(QSize(12, 12))
        self.list.setSpacing(2)
        self.list.currentItemChanged.connect(lambda *_: self._selected())
        self.detail = PlatformDetail(app, tasks)
        self.detail.changed.connect(self.refresh)
        self.detail.message.connect(self.message)
        self.coming = QLabel("")
        self.coming.setWordWrap(True)
        self.coming.setProperty("role", "muted")
        heading = QLabel(_("Where you sell"))
        heading.setProperty("role", "heading")
        self.warnings = QLabel("")  # sign-ins ending within a week, or already ended: said before anything fails
        self.warnings.setWordWrap(True)
        self.warnings.setProperty("role", "error")
        self.warnings.hide()
        left = QVBoxLayout()
        left.addWidget(heading)
        left.addWidget(self.warnings)
        left.addWidget(self.list, 1)
        left.addWidget(self.coming)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addLayout(left)
        layout.addWidget(self.detail, 1, Qt.AlignmentFlag.AlignLeft)
        self.refresh()
        self.list.setCurrentRow(0)

    def refresh(self) -> None:
        """Re-read every platform's status (cheap: the database only)."""
        current = self.list.currentItem().data(NAME_ROLE) if self.list.currentItem() else None
        self.statuses = {s.name: s for s in list_statuses(self.app.db)}
        self.list.blockSignals(True)
        self.list.clear()
        waiting = []
        for name, rules in load_rules().platforms.items():
            status = self.statuses.get(name)
            if status is None:
                waiting.append(rules.label)
                continue
            item = QListWidgetItem(f"{status.display_name}\n{status.summary}")
            item.setData(NAME_ROLE, name)
            warn = status.state in ("needs_attention", "expiring") and status.enabled
            item.setForeground(QColor(STATE_COLOURS[status.state]) if warn else self.palette().text().color())
            if status.warning:
                item.setToolTip(status.warning)
            item.setSizeHint(QSize(300, 48))
            self.list.addItem(item)
            if name == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        warnings = [s.warning for s in self.statuses.values() if s.warning and s.enabled]
        self.warnings.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.warnings.setVisible(bool(warnings))
        if warnings and warnings != self._told:
            said = warnings[0] if len(warnings) == 1 else _("{count} platforms need reconnecting soon: see the "
                                                            "Platforms tab.").format(count=len(warnings))
            # Later, not now: the first refresh runs while the tab is made, before the window hears its messages.
            QTimer.singleShot(0, self, lambda: self.message.emit(said))
        self._told = warnings
        self.coming.setText(_("Coming soon: {platforms}.").format(platforms=", ".join(waiting)) if waiting else "")
        self._selected()

    def showEvent(self, event: QShowEvent) -> None:
        """Read the statuses again each time the tab is shown: posts scheduled meanwhile may now be flagged."""
        super().showEvent(event)
        self.refresh()

    def _selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.detail.show_status(self.statuses[item.data(NAME_ROLE)])

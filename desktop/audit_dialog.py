"""The audit log, viewable in the app: secret access, publishing, export and deletion."""

from __future__ import annotations

import json

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from core.app import App
from core.trust.audit import recent_events


class AuditDialog(QDialog):
    """The newest 500 audit entries, newest first."""

    def __init__(self, app: App, parent: QDialog | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Audit log")
        self.resize(820, 520)
        events = recent_events(app.db, 500)
        note = QLabel("Every use of a stored password or token, every publish, export and deletion is recorded here. "
                      "Secret values themselves are never recorded.")
        note.setWordWrap(True)
        note.setProperty("role", "muted")
        self.table = QTableWidget(len(events), 4)
        self.table.setHorizontalHeaderLabels(["When (UTC)", "What", "Subject", "Details"])
        for row, event in enumerate(events):
            details = json.dumps(event["detail"], ensure_ascii=False) if event["detail"] else ""
            for column, text in enumerate([event["at"].replace("T", " ")[:19], event["kind"], event["subject"],
                                           details]):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

"""Compare the two versions of each conflicting record side by side, and keep one."""

from __future__ import annotations

import json
import platform
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.i18n import N_, _
from core.products.marketplace import LABELS as MARKETPLACE_LABELS
from core.sync.conflicts import ConflictView, Keep, list_conflicts
from desktop.sync.controller import SyncController

_DIFFERENT = QColor(255, 196, 0, 60)
_NAMES = {"deleted_at": N_("In the bin since"), "sku": N_("SKU"), "sha256": N_("Picture"),
          "focal_x": N_("Focus across"), "focal_y": N_("Focus down"), "edited_by_seller": N_("Edited by you"),
          "alt_text": N_("Alt text"), "original_name": N_("File name"), "scheduled_at": N_("Scheduled for"),
          "published_at": N_("Published"), "title": N_("Title"), "description": N_("Description"),
          "price": N_("Price"), "currency": N_("Currency"), "quantity": N_("Quantity"), "category": N_("Category"),
          "attributes": N_("Attributes"), "status": N_("Status"), "language": N_("Language"),
          "position": N_("Position"), "width": N_("Width"), "height": N_("Height"), "format": N_("Format"),
          "platform": N_("Platform"), "bullets": N_("Key points"), "hashtags": N_("Hashtags"), "tags": N_("Tags"),
          "seo_title": N_("Search title"), "seo_description": N_("Search text"), "source": N_("Written by"),
          "model": N_("Model"), "key": N_("Setting"), "value": N_("Value"), "state": N_("State"),
          "cost_price": N_("Cost price"), "legal": N_("Maker, packer and importer"), **MARKETPLACE_LABELS}


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or "—"
    return str(value) if not isinstance(value, float) else json.dumps(value)


class ConflictDialog(QDialog):
    """Every waiting conflict on the left; the chosen one's two versions on the right, differences marked."""

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle(_("Resolve sync conflicts"))
        self.conflicts: list[ConflictView] = []
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._show)
        self.heading = QLabel("")
        self.heading.setProperty("role", "heading")
        self.explain = QLabel("")
        self.explain.setWordWrap(True)
        self.explain.setProperty("role", "muted")
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["", _("Your set-aside edit"), _("Now on all computers")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 2):
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.keep_mine = QPushButton(_("Keep set-aside edit"))
        self.keep_theirs = QPushButton(_("Keep current version"))
        self.keep_theirs.setProperty("primary", True)
        self.keep_mine.clicked.connect(lambda: self._keep("mine"))
        self.keep_theirs.clicked.connect(lambda: self._keep("theirs"))
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)

        detail = QWidget()
        right = QVBoxLayout(detail)
        right.setContentsMargins(12, 0, 0, 0)
        right.addWidget(self.heading)
        right.addWidget(self.explain)
        right.addWidget(self.table, 1)
        right.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_mine)
        buttons.addWidget(self.keep_theirs)
        buttons.addStretch(1)
        buttons.addWidget(close)
        right.addLayout(buttons)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(detail)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([230, 620])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.resize(900, 520)
        self.reload()

    def reload(self) -> None:
        """Read the waiting conflicts again."""
        self.conflicts = list_conflicts(self.controller.app.db)
        self.list.clear()
        for conflict in self.conflicts:
            QListWidgetItem(conflict.label, self.list)
        if self.conflicts:
            self.list.setCurrentRow(0)
        else:
            self._show(-1)

    def _show(self, row: int) -> None:
        has = 0 <= row < len(self.conflicts)
        self.keep_mine.setEnabled(has)
        self.keep_theirs.setEnabled(has)
        self.table.setRowCount(0)
        if not has:
            self.heading.setText(_("No conflicts left"))
            self.explain.setText(_("Every computer of your account has the same data."))
            return
        conflict = self.conflicts[row]
        self.heading.setText(conflict.label)
        here = conflict.local_only or conflict.mine_device == platform.node()[:100]
        other = conflict.mine_device or _("another computer")
        where = _("this computer") if here else f"“{other}”"
        self.explain.setText(_("This was changed on two computers before they synced. The edit made on {where} was "
                               "set aside; the other version is in use everywhere now. Keep one: the other is "
                               "discarded on every computer.").format(where=where))
        rows = conflict.differences()
        self.table.setRowCount(len(rows))
        bold = QFont()
        bold.setBold(True)
        for index, (name, mine, theirs) in enumerate(rows):
            label = _(_NAMES[name]) if name in _NAMES else name.replace("_", " ").capitalize()
            cells = [label, _shown(mine), _shown(theirs)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
                if mine != theirs:
                    item.setBackground(QBrush(_DIFFERENT))
                    if column == 0:
                        item.setFont(bold)
                self.table.setItem(index, column, item)
        self.table.resizeRowsToContents()

    def _keep(self, keep: Keep) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.conflicts):
            return
        self.error.hide()
        self.keep_mine.setEnabled(False)
        self.keep_theirs.setEnabled(False)
        self.controller.resolve(self.conflicts[row].conflict_id, keep, on_success=lambda _r: self.reload(),
                                on_failure=self._failed)

    def _failed(self, exc: Exception) -> None:
        self.error.setText(str(exc))
        self.error.show()
        self.reload()

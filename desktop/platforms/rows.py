"""The button row of the Platforms tab's long-running dialogs: start, Cancel, then Close on the right."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton

from core.i18n import _


def run_row(dialog: QDialog, start: QPushButton, cancel: QPushButton) -> QHBoxLayout:
    """``start`` (primary) and ``cancel`` (off until something runs) on the left, Close on the right."""
    start.setProperty("primary", True)
    cancel.setEnabled(False)
    close = QPushButton(_("Close"))
    close.clicked.connect(dialog.reject)
    row = QHBoxLayout()
    row.addWidget(start)
    row.addWidget(cancel)
    row.addStretch(1)
    row.addWidget(close)
    return row

"""Check pages…: walk a portal's pages with the saved session, submit nothing, and show which of its data file's
selectors were found or are missing (the same report as ``sellerdesk platforms check NAME``)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from core.app import App
from core.i18n import _
from desktop.platforms.rows import run_row
from desktop.tasks import TaskHandle, TaskRunner

if TYPE_CHECKING:  # Playwright is imported only when a check runs, not when the window opens
    from core.platforms.browser.check import PortalCheck


class PortalCheckDialog(QDialog):
    """Runs the check in the TaskRunner (Cancel stops it between pages) and shows the report."""

    def __init__(self, app: App, tasks: TaskRunner, name: str, display: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Check the {platform} pages").format(platform=display))
        self.resize(720, 520)
        self.app, self.tasks, self.name, self.display = app, tasks, name, display
        self._cancel = threading.Event()
        self._running: TaskHandle | None = None
        self.check: PortalCheck | None = None
        self.status = QLabel(_("SellerDesk opens each {platform} page it uses with your saved sign-in and looks for "
                               "every box and button in its data file. Nothing is filled in or submitted.").format(
            platform=display))
        self.status.setWordWrap(True)
        self.report = QPlainTextEdit(readOnly=True)
        self.report.setFont(QFont("monospace"))
        self.start_button = QPushButton(_("Check now"))
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self._cancel.set)
        row = run_row(self, self.start_button, self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.report, 1)
        layout.addLayout(row)

    def start(self) -> None:
        """Start the check off the GUI thread."""
        from core.platforms.browser.check import check_platform

        if self._running is not None:
            return
        self._cancel.clear()
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.status.setText(_("Checking the {platform} pages…").format(platform=self.display))
        name, cancel = self.name, self._cancel
        self._running = self.tasks.start(_("Checking the {platform} pages").format(platform=self.display),
                                         lambda _h: check_platform(self.app, name, cancel),
                                         on_success=self._done, on_failure=self._failed, shown=True)

    def _finish(self) -> None:
        self._running = None
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _done(self, check: PortalCheck) -> None:
        from core.platforms.browser.check import report_lines

        self._finish()
        self.check = check
        self.status.setText(_("Every box and button was found.") if check.ok else
                            _("Some boxes or buttons are missing: the {platform} panel changed.").format(
                                platform=self.display))
        self.report.setPlainText("\n".join(report_lines(check)))

    def _failed(self, exc: Exception) -> None:
        self._finish()
        self.status.setText(str(exc))

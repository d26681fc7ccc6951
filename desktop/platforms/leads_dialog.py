"""Leads…: IndiaMART's buyer enquiries of the last 7 days from the Lead Manager API, and the CRM key that reads
them, entered and tested here (the same as ``sellerdesk platforms leads indiamart [--check] [--key-stdin]``).

Every read is one call to IndiaMART, made in the TaskRunner: the window never waits on the network. The leads are
shown, not stored (buyers' names stay on IndiaMART).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.app import App
from core.i18n import _
from core.platforms.browser.indiamart_leads import key_works_text, read_leads
from core.publishing.timezones import format_local, seller_zone
from desktop.platforms.rows import run_row
from desktop.tasks import TaskHandle, TaskRunner

if TYPE_CHECKING:
    from core.platforms.browser.indiamart_leads import Lead


class LeadsDialog(QDialog):
    """The leads table with Refresh, and a CRM key box with Test key; each read runs off the GUI thread."""

    def __init__(self, app: App, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("IndiaMART leads"))
        self.resize(760, 480)
        self.app, self.tasks = app, tasks
        self._running: TaskHandle | None = None
        self.leads: list[Lead] = []
        self.key = QLineEdit(placeholderText=_("paste a new CRM key from IndiaMART's Lead Manager"))
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.test_button = QPushButton(_("Test key"))
        self.test_button.clicked.connect(self.test_key)
        key_row = QHBoxLayout()
        key_row.addWidget(QLabel(_("CRM key")))
        key_row.addWidget(self.key, 1)
        key_row.addWidget(self.test_button)
        self.status = QLabel(_("Buyer enquiries of the last 7 days. IndiaMART allows one read every 5 minutes."))
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # one call to IndiaMART: busy, with no count to show
        self.progress.hide()
        columns = [_("Time"), _("Buyer"), _("Product"), _("Message")]
        self.table = QTableWidget(0, len(columns))
        self.table.setHorizontalHeaderLabels(columns)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(True)
        self.refresh_button = QPushButton(_("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        row = run_row(self, self.refresh_button, self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(key_row)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)

    def refresh(self) -> None:
        """Read the leads with the stored CRM key."""
        self._read(None)

    def test_key(self) -> None:
        """Try the typed key (kept only if IndiaMART accepts it), or the stored one when the box is empty."""
        self._read(self.key.text().strip() or None)

    def cancel(self) -> None:
        """Stop waiting for IndiaMART's answer (the one call may still finish; its answer is dropped)."""
        if self._running is not None:
            self._running.cancel()
            self._finish()
            self.status.setText(_("Stopped waiting for IndiaMART."))

    def _read(self, key: str | None) -> None:
        if self._running is not None:
            return
        self.refresh_button.setEnabled(False)
        self.test_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.show()
        self.status.setText(_("Asking IndiaMART for the leads…"))
        handle = self.tasks.start(_("Reading IndiaMART leads"), lambda _h: read_leads(self.app, key), shown=True)
        handle.signals.succeeded.connect(lambda leads, h=handle: self._done(h, leads, key))
        handle.signals.failed.connect(lambda exc, h=handle: self._failed(h, exc))
        self._running = handle

    def _finish(self) -> None:
        self._running = None
        self.progress.hide()
        self.refresh_button.setEnabled(True)
        self.test_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _done(self, handle: TaskHandle, leads: list[Lead], key: str | None) -> None:
        if handle.cancelled:
            return
        self._finish()
        if key:
            self.key.clear()  # stored in the keychain now
        self.status.setText(key_works_text(leads) + (" " + _("The new key is saved.") if key else ""))
        self.leads = leads
        zone = seller_zone(self.app.settings.get("general.timezone"))
        self.table.setRowCount(len(leads))
        for row, lead in enumerate(leads):
            buyer = f"{lead.buyer} ({lead.city})" if lead.city else lead.buyer
            for column, text in enumerate((format_local(lead.when, zone), buyer, lead.product, lead.message)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        for column in range(self.table.columnCount() - 1):
            self.table.resizeColumnToContents(column)

    def _failed(self, handle: TaskHandle, exc: Exception) -> None:
        if handle.cancelled:
            return
        self._finish()
        self.status.setText(str(exc))  # the typed key stays in its box to be corrected

"""Publish catalog…: the ticked products as the designs of one Meesho catalog, through the supplier panel (the same
as ``sellerdesk platforms publish-catalog meesho --products …``).

The designs are grouped as the bulk upload file groups them (2 to 9, under one catalog name) and checked before
the browser opens. The work runs in the TaskRunner with a busy bar; Cancel stops it any time before the click that
sends the catalog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QVBoxLayout, QWidget

from core.app import App
from core.i18n import _
from core.platforms.browser.catalog import publish_catalog
from desktop.platforms.bulk_template import product_checklist, ticked
from desktop.platforms.rows import run_row
from desktop.tasks import TaskHandle, TaskRunner

if TYPE_CHECKING:
    from core.platforms.base import ListingResult


class CatalogDialog(QDialog):
    """Tick the designs, name the catalog, publish it; the result shows each design's listing."""

    def __init__(self, app: App, tasks: TaskRunner, name: str, display: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Publish a {platform} catalog").format(platform=display))
        self.resize(560, 520)
        self.app, self.tasks, self.name, self.display = app, tasks, name, display
        self.published: list[tuple[int, ListingResult]] | None = None
        self._running: TaskHandle | None = None
        intro = QLabel(_("SellerDesk fills the {platform} panel's catalog form with the ticked products as the designs "
                         "of one catalog and sends it once. Every design is checked first (Legal Metrology details, "
                         "the category's attributes): nothing is sent while one is missing. The catalog then waits "
                         "in {platform}'s quality check.").format(platform=display))
        intro.setWordWrap(True)
        self.catalog_name = QLineEdit(placeholderText=_("the first design's title"))
        form = QFormLayout()
        form.addRow(_("Catalog name"), self.catalog_name)
        self.products = product_checklist(app)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # one catalog through the panel: busy, with no count to show
        self.progress.hide()
        self.publish_button = QPushButton(_("Publish catalog"))
        self.publish_button.clicked.connect(self.publish)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("Designs of one product (2 to 9, 3-4 recommended)")))
        layout.addWidget(self.products, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addLayout(run_row(self, self.publish_button, self.cancel_button))

    def publish(self) -> None:
        """Publish the ticked designs as one catalog in the background."""
        ids = ticked(self.products)
        if not ids or self._running is not None:
            if not ids:
                self.status.setText(_("Tick the designs to put in the catalog."))
            return
        self.publish_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.show()
        self.status.setText(_("Publishing the catalog through the {platform} panel (at a person's pace)…").format(
            platform=self.display))
        name, catalog = self.name, self.catalog_name.text().strip() or None
        handle = self.tasks.start(
            _("Publishing a {platform} catalog").format(platform=self.display),
            lambda h: publish_catalog(self.app, name, ids, catalog_name=catalog, cancel=h.cancel_event),
            shown=True, cancellable=True)
        handle.signals.succeeded.connect(self._done)
        handle.signals.failed.connect(self._failed)
        self._running = handle

    def cancel(self) -> None:
        """Stop before the catalog is sent (a catalog already sent stays sent)."""
        if self._running is not None:
            self._running.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText(_("Stopping before the catalog is sent…"))

    def _finish(self) -> None:
        self._running = None
        self.progress.hide()
        self.publish_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _done(self, made: list[tuple[int, ListingResult]]) -> None:
        self._finish()
        self.published = made
        lines = [_("#{product}: {listing} ({state})").format(product=pid, listing=result.remote_id, state=result.state)
                 for pid, result in made]
        self.status.setText(_("Published a catalog of {count} designs on {platform}; it waits in the quality check."
                              ).format(count=len(made), platform=self.display) + "\n" + "\n".join(lines))

    def _failed(self, exc: Exception) -> None:
        self._finish()
        self.status.setText(str(exc))

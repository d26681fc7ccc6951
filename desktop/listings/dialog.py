"""The Listings window: where each product is live, what is on its way, and the seller's own say — send an update,
take a listing down, post a product again, fetch sales now. Every core call runs off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, QUrl, Signal, SignalInstance
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.app import App
from core.i18n import N_, _
from core.listings.store import ListingView
from core.platforms.specs import all_specs, display_name
from desktop.schedule.tab import RELOAD_DELAY_MS
from desktop.tasks import TaskRunner

if TYPE_CHECKING:
    from core.publishing.events import PublishEvent

COLUMNS = (N_("Product"), N_("Platform"), N_("State"), N_("Last change"), N_("Address"))
Repost = Callable[[int, str], Any]  # (product id, platform) → post it again now


def _sales_lag(app: App) -> str:
    from core.listings.polling import lag_text
    from core.platforms.connections import platform_status

    parts = [f"{spec.display_name}: {lag_text(app, name)}" for name, spec in sorted(all_specs().items())
             if spec.capabilities.sales and spec.kind == "api"
             and platform_status(app.db, name).state in ("connected", "expiring")]
    every = app.settings.get("listings.sales_poll_minutes")
    if not parts:
        return _("Connect Etsy or Shopify to have their sales lower your stock everywhere.")
    return " · ".join(parts) + " " + _("(checked every {minutes} min while SellerDesk runs)").format(
        minutes=f"{float(every):g}")


class ListingsDialog(QDialog):
    """Every listing and post, newest first; ``product_id`` shows one product's. With ``job_events`` (the
    publisher's events as the Schedule tab relays them, on the GUI thread) it reads them again whenever a job
    changes: a take-down, an update or a post shows here once it has gone out (or failed)."""

    message = Signal(str)

    def __init__(self, app: App, tasks: TaskRunner, repost: Repost, parent: QWidget | None = None, *,
                 product_id: int | None = None, job_events: SignalInstance | None = None) -> None:
        super().__init__(parent)
        self.app, self.tasks, self._repost, self.product_id = app, tasks, repost, product_id
        self._reload_timer = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)  # a burst of events: one read
        self._reload_timer.timeout.connect(self.reload)
        if job_events is not None:
            job_events.connect(self._job_changed)
            self.finished.connect(lambda _result: job_events.disconnect(self._job_changed))
        self.finished.connect(lambda _result: self._reload_timer.stop())  # closed: no read still to come
        self.listings: list[ListingView] = []
        self.setWindowTitle(_("Listings"))
        self.resize(900, 520)
        intro = QLabel(_("Where your products are live. Edits, stock and deletions reach these listings by "
                         "themselves; a social post is not edited — post it again to show a change."))
        intro.setWordWrap(True)
        self.waiting_only = QCheckBox(_("Only those waiting for me"))
        self.waiting_only.toggled.connect(lambda _checked: self.reload())
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.itemSelectionChanged.connect(self._enable)
        self.lag = QLabel("")
        self.lag.setWordWrap(True)
        self.lag.setProperty("role", "muted")
        self.update_button = QPushButton(_("Update now"))
        self.update_button.setToolTip(_("Send the product's changes to the selected listings now"))
        self.take_down_button = QPushButton(_("Take down"))
        self.repost_button = QPushButton(_("Post again…"))
        self.open_button = QPushButton(_("Open"))
        self.sales_button = QPushButton(_("Check sales now"))
        close = QPushButton(_("Close"))
        self.update_button.clicked.connect(lambda: self.request("update"))
        self.take_down_button.clicked.connect(lambda: self.request("take_down"))
        self.repost_button.clicked.connect(lambda: self.post_again())
        self.open_button.clicked.connect(lambda: self.open_selected())
        self.sales_button.clicked.connect(lambda: self.check_sales())
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (self.update_button, self.take_down_button, self.repost_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.sales_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.waiting_only)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.lag)
        layout.addLayout(buttons)
        self.reload()

    # -- showing ------------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the listings again (in a worker) and show them."""
        from core.listings.store import list_listings

        waiting = self.waiting_only.isChecked()
        self.tasks.start(_("Reading listings"), lambda _h: (list_listings(
            self.app.db, product_id=self.product_id, pending_only=waiting), _sales_lag(self.app)),
            on_success=self._show, on_failure=self._failed)

    def _job_changed(self, event: PublishEvent) -> None:
        if event.job is not None and (self.product_id is None or event.job.product_id == self.product_id):
            self._reload_timer.start()

    def _show(self, result: tuple[list[ListingView], str]) -> None:
        self.listings, lag = result
        self.table.setRowCount(len(self.listings))
        for row, item in enumerate(self.listings):
            detail = (_("On its way: {job}").format(job=item.open_job) if item.open_job
                      else item.note or item.engagement_error or "")
            for column, text in enumerate((f"{item.product_title} (#{item.product_id})",
                                           display_name(item.platform), item.status_text, detail, item.url or "")):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
        self.lag.setText(lag)
        self._enable()

    def selected(self) -> list[ListingView]:
        """The listings whose rows are selected."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.listings[row] for row in rows if row < len(self.listings)]

    def _enable(self) -> None:
        chosen = self.selected()
        up = [x for x in chosen if x.state in ("live", "sold_out")]
        posts = [x for x in chosen if all_specs()[x.platform].capabilities.posts]
        self.update_button.setEnabled(bool(up) and len(posts) < len(chosen))
        self.take_down_button.setEnabled(bool(up))
        self.repost_button.setEnabled(len(chosen) == 1 and bool(posts))
        self.open_button.setEnabled(len(chosen) == 1 and bool(chosen[0].url))

    def _failed(self, exc: Exception) -> None:
        self.message.emit(str(exc))
        QMessageBox.warning(self, _("Listings"), str(exc))

    # -- acting -------------------------------------------------------------------------------------------
    def request(self, action: str) -> None:
        """Queue an update or a take-down of the selected listings (the publishing queue sends it)."""
        from core.listings.plan import request

        chosen = [x for x in self.selected() if x.state in ("live", "sold_out")]
        if action == "update":
            chosen = [x for x in chosen if not all_specs()[x.platform].capabilities.posts]
        if not chosen:
            return
        if action == "take_down":
            names = ", ".join(x.label for x in chosen[:5]) + (" …" if len(chosen) > 5 else "")
            answer = QMessageBox.question(self, _("Take down"), _("Take these off sale?") + f"\n{names}")
            if answer != QMessageBox.StandardButton.Yes:
                return
        ids = [x.id for x in chosen]
        if action == "take_down":
            name, done = _("Taking down {count} listing(s)"), _("Take-down queued for {count} listing(s); it goes "
                                                                "out in a moment.")
        else:
            name, done = _("Updating {count} listing(s)"), _("Update queued for {count} listing(s); it goes out in "
                                                             "a moment.")
        self.tasks.start(name.format(count=len(ids)),
                         lambda _h: request(self.app, ids, action),  # type: ignore[arg-type]
                         writes=True, on_success=lambda jobs: self._queued(done, jobs), on_failure=self._failed)

    def _queued(self, done: str, jobs: list[Any]) -> None:
        self.message.emit(done.format(count=len(jobs)))
        self.reload()

    def post_again(self) -> None:
        """Post the selected post's product again on its platform, after the seller confirms (never by accident)."""
        chosen = self.selected()
        if len(chosen) != 1:
            return
        item = chosen[0]
        answer = QMessageBox.question(self, _("Post again"), _("Post {listing} again now?\nThe earlier post stays "
                                                               "up.").format(listing=item.label))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.tasks.start(_("Posting {listing} again").format(listing=item.label),
                         lambda _h: self._repost(item.product_id, item.platform), writes=True,
                         on_success=lambda _r: self._queued(_("New post queued; it goes out in a moment."), [item]),
                         on_failure=self._failed)

    def open_selected(self) -> None:
        """Open the selected listing in the browser."""
        chosen = self.selected()
        if len(chosen) == 1 and chosen[0].url:
            QDesktopServices.openUrl(QUrl(chosen[0].url))

    def check_sales(self) -> None:
        """Fetch sales from every connected platform now (stock follows); the lines are shown when done."""
        from core.listings.polling import sync_sales
        from core.platforms.connections import platform_status

        def fetch(handle: Any) -> list[str]:
            names = [n for n, spec in sorted(all_specs().items()) if spec.capabilities.sales and spec.kind == "api"
                     and platform_status(self.app.db, n).state in ("connected", "expiring")]
            lines = []
            for number, name in enumerate(names):
                if handle.cancelled:
                    break
                handle.signals.progress.emit(number, len(names), display_name(name))
                lines.append(sync_sales(self.app, name).text)
            return lines or [_("No connected platform reports sales through its API yet.")]

        self.sales_button.setEnabled(False)
        self.tasks.start(_("Checking sales"), fetch, shown=True, cancellable=True, unit="platforms",
                         on_success=self._sales_checked, on_failure=self._failed)

    def _sales_checked(self, lines: list[str]) -> None:
        self.sales_button.setEnabled(True)
        text = "\n".join(lines)
        self.message.emit(text.replace("\n", " · "))
        QMessageBox.information(self, _("Sales"), text)
        self.reload()


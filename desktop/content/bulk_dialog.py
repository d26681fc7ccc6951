"""Write copy for several products at once: pick them, see what a Gemini run would use, then watch it go
(with Cancel). All work runs in the background; the window stays responsive."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.app import App
from core.content import bulk
from core.i18n import _
from core.products.listing import product_ids, product_rows
from desktop.tasks import TaskHandle, TaskRunner


class BulkCopyDialog(QDialog):
    """Tick products, check the estimate, write; the seller can cancel between products."""

    def __init__(self, app: App, tasks: TaskRunner, *, offline: bool, chosen: list[int] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.tasks = tasks
        self._job: TaskHandle | None = None
        self._ready_for: tuple[list[int], bool] | None = None  # the selection the shown estimate is for
        self.result: bulk.BulkResult | None = None
        self.setWindowTitle(_("Write copy for several products"))
        self.products = QListWidget()
        ids = product_ids(self.app.db)
        rows = product_rows(self.app.db, ids)
        for product_id in ids:
            item = QListWidgetItem(f"{rows[product_id]['title']}  (#{product_id})")
            item.setData(Qt.ItemDataRole.UserRole, product_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if chosen and product_id in chosen else Qt.CheckState.Unchecked)
            self.products.addItem(item)
        self.products.itemChanged.connect(lambda _item: self._forget_estimate())
        self.offline = QCheckBox(_("Write offline (no Gemini, no cost)"))
        self.offline.setChecked(offline)
        self.offline.toggled.connect(lambda _on: self._forget_estimate())
        self.estimate = QLabel(_("Tick the products to write copy for."))
        self.estimate.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.hide()
        self.start = QPushButton(_("Check cost"))
        self.start.setProperty("primary", True)
        self.start.clicked.connect(self._start)
        self.cancel = QPushButton(_("Close"))
        self.cancel.clicked.connect(self._cancel)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.start)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Products")))
        layout.addWidget(self.products, 1)
        layout.addWidget(self.offline)
        layout.addWidget(self.estimate)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self.resize(520, 520)
        self._forget_estimate()

    def chosen(self) -> list[int]:
        """The ticked products, in list order."""
        items = (self.products.item(i) for i in range(self.products.count()))
        return [int(i.data(Qt.ItemDataRole.UserRole)) for i in items if i.checkState() == Qt.CheckState.Checked]

    def _forget_estimate(self) -> None:
        self._ready_for = None
        count = len(self.chosen())
        self.start.setText(_("Write copy") if self.offline.isChecked() else _("Check cost"))
        self.start.setEnabled(count > 0 and self._job is None)
        ticked = _("1 product ticked.") if count == 1 else _("{count} products ticked.").format(count=count)
        self.estimate.setText(ticked if count else _("Tick the products to write copy for."))

    def _start(self) -> None:
        ids, offline = self.chosen(), self.offline.isChecked()
        if offline or self._ready_for == (ids, offline):
            self._write(ids, offline)
            return
        self.start.setEnabled(False)
        self.estimate.setText(_("Working out what this run would use…"))

        def shown(guess: bulk.BulkEstimate) -> None:
            self._ready_for = (ids, offline)
            self.estimate.setText(guess.text())
            self.start.setText(_("Write copy") if guess.calls == 0 else
                               _("Write copy ({calls} Gemini calls)").format(calls=guess.calls))
            self.start.setEnabled(True)

        self.tasks.start(_("Estimating the Gemini run"), lambda _h: bulk.estimate(self.app, ids, offline=offline),
                         on_success=shown, on_failure=self._failed)

    def _write(self, ids: list[int], offline: bool) -> None:
        self.progress.setRange(0, len(ids))
        self.progress.setValue(0)
        self.progress.show()
        self.start.setEnabled(False)
        self.cancel.setText(_("Cancel"))

        def work(handle: TaskHandle) -> bulk.BulkResult:
            return bulk.generate_many(self.app, ids, offline=offline, cancel=handle.cancel_event,
                                      progress=handle.signals.progress.emit)

        self._job = self.tasks.start(_("Writing copy for several products"), work, on_success=self._done,
                                     on_failure=self._failed, on_progress=self._moved, cancellable=True,
                                     unit="products")

    def _moved(self, done: int, total: int, note: str) -> None:
        self.progress.setValue(done)
        self.estimate.setText(_("{done} of {total}: {note}").format(done=done, total=total, note=note))

    def _done(self, result: bulk.BulkResult) -> None:
        self._job = None
        self.result = result
        self.cancel.setText(_("Close"))
        lines = [_("Copy written for {count} products.").format(count=len(result.written))]
        if result.usage:
            lines.append(_("Gemini used {tokens} tokens.").format(tokens=f"{sum(result.usage.values()):,}"))
        if result.cancelled:
            lines.append(_("Stopped: the rest were not changed."))
        failed = "".join("\n" + _("Product {id}: {why}").format(id=pid, why=why) for pid, why in result.failed.items())
        self.estimate.setText(" ".join(lines) + failed)
        self._ready_for = None
        self.start.setText(_("Write copy") if self.offline.isChecked() else _("Check cost"))
        self.start.setEnabled(bool(self.chosen()))

    def _failed(self, exc: Any) -> None:
        self._job = None
        self.cancel.setText(_("Close"))
        self.estimate.setText(str(exc))
        self.start.setEnabled(bool(self.chosen()))

    def _cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()  # stops before the next product; what was written stays
            self.estimate.setText(_("Stopping after the product being written…"))
            return
        self.reject()

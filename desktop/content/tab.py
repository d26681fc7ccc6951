"""The Content tab: the selected product's copy for every platform, written in the background, reviewed here."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.app import App
from core.content import drafts as draft_service
from core.content.models import PlatformCopy
from core.content.rules import load_rules
from core.errors import SellerDeskError
from core.i18n import _
from core.products.service import get_product
from desktop.content.bulk_dialog import BulkCopyDialog
from desktop.content.claims_dialog import ClaimsDialog
from desktop.content.platform_editor import PlatformEditor
from desktop.placeholder import EmptyState
from desktop.tasks import TaskHandle, TaskRunner
from desktop.theme import icon

STATUS_MARK = {"approved": "✓ ", "rejected": "✕ ", "draft": ""}


class ContentTab(QWidget):
    """Review and approve each platform's copy of one product."""

    message = Signal(str)
    scheduleRequested = Signal(list)  # product ids

    def __init__(self, app: App, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.tasks = tasks
        self.product_id: int | None = None
        self._job: TaskHandle | None = None
        self._key_known: bool | None = None
        self._key_asked = False
        rules = load_rules()

        self.heading = QLabel("")
        self.heading.setProperty("role", "heading")
        self.writer_note = QLabel("")
        self.writer_note.setProperty("role", "muted")
        self.offline = QCheckBox(_("Write offline"))
        self.offline.setToolTip(_("Use SellerDesk's own templates instead of Gemini (no internet needed)."))
        self.replace = QCheckBox(_("Replace my edits"))
        self.replace.setToolTip(_("Rewrite platforms you edited by hand too."))
        self.generate = QPushButton(icon("sparkle", "#ffffff"), _("Write copy for all platforms"))
        self.generate.setProperty("primary", True)
        self.generate.clicked.connect(lambda: self.write_copy(None))
        self.progress = QProgressBar(maximum=0, maximumWidth=140)
        self.progress.hide()
        self.cancel = QPushButton(_("Cancel"))
        self.cancel.hide()
        self.cancel.clicked.connect(self._cancel)
        self.heading.setWordWrap(True)  # a long title wraps instead of widening the window
        top = QHBoxLayout()  # two rows, so the tab fits a 1366×768 screen at 150 % (911 px)
        top.addWidget(self.heading, 1)
        bar = QHBoxLayout()
        bar.addWidget(self.offline)
        bar.addWidget(self.replace)
        bar.addStretch(1)
        bar.addWidget(self.progress)
        bar.addWidget(self.cancel)
        bar.addWidget(self.generate)
        self.several = QPushButton(_("Several products…"))
        self.several.setToolTip(_("Write copy for several products at once, with the Gemini cost shown first"))
        self.several.clicked.connect(self.open_bulk)
        bar.addWidget(self.several)
        self.claims = QPushButton(_("Claims…"))
        self.claims.setToolTip(_("Which claims (handmade, organic…) are flagged unless a product field backs them"))
        self.claims.clicked.connect(self.open_claims)
        bar.addWidget(self.claims)
        self.schedule = QPushButton(icon("schedule"), _("Schedule…"))
        self.schedule.setToolTip(_("Post this product with its approved copy (now or later)"))
        self.schedule.clicked.connect(self._schedule)
        top.addWidget(self.schedule)

        self.platforms = QTabWidget()
        self.editors: dict[str, PlatformEditor] = {}
        for name, platform_rules in rules.platforms.items():
            editor = PlatformEditor(platform_rules)
            editor.edited.connect(self._save)
            editor.approveRequested.connect(lambda p: self._set_status(p, "approved"))
            editor.rejectRequested.connect(lambda p: self._set_status(p, "rejected"))
            editor.unapproveRequested.connect(lambda p: self._set_status(p, "draft"))
            editor.regenerateRequested.connect(lambda p: self.write_copy([p]))
            room = QScrollArea(widgetResizable=True, frameShape=QScrollArea.Shape.NoFrame)  # a long form scrolls
            room.setWidget(editor)
            self.platforms.addTab(room, platform_rules.label)
            self.editors[name] = editor

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.writer_note)
        layout.addWidget(self.platforms, 1)
        self.empty = EmptyState("content", _("Pick a product"),
                                _("Select a product on the Products tab; its copy for every platform appears here."))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

    # -- showing -----------------------------------------------------------------------------------------
    def show_product(self, product_id: int) -> None:
        """Show ``product_id``'s copy (stored drafts; nothing is written until the seller asks)."""
        self.flush()
        self.product_id = product_id
        try:
            product = get_product(self.app.db, product_id)
            drafts = draft_service.list_drafts(self.app.db, product_id)
        except SellerDeskError as exc:
            self.message.emit(str(exc))
            return
        self.heading.setText(product.title)
        self.stack.setCurrentIndex(1)
        self._show_drafts(drafts)
        self._show_writer()

    def _show_writer(self) -> None:
        """Gemini or the offline writer, once the keychain has said whether a key is stored."""
        if self._key_known is None:
            self._ask_keychain()
        has_key = bool(self._key_known)
        self.offline.setChecked(not has_key)
        self.offline.setEnabled(has_key)
        self.writer_note.setText("" if has_key else _("Checking for a Gemini key…") if self._key_known is None else
                                 _("No Gemini key set: copy is written offline from the product's facts."))

    def _ask_keychain(self) -> None:
        # Asked once, in the background: the first keychain read starts the OS keychain's backend (helper
        # processes, 100 ms and more) and each read writes an audit entry. Writing the copy reads the key again.
        if self._key_asked:
            return
        self._key_asked = True

        def known(has_key: bool) -> None:
            self._key_known = has_key
            if self.product_id is not None:
                self._show_writer()

        self.tasks.start(_("Checking the Gemini key"), lambda _h: bool(self.app.secrets.get(draft_service.GEMINI_KEY)),
                         on_success=known, on_failure=lambda _exc: known(False), writes=True)

    def _show_drafts(self, drafts: dict[str, draft_service.DraftView]) -> None:
        for index, (name, editor) in enumerate(self.editors.items()):
            draft = drafts.get(name)
            editor.show_draft(draft)
            mark = STATUS_MARK.get(draft.status, "") if draft else ""
            self.platforms.setTabText(index, mark + editor.rules.label)

    def flush(self) -> None:
        """Save edits still waiting for their debounce."""
        for editor in self.editors.values():
            editor.flush()

    # -- actions -----------------------------------------------------------------------------------------
    def write_copy(self, platforms: list[str] | None) -> None:
        """Write (or rewrite) copy in the background; the seller can keep working or cancel."""
        if self.product_id is None or self._job is not None:
            return
        self.flush()
        product_id, offline, force = self.product_id, self.offline.isChecked(), self.replace.isChecked()
        if platforms is not None:
            force = True  # "Rewrite" on one platform is an explicit request to replace it

        def work(handle: TaskHandle) -> draft_service.DraftOutcome:
            return draft_service.generate_drafts(self.app, product_id, platforms, offline=offline, force=force,
                                                 cancel=handle.cancel_event)

        self._busy(True)
        job: TaskHandle | None = None
        # The answer of a cancelled job (or of one the seller has replaced) must not touch the page.
        job = self.tasks.start(_("Writing listing copy"), work,
                               on_success=lambda o: self._written(job, product_id, o),
                               on_failure=lambda exc: self._failed(job, exc))
        self._job = job

    def open_bulk(self) -> BulkCopyDialog:
        """The several-products dialog, with the product shown here ticked; the page refreshes when it closes."""
        self.flush()
        dialog = BulkCopyDialog(self.app, self.tasks, offline=self.offline.isChecked(),
                                chosen=[self.product_id] if self.product_id is not None else None, parent=self)
        dialog.finished.connect(lambda _code: self.show_product(self.product_id) if self.product_id else None)
        dialog.open()
        return dialog

    def open_claims(self) -> ClaimsDialog:
        """The claim list; the copy on show is checked again when it closes."""
        dialog = ClaimsDialog(self.app.data_dir, parent=self)
        dialog.finished.connect(lambda _code: self.show_product(self.product_id) if self.product_id else None)
        dialog.open()
        return dialog

    def _schedule(self) -> None:
        if self.product_id is not None:
            self.flush()
            self.scheduleRequested.emit([self.product_id])

    def _written(self, job: TaskHandle | None, product_id: int, outcome: draft_service.DraftOutcome) -> None:
        if job is not self._job:
            return
        self._busy(False)
        if product_id != self.product_id:
            return
        self._show_drafts(draft_service.list_drafts(self.app.db, product_id))
        count = len(outcome.drafts) - len(outcome.kept)
        if outcome.writer == "gemini":
            note, done = _("Written by Gemini."), _("Copy written by Gemini for {count} platforms.")
        else:
            note, done = _("Written by the offline writer."), _("Copy written by the offline writer for {count} "
                                                               "platforms.")
        self.writer_note.setText(" ".join([note, *outcome.messages]))
        self.message.emit(done.format(count=count))

    def _failed(self, job: TaskHandle | None, exc: Exception) -> None:
        if job is not self._job:
            return
        self._busy(False)
        self.writer_note.setText(str(exc))
        self.message.emit(str(exc))

    def _cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()  # checked before every further Gemini call and before anything is written
        self._busy(False)
        self.message.emit(_("Cancelled: no copy was written."))

    def _busy(self, busy: bool) -> None:
        if not busy:
            self._job = None
        self.generate.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.cancel.setVisible(busy)

    def _save(self, platform: str, copy: PlatformCopy) -> None:
        if self.product_id is None:
            return
        try:
            draft = draft_service.save_draft(self.app.db, self.product_id, platform, copy)
        except SellerDeskError as exc:
            self.message.emit(str(exc))
            return
        self.editors[platform].show_draft(draft)
        self._update_tab(platform, draft.status)

    def _set_status(self, platform: str, status: str) -> None:
        if self.product_id is None:
            return
        try:
            draft = draft_service.set_status(self.app.db, self.product_id, platform, status)
        except SellerDeskError as exc:
            self.message.emit(str(exc))
            self.editors[platform].problems.setText(str(exc))
            self.editors[platform].problems.show()
            return
        self.editors[platform].show_draft(draft)
        self._update_tab(platform, draft.status)
        done = {"draft": _("{platform} copy back to draft."), "approved": _("{platform} copy approved."),
                "rejected": _("{platform} copy rejected.")}.get(status, "{platform}: " + status)
        self.message.emit(done.format(platform=self.editors[platform].rules.label))

    def _update_tab(self, platform: str, status: str) -> None:
        index = list(self.editors).index(platform)
        self.platforms.setTabText(index, STATUS_MARK.get(status, "") + self.editors[platform].rules.label)

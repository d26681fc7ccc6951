"""The live status list: every post that is waiting, going out, done or stuck, updated as jobs move, with the
reason and next step of any that needs the seller, and Retry / Cancel for the selected one.

Posts another of the seller's computers publishes (synced) are listed read-only with that computer's name
("Scheduled on Laptop"); Move to this computer asks that computer to hand one over (core.sync.moves)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.i18n import N_, _, format_when
from core.platforms.specs import display_name
from core.publishing.attempt import note_text
from core.publishing.jobs import JobView
from core.publishing.states import ATTENTION_STATES, SELLER_MOVABLE
from core.publishing.timezones import format_local
from desktop.schedule.calendar import platform_colour, state_text

COLUMNS = (N_("Post"), N_("Platform"), N_("Status"), N_("When"))
FILTERS = {N_("Needs me"): ATTENTION_STATES, N_("Upcoming"): frozenset({"scheduled", "publishing"}), N_("All"): None}
RETRYABLE = frozenset({"failed", "needs_attention"})
STATE_COLOURS = {"failed": "#d64545", "needs_attention": "#c77700", "published": "#2f8f46", "publishing": "#2f6fdf"}


class StatusList(QWidget):
    """A table of jobs; ``retryRequested(id)``, ``cancelRequested(id)`` and ``moveRequested(id)`` ask the tab to
    act."""

    retryRequested = Signal(int)
    cancelRequested = Signal(int)
    moveRequested = Signal(int)

    def __init__(self, zone: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.jobs: dict[int, JobView] = {}
        self.heading = QLabel(_("Posts"))
        self.heading.setProperty("role", "heading")
        self.filter = QComboBox()
        for name in FILTERS:  # shown translated; the English name stays the key
            self.filter.addItem(_(name), name)
        self.filter.setCurrentIndex(list(FILTERS).index("All"))
        self.filter.currentTextChanged.connect(lambda _: self._redraw())
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.retry = QPushButton(_("Retry"))
        self.retry.setToolTip(_("Send it again now (an unanswered attempt is looked for on the platform first)."))
        self.cancel = QPushButton(_("Cancel post"))
        self.move_here = QPushButton(_("Move to this computer"))
        self.move_here.setToolTip(_("Publish this post from this computer instead: the computer that has it hands "
                                    "it over when it next syncs, unless it has started publishing it."))
        self.retry.clicked.connect(lambda: self._act(self.retryRequested))
        self.cancel.clicked.connect(lambda: self._act(self.cancelRequested))
        self.move_here.clicked.connect(lambda: self._act(self.moveRequested))
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.filter)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.move_here)
        buttons.addWidget(self.retry)
        buttons.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        self._selection_changed()

    def set_jobs(self, jobs: list[JobView]) -> None:
        """Show exactly these jobs."""
        self.jobs = {job.id: job for job in jobs}
        self._redraw()

    def update_job(self, job: JobView) -> None:
        """Show ``job``'s new state (adding it if it is new)."""
        self.jobs[job.id] = job
        self._redraw()

    def selected_id(self) -> int | None:
        """The job of the selected row."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return int(self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole))

    def select(self, job_id: int) -> None:
        """Select ``job_id``'s row (if shown)."""
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == job_id:
                self.table.selectRow(row)
                return

    def _redraw(self) -> None:
        keep = self.selected_id()
        wanted = FILTERS[self.filter.currentData() or "All"]
        jobs = [j for j in self.jobs.values() if j.state != "cancelled" and (wanted is None or j.state in wanted)]
        # What needs the seller first, then the soonest.
        jobs.sort(key=lambda j: (j.state not in ATTENTION_STATES, (j.published_at or j.due or j.updated_at), j.id))
        self.table.setRowCount(len(jobs))
        for row, job in enumerate(jobs):
            moment = job.published_at or job.due
            when = format_when(moment.astimezone(self.zone), "EEE dd MMM, HH:mm") if moment else ""
            cells = (f"#{job.product_id} {job.product_title}", display_name(job.platform), state_text(job), when)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip("\n".join(filter(None, [job.label, format_local(moment, self.zone), job.last_error,
                                                        job.next_step, note_text(job.note), job.remote_url])))
                if column == 0:
                    item.setData(Qt.ItemDataRole.UserRole, job.id)
                if column == 1:
                    item.setForeground(QColor(platform_colour(job.platform)))
                if column == 2 and job.state in STATE_COLOURS:
                    item.setForeground(QColor(STATE_COLOURS[job.state]))
                if not job.owned_here and column != 1:  # read-only here: greyed
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(row, column, item)
        self.heading.setText(_("Posts ({count})").format(count=len(jobs)))
        if keep is not None:
            self.select(keep)
        self._selection_changed()

    def _selection_changed(self) -> None:
        job = self.jobs.get(self.selected_id() or -1)
        mine = job is not None and job.owned_here
        self.retry.setEnabled(mine and job is not None and job.state in RETRYABLE)
        self.cancel.setEnabled(mine and job is not None and job.state in SELLER_MOVABLE)
        self.move_here.setVisible(job is not None and not job.owned_here)
        self.move_here.setEnabled(job is not None and not job.owned_here and not job.moving_here
                                  and job.state in SELLER_MOVABLE and not job.outcome_unknown)
        self.detail.setText("" if job is None else " ".join(filter(None, [
            owner_text(job),
            job.last_error if job.state != "published" else None, job.next_step, note_text(job.note),
            job.remote_url if job.state == "published" else None])))

    def _act(self, signal: Signal) -> None:
        job_id = self.selected_id()
        if job_id is not None:
            signal.emit(job_id)  # type: ignore[attr-defined]


def owner_text(job: JobView) -> str:
    """What the seller should know about a post another computer publishes, or one being moved."""
    if job.moving_here and job.owner_name is not None and job.state in SELLER_MOVABLE:
        return _("{computer} hands it over at its next sync; until then it stays there.").format(
            computer=job.owner_name)
    if job.owner_name is not None:
        return _("{computer} publishes this post; it is shown here read-only.").format(computer=job.owner_name)
    if job.moving_to is not None and job.state in SELLER_MOVABLE:
        return _("{computer} asked for this post: it is handed over at the next sync.").format(
            computer=job.moving_to)
    return ""

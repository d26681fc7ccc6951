"""A month or week calendar of posts: scheduled and published posts per day (per hour in the week view), each a chip
in its platform's colour. A chip that has not gone out can be dragged to another day or hour to reschedule it."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QMimeData, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QDrag, QDragEnterEvent, QDropEvent, QMouseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _, day_names, month_names
from core.platforms.specs import display_name
from core.publishing.attempt import note_text
from core.publishing.jobs import JobView
from core.publishing.states import LABELS, SELLER_MOVABLE

MIME = "application/x-sellerdesk-job"
PLATFORM_COLOURS = {
    "etsy": "#e0561b", "shopify": "#5e8e3e", "instagram": "#c13584", "facebook": "#1877f2",
    "pinterest": "#e60023", "meesho": "#9f2089", "snapdeal": "#d8004b", "indiamart": "#2e3192",
}
STATE_MARKS = {"published": "✓", "publishing": "↻", "failed": "✕", "needs_attention": "!", "scheduled": ""}
MOVABLE = frozenset({"scheduled", "failed", "needs_attention"})
MONTH_CHIPS = 3  # a month cell shows this many chips, then "+N more"
WEEK_HOURS = range(24)  # the week view's rows (scrolled to the working day when it opens)
FIRST_SHOWN_HOUR = 7


def platform_colour(platform: str) -> str:
    """The platform's colour (a steady made-up one for platforms without their own)."""
    known = PLATFORM_COLOURS.get(platform)
    if known:
        return known
    hue = int(hashlib.sha256(platform.encode()).hexdigest()[:2], 16) * 360 // 256
    return f"hsl({hue}, 55%, 42%)"


def shown_at(job: JobView) -> datetime | None:
    """Where a post sits on the calendar: when it went out, else when it is planned."""
    return job.published_at or job.scheduled_at


class PostChip(QLabel):
    """One post on the calendar; dragging it carries its job id."""

    def __init__(self, job: JobView, zone: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        when = shown_at(job)
        local = when.astimezone(zone) if when else None
        mark = STATE_MARKS.get(job.state, "")
        self.setText(f"{mark} {local:%H:%M} {job.product_title}".strip() if local else job.product_title)
        faded = job.state == "published"
        colour = platform_colour(job.platform)
        border = "#d64545" if job.state in ("failed", "needs_attention") else colour
        self.setStyleSheet(
            f"QLabel {{ background: {colour}; color: white; border: 2px solid {border}; border-radius: 4px;"
            f" padding: 1px 4px; font-size: 8.5pt; {'font-style: italic;' if faded else ''} }}")
        self.setToolTip("\n".join(filter(None, [job.label, state_text(job), note_text(job.note), job.next_step,
                                                job.remote_url])))
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        # Another computer's post is shown, not moved: only that computer reschedules it.
        self.draggable = job.state in MOVABLE and job.owned_here
        self.setCursor(Qt.CursorShape.OpenHandCursor if self.draggable else Qt.CursorShape.ArrowCursor)
        self._press: QPoint | None = None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or not self.draggable:
            return
        if (event.position().toPoint() - self._press).manhattanLength() < 8:
            return
        mime = QMimeData()
        mime.setData(MIME, str(self.job.id).encode())
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.setPixmap(self.grab())
        self._press = None
        drag.exec(Qt.DropAction.MoveAction)


def state_text(job: JobView) -> str:
    """A post's state in words, naming the other computer that publishes it ("Scheduled on Laptop") and a move
    under way (the status list's Status cell, a chip's tooltip)."""
    if job.moving_to is not None and job.state in SELLER_MOVABLE:  # short: the column fits its longest cell
        if job.moving_here:
            return _("Moving here from {computer}").format(computer=job.owner_name)
        return _("Moving to {computer}").format(computer=job.moving_to)
    # A held-back post keeps its state; the words say it waits (its note says why: core.publishing.rivals).
    label = _(LABELS[job.state]) if job.held_back is None else _("Held back")
    if job.owner_name is not None:
        label = _("{state} on {computer}").format(state=label, computer=job.owner_name)
    return label


class DropCell(QFrame):
    """A day (month view) or an hour of a day (week view) that posts can be dropped on."""

    dropped = Signal(int, object, object)  # job id, date, hour (None: keep the post's time of day)

    def __init__(self, day: date, hour: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day = day
        self.hour = hour
        self.setAcceptDrops(True)
        self.setProperty("cell", True)
        self.shown: list[QWidget] = []  # the chips and the "+N more" note
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(3, 2, 3, 2)
        self.layout_.setSpacing(2)
        self.layout_.addStretch(1)  # chips stack from the top

    def add(self, widget: QWidget, *, post: bool = True) -> None:
        """Show ``widget`` under the ones already there (``post``: it is a chip or note that refills replace)."""
        self.layout_.insertWidget(self.layout_.count() - 1, widget)
        if post:
            self.shown.append(widget)

    def clear(self) -> None:
        """Remove the chips and notes."""
        for widget in self.shown:
            widget.hide()  # at once: deleteLater only acts when the event loop comes round
            widget.deleteLater()
        self.shown = []

    @property
    def chips(self) -> list[PostChip]:
        """The post chips in this cell."""
        return [w for w in self.shown if isinstance(w, PostChip)]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(MIME):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        job_id = int(bytes(event.mimeData().data(MIME).data()).decode())
        event.acceptProposedAction()
        self.dropped.emit(job_id, self.day, self.hour)


class ScheduleCalendar(QWidget):
    """Month or week view of the posts; ``rangeChanged(start, end)`` asks for the posts of the shown days (local
    dates), ``dropped(job_id, day, hour)`` says a post was dragged somewhere else."""

    rangeChanged = Signal(object, object)
    dropped = Signal(int, object, object)

    def __init__(self, zone: ZoneInfo, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.today = today
        self.anchor = today
        self.mode = "month"
        self.jobs: list[JobView] = []
        self.cells: list[DropCell] = []

        self.title = QLabel()
        self.title.setProperty("role", "heading")
        previous, following, today_button = QPushButton("‹"), QPushButton("›"), QPushButton(_("Today"))
        previous.clicked.connect(lambda: self.step(-1))
        following.clicked.connect(lambda: self.step(1))
        today_button.clicked.connect(lambda: self.go_to(self.today))
        self.month_button, self.week_button = QPushButton(_("Month")), QPushButton(_("Week"))
        modes = QButtonGroup(self)
        for button, mode in ((self.month_button, "month"), (self.week_button, "week")):
            button.setCheckable(True)
            modes.addButton(button)
            button.clicked.connect(lambda _=False, m=mode: self.set_mode(m))
        self.month_button.setChecked(True)
        bar = QHBoxLayout()
        for widget in (previous, following, today_button):
            bar.addWidget(widget)
        bar.addWidget(self.title, 1)
        bar.addWidget(self.month_button)
        bar.addWidget(self.week_button)

        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(1)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.grid_host)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)
        self.legend = QLabel("")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.legend)
        self.setStyleSheet("DropCell { background: palette(base); border: 1px solid palette(mid); }"
                           "DropCell[today=\"true\"] { border: 2px solid palette(highlight); }"
                           "DropCell[outside=\"true\"] { background: palette(window); }")
        self._rebuild()

    # -- navigation -------------------------------------------------------------------------------------------
    def visible_range(self) -> tuple[date, date]:
        """The first shown day and the day after the last."""
        if self.mode == "week":
            start = self.anchor - timedelta(days=self.anchor.weekday())
            return start, start + timedelta(days=7)
        first = self.anchor.replace(day=1)
        start = first - timedelta(days=first.weekday())
        return start, start + timedelta(days=42)

    def set_mode(self, mode: str) -> None:
        """Show a month or a week."""
        self.mode = mode
        (self.month_button if mode == "month" else self.week_button).setChecked(True)
        self._rebuild()

    def step(self, direction: int) -> None:
        """Show the next (1) or previous (-1) month or week."""
        if self.mode == "week":
            self.go_to(self.anchor + timedelta(days=7 * direction))
            return
        month = self.anchor.month - 1 + direction
        self.go_to(date(self.anchor.year + month // 12, month % 12 + 1, 1))

    def go_to(self, day: date) -> None:
        """Show the month or week of ``day``."""
        self.anchor = day
        self._rebuild()

    def set_jobs(self, jobs: list[JobView]) -> None:
        """Show these posts (those outside the visible days are ignored)."""
        self.jobs = jobs
        self._fill()
        names = sorted({job.platform for job in jobs})
        self.legend.setText("&nbsp;&nbsp;".join(
            f'<span style="color:{platform_colour(n)}">■</span> {display_name(n)}' for n in names)
            + ("&nbsp;&nbsp;&nbsp;" + "&nbsp;&nbsp;".join([_("✓ published"), _("✕ failed"), _("! needs you"),
                                                            _("drag a post to move it")]) if names else ""))

    # -- drawing ----------------------------------------------------------------------------------------------
    def _rebuild(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        self.cells = []
        start, end = self.visible_range()
        months = month_names()  # Babel's names in the interface language
        for column, name in enumerate(day_names()):
            day = start + timedelta(days=column)
            header = QLabel(name if self.mode == "month" else f"{name} {day:%d}")
            header.setAlignment(Qt.AlignmentFlag.AlignCenter)
            header.setProperty("role", "muted" if self.mode == "month" or day != self.today else "")
            if self.mode == "week" and day == self.today:
                header.setStyleSheet("font-weight: 600; color: palette(highlight);")
            self.grid.addWidget(header, 0, column + 1)
        if self.mode == "month":
            self.title.setText(f"{months[self.anchor.month - 1]} {self.anchor.year}")
            for index in range(42):
                day = start + timedelta(days=index)
                cell = self._cell(day, None)
                number = QLabel(str(day.day))
                number.setProperty("role", "muted")
                cell.add(number, post=False)
                cell.setProperty("outside", day.month != self.anchor.month)
                cell.setMinimumHeight(92)
                self.grid.addWidget(cell, index // 7 + 1, index % 7 + 1)
        else:
            self.title.setText(_("Week of {day}").format(day=f"{start.day} {months[start.month - 1]} {start.year}"))
            for row, hour in enumerate(WEEK_HOURS, start=1):
                label = QLabel(f"{hour:02d}:00")
                label.setProperty("role", "muted")
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                self.grid.addWidget(label, row, 0)
                for column in range(7):
                    cell = self._cell(start + timedelta(days=column), hour)
                    cell.setMinimumHeight(30)
                    self.grid.addWidget(cell, row, column + 1)
        for column in range(1, 8):
            self.grid.setColumnStretch(column, 1)
        self.rangeChanged.emit(start, end)
        self._fill()
        if self.mode == "week":
            QTimer.singleShot(0, self._scroll_to_first_post)

    def _scroll_to_first_post(self) -> None:
        # After layout (cell positions are known only then): the working day, or earlier if a post is earlier.
        hours = [c.hour for c in self.cells if c.chips and c.hour is not None]
        first = min([FIRST_SHOWN_HOUR, *hours])
        self.scroll.verticalScrollBar().setValue(self.cells[first * 7].y())

    def _cell(self, day: date, hour: int | None) -> DropCell:
        cell = DropCell(day, hour)
        cell.setProperty("today", day == self.today and hour is None)
        cell.dropped.connect(self.drop_job)
        self.cells.append(cell)
        return cell

    def _fill(self) -> None:
        by_cell: dict[tuple[date, int | None], list[JobView]] = defaultdict(list)
        for job in sorted(self.jobs, key=lambda j: (shown_at(j) or datetime.max.replace(tzinfo=self.zone), j.id)):
            when = shown_at(job)
            if when is None:
                continue
            local = when.astimezone(self.zone)
            hour = local.hour if self.mode == "week" else None
            by_cell[(local.date(), hour)].append(job)
        for cell in self.cells:
            cell.clear()
            jobs = by_cell.get((cell.day, cell.hour), [])
            shown = jobs if self.mode == "week" else jobs[:MONTH_CHIPS]
            for job in shown:
                cell.add(PostChip(job, self.zone))
            if len(jobs) > len(shown):
                more = QLabel(_("+{count} more").format(count=len(jobs) - len(shown)))
                more.setProperty("role", "muted")
                cell.add(more)

    def drop_job(self, job_id: int, day: date, hour: int | None) -> None:
        """The drop handler: a post was dropped on ``day`` (and ``hour``); the tab reschedules it."""
        self.dropped.emit(job_id, day, hour)


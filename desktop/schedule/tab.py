"""The Schedule tab: the calendar of posts, the live status list, the new-post wizard, and notifications.

It runs the core Publisher for the window (started once the window shows, stopped when it closes). Core reports
on worker threads through a plain callback; a small QObject turns that into a queued Qt signal, so every widget
is touched on the GUI thread only. Everything that writes or talks to a platform runs in the TaskRunner.
"""

from __future__ import annotations

import logging
import threading
from datetime import date, time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from core.app import App
from core.errors import SellerDeskError
from core.i18n import N_, _
from core.publishing.events import PublishEvent
from core.publishing.jobs import JobView, get_job, list_jobs
from core.publishing.service import Publisher
from core.publishing.timezones import Resolved, at_local, move_to_day
from core.sync.moves import request_move
from desktop.schedule.calendar import ScheduleCalendar, shown_at
from desktop.schedule.status_list import StatusList
from desktop.schedule.wizard import PostRequest, PostWizard
from desktop.tasks import TaskHandle, TaskRunner
from desktop.theme import icon

log = logging.getLogger(__name__)

RELOAD_DELAY_MS = 250  # many job events in a burst (a bulk action) cause one reload
NOTIFY = {"published": N_("Published"), "failed": N_("Could not publish"),
          "needs_attention": N_("Needs your attention")}


class PublishSignals(QObject):
    """Core publishing events, re-emitted as a Qt signal (safe to call from any thread)."""

    event = Signal(object)

    def relay(self, event: PublishEvent) -> None:
        """The core observer: hand ``event`` to the GUI thread."""
        self.event.emit(event)


class ScheduleTab(QWidget):
    """Plan posts on a calendar, watch them go out, and act on the ones that need the seller."""

    message = Signal(str)

    def __init__(self, app: App, tasks: TaskRunner, parent: QWidget | None = None, *,
                 publisher: Publisher | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.tasks = tasks
        self.publisher = publisher or Publisher(app)
        self.zone = self.publisher.zone
        self.wizard: PostWizard | None = None
        self.notes_box: QMessageBox | None = None  # the notes about the posts last scheduled
        self._started = self._closed = False
        self._publishing = False  # publisher.start() was called (from the writer pool)
        self._life = threading.Lock()  # a start under way and shutdown() never overlap
        self.signals = PublishSignals(self)
        self.signals.event.connect(self._on_event)
        self.publisher.add_observer(self.signals.relay)

        self.new_button = QPushButton(icon("add", "#ffffff"), _("New post…"))
        self.new_button.setProperty("primary", True)
        # clicked(bool) would arrive as product_ids: connect through a lambda so the wizard opens with none chosen.
        self.new_button.clicked.connect(lambda: self.new_post())
        self.pause_button = QPushButton(_("Pause publishing"))
        self.pause_button.setCheckable(True)
        self.pause_button.toggled.connect(self.set_paused)
        self.state = QLabel("")
        self.state.setProperty("role", "muted")
        bar = QHBoxLayout()
        bar.addWidget(self.state, 1)
        bar.addWidget(self.pause_button)
        bar.addWidget(self.new_button)

        self.calendar = ScheduleCalendar(self.zone, self.publisher.clock().astimezone(self.zone).date())
        self.calendar.dropped.connect(self.reschedule_to)
        self.status = StatusList(self.zone)
        self.status.retryRequested.connect(self.retry)
        self.status.cancelRequested.connect(self.cancel)
        self.status.moveRequested.connect(self.move_here)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.calendar)
        splitter.addWidget(self.status)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([840, 520])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        self._reload_timer = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.reload)
        self.tray = QSystemTrayIcon(icon("app"), self) if QSystemTrayIcon.isSystemTrayAvailable() else None
        QTimer.singleShot(0, self.start)

    # -- life -----------------------------------------------------------------------------------------------
    def start(self) -> None:
        """Start publishing for this window (once; never after the window closed).

        In the writer pool: starting reads the jobs, plans the schedule and may create its table, which must
        neither hold up the window nor meet another of the window's writes half-way.
        """
        window = self.window()
        if self._started or self._closed or (window is not self and not window.isVisible()):
            return  # (a window closed between making this tab and this call never told it: it stays stopped)
        self._started = True
        self.window().installEventFilter(self)
        self.tasks.start(_("Starting publishing"), self._start_publishing, on_success=self._publishing_started,
                         on_failure=self._publishing_failed, writes=True)

    def _start_publishing(self, _handle: TaskHandle) -> bool | None:
        with self._life:  # never after shutdown(), which waits for a start under way
            if self._closed:
                return None
            self._publishing = True
            return self.publisher.start()

    def _publishing_started(self, runner: bool | None) -> None:
        if runner:
            self.state.setText(_("Publishing is running: scheduled posts go out while SellerDesk is open."))
        if runner is not None:
            self.reload()

    def _publishing_failed(self, exc: Exception) -> None:
        text = str(exc) if isinstance(exc, SellerDeskError) else (
            _("Publishing could not start ({error}); the details are in the log.").format(error=type(exc).__name__))
        self.state.setText(text)
        self.message.emit(text)

    def shutdown(self) -> None:
        """Stop publishing (attempts under way may finish; an unfinished one is checked at the next start)."""
        with self._life:
            self._closed = True
        self._reload_timer.stop()
        if self._publishing:
            self._publishing = False
            self.publisher.stop()
            self.publisher.remove_observer(self.signals.relay)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close and watched is self.window():
            self.shutdown()
        return False

    # -- showing ----------------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the jobs again and show them (one indexed query, like the product list: no worker needed)."""
        if self._closed:
            return
        try:
            jobs = list_jobs(self.app.db)
        except SellerDeskError as exc:
            self.message.emit(str(exc))
            return
        self.calendar.set_jobs(jobs)
        self.status.set_jobs(jobs)

    def _on_event(self, event: PublishEvent) -> None:
        if self._closed:
            return
        if event.kind == "status":
            self.state.setText(event.message)
            if event.message.startswith("Jobs changed"):
                self._reload_timer.start()
        elif event.kind == "notice":  # a sale moved stock, or a fetch failed: the seller hears of it at once
            self.state.setText(event.message)
            # Stock moved, or sales came in (core.listings.polling's line, in the interface language).
            new_sales = _("{platform}: {count} new").split("{count}", 1)[-1]
            good = event.message.startswith("#") or new_sales in event.message
            self.notify("SellerDesk", event.message, ok=good)
        elif event.kind == "progress" and event.total:
            self.state.setText(_("Scheduling {done} of {total}: {note}").format(done=event.done, total=event.total,
                                                                                note=event.message))
        if event.job is not None:
            self.status.update_job(event.job)
            if event.job.state in NOTIFY and not event.message.endswith("…"):
                self.notify(_(NOTIFY[event.job.state]), event.job.next_step or event.message,
                            ok=event.job.state == "published")
            self._reload_timer.start()

    def notify(self, title: str, text: str, *, ok: bool) -> None:
        """A desktop notification where the system has a tray, else the status bar."""
        if self.tray is not None:
            self.tray.show()
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information if ok
                                  else QSystemTrayIcon.MessageIcon.Warning, 8000)
        else:
            self.message.emit(f"{title}: {text}")

    # -- acting ------------------------------------------------------------------------------------------------
    def new_post(self, product_ids: list[int] | None = None) -> PostWizard:
        """Open the new-post wizard (not modal for the rest of the window's work); confirming schedules the posts."""
        self.wizard = PostWizard(self.app, self.publisher.clock(), self, product_ids)
        self.wizard.accepted.connect(lambda: self.create_posts(self.wizard.request()))  # type: ignore[union-attr]
        self.wizard.open()
        return self.wizard

    def create_posts(self, request: PostRequest) -> TaskHandle:
        """Schedule the wizard's choices in the background, with progress; report what was skipped."""
        def work(handle: TaskHandle) -> object:
            return self.publisher.schedule(request.product_ids, request.platforms, request.when,
                                           spread_days=request.spread_days, cancel=handle.cancel_event,
                                           progress=lambda d, t, text: handle.signals.progress.emit(d, t, text))

        def done(result: object) -> None:
            jobs, skipped = result.jobs, result.skipped  # type: ignore[attr-defined]
            text = _("Scheduled 1 post.") if len(jobs) == 1 else _("Scheduled {count} posts.").format(count=len(jobs))
            if skipped:
                text += " " + _("Skipped {count}:").format(count=len(skipped)) + " " + "; ".join(skipped[:3]) + (
                    "…" if len(skipped) > 3 else "")
            self.message.emit(text)
            self.state.setText(text)
            self.show_notes(text, result.notes)  # type: ignore[attr-defined]
            self.reload()

        return self.tasks.start(_("Scheduling posts"), work, on_success=done, on_failure=self._failed, writes=True,
                                cancellable=True, unit="posts")

    def show_notes(self, summary: str, notes: list[str]) -> None:
        """What the seller should know about the posts just scheduled (a sign-in that ends before some of them, a
        time moved by a clock change), in a box that stays until read and does not hold up the window."""
        if not notes:
            return
        if self.notes_box is not None:
            self.notes_box.deleteLater()  # the last batch's notes, read or not
        self.notes_box = QMessageBox(QMessageBox.Icon.Warning, _("Before these posts go out"),
                                     summary + "\n\n" + "\n\n".join(notes), QMessageBox.StandardButton.Ok, self)
        self.notes_box.open()

    def reschedule_to(self, job_id: int, day: date, hour: int | None) -> None:
        """A post was dropped on ``day`` (and ``hour``): move it there, keeping its minutes (DST-safe)."""
        job = self.status.jobs.get(job_id) or get_job(self.app.db, job_id)
        try:
            target = self._target(job, day, hour)
        except SellerDeskError as exc:
            self.message.emit(str(exc))
            return
        if target.utc <= self.publisher.clock():
            self.message.emit(_("{post}: that time has already passed; drop it on a later day or hour.").format(
                post=job.label))
            return
        if target.message:
            self.message.emit(target.message)
        self.tasks.start(_("Rescheduling"), lambda _h: self.publisher.reschedule(job_id, target.utc),
                         on_success=lambda _v: self.reload(), on_failure=self._failed, writes=True)

    def _target(self, job: JobView, day: date, hour: int | None) -> Resolved:
        current = shown_at(job) or self.publisher.clock()
        if hour is None:
            return move_to_day(current, day, self.zone)
        return at_local(day, time(hour, current.astimezone(self.zone).minute), self.zone)

    def retry(self, job_id: int) -> None:
        """Send a failed or stuck post again now."""
        self.tasks.start(_("Retrying"), lambda _h: self.publisher.retry(job_id), on_success=lambda _v: self.reload(),
                         on_failure=self._failed, writes=True)

    def cancel(self, job_id: int) -> None:
        """Cancel a post that has not gone out."""
        self.tasks.start(_("Cancelling"), lambda _h: self.publisher.cancel(job_id), on_success=lambda _v: self.reload(),
                         on_failure=self._failed, writes=True)

    def move_here(self, job_id: int) -> TaskHandle:
        """Ask the computer that publishes a synced post to hand it to this one (core.sync.moves), then sync."""
        def asked(owner: object) -> None:
            text = _("Asked {computer} to hand the post over; it moves once both computers have synced, unless "
                     "{computer} has started publishing it.").format(computer=owner)
            self.state.setText(text)
            self.message.emit(text)
            self.reload()
            sync = getattr(self.window(), "sync", None)  # the main window's sync, when there is one: sync now
            if sync is not None and hasattr(sync, "controller"):
                sync.controller.sync_now()

        return self.tasks.start(_("Moving the post"), lambda _h: request_move(self.app.db, job_id),
                                on_success=asked, on_failure=self._failed, writes=True)

    def set_paused(self, paused: bool) -> None:
        """Pause or resume publishing."""
        if paused:
            self.publisher.pause()
        else:
            self.publisher.resume()
        self.pause_button.setText(_("Resume publishing") if paused else _("Pause publishing"))

    def _failed(self, exc: Exception) -> None:
        self.message.emit(str(exc) if isinstance(exc, SellerDeskError) else
                          _("Something went wrong ({error}); the details are in {folder}.").format(
                              error=type(exc).__name__, folder=self.app.logs_dir))

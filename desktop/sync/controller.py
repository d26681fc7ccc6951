"""The window's side of sync: rounds in the TaskRunner (never on the GUI thread), a periodic timer, and the status
the status bar shows. Core does the work; this only schedules it and passes results on as signals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from core.app import App
from core.i18n import _
from core.sync.account import SyncAccount
from core.sync.conflicts import Keep, resolve
from core.sync.devices import account_devices, rename
from core.sync.engine import RoundReport, sync_now
from core.sync.status import SyncStatus, read_status
from desktop.tasks import TaskHandle, TaskRunner
from server.client_models import DeviceInfo

_FIRST_ROUND_MS = 3_000  # after start-up, once the window is up


class SyncController(QObject):
    """Runs sync for one window; ``status_changed`` carries a fresh SyncStatus after anything that may change it."""

    status_changed = Signal(object)  # SyncStatus
    syncing_changed = Signal(bool)
    message = Signal(str)
    data_changed = Signal()  # records changed here by a round or a resolution: views should read again

    def __init__(self, app: App, tasks: TaskRunner, parent: QObject | None = None,
                 account: SyncAccount | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.tasks = tasks
        self.account = account or SyncAccount(app)
        self._round: TaskHandle | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._timer_round)
        self._stopped = False

    @property
    def syncing(self) -> bool:
        """Whether a round is running now."""
        return self._round is not None

    def start(self) -> None:
        """Begin periodic syncing (every ``sync.interval_seconds``) and sync soon if signed in."""
        self.timer.start(int(self.app.settings.get("sync.interval_seconds")) * 1000)
        if self.status().email is not None:
            QTimer.singleShot(_FIRST_ROUND_MS, self, self._timer_round)
        self.refresh()

    def stop(self) -> None:
        """Stop the timer and cancel a running round (the window is closing)."""
        self._stopped = True
        self.timer.stop()
        if self._round is not None:
            self._round.cancel()

    def status(self) -> SyncStatus:
        """The status now (a few small database reads)."""
        return read_status(self.app)

    def refresh(self) -> None:
        """Tell the status bar where sync stands."""
        self.status_changed.emit(self.status())

    def sync_now(self) -> None:
        """Start a round now (the seller asked), unless one is running or nobody is signed in."""
        self._start_round(manual=True)

    def _timer_round(self) -> None:
        self._start_round(manual=False)

    def _start_round(self, *, manual: bool) -> None:
        if self._stopped or self._round is not None or self.status().email is None:
            self.refresh()
            return
        self._round = self.tasks.start(_("Syncing"), lambda handle: sync_now(self.account, handle.cancel_event.is_set),
                                       on_success=lambda report: self._round_done(None, manual, report),
                                       on_failure=lambda exc: self._round_done(exc, manual))
        self.syncing_changed.emit(True)

    def _round_done(self, error: Exception | None, manual: bool, report: RoundReport | None = None) -> None:
        self._round = None
        self.syncing_changed.emit(False)
        if report is not None and (report.pulled or report.conflicts or report.photos_down):
            self.data_changed.emit()
        # The status button already says "Offline"; a background round repeating it every few minutes is noise.
        if error is not None and not self._stopped and (manual or getattr(error, "problem", "") != "offline"):
            self.message.emit(str(error))
        self.refresh()

    def sign_in(self, email: str, password: str, *, create: bool, server_url: str,
                on_success: Callable[[str], None], on_failure: Callable[[Exception], None]) -> None:
        """Sign in (or register) in the background; a first round follows at once."""
        def done(signed_in: str) -> None:
            on_success(signed_in)
            if not create:
                self.message.emit(_("Signed in as {email}. Syncing…").format(email=signed_in))
            self.sync_now()

        self.tasks.start(_("Signing in"), lambda _h: self.account.sign_in(email, password, create=create,
                                                                         server_url=server_url),
                         on_success=done, on_failure=on_failure)

    def resend_verification(self, on_success: Callable[[str], None],
                            on_failure: Callable[[Exception], None]) -> None:
        """Ask the service (in the background) to email the confirmation link again."""
        self.tasks.start(_("Asking for the email again"), lambda _h: self.account.resend_verification(),
                         on_success=on_success, on_failure=on_failure)

    def request_password_reset(self, email: str, server_url: str, on_success: Callable[[str], None],
                               on_failure: Callable[[Exception], None]) -> None:
        """Have a reset code emailed (in the background)."""
        self.tasks.start(_("Asking for a reset code"),
                         lambda _h: self.account.request_password_reset(email, server_url=server_url),
                         on_success=on_success, on_failure=on_failure)

    def reset_password(self, code: str, new_password: str, server_url: str, on_success: Callable[[Any], None],
                       on_failure: Callable[[Exception], None]) -> None:
        """Set a new password with the emailed code (in the background); every computer is signed out."""
        def done(result: Any) -> None:
            on_success(result)
            self.refresh()

        self.tasks.start(_("Setting the new password"),
                         lambda _h: self.account.reset_password(code, new_password, server_url=server_url),
                         on_success=done, on_failure=on_failure)

    def rename_computer(self, name: str, on_success: Callable[[str], None],
                        on_failure: Callable[[Exception], None]) -> None:
        """Rename this computer (in the background); the next round tells the service and the other computers."""
        self.tasks.start(_("Renaming this computer"), lambda _h: rename(self.app.db, name),
                         on_success=on_success, on_failure=on_failure)

    def list_devices(self, on_success: Callable[[list[DeviceInfo]], None],
                     on_failure: Callable[[Exception], None]) -> None:
        """The computers signed in to the account, as the service lists them (in the background)."""
        self.tasks.start(_("Listing your computers"), lambda _h: account_devices(self.account),
                         on_success=on_success, on_failure=on_failure)

    def sign_out(self) -> None:
        """Sign out in the background; local data stays."""
        def done(_result: Any) -> None:
            self.message.emit(_("Signed out. Your data stays on this computer."))
            self.refresh()

        self.tasks.start(_("Signing out"), lambda _h: self.account.sign_out(), on_success=done,
                         on_failure=lambda exc: self.message.emit(str(exc)))

    def resolve(self, conflict_id: str, keep: Keep, on_success: Callable[[Any], None],
                on_failure: Callable[[Exception], None]) -> None:
        """Settle a conflict in the background."""
        def done(result: Any) -> None:
            on_success(result)
            self.data_changed.emit()
            self.refresh()

        self.tasks.start(_("Resolving a conflict"), lambda _h: resolve(self.account, conflict_id, keep),
                         on_success=done, on_failure=on_failure)

"""Updates in the window: a quiet check after start (``updates.check``), Help › Check for updates…, the download in
the background with progress and Cancel, and the new version put in place when the window closes (core/updates.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from core.errors import SellerDeskError
from core.i18n import N_, _
from desktop.tasks import TaskHandle

if TYPE_CHECKING:
    from core.updates import Updater
    from desktop.main_window import MainWindow

ACTION_TEXT = N_("Check for &updates…")
START_DELAY_MS = 5000  # after the first paint and the tabs; the check itself runs in a worker


class UpdatesUi(QObject):
    """The Help menu entry, the start-up check, and applying a downloaded update at close."""

    def __init__(self, window: MainWindow, updater: Updater | None = None) -> None:
        super().__init__(window)
        self.window = window
        self._updater = updater
        self.handle: TaskHandle | None = None
        self.action = QAction(_(ACTION_TEXT), window)
        self.action.triggered.connect(lambda: self.check(asked=True))
        help_menu = next((a.menu() for a in window.menuBar().actions() if a.text() == _("&Help")), None)
        if help_menu is not None:  # before About, which stays last
            about = next((a for a in help_menu.actions() if a.text() == _("&About SellerDesk")), None)
            help_menu.insertAction(about, self.action)
        window.installEventFilter(self)
        if window.app.settings.get("updates.check"):
            QTimer.singleShot(START_DELAY_MS, self, lambda: self.check(asked=False))

    @property
    def updater(self) -> Updater:
        """The update client (made on first use: its module and the paths it works out wait until then)."""
        if self._updater is None:
            from core.updates import Updater

            self._updater = Updater.from_settings(self.window.app.settings)
        return self._updater

    @updater.setter
    def updater(self, updater: Updater) -> None:
        self._updater = updater

    def check(self, *, asked: bool) -> TaskHandle | None:
        """Ask the feed in a worker; a newer version is downloaded in the background at once."""
        reason = self.updater.unavailable()
        if reason:
            if asked:
                QMessageBox.information(self.window, _("Updates"),
                                        _("SellerDesk cannot update itself: {reason}.").format(reason=reason))
            return None

        from core.updates import Update

        def found(update: object) -> None:
            if isinstance(update, Update):
                self.window.show_message(_("SellerDesk {version} is available: downloading it in the "
                                           "background.").format(version=update.version))
                self.download()
            elif asked:
                QMessageBox.information(self.window, _("Updates"), _("SellerDesk {version} is the newest version.")
                                        .format(version=self.updater.current))

        def failed(exc: Exception) -> None:
            if asked:
                self.window.show_error(exc)
            else:  # a quiet check says so in the status bar only
                self.window.show_message(str(exc) if isinstance(exc, SellerDeskError) else _("Update check failed."))

        self.handle = self.window.tasks.start(_("Checking for updates"), lambda _h: self.updater.check(),
                                              on_success=found, on_failure=failed)
        return self.handle

    def download(self) -> TaskHandle:
        """Download, check and stage the update, with progress in MB and Cancel."""
        def work(handle: TaskHandle) -> object:
            return self.updater.download(progress=lambda done, total, _what: handle.signals.progress.emit(
                done // 1_000_000, max(total // 1_000_000, 1), ""), cancel=handle.cancel_event)

        def done(staged: object) -> None:
            if staged is not None:
                version = getattr(staged, "version", "")
                self.window.show_message(_("SellerDesk {version} is ready: it is put in place when you close "
                                           "SellerDesk, and runs from the next start.").format(version=version))

        self.handle = self.window.tasks.start(_("Downloading the update"), work, cancellable=True, unit="MB",
                                              on_success=done, on_failure=self.window.show_error)
        return self.handle

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close and watched is self.window:
            try:
                self.updater.apply()  # a staged update only; on Windows tufup's script finishes after exit
            except (OSError, SellerDeskError) as exc:
                self.window.show_error(exc)
        return False


def install_updates_ui(window: MainWindow) -> UpdatesUi:
    """Add Help › Check for updates… and the quiet start-up check to ``window``."""
    return UpdatesUi(window)

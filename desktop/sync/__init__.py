"""Sync in the window: the Account menu, the status bar button, sign-in and conflict dialogs, background rounds."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from core.i18n import _
from desktop.sync.controller import SyncController
from desktop.sync.status_widget import SyncStatusButton

if TYPE_CHECKING:
    from desktop.main_window import MainWindow


class SyncUi(QObject):
    """What ``install_sync_ui`` adds to a main window, kept together so the window holds one reference."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.controller = SyncController(window.app, window.tasks, self)
        self.button = SyncStatusButton()
        window.statusBar().addPermanentWidget(self.button)
        self.controller.status_changed.connect(self.button.show_status)
        self.controller.syncing_changed.connect(self.button.set_syncing)
        self.button.sign_in_requested.connect(self.sign_in)
        self.button.confirm_requested.connect(self.confirm_email)
        self.button.conflicts_requested.connect(self.resolve_conflicts)
        self.button.sync_requested.connect(self.controller.sync_now)

        menu = window.menuBar()
        self.menu = menu.addMenu(_("&Account"))
        help_menu = next((a for a in menu.actions() if a.text() == _("&Help")), None)
        if help_menu is not None:  # Help stays last
            menu.insertMenu(help_menu, self.menu)
        self.sign_in_action = self._add(_("Sign &in…"), self.sign_in)
        self.sync_action = self._add(_("&Sync now"), self.controller.sync_now, "F5")
        self.conflicts_action = self._add(_("&Resolve conflicts…"), self.resolve_conflicts)
        self.computers_action = self._add(_("Your &computers…"), self.show_computers)
        self.menu.addSeparator()
        self.sign_out_action = self._add(_("Sign &out"), self.sign_out)
        self.controller.status_changed.connect(self._update_actions)
        self.controller.data_changed.connect(self._reload_views)
        window.installEventFilter(self)

    def _add(self, text: str, slot: Callable[[], None], shortcut: str | None = None) -> QAction:
        action = self.menu.addAction(text)
        if shortcut:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    def _update_actions(self, status: object) -> None:
        from core.sync.status import SyncStatus

        assert isinstance(status, SyncStatus)
        signed_in = status.email is not None
        self.sign_in_action.setText(_("Sign &in…") if not signed_in else
                                    _("Signed in as {email}").format(email=status.email))
        self.sign_in_action.setEnabled(not signed_in)
        self.sync_action.setEnabled(signed_in)
        self.sign_out_action.setEnabled(signed_in)
        self.conflicts_action.setEnabled(status.conflicts > 0)

    def _reload_views(self) -> None:
        # The tabs read the database only when asked; after a round brought others' changes, ask.
        products = getattr(self.window, "products", None)
        if products is not None and hasattr(products, "model"):
            products.model.refresh()
            # The open product too: shown as it is now, or (with unsaved edits) the editor asks which side stays.
            editor = products.editor
            editor.refresh_from_database()
            if editor.isEnabled() and editor.product_id is not None:
                products.select(editor.product_id)
        schedule = getattr(self.window, "schedule", None)
        if schedule is not None and hasattr(schedule, "reload"):
            schedule.reload()

    def sign_in(self) -> None:
        """Open the sign-in dialog (not blocking the window)."""
        from desktop.sync.signin_dialog import SignInDialog

        dialog = SignInDialog(self.controller, self.window)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def confirm_email(self) -> None:
        """Open the sign-in dialog at "check your email", with Resend."""
        from desktop.sync.signin_dialog import SignInDialog

        dialog = SignInDialog(self.controller, self.window)
        dialog.show_confirm(self.controller.account.email or "")
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def resolve_conflicts(self) -> None:
        """Open the conflict comparison."""
        from desktop.sync.conflict_dialog import ConflictDialog

        dialog = ConflictDialog(self.controller, self.window)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def show_computers(self) -> None:
        """Open this computer's name and the account's computers."""
        from desktop.sync.computers_dialog import ComputersDialog

        dialog = ComputersDialog(self.controller, self.window)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def sign_out(self) -> None:
        """Ask, then sign out (local data stays)."""
        answer = QMessageBox.question(self.window, _("Sign out of sync"),
                                      _("Sign this computer out? Everything stays on this computer; changes you "
                                        "make meanwhile are sent when you sign in again."))
        if answer == QMessageBox.StandardButton.Yes:
            self.controller.sign_out()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Stop syncing when the window closes (before it waits for its background work)."""
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.controller.stop()
        return False


def install_sync_ui(window: MainWindow) -> SyncUi:
    """Give ``window`` its Account menu, the sync status in its status bar, and periodic background sync."""
    ui = SyncUi(window)
    ui.controller.message.connect(window.show_message)
    ui.controller.start()
    return ui

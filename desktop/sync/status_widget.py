"""The status bar's sync button: signed out / syncing… / up to date HH:MM / N conflicts / offline.

Clicking it does the obvious next thing: sign in, resolve the conflicts, or sync now.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QToolButton, QWidget

from core.i18n import _
from core.sync.status import SyncStatus

_COLOURS = {"signed_out": "#7b8794", "offline": "#d68a1a", "paused": "#d68a1a", "conflicts": "#d64545",
            "waiting": "#2f6fdf", "up_to_date": "#2e9e5b", "syncing": "#2f6fdf"}


class SyncStatusButton(QToolButton):
    """Shows the sync status; emits what a click asks for."""

    sign_in_requested = Signal()
    conflicts_requested = Signal()
    sync_requested = Signal()
    confirm_requested = Signal()  # the account's email address is not confirmed yet

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoRaise(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.status: SyncStatus | None = None
        self.syncing = False
        self.clicked.connect(self._clicked)
        self.setText(_("Sync: signed out"))

    def show_status(self, status: SyncStatus) -> None:
        """Show ``status`` (unless a round is running, which shows "Syncing…" until it ends)."""
        self.status = status
        self._render()

    def set_syncing(self, syncing: bool) -> None:
        """Show or end the "Syncing…" state."""
        self.syncing = syncing
        self._render()

    def _render(self) -> None:
        status = self.status
        state = "syncing" if self.syncing else (status.state if status else "signed_out")
        text = _("Syncing…") if self.syncing else (status.summary if status else _("Sync: signed out"))
        self.setText(f"● {text}")
        self.setStyleSheet(f"QToolButton {{ color: {_COLOURS[state]}; padding: 2px 8px; }}")
        tip = status.detail if status else ""
        action = {"signed_out": _("Click to sign in."), "conflicts": _("Click to compare and choose.")}.get(
            status.state if status else "signed_out", _("Click to sync now."))
        if status is not None and status.problem_kind == "unconfirmed":
            action = _("Click to see which address to check, or to have the email sent again.")
        self.setToolTip(f"{tip}\n{action}".strip())
        self.setAccessibleName(_("Sync status: {status}").format(status=text))

    def _clicked(self) -> None:
        state = self.status.state if self.status else "signed_out"
        if state == "signed_out":
            self.sign_in_requested.emit()
        elif self.status is not None and self.status.problem_kind == "unconfirmed":
            self.confirm_requested.emit()
        elif state == "conflicts":
            self.conflicts_requested.emit()
        else:
            self.sync_requested.emit()

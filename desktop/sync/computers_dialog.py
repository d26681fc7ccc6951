"""This computer's name (as the seller's other computers show it: "scheduled on Shop PC") and the account's
computers, from the Account menu."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _, format_when
from core.publishing.timezones import seller_zone
from core.sync.devices import NAME_MAX, this_computer
from desktop.sync.controller import SyncController


class ComputersDialog(QDialog):
    """Rename this computer; list the computers signed in to the account (read in the background)."""

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle(_("Your computers"))
        self.name = QLineEdit(this_computer(controller.app.db), maxLength=NAME_MAX)
        self.rename = QPushButton(_("Rename"))
        self.rename.clicked.connect(self._rename)
        self.notice = QLabel("", wordWrap=True)
        self.notice.setProperty("role", "muted")
        self.error = QLabel("", wordWrap=True)
        self.error.setProperty("role", "error")
        self.error.hide()
        named = QGroupBox(_("This computer's name"))
        naming = QGridLayout(named)
        naming.addWidget(QLabel(_("Your other computers show this name on the posts this computer publishes and in "
                                  "their list of computers, once both have synced."), wordWrap=True), 0, 0, 1, 2)
        naming.addWidget(self.name, 1, 0)
        naming.addWidget(self.rename, 1, 1)
        naming.addWidget(self.notice, 2, 0, 1, 2)
        naming.addWidget(self.error, 3, 0, 1, 2)

        self.devices = QListWidget(minimumHeight=120)
        listed = QGroupBox(_("Computers signed in to your account"))
        QVBoxLayout(listed).addWidget(self.devices)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        for part in (named, listed):
            layout.addWidget(part)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.setMinimumWidth(460)
        self._renamed_since_round = False
        controller.syncing_changed.connect(self._syncing_changed)
        self.load_devices()

    def load_devices(self) -> None:
        """Ask the service for the account's computers (signed out: say so instead)."""
        self.devices.clear()
        if self.controller.status().email is None:
            self.devices.addItem(_("Sign in to see the computers of your account."))
            return
        self.devices.addItem(_("Asking the sync service…"))
        self.controller.list_devices(on_success=self._show_devices, on_failure=self._devices_failed)

    def _show_devices(self, devices: Any) -> None:
        self.devices.clear()
        zone = seller_zone(str(self.controller.app.settings.get("general.timezone") or ""))
        for device in devices:
            seen = format_when(device.last_seen_at.astimezone(zone), "dd MMM yyyy, HH:mm")
            self.devices.addItem(_("{computer} (this computer)").format(computer=device.name) if device.current
                                 else _("{computer} — last seen {time}").format(computer=device.name, time=seen))

    def _devices_failed(self, exc: Exception) -> None:
        self.devices.clear()
        self.devices.addItem(str(exc))

    def _rename(self) -> None:
        self.rename.setEnabled(False)
        self.error.hide()
        self.controller.rename_computer(self.name.text(), on_success=self._renamed, on_failure=self._failed)

    def _renamed(self, name: object) -> None:
        self.rename.setEnabled(True)
        self.name.setText(str(name))
        self.notice.setText(_("This computer is now called {name}. Your other computers show it after their next "
                              "sync.").format(name=name))
        if self.controller.status().email is not None:
            self._renamed_since_round = True
            self.controller.sync_now()  # tells the service (and sends this computer's posts with the new name)

    def _syncing_changed(self, syncing: bool) -> None:
        # The round after a rename has told the service: the list shows the new name without reopening.
        if not syncing and self._renamed_since_round:
            self._renamed_since_round = False
            self.load_devices()

    def _failed(self, exc: Exception) -> None:
        self.rename.setEnabled(True)
        self.error.setText(str(exc))
        self.error.show()

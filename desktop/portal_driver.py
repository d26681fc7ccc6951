"""Help › Add Indian marketplaces…: the window's way to add the optional portal driver (core/components.py).

The seller is told what it is for and how big it is, confirms, and the download runs in a worker with progress and
Cancel in the status bar; only a file whose SHA-256 matches this build is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from core.i18n import N_, _
from desktop.tasks import TaskHandle

if TYPE_CHECKING:
    from desktop.main_window import MainWindow

ACTION_TEXT = N_("Add &Indian marketplaces (Meesho, Snapdeal, IndiaMART)…")


class PortalDriverUi(QObject):
    """The Help menu entry and the work it starts."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.handle: TaskHandle | None = None
        help_menu = next((a.menu() for a in window.menuBar().actions() if a.text() == _("&Help")), None)
        self.action = QAction(_(ACTION_TEXT), window)
        self.action.triggered.connect(lambda: self.offer())
        if help_menu is not None:  # before About, which stays last
            about = next((a for a in help_menu.actions() if a.text() == _("&About SellerDesk")), None)
            help_menu.insertAction(about, self.action)

    def offer(self) -> None:
        """Say what the part is for and its size; add it when the seller agrees."""
        from core.components import PURPOSE, status  # (and tarfile, lzma, bz2): when asked, not at start-up

        try:
            found = status()
        except Exception as exc:  # a damaged manifest: tell the seller, as any other error
            self.window.show_error(exc)
            return
        if not found.needed or found.installed:
            QMessageBox.information(self.window, _("Indian marketplaces"), found.describe())
            return
        size = found.manifest.size / 1e6 if found.manifest else 0
        answer = QMessageBox.question(
            self.window, _("Add Indian marketplaces?"),
            _(PURPOSE) + "\n\n" + _("Download it now ({size} MB)? It is checked against this version of SellerDesk "
                                      "before it is used.").format(size=f"{size:.0f}"))
        if answer == QMessageBox.StandardButton.Yes:
            self.start()

    def start(self) -> TaskHandle:
        """Download and add the part in a worker, with progress in MB and Cancel."""
        from core.components import install

        def work(handle: TaskHandle) -> object:
            return install(progress=lambda done, total, _what: handle.signals.progress.emit(
                done // 1_000_000, max(total // 1_000_000, 1), ""), cancel=handle.cancel_event)

        self.handle = self.window.tasks.start(
            _("Adding Indian marketplaces"), work, cancellable=True, unit="MB",
            on_success=lambda _node: self.window.show_message(
                _("Indian marketplaces added: Meesho, Snapdeal and IndiaMART can be connected in Platforms.")),
            on_failure=self.window.show_error)
        return self.handle


def install_portal_driver_ui(window: MainWindow) -> PortalDriverUi:
    """Add Help › Add Indian marketplaces… to ``window``."""
    return PortalDriverUi(window)

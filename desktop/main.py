"""Starting the desktop app: the Qt application, the core App context, the main window."""

from __future__ import annotations

import gc
import sys

from core.errors import SellerDeskError


def settle_after_start() -> None:
    """Move everything start-up allocated out of the garbage collector's sight.

    Start-up leaves half a million long-lived objects (Qt wrappers, SQLAlchemy, Babel data); without this the
    first full collection lands on the seller's first keystroke as a 40 ms stall.
    """
    gc.collect()
    gc.freeze()


def run_gui(data_dir: str | None = None) -> int:
    """Open the main window on ``data_dir`` (or the default data dir) and run until it closes."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from core.app import App
    from core.logs import setup_logging, stop_logging
    from desktop.main_window import MainWindow
    from desktop.theme import apply_theme
    from desktop.welcome import WelcomeDialog

    qt_app = QApplication.instance() or QApplication(sys.argv)
    qt_app.setApplicationName("SellerDesk")
    qt_app.setOrganizationName("SellerDesk")
    try:
        app = App(data_dir)
        setup_logging(app.logs_dir, app.settings.get("logging.level"))
        # Open and migrate now, so a damaged or too-new database is reported before the window shows.
        _ = app.db
    except SellerDeskError as exc:
        QMessageBox.critical(None, "SellerDesk cannot start", str(exc))
        return 1
    apply_theme(qt_app, app.settings.get("general.theme"))
    if not app.settings.get("general.first_run_done"):
        WelcomeDialog(app).exec()
    window = MainWindow(app)
    window.show()
    settle_after_start()
    try:
        return qt_app.exec()
    finally:
        app.close()
        stop_logging()

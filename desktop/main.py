"""Starting the desktop app: the Qt application, the core App context, the main window."""

from __future__ import annotations

import sys

from core.errors import SellerDeskError


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
    try:
        return qt_app.exec()
    finally:
        app.close()
        stop_logging()

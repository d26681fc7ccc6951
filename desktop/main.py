"""Starting the desktop app: the Qt application, the core App context, the main window."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import SellerDeskError

if TYPE_CHECKING:
    from core.app import App
    from desktop.main_window import MainWindow


def lighten_imports() -> None:
    """Import less, keep less of what is imported, and do not garbage-collect while importing (call first, before
    PySide6 is imported; desktop.gui_thread.settle_after_start collects once the window has painted).

    httpx loads its command-line client (rich, click and pygments: 80 modules, 6 MB and 45 ms) whenever they are
    installed; the window never runs it, so it is marked absent and httpx falls back to its stub.

    Start-up makes half a million objects that live as long as the window (modules, classes, Qt wrappers) and
    almost no garbage, yet the collector's thresholds set off a dozen collections meanwhile, two of them full ones
    that scan everything made so far: about 100 ms of the wait for the first paint, collecting nothing.
    """
    sys.modules.setdefault("httpx._main", None)  # type: ignore[assignment]
    gc.disable()
    lighten_pyside_imports()


def lighten_pyside_imports() -> None:
    """Let PySide6 see which modules use it without keeping every module's source in memory.

    PySide6 asks of every module imported after it (and of all imported before it, on its first use) whether the
    module's source mentions "PySide6" (PYSIDE-2029, for its ``__feature__`` switches), through
    ``inspect.getsource``: that reads the source of a thousand modules at start-up and keeps all their lines in
    ``linecache`` (about 30 MB, and part of the wait for the first paint). Here the same question is asked of the
    file's bytes, kept nowhere. Call before the first PySide6 import; a PySide6 without the hook is left alone.
    """
    import shiboken6  # noqa: F401  (loads the hook's module, before the hook first runs)

    feature = sys.modules.get("shibokensupport.feature")
    asks_source = getattr(feature, "_mod_uses_pyside", None)
    if asks_source is None or getattr(asks_source, "reads_bytes", False):
        return

    def uses_pyside(module: object) -> bool:
        path = getattr(module, "__file__", None)
        if not (isinstance(path, str) and path.endswith(".py")):
            return bool(asks_source(module))  # built-in, compiled or source-less: as PySide6 answers it
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return bool(asks_source(module))

    uses_pyside.reads_bytes = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[union-attr]


def install_crash_reports(app: App) -> None:
    """Save a report of any uncaught error and offer to copy it (a worker thread's error too)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from core.trust.crash import install

    def tell(path: Path) -> None:
        def show() -> None:
            box = QMessageBox(QMessageBox.Icon.Critical, "SellerDesk ran into a problem",
                              "Something went wrong. Your work is saved. A report without passwords or tokens "
                              f"was written to:\n{path}")
            copy = box.addButton("Copy report", QMessageBox.ButtonRole.ActionRole)
            box.addButton(QMessageBox.StandardButton.Close)
            box.exec()
            if box.clickedButton() is copy:
                QApplication.clipboard().setText(path.read_text(encoding="utf-8"))

        QTimer.singleShot(0, QApplication.instance(), show)  # on the GUI thread, whichever thread crashed

    install(app.data_dir, tell)


def check_database(app: App) -> bool:
    """Integrity check and today's backup; a damaged database is offered its newest backup back."""
    from core.trust.backup import daily_maintenance

    done = daily_maintenance(app.data_dir)
    return done.healthy or offer_backup(app, done.integrity)


def offer_backup(app: App, integrity: str) -> bool:
    """Tell the seller the database is damaged (SQLite found ``integrity``) and offer its newest backup back; True
    when the backup was put in its place."""
    from PySide6.QtWidgets import QMessageBox

    from core.trust.backup import daily_backups, restore_backup

    backups = daily_backups(app.data_dir)
    if not backups:
        QMessageBox.critical(None, "SellerDesk", f"The database is damaged ({integrity}) and there is no "
                             "backup yet. Nothing was changed; please contact support with the crash report.")
        return False
    answer = QMessageBox.question(None, "SellerDesk", f"The database is damaged ({integrity}).\n\nRestore "
                                  f"the backup {backups[-1].name}? Changes made after it are lost; the damaged "
                                  "file is kept beside it.")
    if answer != QMessageBox.StandardButton.Yes:
        return False
    app.close()  # the window's read-only connection too: the file is moved aside
    restore_backup(app.data_dir, backups[-1])
    return True


def prepare_database(app: App) -> bool:
    """Before the window: False when the seller declined a damaged database (nothing to show).

    On an ordinary start (the welcome done, the database at this version's schema) nothing is opened here: the
    window shows its first frame from read-only reads, and the full check runs in the background after it; until
    it has passed, nothing can write (App.check_before_open). Otherwise the database is checked and opened (and
    migrated: a database too new is refused) before the window.
    """
    from core.db import DB_FILE, SCHEMA_HEAD
    from core.db.reads import schema_revision

    if app.settings.get("general.first_run_done") and schema_revision(app.data_dir / DB_FILE) == SCHEMA_HEAD:
        app.check_before_open = True
        return True
    if not check_database(app):
        return False
    _ = app.db
    return True


def show_main_window(app: App) -> MainWindow:
    """The main window on ``app``, shown; the garbage collector catches up once it has painted."""
    from desktop.gui_thread import settle_after_start
    from desktop.main_window import MainWindow

    window = MainWindow(app)
    window.firstPainted.connect(settle_after_start)
    window.show()
    return window


def run_gui(data_dir: str | None = None) -> int:
    """Open the main window on ``data_dir`` (or the default data dir) and run until it closes."""
    lighten_imports()
    from PySide6.QtWidgets import QApplication, QMessageBox

    from core.app import App
    from core.logs import setup_logging, stop_logging
    from desktop.gui_thread import settle_after_start
    from desktop.passphrase import PassphraseAsker
    from desktop.theme import apply_theme
    from desktop.welcome import WelcomeDialog

    qt_app = QApplication.instance() or QApplication(sys.argv)
    qt_app.setApplicationName("SellerDesk")
    qt_app.setOrganizationName("SellerDesk")
    try:
        app = App(data_dir)
        app.ask_passphrase = PassphraseAsker()  # used only where there is no keychain
        setup_logging(app.logs_dir, app.settings.get("logging.level"))
        install_crash_reports(app)
        if not prepare_database(app):
            return 1
    except SellerDeskError as exc:
        QMessageBox.critical(None, "SellerDesk cannot start", str(exc))
        return 1
    apply_theme(qt_app, app.settings.get("general.theme"))
    if not app.settings.get("general.first_run_done"):
        settle_after_start()  # the seller may stay a while in the welcome: collect as usual meanwhile
        WelcomeDialog(app).exec()
    window = show_main_window(app)
    try:
        status = qt_app.exec()
        return 1 if window.refused else status
    finally:
        app.close()
        stop_logging()

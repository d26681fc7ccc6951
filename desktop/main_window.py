"""The main window: tabs for each part of the seller's work, a menu, shortcuts, and a status bar for background work."""

from __future__ import annotations

import gc
import importlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, QSize, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QUndoStack
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QProgressBar, QPushButton, QScrollArea, QTabWidget

import core
from core.app import App
from core.errors import SellerDeskError
from core.i18n import N_, _
from desktop.lazy_tabs import LazyTabs
from desktop.products.tab import ProductsTab
from desktop.tasks import TaskRunner
from desktop.theme import icon

if TYPE_CHECKING:
    from desktop.analytics.tab import AnalyticsTab
    from desktop.content.tab import ContentTab
    from desktop.platforms.tab import PlatformsTab
    from desktop.schedule.tab import ScheduleTab
    from desktop.sync import SyncUi

STATE_FILE = "window.ini"
# The order the tabs are made in after the first paint: Schedule first, since it runs publishing.
BACKGROUND_ORDER = ["schedule", "content", "platforms", "analytics"]
AFTER_FIRST_PAINT_MS = 100
# Imported in a worker once the first frame shows, so that opening the database on the GUI thread is quick.
OPENING_MODULES = ["core.db.database", "core.db.migrate", "core.db.crypto", "core.trust.housekeeping",
                   "core.products.service", "desktop.sync"]
TAB_NAMES = {"products": N_("Products"), "content": N_("Content"), "platforms": N_("Platforms"),
             "schedule": N_("Schedule"), "analytics": N_("Analytics")}
#: What background work counts, as the status bar says it ("12 of 40 products").
UNITS = (N_("items"), N_("photos"), N_("platforms"), N_("posts"), N_("products"), N_("rows"), N_("sales"))


class MainWindow(QMainWindow):
    """SellerDesk's main window."""

    #: The first frame is whole (emitted a moment after the first paint, before the background work starts).
    firstPainted = Signal()

    def __init__(self, app: App) -> None:
        super().__init__()
        self.app = app
        self.tasks = TaskRunner(self)
        self._warmed = False  # the background work after the first paint has been started
        self._sync: SyncUi | None = None
        self.refused = False  # the database failed its check after the first paint, and the seller closed
        self.undo = QUndoStack(self)
        self.setWindowTitle("SellerDesk")
        self.setWindowIcon(icon("app"))
        self.resize(default_size())

        if not app.check_before_open:  # else opened after the first paint, once checked (desktop.main.prepare_database)
            app.db  # noqa: B018
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.products = ProductsTab(app, self.tasks, self.undo)
        self.tabs.addTab(self.products, icon("products"), _(TAB_NAMES["products"]))
        # The other tabs are made on first visit, or one by one after the first paint (desktop.lazy_tabs).
        self.lazy_tabs = LazyTabs(self.tabs, self.tasks)
        for name, module, make in [("content", "desktop.content.tab", self._content_tab),
                                   ("platforms", "desktop.platforms.tab", self._platforms_tab),
                                   ("schedule", "desktop.schedule.tab", self._schedule_tab),
                                   ("analytics", "desktop.analytics.tab", self._analytics_tab)]:
            self.tabs.addTab(self.lazy_tabs.add(name, module, make), icon(name), _(TAB_NAMES[name]))
        # On a small or scaled screen (1366×768 at 150 %: 911×512) a tab taller or wider than the window scrolls,
        # instead of making the window bigger than the screen; where it fits, no scroll bar shows.
        room = QScrollArea(widgetResizable=True, frameShape=QScrollArea.Shape.NoFrame)
        room.setWidget(self.tabs)
        self.setCentralWidget(room)
        self._first_painted = self.tabs.tabBar()  # kept: compared by identity in eventFilter
        self._first_painted.installEventFilter(self)

        self._build_status_bar()
        self._build_menu()
        from desktop.portal_driver import install_portal_driver_ui

        self.portal_driver = install_portal_driver_ui(self)
        from desktop.updates import install_updates_ui

        self.updates = install_updates_ui(self)
        self.products.message.connect(self.show_message)
        self.products.scheduleRequested.connect(self.schedule_products)
        self.tasks.activity.connect(lambda *_: self._show_work())
        self.tasks.progressed.connect(lambda _handle: self._show_work())
        self._restore_state()

    # -- made on first use ------------------------------------------------------------------------------------
    @property
    def sync(self) -> SyncUi:
        """The Account menu and the sync status (installed once the database is open, or now when asked first)."""
        if self._sync is None:
            from desktop.sync import install_sync_ui

            self._sync = install_sync_ui(self)
        return self._sync

    @property
    def content(self) -> ContentTab:
        """The Content tab (made now if it was still waiting)."""
        return self.lazy_tabs.get("content")  # type: ignore[return-value]

    @property
    def platforms(self) -> PlatformsTab:
        """The Platforms tab."""
        return self.lazy_tabs.get("platforms")  # type: ignore[return-value]

    @property
    def schedule(self) -> ScheduleTab:
        """The Schedule tab (it runs publishing for the window)."""
        return self.lazy_tabs.get("schedule")  # type: ignore[return-value]

    @property
    def analytics(self) -> AnalyticsTab:
        """The Analytics tab."""
        return self.lazy_tabs.get("analytics")  # type: ignore[return-value]

    def _content_tab(self) -> ContentTab:
        from desktop.content.tab import ContentTab

        tab = ContentTab(self.app, self.tasks)
        tab.message.connect(self.show_message)
        tab.scheduleRequested.connect(self.schedule_products)
        self.products.productSelected.connect(tab.show_product)
        current = self.products.table.currentIndex()
        if current.isValid():  # chosen before the tab was made
            tab.show_product(self.products.model.product_id(current.row()))
        return tab

    def _platforms_tab(self) -> PlatformsTab:
        from desktop.platforms.tab import PlatformsTab

        tab = PlatformsTab(self.app, self.tasks)
        tab.message.connect(self.show_message)
        return tab

    def _schedule_tab(self) -> ScheduleTab:
        from desktop.schedule.tab import ScheduleTab

        tab = ScheduleTab(self.app, self.tasks)
        tab.message.connect(self.show_message)
        return tab

    def _analytics_tab(self) -> AnalyticsTab:
        from desktop.analytics.tab import AnalyticsTab

        tab = AnalyticsTab(self.app, self.tasks)
        tab.message.connect(self.show_message)
        return tab

    # -- chrome ------------------------------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.work_label = QLabel("")
        self.work_progress = QProgressBar(maximumWidth=160, maximum=0)
        self.work_progress.hide()
        self.work_cancel = QPushButton(_("Cancel"))
        self.work_cancel.setFlat(True)
        self.work_cancel.clicked.connect(lambda: self.cancel_shown_task())
        self.work_cancel.hide()
        self.undo_button = QPushButton(icon("undo"), _("Undo"))
        self.undo_button.setFlat(True)
        self.undo_button.clicked.connect(self.undo.undo)
        self.undo_button.hide()
        self.undo.canUndoChanged.connect(self.undo_button.setVisible)
        bar.addPermanentWidget(self.undo_button)
        bar.addPermanentWidget(self.work_label)
        bar.addPermanentWidget(self.work_progress)
        bar.addPermanentWidget(self.work_cancel)
        bar.showMessage(_("Your data is in {folder}").format(folder=self.app.data_dir), 8000)

    def _build_menu(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu(_("&File"))
        self._action(file_menu, _("&New product"), self.new_product, QKeySequence.StandardKey.New, "add")
        self._action(file_menu, _("Add &photos…"), self.products.import_photos_dialog, "Ctrl+Shift+P", "photo")
        file_menu.addSeparator()
        self._action(file_menu, _("&Import products from CSV…"), self.import_csv, "Ctrl+I", "import")
        self._action(file_menu, _("&Export products to CSV…"), self.export_csv, "Ctrl+E", "export")
        self._action(file_menu, _("Export &all my data…"), self.export_all, None, "export")
        file_menu.addSeparator()
        self._action(file_menu, _("&Quit"), self.close, QKeySequence.StandardKey.Quit)

        edit_menu = menu.addMenu(_("&Edit"))
        undo = self.undo.createUndoAction(self, _("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo.createRedoAction(self, _("&Redo"))
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        edit_menu.addSeparator()
        self._action(edit_menu, _("&Delete product"), self.products.delete_selected, QKeySequence.StandardKey.Delete,
                     "delete")
        self._action(edit_menu, _("&Find"), self.find, QKeySequence.StandardKey.Find, "search")
        edit_menu.addSeparator()
        self._action(edit_menu, _("&Settings…"), lambda: self.show_settings(), "Ctrl+,")

        view_menu = menu.addMenu(_("&View"))
        for number, name in enumerate(TAB_NAMES.values()):
            self._action(view_menu, _(name), lambda _=False, n=number: self.tabs.setCurrentIndex(n),
                         f"Ctrl+{number + 1}")
        view_menu.addSeparator()
        self._action(view_menu, _("&Listings…"), lambda: self.show_listings(), "Ctrl+L", "platforms")

        help_menu = menu.addMenu(_("&Help"))
        self._action(help_menu, _("A&udit log…"), self.show_audit)
        self._action(help_menu, _("&About SellerDesk"), self.about)

    def _action(self, menu, text, slot, shortcut=None, icon_name=None) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _show_work(self) -> None:
        """The status bar's account of background work: the newest long task with its counts (and Cancel), else
        how many small tasks run."""
        running, task = self.tasks.running, self.tasks.shown_task()
        if task is None:
            count = len(running)
            self.work_label.setText(f"{running[-1].name}…" if count == 1 else
                                    (_("{count} tasks running").format(count=count) if count else ""))
            self.work_progress.setRange(0, 0)
        else:
            counts = (": " + _("{done} of {total} {unit}").format(
                done=f"{task.done:,}", total=f"{task.total:,}", unit=_(task.unit) if task.unit else "").rstrip()
                      if task.total else "…")
            self.work_label.setText(_("Cancelling…") if task.cancelled else f"{task.name}{counts}")
            self.work_progress.setRange(0, task.total)
            self.work_progress.setValue(task.done)
        self.work_progress.setVisible(bool(running))
        self.work_cancel.setVisible(task is not None and task.cancellable)
        self.work_cancel.setEnabled(task is not None and not task.cancelled)

    def cancel_shown_task(self) -> None:
        """Stop the long task the status bar shows (it stops at its next check; nothing half-done is kept)."""
        task = self.tasks.shown_task()
        if task is not None and task.cancellable:
            task.cancel()
            self._show_work()

    def show_message(self, text: str) -> None:
        """Show ``text`` in the status bar for a while."""
        self.statusBar().showMessage(text, 10_000)

    # -- actions -----------------------------------------------------------------------------------------
    def new_product(self) -> None:
        """Go to the Products tab with an empty product."""
        self.tabs.setCurrentWidget(self.products)
        self.products.new_product()

    def schedule_products(self, product_ids: list[int]) -> None:
        """Open the scheduling wizard with ``product_ids`` chosen (from wherever the seller is)."""
        self.schedule.new_post(product_ids)

    def find(self) -> None:
        """Focus the product search."""
        self.tabs.setCurrentWidget(self.products)
        self.products.search.setFocus()
        self.products.search.selectAll()

    def import_csv(self) -> None:
        """Import products from a CSV file in the background, then report what happened."""
        path = self.products.import_csv_dialog()
        if not path:
            return
        from pathlib import Path

        from core.products.csvio import import_products

        def work(handle):  # type: ignore[no-untyped-def]
            return import_products(self.app.db, Path(path), store=self.app.image_store,
                                   default_currency=self.app.settings.get("general.currency"),
                                   progress=lambda p: handle.report(p.done, p.total),
                                   cancel=handle.cancel_event.is_set)

        def done(report) -> None:  # type: ignore[no-untyped-def]
            self.products.model.refresh()
            text = _("Imported {new} new and updated {updated} products.").format(new=len(report.created),
                                                                                   updated=len(report.updated))
            if report.problems:
                lines = "\n".join(_("Line {line}: {problem}").format(line=p.line, problem=p.message)
                                  for p in report.problems[:20])
                QMessageBox.warning(self, _("Some rows were skipped"),
                                    f"{text}\n\n" + _("Skipped rows:") + f"\n{lines}")
            self.show_message(text)

        def failed(exc: Exception) -> None:
            self.products.model.refresh()  # whole chunks before a stop are stored
            if handle.cancelled:
                self.show_message(str(exc))  # what was stored and how to continue; the seller asked for the stop
            else:
                self.show_error(exc)

        handle = self.tasks.start(_("Importing products"), work, on_success=done, on_failure=failed, writes=True,
                                  cancellable=True, unit="rows")

    def export_csv(self) -> None:
        """Export every product to a CSV file in the background."""
        from PySide6.QtWidgets import QFileDialog

        path, _filter = QFileDialog.getSaveFileName(self, _("Export products to CSV"), "products.csv",
                                                    _("CSV files (*.csv)"))
        if not path:
            return
        from pathlib import Path

        from core.products.csvio import export_products

        def work(handle):  # type: ignore[no-untyped-def]
            return export_products(self.app.db, Path(path), store=self.app.image_store,
                                   progress=handle.report,
                                   cancel=handle.cancel_event.is_set)

        def failed(exc: Exception) -> None:
            if handle.cancelled:
                self.show_message(str(exc))  # nothing was written; the seller asked for the stop
            else:
                self.show_error(exc)

        handle = self.tasks.start(_("Exporting products"), work, cancellable=True, unit="products",
                                  on_success=lambda n: self.show_message(
                                      _("Exported {count} products to {path}.").format(count=f"{n:,}", path=path)),
                                  on_failure=failed)

    def export_all(self) -> None:
        """Write everything the seller owns to a zip, in the background with progress."""
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog

        from core.trust.export import export_all

        path, _filter = QFileDialog.getSaveFileName(self, _("Export all my data"), "sellerdesk-export.zip",
                                                    _("Zip files (*.zip)"))
        if not path:
            return

        def work(handle):  # type: ignore[no-untyped-def]
            return export_all(self.app, Path(path), progress=handle.signals.progress.emit)

        self.tasks.start(_("Exporting all data"), work, on_failure=self.show_error, shown=True, unit="items",
                         on_success=lambda p: self.show_message(_("Exported everything to {path}.").format(path=p)))

    def show_listings(self) -> None:
        """Open the Listings window (where each product is live; update, take down, post again)."""
        from desktop.listings.dialog import ListingsDialog

        _ = self.schedule  # made here on the GUI thread, if it was still waiting: Post again… uses it from a worker
        dialog = ListingsDialog(self.app, self.tasks, self._post_again, self, job_events=self.schedule.signals.event)
        dialog.message.connect(self.show_message)
        dialog.exec()

    def _post_again(self, product_id: int, platform: str) -> object:
        # Called on a worker thread; the Publisher is thread-safe and tells the Schedule tab what it made.
        return self.schedule.publisher.schedule([product_id], [platform], "now", repost=True)

    def show_settings(self, group: str = "") -> None:
        """Open Settings (at ``group``: General, Appearance, AI copy, Platforms, Sync or Advanced)."""
        from desktop.settings.dialog import open_settings

        self.settings_dialog = open_settings(self, group)

    def show_audit(self) -> None:
        """Open the audit log."""
        from desktop.audit_dialog import AuditDialog

        AuditDialog(self.app, self).exec()

    def show_error(self, exc: Exception) -> None:
        """Tell the seller what went wrong (a SellerDesk message, or where the details are)."""
        text = str(exc) if isinstance(exc, SellerDeskError) else (
            _("Something went wrong ({error}). The details are in {folder}.").format(error=type(exc).__name__,
                                                                                     folder=self.app.logs_dir))
        QMessageBox.warning(self, "SellerDesk", text)

    def about(self) -> None:
        """Version and where the data lives."""
        QMessageBox.about(self, _("About SellerDesk"),
                          f"<b>SellerDesk {core.__version__}</b><p>" + _("List once, sell everywhere.") + "</p><p>"
                          + _("Your data: {folder}").format(folder=self.app.data_dir) + "</p>")

    # -- state -------------------------------------------------------------------------------------------
    def _state(self) -> QSettings:
        return QSettings(str(self.app.data_dir / STATE_FILE), QSettings.Format.IniFormat)

    def _restore_state(self) -> None:
        state = self._state()
        geometry = state.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = state.value("products_splitter")
        if isinstance(splitter, QByteArray):
            self.products.splitter.restoreState(splitter)
        self.tabs.setCurrentIndex(int(state.value("tab", 0)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched is self._first_painted and not self._warmed:
            self._warmed = True
            # Once the first frame is whole (its last widgets, the status bar, are painted after the tab bar).
            QTimer.singleShot(AFTER_FIRST_PAINT_MS, self, self._after_first_paint)
        return False

    def _after_first_paint(self) -> None:
        """What may wait until the seller sees the window: the database opened (on a quick start, checked first: until
        then nothing can write), the sync status, the other tabs, their modules imported in workers, then matplotlib
        (a second of imports) for the first visit to Analytics; the GUI thread never imports it."""
        self.firstPainted.emit()
        self._open_database()

    def _open_database(self) -> None:
        def check(_handle: object) -> None:
            if self.app.check_before_open:  # a quick start's (else checked and opened before the window)
                self.app.check_database()
            for module in OPENING_MODULES:
                importlib.import_module(module)

        # Bound methods, not lambdas: a window deleted meanwhile (a test's) is disconnected, not called.
        self.tasks.start(_("Getting ready"), check, on_success=self._database_checked,
                         on_failure=self._database_refused)

    def _database_checked(self, _none: None = None) -> None:
        def charts() -> None:
            _settle_imports()
            self.tasks.start(_("Preparing charts"), lambda _h: importlib.import_module("desktop.analytics.render"),
                             on_success=lambda _m: _settle_imports())

        if not self.isVisible():  # closed meanwhile
            return
        _settle_imports()
        try:
            self.app.db  # noqa: B018  (opened: on the GUI thread, and quick now its modules are imported)
        except SellerDeskError as exc:
            self._database_refused(exc)
            return
        self.sync  # noqa: B018  (installed: the Account menu, the status, background rounds)
        self.lazy_tabs.make_in_background(BACKGROUND_ORDER, then=charts)

    def _database_refused(self, exc: BaseException) -> None:
        """The check after the first paint found the file damaged (or it cannot be opened): nothing was written to
        it; the newest backup is offered back, and the window starts again on it or closes."""
        from core.trust.housekeeping import DamagedDatabase
        from desktop.main import offer_backup

        if isinstance(exc, DamagedDatabase) and offer_backup(self.app, exc.integrity):
            self.products.model.refresh()
            self._open_database()
            return
        if not isinstance(exc, DamagedDatabase):
            QMessageBox.critical(self, "SellerDesk cannot start", str(exc))
        self.refused = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.products.editor.save_now()
        state = self._state()
        state.setValue("geometry", self.saveGeometry())
        state.setValue("products_splitter", self.products.splitter.saveState())
        state.setValue("tab", self.tabs.currentIndex())
        state.sync()
        if not self.tasks.shutdown():
            event.ignore()
            self.show_message(_("Still finishing background work; try closing again in a moment."))
            return
        event.accept()


def _settle_imports() -> None:
    """Keep what a background import loaded out of the garbage collector's sight, as start-up did for its own
    objects (desktop.gui_thread.settle_after_start): otherwise the next full collection scans matplotlib's hundreds of
    thousands of objects, holding the GIL for 100 ms and more while the seller works."""
    if gc.get_freeze_count():  # start-up froze the heap (a test process does not)
        gc.freeze()


def default_size() -> QSize:
    """1280×820, or less on a smaller screen: the whole window, title bar and status bar included, fits the screen
    the first time (a 1366×768 laptop leaves about 1366×728 to windows)."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(1280, 820)
    room = screen.availableGeometry()
    return QSize(min(1280, room.width() - 40), min(820, room.height() - 60))

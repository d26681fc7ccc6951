"""The Products tab: a searchable, sortable table of products beside the editor of the selected one."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.app import App
from core.errors import StorageError
from core.i18n import _
from desktop.products.editor import STATUS_LABELS, ProductEditor
from desktop.products.first_run import EmptyProducts, dropped_photos
from desktop.products.model import ProductTableModel
from desktop.products.thumbnails import ThumbnailCache
from desktop.search_box import SearchBox
from desktop.tasks import TaskRunner
from desktop.theme import icon

if TYPE_CHECKING:
    from core.products.service import ProductView

TITLE_MIN = 200  # pixels: two or three words a line
COLUMN_WIDTHS = {0: 56, 2: 100, 3: 60, 4: 90, 5: 72, 6: 60, 7: 84}  # every column but the title, which stretches
OPTIONAL_COLUMNS = (6, 3, 7, 5, 4)  # photos, stock, updated, status, SKU: hidden in this order when narrow
PLATFORMS = ["etsy", "shopify", "facebook", "instagram", "pinterest", "meesho", "snapdeal", "indiamart"]


class DeleteProducts(QUndoCommand):
    """Moving products to the bin, undoable from the Edit menu or the status bar."""

    def __init__(self, tab: ProductsTab, ids: list[int], titles: list[str]) -> None:
        label = _("Delete “{title}”").format(title=titles[0]) if len(ids) == 1 else \
            _("Delete {count} products").format(count=len(ids))
        super().__init__(label)
        self.tab = tab
        self.ids = ids

    def redo(self) -> None:
        from core.products import service

        for product_id in self.ids:
            service.delete_product(self.tab.app.db, product_id)
        self.tab.model.refresh()

    def undo(self) -> None:
        from core.products import service

        for product_id in self.ids:
            service.restore_product(self.tab.app.db, product_id)
        self.tab.model.refresh()
        self.tab.select(self.ids[0])


class ProductsTab(QWidget):
    """Products on the left, the selected product's editor on the right."""

    message = Signal(str)
    productSelected = Signal(int)
    scheduleRequested = Signal(list)  # product ids

    def __init__(self, app: App, tasks: TaskRunner, undo: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.tasks = tasks
        self.undo = undo
        self.thumbnails = ThumbnailCache(app, tasks, self)
        self.model = ProductTableModel(app.reads, app.settings.get("general.locale"), self.thumbnails.icon_for)
        self.thumbnails.ready.connect(self.model.invalidate)
        self._build()
        self.model.countChanged.connect(self._count_changed)
        with suppress(StorageError):  # a damaged file read before its check: the window says so once it has run
            self.model.refresh()

    def _build(self) -> None:
        self.search = SearchBox(_("Search title, SKU or category   (Ctrl+F)"))
        self.search.searchChanged.connect(lambda text: self.model.set_filter(search=text))
        self.status_filter = QComboBox()
        self.status_filter.addItem(_("Any status"), "")
        for value in ("draft", "ready", "archived"):
            self.status_filter.addItem(_(STATUS_LABELS[value]), value)
        self.status_filter.currentIndexChanged.connect(
            lambda: self.model.set_filter(status=self.status_filter.currentData()))
        self.platform_filter = QComboBox()
        self.platform_filter.addItem(_("Any platform"), "")
        for name in PLATFORMS:
            self.platform_filter.addItem(name.capitalize() if name != "indiamart" else "IndiaMART", name)
        self.platform_filter.currentIndexChanged.connect(
            lambda: self.model.set_filter(platform=self.platform_filter.currentData()))

        self.add_button = QPushButton(icon("add", "#ffffff"), _("New product"))
        self.add_button.setProperty("primary", True)
        self.add_button.clicked.connect(self.new_product)
        self.delete_button = QPushButton(icon("delete"), _("Delete"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.schedule_button = QPushButton(icon("schedule"), _("Schedule…"))
        self.schedule_button.setToolTip(_("Post the selected products on your platforms (now or later)"))
        self.schedule_button.clicked.connect(self.schedule_selected)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.status_filter)
        bar.addWidget(self.platform_filter)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(7, Qt.SortOrder.DescendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # columns fit instead
        self.table.setShowGrid(False)
        self.table.setIconSize(QSize(44, 44))
        self.table.verticalHeader().setDefaultSectionSize(52)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self._viewport = self.table.viewport()  # kept: the filter below compares by identity
        self._viewport.installEventFilter(self)  # columns make room for the title as the list narrows
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())

        self.count = QLabel("")
        self.count.setProperty("role", "muted")
        actions = QHBoxLayout()
        actions.addWidget(self.add_button)
        actions.addWidget(self.schedule_button)
        actions.addWidget(self.delete_button)
        actions.addStretch(1)
        actions.addWidget(self.count)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(12, 12, 6, 12)
        left_layout.addLayout(bar)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(actions)

        self.editor = ProductEditor(self.app, self.tasks)
        self.editor.saved.connect(self._saved)
        self.editor.message.connect(self.message)
        self.editor.setEnabled(False)

        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([720, 560])
        self.empty = EmptyProducts()
        self.empty.pickPhotos.connect(self.pick_photos_for_new_product)
        self.empty.newProduct.connect(self.new_product)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.splitter)
        self.pages.addWidget(self.empty)
        self.setAcceptDrops(True)  # photos dropped anywhere on the tab (but the editor's photo strip) start a product
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self._viewport:
            self._fit_columns()
        return False

    def _fit_columns(self) -> None:
        """Hide the least needed columns while the title would be narrower than TITLE_MIN (a title squeezed to
        a few letters per line is unreadable); show them again when there is room."""
        room = self._viewport.width()
        hidden: list[int] = []
        for column in OPTIONAL_COLUMNS:
            # The set widths, not columnWidth(): a hidden column's is 0, which would show everything again.
            if room - sum(w for c, w in COLUMN_WIDTHS.items() if c not in hidden) >= TITLE_MIN:
                break
            hidden.append(column)
        for column in OPTIONAL_COLUMNS:
            self.table.setColumnHidden(column, column in hidden)

    def _count_changed(self, count: int) -> None:
        self.count.setText((_("{count} product") if count == 1 else _("{count} products")).format(count=f"{count:,}"))
        self._selection_changed()
        # The first-run page only for a shop with no products at all (not a search that found none), and not
        # while the seller is typing a new product's first facts.
        filtered = bool(self.search.text()) or bool(self.status_filter.currentData()) or bool(
            self.platform_filter.currentData())
        empty = count == 0 and not filtered and not self.editor.isEnabled()
        self.pages.setCurrentWidget(self.empty if empty else self.splitter)

    # -- starting from photos ----------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_photos(event.mimeData()):
            event.acceptProposedAction()
            self.empty.show_dragging(True)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.empty.show_dragging(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self.empty.show_dragging(False)
        paths = dropped_photos(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.new_product_from_photos([str(p) for p in paths])

    def pick_photos_for_new_product(self) -> None:
        """Pick photos of one product with the system file dialog; they become a new draft product."""
        from desktop.products.photos import photo_filter

        paths, _chosen = QFileDialog.getOpenFileNames(self, _("Add photos"), "", photo_filter())
        if paths:
            self.new_product_from_photos(paths)

    def new_product_from_photos(self, paths: list[str]) -> None:
        """Make a draft product from ``paths`` in the background, then open it with its title selected."""
        from pathlib import Path

        from core.products.photos import create_from_photos

        self.editor.save_now()
        currency, language = self.app.settings.get("general.currency"), self.app.settings.get("general.language")

        def work(_handle):  # type: ignore[no-untyped-def]
            return create_from_photos(self.app.db, self.app.image_store, [Path(p) for p in paths],
                                      currency=currency, language=language)

        def done(product: ProductView) -> None:
            self.editor.setEnabled(True)
            self.model.refresh()
            self.pages.setCurrentWidget(self.splitter)
            self.select(product.id)
            self.editor.name_new_product()
            self.message.emit(_("Made a draft product from {count} photos: give it a name and a price.").format(
                count=len(paths)))

        def failed(exc: Exception) -> None:
            from core.errors import SellerDeskError

            self.message.emit(str(exc) if isinstance(exc, SellerDeskError) else
                              _("The photos could not be added ({error}).").format(error=type(exc).__name__))

        self.tasks.start(_("Making a product from {count} photos").format(count=len(paths)), work,
                         on_success=done, on_failure=failed, writes=True)

    def _selection_changed(self) -> None:
        chosen = bool(self.table.selectionModel().hasSelection())
        self.schedule_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _current_changed(self, current, _previous) -> None:  # type: ignore[no-untyped-def]
        if not current.isValid():
            return
        product_id = self.model.product_id(current.row())
        self.editor.setEnabled(True)
        self.editor.load(product_id)
        self.productSelected.emit(product_id)

    def _saved(self, product_id: int) -> None:
        if self.model.row_of(product_id) is None:
            self.model.refresh()
            self.select(product_id)
        else:
            self.model.invalidate(product_id)

    def select(self, product_id: int) -> None:
        """Select (and scroll to) ``product_id`` if it is in the current list."""
        row = self.model.row_of(product_id)
        if row is None:
            return
        index = self.model.index(row, 1)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def selected_ids(self) -> list[int]:
        """Ids of the selected rows (for bulk actions)."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.product_id(row) for row in rows]

    def new_product(self) -> None:
        """Open an empty product in the editor."""
        self.table.clearSelection()
        # Without a current row, clicking the product that was current before opens it again (currentRowChanged).
        self.table.selectionModel().clearCurrentIndex()
        self.editor.setEnabled(True)
        self.pages.setCurrentWidget(self.splitter)
        self.editor.new_product()

    def delete_selected(self) -> None:
        """Move the selected products to the bin (undo with Ctrl+Z)."""
        ids = self.selected_ids()
        if not ids:
            return
        self.editor.save_now()
        titles = [self.model.data(self.model.index(self.model.row_of(i) or 0, 1)) or "" for i in ids]
        self.undo.push(DeleteProducts(self, ids, titles))
        self.editor.product_id = None
        self.editor.setEnabled(False)
        self.message.emit(f"{self.undo.undoText()}: done. Press Ctrl+Z to undo.")

    def schedule_selected(self) -> None:
        """Open the scheduling wizard with the selected products chosen."""
        ids = self.selected_ids()
        if ids:
            self.editor.save_now()
            self.scheduleRequested.emit(ids)

    def import_photos_dialog(self) -> None:
        """Pick photos for the product in the editor, or (with none open) for a new product."""
        if self.editor.isEnabled() and self.editor.product_id is not None:
            self.editor.photos.add_from_dialog()
        else:
            self.pick_photos_for_new_product()

    def import_csv_dialog(self) -> str | None:
        """Ask for a CSV file to import (the main window runs the import)."""
        path, _chosen = QFileDialog.getOpenFileName(self, _("Import products from CSV"), "", _("CSV files (*.csv)"))
        return path or None

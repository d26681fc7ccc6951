"""The wizard's first page: which products to post, from a searchable list of any length, newest first."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWizardPage,
)

from core.db.database import Database
from core.i18n import _
from desktop.products.model import COLUMNS, ProductTableModel
from desktop.search_box import SearchBox

SHOWN_COLUMNS = ("title", "sku", "status", "updated_at")
NAMED = 3  # "Chosen: A, B, C and 7 more"


def chosen_text(count: int, titles: list[str]) -> str:
    """'Chosen: Brass diya, Jute bag and 3 more' (``titles`` of the first few chosen)."""
    if not count:
        return _("No product chosen yet: tick the ones to post.")
    named = ", ".join(f"“{t}”" for t in titles[:NAMED])
    more = count - min(count, NAMED)
    chosen = _("Chosen ({count}): {named}").format(count=f"{count:,}", named=named)
    return chosen + (" " + _("and {count} more").format(count=f"{more:,}") if more else "")


class ProductsPage(QWizardPage):
    """Tick products; only ids are held, rows are read a page at a time as the list scrolls."""

    def __init__(self, db: Database, locale: str, chosen: list[int] | None) -> None:
        super().__init__()
        self.setTitle(_("Products"))
        self.setSubTitle(_("Which products? Each needs approved copy for a platform (Content tab)."))
        self.model = ProductTableModel(db, locale)
        self.model.choosing = True
        self.model.chosen = set(chosen or [])
        self.model.only_chosen = bool(chosen)  # came with a choice: show it, not the other 9,997
        self.search = SearchBox(_("Search title, SKU or category"))
        self.search.searchChanged.connect(lambda text: self.model.set_filter(search=text))
        self.only = QCheckBox(_("Show only chosen"))
        self.only.setChecked(self.model.only_chosen)
        self.only.toggled.connect(self._only_toggled)
        self.clear = QPushButton(_("Untick all"))
        self.clear.clicked.connect(lambda: self.model.choose(list(self.model.chosen), False))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(7, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for column, (_label, key) in enumerate(COLUMNS):
            self.table.setColumnHidden(column, key not in SHOWN_COLUMNS)
        # Fixed widths: fitting columns to their contents would read a thousand rows of a lazy 10,000-row list.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((4, 110), (5, 80), (7, 96)):
            self.table.setColumnWidth(column, width)
        # A click anywhere on a row ticks it, not only on the small box (the model's items are not "user
        # checkable", so the box itself does not toggle a second time); Space ticks the selected rows.
        self.table.clicked.connect(self._row_clicked)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self.table, self._toggle_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.chosen_label = QLabel("")
        self.chosen_label.setWordWrap(True)
        self.model.chosenChanged.connect(self._chosen_changed)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.only)
        top.addWidget(self.clear)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.chosen_label)
        self.model.refresh()
        self._chosen_changed()

    def _row_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            product_id = self.model.product_id(index.row())
            self.model.choose([product_id], product_id not in self.model.chosen)

    def _toggle_selected(self) -> None:
        ids = [self.model.product_id(i.row()) for i in self.table.selectionModel().selectedRows()]
        if ids:
            self.model.choose(ids, not all(i in self.model.chosen for i in ids))

    def _only_toggled(self, on: bool) -> None:
        self.model.only_chosen = on
        self.model.refresh()

    def _chosen_changed(self) -> None:
        ids = self.chosen_ids()
        self.chosen_label.setText(chosen_text(len(ids), self.model.titles(ids[:NAMED])))
        self.clear.setEnabled(bool(ids))
        self.completeChanged.emit()

    def chosen_ids(self) -> list[int]:
        """The ticked products, newest first."""
        return sorted(self.model.chosen, reverse=True)

    def isComplete(self) -> bool:
        return bool(self.model.chosen)

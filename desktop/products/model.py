"""The product table model: holds only ids, fetches rows a page at a time as the view asks for them."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QIcon

from core.db.reads import Reads
from core.i18n import N_, _
from core.money import format_money
from core.products.listing import cover_images, product_ids, product_rows

PAGE = 64  # rows read at once: a screenful or two, so scrolling to an unseen page costs one short query
ROWS_KEPT = 16 * PAGE  # rows kept once read (the most recently shown): scrolling all 10,000 keeps memory flat
Index = QModelIndex | QPersistentModelIndex

COLUMNS: list[tuple[str, str]] = [
    ("", "thumb"), (N_("Title"), "title"), (N_("Price"), "price"), (N_("Stock"), "quantity"), (N_("SKU"), "sku"),
    (N_("Status"), "status"), (N_("Photos"), "images"), (N_("Updated"), "updated_at"),
]
_SORT_KEYS = {"title": "title", "price": "price", "quantity": "quantity", "updated_at": "updated", "sku": "sku",
              "status": "status"}
STATUS_LABELS = {"draft": N_("Draft"), "ready": N_("Ready"), "archived": N_("Archived")}

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class ProductTableModel(QAbstractTableModel):
    """Products matching the current search and filters; rows are fetched lazily, in pages.

    With ``choosing`` on, the title column carries a check box: ``chosen`` holds the ticked ids whatever the
    search shows, and ``only_chosen`` narrows the list to them.
    """

    countChanged = Signal(int)
    chosenChanged = Signal()

    def __init__(self, db: Reads, locale: str, thumbnail: Any = None) -> None:
        super().__init__()
        self.db = db
        self.locale = locale
        self.thumbnail = thumbnail  # callable(product_id, cover sha256 | None) -> QIcon | None, from the tab
        self._ids: list[int] = []
        self._positions: dict[int, int] = {}  # id -> row, so finding a product's row is not a scan of 10,000
        self._rows: OrderedDict[int, dict[str, Any]] = OrderedDict()  # the least recently shown first
        self.search = ""
        self.status: str | None = None
        self.platform: str | None = None
        self.sort_key = "updated"
        self.descending = True
        self.choosing = False
        self.chosen: set[int] = set()
        self.only_chosen = False

    # -- queries -------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-run the query (search, filters, order) and show its result."""
        ids = product_ids(self.db, search=self.search, status=self.status, platform=self.platform,
                          sort=self.sort_key, descending=self.descending)
        if self.only_chosen:
            ids = [i for i in ids if i in self.chosen]
        self.beginResetModel()
        self._ids = ids
        self._positions = {pid: n for n, pid in enumerate(ids)}
        self._rows.clear()
        self.endResetModel()
        self.countChanged.emit(len(ids))

    def set_filter(self, *, search: str | None = None, status: str | bool | None = False,
                   platform: str | bool | None = False) -> None:
        """Change the search text or filters (False leaves a filter as it is) and refresh."""
        if search is not None:
            self.search = search
        if status is not False:
            self.status = status or None  # type: ignore[assignment]
        if platform is not False:
            self.platform = platform or None  # type: ignore[assignment]
        self.refresh()

    def _row(self, row: int) -> dict[str, Any] | None:
        product_id = self._ids[row]
        cached = self._rows.get(product_id)
        if cached is not None:
            self._rows.move_to_end(product_id)
        else:
            start = row - row % PAGE
            page = self._ids[start:start + PAGE]
            rows = product_rows(self.db, page)
            covers = cover_images(self.db, page) if self.thumbnail is not None else {}  # no pictures, no query
            for pid, values in rows.items():
                values["cover"] = covers.get(pid)
                # Formatted once per fetch: data() runs for every cell on every repaint, and Babel is slow.
                values["shown"] = {key: self._display(key, values) for _header, key in COLUMNS}
            self._rows.update(rows)
            while len(self._rows) > ROWS_KEPT:
                self._rows.popitem(last=False)
            cached = self._rows.get(product_id)
        return cached

    def product_id(self, row: int) -> int:
        """The id of the product shown on ``row``."""
        return self._ids[row]

    def row_of(self, product_id: int) -> int | None:
        """The row showing ``product_id``, if it is in the current result."""
        return self._positions.get(product_id)

    def invalidate(self, product_id: int) -> None:
        """Forget the cached row of ``product_id`` (it changed) and repaint it."""
        self._rows.pop(product_id, None)
        row = self.row_of(product_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # -- Qt model API --------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section][0]) if COLUMNS[section][0] else ""
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key = COLUMNS[index.column()][1]
        if role == ID_ROLE:
            return self._ids[index.row()]
        row = self._row(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return row["shown"][key]
        if role == Qt.ItemDataRole.CheckStateRole and key == "title" and self.choosing:
            return Qt.CheckState.Checked if row["id"] in self.chosen else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DecorationRole and key == "thumb" and self.thumbnail is not None:
            icon: QIcon | None = self.thumbnail(row["id"], row["cover"])
            return icon
        if role == Qt.ItemDataRole.TextAlignmentRole and key in {"price", "quantity", "images"}:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and key == "title":
            return row["title"]
        return None

    def _display(self, key: str, row: dict[str, Any]) -> str | None:
        if key == "thumb":
            return None
        if key == "price":
            return format_money(row["price"], row["currency"], self.locale)
        if key == "status":
            return _(STATUS_LABELS[row["status"]]) if row["status"] in STATUS_LABELS else row["status"]
        if key == "updated_at":
            return str(row["updated_at"])[:10]
        value = row[key]
        return "" if value is None else str(value)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not (self.choosing and index.isValid() and role == Qt.ItemDataRole.CheckStateRole):
            return False
        self.choose([self._ids[index.row()]], Qt.CheckState(value) == Qt.CheckState.Checked)
        return True

    def choose(self, ids: list[int], on: bool = True) -> None:
        """Tick (or untick) ``ids``."""
        if on:
            self.chosen.update(ids)
        else:
            self.chosen.difference_update(ids)
        rows = [r for r in (self.row_of(i) for i in ids) if r is not None]
        if rows:
            self.dataChanged.emit(self.index(min(rows), 1), self.index(max(rows), 1),
                                  [Qt.ItemDataRole.CheckStateRole])
        self.chosenChanged.emit()

    def titles(self, ids: list[int]) -> list[str]:
        """The titles of ``ids`` (in that order), from the rows already fetched or the database."""
        missing = [i for i in ids if i not in self._rows]
        fetched = product_rows(self.db, missing) if missing else {}
        return [str((self._rows.get(i) or fetched.get(i) or {}).get("title", f"#{i}")) for i in ids]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = _SORT_KEYS.get(COLUMNS[column][1])
        descending = order == Qt.SortOrder.DescendingOrder
        if key is None or (key, descending) == (self.sort_key, self.descending):
            return  # the photo and photo-count columns keep the current order; so does the order already shown
        self.sort_key, self.descending = key, descending
        self.refresh()

"""A time zone picker by city name in the interface language: type "Los Angeles", "कोलकाता", "Kolkata", "India" or
"Asia/Kolkata" and choose from what matches."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from core.preferences.zones import choices, place, utc_offset

SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1  # what an entry is found by: its label and its names in English


class TimeZoneBox(QComboBox):
    """An editable list of every city of the tz database; ``zone()`` is the chosen IANA name.

    Only the chosen zone is listed until the seller opens the list or types: naming 400-odd zones with their
    offsets reads every zone file once, which would hold up the window that shows the box.
    """

    def __init__(self, zone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        self._filled = False
        # The pop-up lists the entries whose search text holds what was typed; it shows (and picks) their labels.
        self._matches = _Matches(self)
        self._matches.setSourceModel(self.model())
        completer = QCompleter(self._matches, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setCompleter(completer)
        self.addItem(f"{place(zone)} · {utc_offset(zone)}", zone)
        self.setCurrentIndex(0)
        line = self.lineEdit()
        assert line is not None  # editable
        line.textEdited.connect(self._typed)

    def fill(self) -> None:
        """List every city (once), keeping the chosen zone chosen and any text being typed."""
        if self._filled:
            return
        self._filled = True
        zone, text = self.currentData(), self.currentText()
        self.blockSignals(True)
        self.clear()
        for row, choice in enumerate(choices()):
            self.addItem(choice.label(), choice.zone)
            self.setItemData(row, choice.search_text(), SEARCH_ROLE)
        self.blockSignals(False)
        row = self.findText(text)
        if row >= 0:
            self.setCurrentIndex(row)
        elif text.strip():
            self.setEditText(text)  # the seller is typing a city: keep it, and search the full list for it
        else:
            self.set_zone(zone)

    def _typed(self, text: str) -> None:
        self.fill()
        self._matches.search(text.strip())
        self.completer().complete()

    def showPopup(self) -> None:
        self.fill()
        super().showPopup()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.fill()  # before the first key: the completer searches the full list
        super().focusInEvent(event)

    def set_zone(self, zone: str) -> None:
        """Show ``zone`` chosen (its own city, not an alias; an unlisted zone is added)."""
        self.fill()
        label = f"{place(zone)} · {utc_offset(zone)}"
        row = self.findText(label, Qt.MatchFlag.MatchExactly)
        if row < 0:
            self.addItem(label, zone)
            row = self.count() - 1
        self.setCurrentIndex(row)

    def zone(self) -> str:
        """The chosen IANA name; typed text that matches no entry is returned as typed, for the check to refuse."""
        text = self.currentText().strip()
        row = self.findText(text, Qt.MatchFlag.MatchExactly)
        if row >= 0:
            return str(self.itemData(row))
        return text



class _Matches(QSortFilterProxyModel):
    """The entries whose search text holds what was typed; those with a name starting with it first (``लंदन`` before
    ``कोलंबो`` for ``लं``), otherwise in the list's order."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFilterRole(SEARCH_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._typed = ""

    def search(self, text: str) -> None:
        """Keep the entries that hold ``text``, ranked for it."""
        self._typed = text.casefold()
        self.setFilterFixedString(text)
        self.invalidate()  # the ranking depends on the text, not only on the rows
        self.sort(0)

    def lessThan(self, left: QModelIndex | QPersistentModelIndex,
                 right: QModelIndex | QPersistentModelIndex) -> bool:
        return (self._later(left), left.row()) < (self._later(right), right.row())

    def _later(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        names = str(index.data(SEARCH_ROLE) or index.data()).casefold().split(" · ")
        return not any(name.startswith(self._typed) for name in names)

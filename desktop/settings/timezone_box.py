"""A time zone picker by city name: type "Los Angeles", "Mumbai" or "India" and choose from what matches."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from core.preferences.zones import choices, city_of, utc_offset


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
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.addItem(f"{_label_of(zone)} · {utc_offset(zone)}", zone)
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
        for choice in choices():
            self.addItem(choice.label(), choice.zone)
        self.blockSignals(False)
        row = self.findText(text)
        if row >= 0:
            self.setCurrentIndex(row)
        elif text.strip():
            self.setEditText(text)  # the seller is typing a city: keep it, and search the full list for it
        else:
            self.set_zone(zone)

    def _typed(self, text: str) -> None:
        if not self._filled:
            self.fill()
            completer = self.completer()
            completer.setCompletionPrefix(text)
            completer.complete()

    def showPopup(self) -> None:
        self.fill()
        super().showPopup()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.fill()  # before the first key: the completer searches the full list
        super().focusInEvent(event)

    def set_zone(self, zone: str) -> None:
        """Show ``zone`` chosen (its own city, not an alias; an unlisted zone is added)."""
        self.fill()
        city = city_of(zone)
        for row in range(self.count()):
            if self.itemData(row) == zone and self.itemText(row).startswith(city):
                self.setCurrentIndex(row)
                return
        self.addItem(f"{city} · {utc_offset(zone)}", zone)
        self.setCurrentIndex(self.count() - 1)

    def zone(self) -> str:
        """The chosen IANA name; typed text that matches no entry is returned as typed, for the check to refuse."""
        text = self.currentText().strip()
        row = self.findText(text, Qt.MatchFlag.MatchExactly)
        if row >= 0:
            return str(self.itemData(row))
        return text


def _label_of(zone: str) -> str:
    """``Kolkata, India`` for the chosen zone, from the cached list when it is there, else the city alone."""
    from core.preferences.zones import describe

    return describe(zone).rsplit(" (", 1)[0]

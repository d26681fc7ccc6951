"""A time zone picker by city name: type "Los Angeles", "Mumbai" or "India" and choose from what matches."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from core.preferences.zones import choices, city_of, utc_offset


class TimeZoneBox(QComboBox):
    """An editable list of every city of the tz database; ``zone()`` is the chosen IANA name."""

    def __init__(self, zone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        for choice in choices():
            self.addItem(choice.label(), choice.zone)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.set_zone(zone)

    def set_zone(self, zone: str) -> None:
        """Show ``zone`` chosen (its own city, not an alias; an unlisted zone is added)."""
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

"""A search field that waits for the seller to pause typing before it searches."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from desktop.theme import icon

SEARCH_DELAY_MS = 250  # a query and a page reload per keystroke would make fast typing stutter at 10,000 products


class SearchBox(QLineEdit):
    """Emits ``searchChanged(text)`` once typing pauses; Enter or clearing the field searches at once."""

    searchChanged = Signal(str)

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.setClearButtonEnabled(True)
        self._searched = ""
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search_now)
        self.textChanged.connect(self._typed)
        self.returnPressed.connect(self.search_now)

    def _typed(self, text: str) -> None:
        if not text:
            self.search_now()  # the clear button: everything comes back without a wait
        else:
            self._timer.start()

    def search_now(self) -> None:
        """Search for the current text now (if it differs from the last search)."""
        self._timer.stop()
        if self.text() != self._searched:
            self._searched = self.text()
            self.searchChanged.emit(self._searched)

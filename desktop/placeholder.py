"""Empty states: a page that says what belongs there and how to get it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.theme import icon


class EmptyState(QWidget):
    """A friendly empty page: an icon, a heading and what to do."""

    def __init__(self, icon_name: str, heading: str, text: str, footer: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        picture = QLabel()
        picture.setPixmap(icon(icon_name).pixmap(QSize(64, 64)))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel(heading)
        title.setProperty("role", "heading")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body = QLabel(text)
        body.setWordWrap(True)
        body.setFixedWidth(520)  # a wrapped label needs a width, or centring shrinks it and cuts lines off
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body.setProperty("role", "muted")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (picture, title, body):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        if footer:
            note = QLabel(footer)
            note.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(note, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)


class PlaceholderTab(EmptyState):
    """A tab whose feature is still to come: it says what will be there."""

    def __init__(self, icon_name: str, heading: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(icon_name, heading, text, "Coming in a later version of SellerDesk.", parent)


def centred_row(*widgets: QWidget) -> QHBoxLayout:
    """A row with ``widgets`` side by side in the middle (empty pages' buttons and hints)."""
    row = QHBoxLayout()
    row.addStretch(1)
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row

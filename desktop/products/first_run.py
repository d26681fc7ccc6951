"""Starting from photos: the empty Products tab says what to do first, and photos dropped or picked there become a
new draft product (its title selected for typing, its price still to come)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from core.i18n import _
from desktop.placeholder import centred_row
from desktop.theme import icon

PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".gif"})


def dropped_photos(mime: QMimeData) -> list[Path]:
    """The photo files among what is being dragged (other files and web links are left out)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls()
            if url.isLocalFile() and Path(url.toLocalFile()).suffix.lower() in PHOTO_SUFFIXES]


class EmptyProducts(QWidget):
    """What an empty shop shows: start with photos of one product (or without photos, or from a spreadsheet)."""

    pickPhotos = Signal()
    newProduct = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        picture = QLabel()
        picture.setPixmap(icon("photo").pixmap(QSize(72, 72)))
        title = QLabel(_("Start with a photo"))
        title.setProperty("role", "heading")
        body = QLabel(_("Drop photos of one product anywhere here, or pick them. SellerDesk makes a draft product "
                        "from them: you give it a name and a price, and it writes the listing for every place you "
                        "sell."))
        body.setWordWrap(True)
        body.setFixedWidth(480)
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pick = QPushButton(icon("photo", "#ffffff"), _("Pick photos…"))
        self.pick.setProperty("primary", True)
        self.pick.clicked.connect(self.pickPhotos)
        self.without = QPushButton(icon("add"), _("Add a product without photos"))
        self.without.clicked.connect(self.newProduct)
        spreadsheet = QLabel(_("Have your products in a spreadsheet? File › Import products from CSV (Ctrl+I)."))
        spreadsheet.setProperty("role", "muted")
        self.drop_hint = QLabel(_("Drop the photos to make a new product"))
        self.drop_hint.setProperty("role", "heading")
        self.drop_hint.hide()
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (picture, title, body):
            layout.addLayout(centred_row(widget))
        layout.addSpacing(12)
        layout.addLayout(centred_row(self.pick, self.without))
        layout.addSpacing(16)
        layout.addLayout(centred_row(spreadsheet))
        layout.addLayout(centred_row(self.drop_hint))
        layout.addStretch(2)

    def show_dragging(self, dragging: bool) -> None:
        """Say what a drop will do while photos are dragged over the tab."""
        self.drop_hint.setVisible(dragging)


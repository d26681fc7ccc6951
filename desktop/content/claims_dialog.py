"""The seller's claim list: which claims (handmade, organic, ...) are flagged when no product field backs them,
and claims of their own."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.content.claims import add_claim, claim_table, switch_claim
from core.errors import SellerDeskError
from core.i18n import _


class ClaimsDialog(QDialog):
    """Tick a claim to have copy that makes it without a backing field flagged; add your own."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.setWindowTitle(_("Claims to check"))
        intro = QLabel(_("Copy that makes a ticked claim is flagged at review unless a product field says the same "
                         "(e.g. an attribute handmade=yes)."))
        intro.setWordWrap(True)
        self.claims = QListWidget()
        self.claims.itemChanged.connect(self._switched)
        self.new = QLineEdit(placeholderText=_("vegan: vegan, plant based"))
        self.new.returnPressed.connect(self._add)
        self.add = QPushButton(_("Add"))
        self.add.clicked.connect(self._add)
        self.note = QLabel("")
        self.note.setProperty("role", "error")
        self.note.setWordWrap(True)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.new, 1)
        row.addWidget(self.add)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.claims, 1)
        layout.addWidget(QLabel(_("A claim of your own — its name, a colon, then the words that make it:")))
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addLayout(bottom)
        self.resize(560, 520)
        self._load()

    def _load(self) -> None:
        self.claims.blockSignals(True)
        self.claims.clear()
        try:
            table = claim_table(self.data_dir)
        except SellerDeskError as exc:
            self.note.setText(str(exc))
            table = []
        for claim, on in table:
            more = " …" if len(claim.phrases) > 3 else ""
            item = QListWidgetItem(f"{_(claim.label)} — {', '.join(claim.phrases[:3])}{more}")
            item.setToolTip(", ".join(claim.phrases))
            item.setData(Qt.ItemDataRole.UserRole, claim.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.claims.addItem(item)
        self.claims.blockSignals(False)

    def _switched(self, item: QListWidgetItem) -> None:
        try:
            switch_claim(self.data_dir, str(item.data(Qt.ItemDataRole.UserRole)),
                         item.checkState() == Qt.CheckState.Checked)
            self.note.setText("")
        except SellerDeskError as exc:
            self.note.setText(str(exc))
            self._load()

    def _add(self) -> None:
        name, _colon, words = self.new.text().partition(":")
        try:
            add_claim(self.data_dir, name, words.split(","))
        except SellerDeskError as exc:
            self.note.setText(str(exc))  # what was typed stays, to be corrected
            return
        self.new.clear()
        self.note.setText("")
        self._load()

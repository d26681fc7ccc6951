"""The bar the product editor shows when its product changed elsewhere (a sync round brought another computer's
edit) while the form holds edits not saved yet: the seller picks which side stays, nothing is overwritten silently."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.i18n import _


class ChangedElsewhereBar(QFrame):
    """“Changed on another computer” with Reload (take theirs) and Keep mine (save the form over it)."""

    reload_requested = Signal()
    keep_mine_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.text.setStyleSheet("font-weight: 600;")
        self.reload = QPushButton(_("Reload"))
        self.reload.setToolTip(_("Show the product as it is now and drop your unsaved edits"))
        self.reload.clicked.connect(self.reload_requested)
        self.keep_mine = QPushButton(_("Keep mine"))
        self.keep_mine.setToolTip(_("Save your edits over the other change (it is sent to your other computers)"))
        self.keep_mine.clicked.connect(self.keep_mine_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reload)
        buttons.addWidget(self.keep_mine)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.hide()

    def ask(self, fields: list[str]) -> None:
        """Show the bar naming the ``fields`` (form labels, already translated) the other change touched."""
        self.text.setText(_("This product was changed on another computer while you were editing it ({fields}). "
                            "Your edits are kept but not saved until you choose.").format(fields=", ".join(fields)))
        self.show()

    def ask_deleted(self) -> None:
        """Show the bar for a product deleted elsewhere: Keep mine puts it back with the edits."""
        self.text.setText(_("This product was deleted on another computer while you were editing it. Keep mine "
                            "puts it back with your edits; Reload drops them."))
        self.show()

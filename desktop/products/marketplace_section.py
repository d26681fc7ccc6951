"""The product editor's collapsible "Marketplace details": Legal Metrology facts, weight, HSN and GST % — what
Meesho and the bulk templates need, checked by core.products.marketplace and never shown to buyers as copy."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget

from core.i18n import N_, _
from core.products import marketplace

PLACEHOLDERS = {
    "mrp": N_("printed on the pack; at least the price"), "net_quantity": N_("e.g. 1 N, 500 g or 2 x 250 ml"),
    "weight_grams": N_("packed weight, e.g. 350 or 1.2 kg"), "country_of_origin": N_("e.g. India"),
    "hsn_code": N_("4, 6 or 8 digits (only you and the portal see it)"),
    "gst_percent": N_("e.g. 5 or 18 (only you and the portal see it)"),
    "manufacturer_address": N_("full address with PIN code"), "packer_name": N_("if not the manufacturer"),
    "importer_name": N_("only for imported goods"),
}


class MarketplaceSection(QWidget):
    """A header button that opens and closes the marketplace fields; ``edited`` fires on every keystroke.

    The fields are built the first time the section opens (most products never open it, and the window's first
    paint need not make and style its 37 widgets); until then :meth:`values` and :meth:`fill` work on the values
    alone, and the fields show them once built.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle = QToolButton()
        self.toggle.setText(_("Marketplace details"))
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setToolTip(_("MRP, net quantity, weight, origin, maker and packer, HSN and GST: Meesho needs "
                                 "them (Legal Metrology), and the bulk templates are filled from them."))
        self.toggle.toggled.connect(self.set_open)
        self.body: QWidget | None = None  # built on first open
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self._values: dict[str, str] = dict.fromkeys(marketplace.FIELDS, "")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.toggle)

    @property
    def built(self) -> bool:
        """Whether the fields exist yet (they are made on the section's first opening)."""
        return self.body is not None

    def _build(self) -> QWidget:
        if self.body is not None:
            return self.body
        body = QWidget()
        body.hide()
        form = QFormLayout(body)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setVerticalSpacing(4)
        for key in marketplace.FIELDS:
            edit = QLineEdit(self._values.get(key, ""),
                             placeholderText=_(PLACEHOLDERS[key]) if key in PLACEHOLDERS else "")
            edit.setAccessibleName(marketplace.label(key))
            edit.textEdited.connect(self.edited)
            error = QLabel("")
            error.setProperty("role", "error")
            error.setWordWrap(True)
            error.hide()
            form.addRow(marketplace.label(key), edit)
            form.addRow("", error)
            self.fields[key], self.errors[key] = edit, error
        self._layout.addWidget(body)
        self.body = body
        return body

    def set_open(self, shown: bool) -> None:
        """Open or close the section (building its fields on the first opening)."""
        self.toggle.setChecked(shown)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        if shown:
            self._build().show()
        elif self.body is not None:
            self.body.hide()

    def values(self) -> dict[str, str]:
        """Every field's text by key ("" clears a field when saved)."""
        if self.fields:
            return {key: edit.text() for key, edit in self.fields.items()}
        return dict(self._values)

    def fill(self, values: dict[str, object]) -> None:
        """Show ``values`` (missing keys empty), with no error shown; opens the section when any field has a value."""
        self._values = {key: str(values.get(key) or "") for key in marketplace.FIELDS}
        for key, edit in self.fields.items():
            edit.setText(self._values[key])
        self.clear_errors()
        if any(self._values.values()):
            self.set_open(True)

    def clear_errors(self) -> None:
        """Hide every message and unmark every field."""
        for key, label in self.errors.items():
            label.hide()
            mark_invalid(self.fields[key], False)

    def show_error(self, key: str, message: str) -> bool:
        """Show ``message`` under field ``key`` (opening the section); False if the field is not one of these."""
        if key not in self._values:
            return False
        self.set_open(True)
        self.errors[key].setText(message)
        self.errors[key].show()
        mark_invalid(self.fields[key], True)
        return True


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """Show ``widget`` as holding a refused value (red, by the style sheet) or not."""
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)

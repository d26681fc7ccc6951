"""The sale form: a sale made off-platform (WhatsApp, walk-in, a fair) typed in by the seller."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.analytics.periods import zone
from core.analytics.sales import ProductChoice, SaleRecord, parse_amount, parse_platform
from core.errors import ValidationError
from core.i18n import N_, _
from core.preferences.zones import place
from core.products.fields import parse_currency
from desktop.analytics.style import dress_date_edit, platform_name

COMMON_PLATFORMS = ["offline", "whatsapp", "instagram", "facebook", "exhibition"]
KIND_LABELS = {"sale": N_("Sale"), "refund": N_("Refund (money given back)"),
               "lead": N_("Lead (an enquiry, no money yet)")}


class RecordSaleDialog(QDialog):
    """Asks for one sale; ``record`` holds it (checked) once the seller presses Record."""

    def __init__(self, products: list[ProductChoice], platforms: list[str], currency: str, timezone: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Record a sale"))
        self.products = products
        self.timezone = timezone
        self.record: SaleRecord | None = None
        self._amount_typed = False

        self.platform = QComboBox(editable=True)
        for name in dict.fromkeys(COMMON_PLATFORMS + platforms):
            self.platform.addItem(platform_name(name), name)
        self.product = QComboBox(editable=True)
        self.product.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.product.setMinimumWidth(320)
        for product in products:
            self.product.addItem(f"{product.title} ({product.sku})" if product.sku else product.title, product.id)
        self.quantity = QSpinBox(minimum=1, maximum=100_000)
        self.amount = QLineEdit(placeholderText=_("what the buyer paid, e.g. 1,299.50"))
        self.amount.textEdited.connect(self._typed)
        self.currency = QComboBox(editable=True)
        self.currency.addItems(list(dict.fromkeys([currency, "INR", "USD", "EUR", "GBP", "AED"])))
        self.fees = QLineEdit("0")
        self.kind = QComboBox()
        for value, label in KIND_LABELS.items():
            self.kind.addItem(_(label), value)
        now = datetime.now(zone(timezone))
        self.when = QDateTimeEdit(QDateTime(QDate(now.year, now.month, now.day), QTime(now.hour, now.minute)))
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("d MMM yyyy, HH:mm")
        dress_date_edit(self.when)
        self.buyer = QLineEdit(placeholderText=_("optional: name or phone"))
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow(_("Sold on"), self.platform)
        form.addRow(_("Product"), self.product)
        form.addRow(_("Quantity"), self.quantity)
        form.addRow(_("Amount"), self.amount)
        form.addRow(_("Currency"), self.currency)
        form.addRow(_("Fees paid"), self.fees)
        form.addRow(_("What happened"), self.kind)
        form.addRow(_("When ({zone})").format(zone=place(timezone)), self.when)
        form.addRow(_("Buyer"), self.buyer)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Record"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.product.currentIndexChanged.connect(self._suggest_amount)
        self.quantity.valueChanged.connect(self._suggest_amount)
        self._suggest_amount()

    def _typed(self, _text: str) -> None:
        self._amount_typed = True

    def _suggest_amount(self) -> None:
        """The product's price times the quantity, until the seller types an amount of their own."""
        index = self.product.currentIndex()
        if self._amount_typed or not 0 <= index < len(self.products):
            return
        product = self.products[index]
        self.amount.setText(str(product.price * self.quantity.value()))
        self.currency.setCurrentText(product.currency)

    def checked_record(self) -> SaleRecord:
        """The sale as typed, checked; ValidationError says what to fix."""
        index = self.product.findText(self.product.currentText())
        if index < 0:
            raise ValidationError(_("Pick a product from the list."), field="product",
                                  hint=_("Add it on the Products tab first if it is not there."))
        data = self.platform.currentData()
        platform = parse_platform(data if data and self.platform.currentText() == platform_name(data)
                                  else self.platform.currentText())
        currency = parse_currency(self.currency.currentText())
        stamp = self.when.dateTime()
        day, clock = stamp.date(), stamp.time()
        when = datetime(day.year(), day.month(), day.day(), clock.hour(), clock.minute(),
                        tzinfo=zone(self.timezone))
        return SaleRecord(platform=platform, external_id="", occurred_at=when,
                          amount=parse_amount(self.amount.text(), currency),
                          currency=currency, quantity=self.quantity.value(),
                          fees=parse_amount(self.fees.text() or "0", currency, "fees"),
                          product_id=self.products[index].id, kind=self.kind.currentData(),
                          buyer=self.buyer.text().strip() or None)

    def accept(self) -> None:
        """Keep the sale and close, or say what is wrong and stay open."""
        try:
            self.record = self.checked_record()
        except ValidationError as exc:
            self.error.setText(str(exc))
            return
        super().accept()


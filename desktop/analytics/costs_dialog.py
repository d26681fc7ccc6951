"""Costs (Analytics › Costs…): platform fees, ad spend and currency rates, kept in the database for profit.

Each page has a small form that is checked before anything is stored, and a list of what is stored; every read
and write runs in the TaskRunner.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.analytics import costs, rates
from core.analytics.sales import parse_amount, parse_platform
from core.app import App
from core.errors import SellerDeskError, ValidationError
from core.i18n import _, format_when
from core.money import format_money
from core.products.fields import parse_currency
from desktop.analytics.style import dress_date_edit, platform_name
from desktop.settings.editors import error_label
from desktop.tasks import TaskRunner

PLATFORMS = ["etsy", "shopify", "meesho", "snapdeal", "indiamart", "facebook", "instagram", "pinterest", "whatsapp",
             "offline"]


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], keys: list[Any]) -> None:
    table.setRowCount(len(rows))
    for row, (cells, key) in enumerate(zip(rows, keys, strict=True)):
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(256, key)  # Qt.UserRole: what Remove acts on
            table.setItem(row, column, item)


def _platform_box() -> QComboBox:
    box = QComboBox()
    box.setEditable(True)  # any place the seller sells: a fair, their own website
    for name in PLATFORMS:
        box.addItem(platform_name(name), name)
    return box


def _chosen_platform(box: QComboBox) -> str:
    row = box.findText(box.currentText())
    return str(box.itemData(row)) if row >= 0 else parse_platform(box.currentText())


class CostsDialog(QDialog):
    """Platform fees, ad spend and currency rates on three pages."""

    changed = Signal()  # something was stored: profit figures should be loaded again

    def __init__(self, app: App, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.tasks = tasks
        self.currency = str(app.settings.get("general.currency"))
        self.locale = str(app.settings.get("general.locale"))
        self.setWindowTitle(_("Costs"))
        self.resize(720, 520)
        intro = QLabel(_("What selling costs you besides the goods themselves (the goods' cost is each product's "
                         "“Your cost”). Analytics takes these from revenue to show your profit."))
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        self.pages = QTabWidget()
        self.pages.addTab(self._fees_page(), _("Platform fees"))
        self.pages.addTab(self._ads_page(), _("Ad spend"))
        self.pages.addTab(self._rates_page(), _("Currency rates"))
        self.problem = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.reload()

    # -- pages -------------------------------------------------------------------------------------------
    def _fees_page(self) -> QWidget:
        self.fee_platform = _platform_box()
        self.commission = QLineEdit(placeholderText=_("e.g. 6.5 (per cent of each sale)"))
        self.listing_fee = QLineEdit(placeholderText=_("e.g. 16 ({currency} per item sold)").format(
            currency=self.currency))
        save = QPushButton(_("Save fees"))
        save.setProperty("primary", True)
        save.clicked.connect(self.save_fees)
        self.fees_table = _table([_("Platform"), _("Commission"), _("Fee per item sold")])
        return self._page([(_("Platform"), self.fee_platform), (_("Commission %"), self.commission),
                           (_("Fee per item"), self.listing_fee)], save, self.fees_table, None)

    def _ads_page(self) -> QWidget:
        self.ad_platform = _platform_box()
        self.ad_amount = QLineEdit(placeholderText=_("e.g. 500 ({currency})").format(currency=self.currency))
        today = date.today()
        self.ad_day = QDateEdit(QDate(today.year, today.month, today.day), calendarPopup=True,
                                displayFormat="d MMM yyyy")
        dress_date_edit(self.ad_day)
        self.ad_note = QLineEdit(placeholderText=_("optional, e.g. Diwali boost"))
        add = QPushButton(_("Add ad spend"))
        add.setProperty("primary", True)
        add.clicked.connect(self.add_ad)
        self.ads_table = _table([_("Day"), _("Platform"), _("Amount"), _("Note")])
        remove = QPushButton(_("Remove selected"))
        remove.clicked.connect(self.remove_ad)
        return self._page([(_("Platform"), self.ad_platform), (_("Amount"), self.ad_amount), (_("Day"), self.ad_day),
                           (_("Note"), self.ad_note)], add, self.ads_table, remove)

    def _rates_page(self) -> QWidget:
        self.rate_currency = QLineEdit(placeholderText=_("e.g. USD"))
        self.rate = QLineEdit(placeholderText=_("how many {currency} one of it is worth, e.g. 83.25").format(
            currency=self.currency))
        save = QPushButton(_("Save rate"))
        save.setProperty("primary", True)
        save.clicked.connect(self.save_rate)
        self.rates_table = _table([_("Currency"), _("Rate")])
        remove = QPushButton(_("Remove selected"))
        remove.clicked.connect(self.remove_rate)
        return self._page([(_("Currency"), self.rate_currency),
                           (_("1 of it in {currency}").format(currency=self.currency), self.rate)], save,
                          self.rates_table, remove)

    def _page(self, rows: list[tuple[str, QWidget]], action: QPushButton, table: QTableWidget,
              remove: QPushButton | None) -> QWidget:
        page = QWidget()
        form = QFormLayout()
        for label, field in rows:
            form.addRow(label, field)
        buttons = QHBoxLayout()
        buttons.addWidget(action)
        buttons.addStretch(1)
        if remove is not None:
            buttons.addWidget(remove)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(table, 1)
        return page

    # -- loading and storing -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the rate cards, ad spend and rates in the background and list them."""
        db, base = self.app.db, self.currency

        def work(_handle: object) -> tuple[Any, Any, Any]:
            return costs.rate_cards(db), costs.ad_spend(db), rates.rates_to(db, base)

        self.tasks.start(_("Loading costs"), work, on_success=self._show, on_failure=self._failed)

    def _show(self, loaded: tuple[Any, Any, Any]) -> None:
        cards, spend, known = loaded
        money = self._money
        _fill(self.fees_table, [[platform_name(c.platform), f"{c.commission_percent}%",
                                 money(c.listing_fee, c.currency)] for c in cards.values()], list(cards))
        newest = list(reversed(spend))
        _fill(self.ads_table, [[format_when(e.spent_on, "dd MMM y"), platform_name(e.platform),
                                money(e.amount, e.currency), e.note] for e in newest], [e.id for e in newest])
        _fill(self.rates_table, [[code, f"1 {code} = {money(rate, self.currency)}"] for code, rate in known.items()],
              list(known))

    def _money(self, amount: Any, code: str) -> str:
        return format_money(amount, code, self.locale)

    def _store(self, name: str, work: Any, done_text: str, clear: list[QLineEdit]) -> None:
        self.problem.hide()

        def done(_result: object) -> None:
            for field in clear:
                field.clear()
            self.changed.emit()
            self.reload()
            self.problem.setProperty("role", "muted")
            self._say(done_text)

        self.tasks.start(name, lambda _h: work(), on_success=done, on_failure=self._failed, writes=True)

    def save_fees(self) -> None:
        """Store the commission and fee per item of the chosen platform."""
        try:
            platform = _chosen_platform(self.fee_platform)
            commission = costs.parse_percent(self.commission.text()) if self.commission.text().strip() else None
            fee = parse_amount(self.listing_fee.text(), self.currency, "listing fee") \
                if self.listing_fee.text().strip() else None
            if commission is None and fee is None:
                raise ValidationError(_("Enter the commission, the fee per item, or both."))
        except ValidationError as exc:
            self._failed(exc)
            return
        self._store(_("Saving fees"), lambda: costs.set_rate_card(self.app.db, platform, commission_percent=commission,
                                                               listing_fee=fee, currency=self.currency),
                    _("Saved the fees of {platform}.").format(platform=platform_name(platform)),
                    [self.commission, self.listing_fee])

    def add_ad(self) -> None:
        """Record money spent on ads on the chosen platform and day."""
        try:
            platform = _chosen_platform(self.ad_platform)
            amount = parse_amount(self.ad_amount.text(), self.currency)
        except ValidationError as exc:
            self._failed(exc)
            return
        day, note = self.ad_day.date().toPython(), self.ad_note.text()
        self._store(_("Adding ad spend"), lambda: costs.add_ad_spend(self.app.db, platform, amount, self.currency, day,
                                                                  note),
                    _("Added {amount} of ads on {platform}.").format(amount=self._money(amount, self.currency),
                                                                     platform=platform_name(platform)),
                    [self.ad_amount, self.ad_note])

    def remove_ad(self) -> None:
        """Delete the selected ad spend entry."""
        row = self.ads_table.currentRow()
        if row < 0:
            self._failed(ValidationError(_("Choose the entry to remove in the list first.")))
            return
        entry_id = int(self.ads_table.item(row, 0).data(256))
        self._store(_("Removing ad spend"), lambda: costs.remove_ad_spend(self.app.db, entry_id),
                    _("Removed the ad spend entry."), [])

    def save_rate(self) -> None:
        """Convert the typed currency into the seller's at the typed rate from now on."""
        try:
            code = parse_currency(self.rate_currency.text())
            rate = rates.parse_rate(self.rate.text())
        except ValidationError as exc:
            self._failed(exc)
            return
        self._store(_("Saving the rate"), lambda: rates.set_rate(self.app.db, code, rate, self.currency),
                    _("1 {code} = {rate} {currency} from now on.").format(code=code, rate=rate, currency=self.currency),
                    [self.rate_currency, self.rate])

    def remove_rate(self) -> None:
        """Stop converting the selected currency."""
        row = self.rates_table.currentRow()
        if row < 0:
            self._failed(ValidationError(_("Choose the currency to remove in the list first.")))
            return
        code = str(self.rates_table.item(row, 0).data(256))
        self._store(_("Removing the rate"), lambda: rates.remove_rate(self.app.db, code, self.currency),
                    _("{code} amounts are kept apart again.").format(code=code), [])

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.style().unpolish(self.problem)
        self.problem.style().polish(self.problem)
        self.problem.show()

    def _failed(self, exc: Exception) -> None:
        self.problem.setProperty("role", "error")
        self._say(str(exc) if isinstance(exc, SellerDeskError) else
                  _("That did not work ({error}); the details are in {folder}.").format(
                      error=type(exc).__name__, folder=self.app.logs_dir))

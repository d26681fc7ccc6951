"""Profit per platform and per product: revenue less fees, ad spend and the cost of the goods sold."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout

from core.i18n import N_, _
from core.money import format_money
from desktop.analytics.style import platform_name

if TYPE_CHECKING:
    from core.analytics.summary import Summary

UNKNOWN = N_("cost unknown")


class ProfitPanel(QFrame):
    """Two tables side by side; a note says when some goods have no cost price (profit is then too high)."""

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("role", "card")
        title = QLabel("<b>" + _("Profit after fees and cost of goods") + "</b>")
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setProperty("role", "muted")
        self.platforms = _table([_("Platform"), _("Revenue"), _("Fees and ads"), _("Cost of goods"), _("Profit")])
        self.products = _table([_("Product"), _("Units"), _("Revenue"), _("Fees"), _("Cost of goods"),
                                _("Profit")])
        tables = QHBoxLayout()
        tables.addWidget(self.platforms, 1)
        tables.addWidget(self.products, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.note)
        layout.addLayout(tables)
        self.setMinimumHeight(260)

    def show_summary(self, summary: Summary, currency: str, locale: str) -> None:
        """Fill both tables with ``summary``'s figures in ``currency``."""
        def money(amount: Decimal) -> str:
            return format_money(amount, currency, locale)

        rows = []
        for platform in summary.platforms:
            f = platform.figures.get(currency)
            if f is None or not (f.revenue or f.costs):
                continue
            cogs = money(f.cogs) + (f" + {_(UNKNOWN)}" if f.uncosted_units else "")
            rows.append([platform_name(platform.platform), money(f.revenue), money(f.fees + f.ad_spend), cogs,
                         money(f.profit)])
        _fill(self.platforms, rows)
        product_rows = []
        for product in summary.products:
            if product.currency != currency:
                continue
            cogs = _(UNKNOWN) if product.uncosted_units and not product.cogs else (
                money(product.cogs) + (f" + {_(UNKNOWN)}" if product.uncosted_units else ""))
            product_rows.append([product.title or _("A deleted product"), f"{product.units:,}", money(product.revenue),
                                 money(product.fees), cogs, money(product.profit)])
        _fill(self.products, product_rows)
        uncosted = summary.main(currency).uncosted_units
        self.note.setText(
            _("{count} of the items sold have no cost price, so their cost is not taken off: add “Your cost” to "
              "those products (Products tab) for the real profit. Fees and ad spend: Costs…").format(
                count=f"{uncosted:,}") if uncosted else
            _("Cost of goods is each product's “Your cost” times the items sold less those returned. Fees, ad spend "
              "and currency rates: Costs…"))


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    # Columns sized once after filling: sizing to contents on every setItem cost the GUI thread ~0.5 ms a cell.
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.setUpdatesEnabled(False)
    try:
        table.setRowCount(len(rows))
        for row, cells in enumerate(rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    finally:
        table.setUpdatesEnabled(True)

"""The headline figures: revenue, orders, profit, best platform and best product, each against the period before."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from core.analytics.chart_data import axis_money
from core.analytics.figures import change
from core.analytics.summary import Summary
from core.money import format_money
from desktop.analytics.style import DOWN, UP, elide, platform_name


def change_text(value: float | None, is_new: bool = False) -> tuple[str, str]:
    """'↑ 12.5%' or '↓ 3.0%' and its colour ('' for none); 'new' when there was nothing before."""
    if value is None:
        return ("new", UP) if is_new else ("", "")
    if abs(value) < 0.0005:
        return "no change", ""
    return f"{'↑' if value > 0 else '↓'} {abs(value) * 100:.1f}%", UP if value > 0 else DOWN


class ElidedLabel(QLabel):
    """A one-line label that ends in … when its card is too narrow, with the whole text as its tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        """Show ``text``, cut to the label's width."""
        self._full = text
        self._fit()

    def text(self) -> str:
        """The whole text, however much of it shows."""
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(self.width(), 40))
        super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")


class KpiCard(QFrame):
    """One headline figure in a card: what it is, its value, its change, and a line of context."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(150)
        self.title = QLabel(title)
        self.title.setProperty("role", "muted")
        self.value = QLabel("—")
        self.value.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.change = QLabel("")
        self.change.setStyleSheet("font-weight: 600;")
        self.versus = QLabel("")
        self.versus.setProperty("role", "muted")
        self.note = ElidedLabel()
        self.note.setProperty("role", "muted")
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self.change)
        row.addWidget(self.versus, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addLayout(row)
        layout.addWidget(self.note)

    def set_figure(self, value: str, delta: float | None = None, *, is_new: bool = False, versus: str = "",
                   note: str = "", tooltip: str = "") -> None:
        """Show ``value``, its change against the previous period (``is_new``: there was none) and a note."""
        self.value.setText(value)
        text, colour = change_text(delta, is_new)
        self.change.setText(text)
        self.change.setStyleSheet(f"font-weight: 600; color: {colour};" if colour else "font-weight: 600;")
        self.versus.setText(versus if text else "")
        self.note.setText(note)
        self.setToolTip(tooltip)


class KpiRow(QWidget):
    """Five cards side by side."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.revenue = KpiCard("Revenue")
        self.orders = KpiCard("Orders")
        self.profit = KpiCard("Profit after platform costs")
        self.platform = KpiCard("Best platform")
        self.product = KpiCard("Best product")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        for card in self.cards:
            layout.addWidget(card, 1)

    @property
    def cards(self) -> list[KpiCard]:
        """The cards, left to right."""
        return [self.revenue, self.orders, self.profit, self.platform, self.product]

    def show_summary(self, summary: Summary, currency: str, locale: str) -> None:
        """Fill the cards from ``summary``'s figures in ``currency``."""
        now, before = summary.main(currency), summary.previous_main(currency)
        changes = summary.changes(currency)
        versus = f"vs previous {summary.previous_period.days} days"

        def money(amount: Decimal) -> str:
            return format_money(amount, currency, locale)

        def whole(amount: Decimal, code: str = currency) -> str:
            return axis_money(float(amount), code, locale)

        def count(number: int) -> str:
            return format_decimal(number, locale=locale)

        apart = [whole(f.revenue, code) for code, f in summary.other_currencies().items()] \
            if currency == summary.currency else []
        self.revenue.set_figure(
            money(now.revenue), changes["revenue"], is_new=bool(now.revenue and not before.revenue), versus=versus,
            note=("+ " + " · ".join(apart) + " not converted") if apart else f"refunds {whole(now.refunds)}",
            tooltip=f"Sales {money(now.sales)} less refunds {money(now.refunds)}; the previous period made "
                    f"{money(before.revenue)}." + (" Amounts in other currencies are not added in: set a rate "
                                                   "with 'sellerdesk analytics rates set'." if apart else ""))
        self.orders.set_figure(count(now.orders), changes["orders"], is_new=bool(now.orders and not before.orders),
                               versus=versus, note=f"{count(now.units)} units · {count(now.leads)} leads",
                               tooltip=f"{count(before.orders)} orders in the previous period; "
                                       f"{count(now.refund_count)} refunds in this one.")
        self.profit.set_figure(money(now.profit), changes["profit"], is_new=bool(now.profit and not before.profit),
                               versus=versus, note=f"costs {whole(now.costs)}",
                               tooltip=f"Revenue less platform fees ({money(now.fees)}) and ad spend "
                                       f"({money(now.ad_spend)}); your own cost of goods is not included.")
        best = summary.best_platform(currency)
        if best is None:
            self.platform.set_figure("—", note="no sales in this period")
        else:
            mine, then = best.figures[currency], best.previous.get(currency)
            roi = f" · ROI {mine.roi:.1f}×" if mine.roi is not None and mine.roi < 100 else ""
            self.platform.set_figure(
                platform_name(best.platform), change(mine.profit, then.profit if then else 0),
                is_new=not (then and then.profit), versus="in profit", note=f"{whole(mine.profit)} profit{roi}",
                tooltip=f"{platform_name(best.platform)} made the most profit in {currency}: revenue "
                        f"{money(mine.revenue)}, costs {money(mine.costs)}.")
        product = summary.best_product(currency)
        if product is None:
            self.product.set_figure("—", note="no product sold in this period")
        else:
            self.product.set_figure(
                elide(product.title or f"Product #{product.product_id}", 22),
                change(product.revenue, product.previous_revenue), is_new=not product.previous_revenue,
                versus="in revenue", note=f"{whole(product.revenue)} · {count(product.units)} units",
                tooltip=product.title + (f" ({product.sku})" if product.sku else ""))

"""The headline figures: revenue, orders, profit, best platform and best product, each against the period before."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_compact_currency, format_decimal
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from core.analytics.chart_data import axis_money
from core.analytics.figures import change
from core.analytics.summary import Summary
from core.i18n import _
from core.money import format_money
from desktop.analytics.style import DOWN, UP, platform_name


def change_text(value: float | None, is_new: bool = False) -> tuple[str, str]:
    """'↑ 12.5%' or '↓ 3.0%' and its colour ('' for none); 'new' when there was nothing before."""
    if value is None:
        return (_("new"), UP) if is_new else ("", "")
    if abs(value) < 0.0005:
        return _("no change"), ""
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


class FittedLabel(QLabel):
    """A headline figure that always shows whole: its font shrinks to fit the card, then a shorter form of the
    figure is used (whole rupees, no paise); only a name, never an amount, is cut with an ellipsis."""

    SIZES = (16.0, 14.0, 12.5, 11.0)  # points, largest first

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._forms: tuple[str, ...] = ("—",)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(QFontMetrics(self._font(self.SIZES[0])).height())

    def set_forms(self, *forms: str) -> None:
        """Show the first of ``forms`` (longest first) that fits."""
        self._forms = forms or ("",)
        self._fit()

    def text(self) -> str:
        """The full figure, however it is shown."""
        return self._forms[0]

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _font(self, points: float) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(points)
        font.setWeight(QFont.Weight.DemiBold)
        return font

    def _fit(self) -> None:
        room = max(self.width(), 40)
        for form in self._forms:
            for points in self.SIZES:
                font = self._font(points)
                if QFontMetrics(font).horizontalAdvance(form) <= room:
                    self.setFont(font)
                    super().setText(form)
                    self.setToolTip(self._forms[0] if form != self._forms[0] else "")
                    return
        font = self._font(self.SIZES[-1])
        self.setFont(font)
        super().setText(QFontMetrics(font).elidedText(self._forms[-1], Qt.TextElideMode.ElideRight, room))
        self.setToolTip(self._forms[0])


class KpiCard(QFrame):
    """One headline figure in a card: what it is, its value, its change, and a line of context."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(136)  # five fit a 1024×640 screen at 125 % (779 px); crores still show whole
        self.title = QLabel(title)
        self.title.setProperty("role", "muted")
        self.value = FittedLabel()
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.change = QLabel("")
        self.change.setStyleSheet("font-weight: 600;")
        self.versus = ElidedLabel()
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
                   note: str = "", tooltip: str = "", short: tuple[str, ...] = ()) -> None:
        """Show ``value`` (or the first of the ``short`` forms that fits), its change against the previous period
        (``is_new``: there was none) and a note."""
        self.value.set_forms(*dict.fromkeys((value, *short)))
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
        self.revenue = KpiCard(_("Revenue"))
        self.orders = KpiCard(_("Orders"))
        self.profit = KpiCard(_("Profit"))
        self.platform = KpiCard(_("Best platform"))
        self.product = KpiCard(_("Best product"))
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
        versus = summary.period.comparison_label()

        def money(amount: Decimal) -> str:
            return format_money(amount, currency, locale)

        def whole(amount: Decimal, code: str = currency) -> str:
            return axis_money(float(amount), code, locale)

        def shorter(amount: Decimal) -> tuple[str, ...]:  # ₹1,13,89,984, then ₹1.14Cr on a narrow card
            return whole(amount), format_compact_currency(amount, currency, locale=locale, fraction_digits=2)

        def count(number: int) -> str:
            return format_decimal(number, locale=locale)

        apart = [whole(f.revenue, code) for code, f in summary.other_currencies().items()] \
            if currency == summary.currency else []
        self.revenue.set_figure(
            money(now.revenue), changes["revenue"], short=shorter(now.revenue),
            is_new=bool(now.revenue and not before.revenue), versus=versus,
            note=(_("+ {amounts} not converted").format(amounts=" · ".join(apart)) if apart else
                  _("refunds {amount}").format(amount=whole(now.refunds))),
            tooltip=_("Sales {sales} less refunds {refunds}; the previous period made {before}.").format(
                sales=money(now.sales), refunds=money(now.refunds), before=money(before.revenue)) + (
                " " + _("Amounts in other currencies are not added in: set a rate in Costs… › Currency rates.")
                if apart else ""))
        self.orders.set_figure(count(now.orders), changes["orders"], is_new=bool(now.orders and not before.orders),
                               versus=versus, note=_("{units} units · {leads} leads").format(
                                   units=count(now.units), leads=count(now.leads)),
                               tooltip=_("{orders} orders in the previous period; {refunds} refunds in this "
                                         "one.").format(orders=count(before.orders),
                                                        refunds=count(now.refund_count)))
        self.profit.set_figure(money(now.profit), changes["profit"], short=shorter(now.profit),
                               is_new=bool(now.profit and not before.profit),
                               versus=versus, note=(_("costs {amount}, some unknown") if now.uncosted_units
                                                    else _("costs {amount}")).format(amount=whole(now.costs)),
                               tooltip=_("Revenue less platform fees ({fees}), ad spend ({ads}) and the cost of the "
                                         "goods sold ({cogs}).").format(fees=money(now.fees), ads=money(now.ad_spend),
                                                                       cogs=money(now.cogs)) + (
                                   " " + _("{count} items sold have no cost price, so profit is higher than it "
                                           "really is.").format(count=f"{now.uncosted_units:,}")
                                   if now.uncosted_units else ""))
        best = summary.best_platform(currency)
        if best is None:
            self.platform.set_figure("—", note=_("no sales in this period"))
        else:
            mine, then = best.figures[currency], best.previous.get(currency)
            roi = f" · ROI {mine.roi:.1f}×" if mine.roi is not None and mine.roi < 100 else ""
            self.platform.set_figure(
                platform_name(best.platform), change(mine.profit, then.profit if then else 0),
                is_new=not (then and then.profit), versus=_("in profit"),
                note=_("{amount} profit").format(amount=whole(mine.profit)) + roi,
                tooltip=_("{platform} made the most profit in {currency}: revenue {revenue}, costs {costs}.").format(
                    platform=platform_name(best.platform), currency=currency, revenue=money(mine.revenue),
                    costs=money(mine.costs)))
        product = summary.best_product(currency)
        if product is None:
            self.product.set_figure("—", note=_("no product sold in this period"))
        else:
            self.product.set_figure(
                product.title or _("Product #{id}").format(id=product.product_id),
                change(product.revenue, product.previous_revenue), is_new=not product.previous_revenue,
                versus=_("in revenue"), note=_("{amount} · {units} units").format(amount=whole(product.revenue),
                                                                                  units=count(product.units)),
                tooltip=product.title + (f" ({product.sku})" if product.sku else ""))

"""The Analytics tab: headline figures and charts for a date range, loaded in the background, compared with the
period before; and, before the first sale, a page that shows how to record or import one."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.dates import format_skeleton
from PySide6.QtCore import QDate, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.analytics.periods import PRESETS, Period, preset_period, zone
from core.app import App
from core.errors import SellerDeskError
from core.i18n import N_, _, dates_locale
from desktop.analytics.charts import ChartPanel
from desktop.analytics.kpi import KpiRow
from desktop.analytics.profit_panel import ProfitPanel
from desktop.analytics.style import dress_date_edit
from desktop.placeholder import centred_row
from desktop.tasks import TaskHandle, TaskRunner
from desktop.theme import icon

if TYPE_CHECKING:
    from core.analytics.chart_data import ChartTable
    from core.analytics.summary import Summary

CUSTOM = "custom"
EDIT_DELAY_MS = 400  # typing a date fires a change per digit; load once the seller pauses
EMPTY_TEXT = {"revenue": N_("No sales in this period."), "platforms": N_("No sales in this period."),
              "products": N_("No product sold in this period."),
              "engagement": N_("No post engagement recorded in this period.\nConnect Instagram, Facebook or "
                               "Pinterest on the Platforms tab to see it.")}
CHART_TITLES = {"revenue": N_("Revenue over time"), "platforms": N_("Platforms compared"),
                "products": N_("Top products"), "engagement": N_("Engagement over time")}


class AnalyticsTab(QWidget):
    """What sells where: revenue, orders, profit, platforms, products and engagement for a period."""

    message = Signal(str)
    loaded = Signal()  # a summary has been drawn: its figures and every chart are on screen

    def __init__(self, app: App, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.tasks = tasks
        self.locale = app.settings.get("general.locale")
        self.summary: Summary | None = None
        self.charts: dict[str, ChartPanel] = {}
        self._generation = 0
        self._waiting: set[str] = set()  # charts of the newest summary not drawn yet
        self._edit_timer = QTimer(self, singleShot=True, interval=EDIT_DELAY_MS)
        self._edit_timer.timeout.connect(self.reload)
        self._build()

    # -- layout ------------------------------------------------------------------------------------------
    def _build(self) -> None:
        heading = QLabel(_("Analytics"))
        heading.setProperty("role", "heading")
        self.range = QComboBox()
        for key, label in PRESETS.items():
            self.range.addItem(_(label), key)
        self.range.addItem(_("Custom dates"), CUSTOM)
        self.range.setCurrentIndex(list(PRESETS).index("30d"))
        self.range.currentIndexChanged.connect(self._range_changed)
        today = self._today()
        self.start = QDateEdit(QDate(today.year, today.month, 1), calendarPopup=True, displayFormat="d MMM yyyy")
        self.end = QDateEdit(QDate(today.year, today.month, today.day), calendarPopup=True,
                             displayFormat="d MMM yyyy")
        for edit in (self.start, self.end):
            edit.dateChanged.connect(lambda _date: self._edit_timer.start())
            dress_date_edit(edit)
            edit.hide()
        self.compared = QLabel("")
        self.compared.setProperty("role", "muted")
        self.compared.setWordWrap(True)  # wraps on a narrow window (1366×768 at 150 %) instead of widening it
        self.currency = QComboBox()
        self.currency.setToolTip(_("Amounts in currencies without a rate are shown on their own, never added"))
        self.currency.currentIndexChanged.connect(lambda _i: self._redraw())
        self.currency.hide()
        record = QPushButton(icon("add"), _("Record a sale…"))
        record.clicked.connect(self.record_sale_dialog)
        import_button = QPushButton(icon("import"), _("Import sales…"))
        import_button.clicked.connect(lambda: self.import_csv())
        costs = QPushButton(_("Costs…"))
        costs.setToolTip(_("Platform fees, ad spend and currency rates"))
        costs.clicked.connect(lambda: self.costs_dialog())
        bar = QHBoxLayout()
        bar.addWidget(heading)
        bar.addSpacing(12)
        bar.addWidget(self.range)
        bar.addWidget(self.start)
        bar.addWidget(self.end)
        bar.addWidget(self.compared, 1)
        bar.addWidget(self.currency)
        bar.addWidget(record)
        bar.addWidget(import_button)
        bar.addWidget(costs)

        self.kpis = KpiRow()
        self.profit = ProfitPanel()
        self.grid = QGridLayout()
        self.grid.setSpacing(10)
        dashboard = QWidget()
        inner = QVBoxLayout(dashboard)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(10)
        inner.addWidget(self.kpis)
        inner.addLayout(self.grid, 1)
        inner.addWidget(self.profit)
        self._build_charts()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(dashboard)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(bar)
        layout.addWidget(scroll, 1)

        self.stack = QStackedWidget()
        self.stack.addWidget(page)
        self.stack.addWidget(self._empty_page())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

    def _empty_page(self) -> QWidget:
        """Before the first sale: what this tab will show, and the two ways to get sales into it."""
        picture = QLabel()
        picture.setPixmap(icon("analytics").pixmap(QSize(64, 64)))
        title = QLabel(_("No sales yet"))
        title.setProperty("role", "heading")
        body = _paragraph(_("Sales on connected platforms appear here by themselves. Add the ones made elsewhere — "
                            "on WhatsApp, to walk-in buyers, at a fair — and see what sells where: revenue, profit "
                            "and engagement per platform and product."))
        record = QPushButton(icon("add", "#ffffff"), _("Record a sale…"))
        record.setProperty("primary", True)
        record.clicked.connect(self.record_sale_dialog)
        import_button = QPushButton(icon("import"), _("Import sales from CSV…"))
        import_button.clicked.connect(lambda: self.import_csv())
        self.empty_buttons = (record, import_button)
        columns = _paragraph(_("A CSV file needs the columns <b>date</b>, <b>platform</b>, <b>sku</b> and "
                               "<b>amount</b>; it may add quantity, currency, fees, kind (sale, refund or lead), "
                               "buyer and order_id. Importing the same file twice adds nothing."))
        columns.setProperty("role", "muted")
        self.empty = QWidget()
        layout = QVBoxLayout(self.empty)
        layout.addStretch(1)
        for widget in (picture, title, body):
            layout.addLayout(centred_row(widget))
        layout.addSpacing(10)
        layout.addLayout(centred_row(record, import_button))
        layout.addSpacing(14)
        layout.addLayout(centred_row(columns))
        layout.addStretch(2)
        return self.empty

    def _build_charts(self) -> None:
        places = {"revenue": (0, 0), "platforms": (0, 1), "products": (1, 0), "engagement": (1, 1)}
        for kind, (row, column) in places.items():
            panel = ChartPanel(kind, _(CHART_TITLES[kind]), self.locale, self.tasks)
            panel.message.connect(self.message)
            panel.rendered.connect(lambda k=kind: self._chart_drawn(k))
            self.grid.addWidget(panel, row, column)
            self.charts[kind] = panel
        for n in range(2):
            self.grid.setColumnStretch(n, 1)
            self.grid.setRowStretch(n, 1)

    def showEvent(self, event: QShowEvent) -> None:
        """Data is loaded when the seller looks, and again on every return (connectors may have added sales)."""
        super().showEvent(event)
        self.reload()

    # -- the period --------------------------------------------------------------------------------------
    def _today(self) -> date:
        return datetime.now(zone(self.app.settings.get("general.timezone"))).date()

    def period(self) -> Period:
        """The period the picker shows."""
        key = self.range.currentData()
        if key != CUSTOM:
            return preset_period(key, self._today())
        start, end = self.start.date().toPython(), self.end.date().toPython()
        return Period(min(start, end), max(start, end))

    def set_preset(self, key: str) -> None:
        """Pick a preset range ('7d', '30d', 'month', 'last-month', 'year' or 'custom')."""
        self.range.setCurrentIndex(self.range.findData(key))

    def set_custom(self, start: date, end: date) -> None:
        """Show the custom period ``start``..``end`` (dates)."""
        for edit, day in ((self.start, start), (self.end, end)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)
        if self.range.currentData() == CUSTOM:
            self.reload()
        else:
            self.set_preset(CUSTOM)

    def _range_changed(self, _index: int) -> None:
        custom = self.range.currentData() == CUSTOM
        for edit in (self.start, self.end):
            edit.setVisible(custom)
        self.reload()

    # -- loading -----------------------------------------------------------------------------------------
    def reload(self) -> TaskHandle | None:
        """Summarise the period in the background; the newest request wins if several overlap."""
        if not self.isVisible():
            return None
        self._edit_timer.stop()
        try:
            period = self.period()
        except SellerDeskError as exc:
            self.message.emit(str(exc))
            return None
        self._generation += 1
        generation = self._generation
        timezone, currency = self.app.settings.get("general.timezone"), self.app.settings.get("general.currency")
        db = self.app.db

        chosen, locale = self.currency.currentText(), self.locale

        def work(_handle: TaskHandle) -> tuple[Summary, dict[str, ChartTable]]:
            from core.analytics.summary import summarize

            summary = summarize(db, period, timezone=timezone, currency=currency)
            code = chosen if chosen in summary.totals else summary.currency
            return summary, chart_tables(summary, locale, code)

        return self.tasks.start(_("Loading analytics"), work, on_failure=self._failed,
                                on_success=lambda result: self._loaded(generation, *result))

    def _loaded(self, generation: int, summary: Summary, tables: dict[str, ChartTable]) -> None:
        if generation != self._generation:
            return  # a newer period was asked for while this one loaded
        self.summary = summary
        self.stack.setCurrentIndex(0 if summary.has_sales else 1)
        self.compared.setText(_("compared with {period}").format(period=_span(summary.previous_period, self.locale)))
        codes = sorted(summary.totals, key=lambda code: (code != summary.currency, code)) or [summary.currency]
        chosen = self.currency.currentText()
        self.currency.blockSignals(True)
        self.currency.clear()
        self.currency.addItems(codes)
        self.currency.setCurrentText(chosen if chosen in codes else codes[0])
        self.currency.blockSignals(False)
        self.currency.setVisible(len(codes) > 1)
        self._show(summary, tables)

    def _redraw(self) -> None:
        """Show the same summary in the currency now chosen (its chart tables are made in the background)."""
        summary, code, locale = self.summary, self.currency.currentText(), self.locale
        if summary is None or not code:
            return
        self.kpis.show_summary(summary, code, locale)  # a few figures: at once; the charts follow
        self._generation += 1
        generation = self._generation

        def made(tables: dict[str, ChartTable]) -> None:
            if generation == self._generation:
                self._show(summary, tables)

        self.tasks.start(_("Drawing charts"), lambda _h: chart_tables(summary, locale, code), on_success=made,
                         on_failure=self._failed)

    def _show(self, summary: Summary, tables: dict[str, ChartTable]) -> None:
        code = self.currency.currentText() or summary.currency
        self.kpis.show_summary(summary, code, self.locale)
        self.profit.show_summary(summary, code, self.locale)
        self._waiting = set(tables)
        for kind, table in tables.items():
            self.charts[kind].show_table(table, _(EMPTY_TEXT[kind]))

    def _chart_drawn(self, kind: str) -> None:
        if kind in self._waiting:
            self._waiting.discard(kind)
            if not self._waiting:
                self.loaded.emit()

    def _failed(self, exc: Exception) -> None:
        text = str(exc) if isinstance(exc, SellerDeskError) else (
            _("Analytics could not be loaded ({error}); the details are in {folder}.").format(
                error=type(exc).__name__, folder=self.app.logs_dir))
        self.message.emit(text)

    def costs_dialog(self) -> QDialog:
        """Open Costs (platform fees, ad spend, currency rates); profit is loaded again after each change."""
        from desktop.analytics.costs_dialog import CostsDialog

        dialog = CostsDialog(self.app, self.tasks, self)
        dialog.changed.connect(self.reload)
        dialog.open()
        self.costs = dialog
        return dialog

    # -- adding sales ------------------------------------------------------------------------------------
    def record_sale_dialog(self) -> None:
        """Ask for one sale (products are read in the background first), then store it."""
        from core.analytics.sales import sale_choices

        self.tasks.start(_("Reading products"), lambda _h: sale_choices(self.app.db),
                         on_success=lambda found: self._ask_for_sale(*found), on_failure=self._failed)

    def _ask_for_sale(self, products: list[Any], platforms: list[str]) -> None:
        from desktop.analytics.dialogs import RecordSaleDialog

        if not products:
            self.message.emit(_("Add the product on the Products tab first; a sale is always of a product."))
            return
        dialog = RecordSaleDialog(products, platforms, self.app.settings.get("general.currency"),
                                  self.app.settings.get("general.timezone"), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.store_sale(dialog.record))
        dialog.open()

    def store_sale(self, record: Any) -> None:
        """Store a sale typed in by the seller, then redraw."""
        from core.analytics.sales import record_sale

        def done(result: tuple[str, bool]) -> None:
            self.message.emit(_("Sale recorded.") if result[1] else _("That sale was already recorded; nothing added."))
            self.reload()

        self.tasks.start(_("Recording a sale"), lambda _h: record_sale(self.app.db, record), on_success=done,
                         on_failure=self._failed, writes=True)

    def import_csv(self, path: str | None = None) -> TaskHandle | None:
        """Import sales from a CSV file in the background, then say what landed and what was skipped."""
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(self, _("Import sales from CSV"), "", _("CSV files (*.csv)"))
            if not path:
                return None
        from core.analytics.csvio import import_sales_csv

        timezone, currency = self.app.settings.get("general.timezone"), self.app.settings.get("general.currency")

        def work(handle: TaskHandle) -> Any:
            return import_sales_csv(self.app.db, Path(path), timezone=timezone, default_currency=currency,
                                    progress=handle.report,
                                    cancel=handle.cancel_event.is_set)

        def done(report: Any) -> None:
            text = _("Imported {added} new sales from {file}; {unchanged} were already there.").format(
                added=report.added, file=Path(path).name, unchanged=report.unchanged)
            self.message.emit(text)
            if report.problems:
                lines = "\n".join(_("Line {line}: {problem}").format(line=p.line, problem=p.message)
                                  for p in report.problems[:20])
                box = QMessageBox(QMessageBox.Icon.Warning, _("Some rows were skipped"),
                                  f"{text}\n\n" + _("Skipped rows:") + f"\n{lines}", parent=self)
                box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                box.open()
            self.reload()

        return self.tasks.start(_("Importing sales"), work, on_success=done, on_failure=self._failed, writes=True,
                                cancellable=True, unit="sales")


def chart_tables(summary: Summary, locale: str, code: str) -> dict[str, ChartTable]:
    """The four charts' tables in ``code`` (labels formatted with Babel: made in a worker, not on the GUI thread)."""
    from core.analytics import chart_data

    return {"revenue": chart_data.revenue_over_time(summary, locale, code),
            "platforms": chart_data.platform_comparison(summary, code),
            "products": chart_data.top_products(summary, code),
            "engagement": chart_data.engagement_over_time(summary, locale)}


def _span(period: Period, locale: str) -> str:
    """'2 Oct – 31 Oct 2025' in the seller's locale."""
    start = format_skeleton("MMMd", period.start, locale=dates_locale(locale))  # month names in the interface language
    return f"{start} – {format_skeleton('yMMMd', period.end, locale=dates_locale(locale))}"


def _paragraph(text: str) -> QLabel:
    """Centred, wrapped text of a fixed width, so that it is as tall as its lines (a layout alignment would clip
    a wrapped label to the height of its size hint)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setFixedWidth(520)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


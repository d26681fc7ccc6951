"""Layout on small screens (1366×768 and 1024×640): the window fits, titles are readable, figures are whole,
chart legends complete and axis labels apart."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel

from core.analytics.chart_data import ChartTable
from core.app import App
from tests.desktop.shop import add_many_products, add_many_sales


def test_the_default_window_fits_the_screen(window) -> None:
    from desktop.main_window import default_size

    room = QGuiApplication.primaryScreen().availableGeometry()
    size = default_size()
    assert size.width() <= room.width() and size.height() <= room.height() - 40  # a title bar still fits
    assert size.width() <= 1280 and size.height() <= 820


@pytest.fixture
def busy_window(qtbot, app: App) -> Iterator:
    from desktop.main_window import MainWindow

    add_many_products(app.db, 300)
    add_many_sales(app.db, 12_000, days=60)  # crores of rupees a month: the widest figures there are
    app.settings.set("general.first_run_done", True)
    window = MainWindow(app)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()
    assert window.tasks.shutdown(10_000)


@pytest.mark.parametrize("size", [(1366, 768), (1024, 640)])
def test_product_titles_stay_readable(qtbot, busy_window, size: tuple[int, int]) -> None:
    from desktop.products.tab import TITLE_MIN

    window = busy_window
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().width() == size[0], timeout=3000)
    qtbot.waitUntil(lambda: window.products.table.columnWidth(1) >= TITLE_MIN, timeout=3000)
    table = window.products.table
    shown = [window.products.model.headerData(c, Qt.Orientation.Horizontal) for c in range(8)
             if not table.isColumnHidden(c)]
    assert {"Title", "Price"} <= set(shown)
    if size[0] >= 1366:
        assert not any(table.isColumnHidden(c) for c in range(8))  # room for every column


def test_headline_figures_are_whole_at_1024(qtbot, busy_window) -> None:
    window = busy_window
    window.resize(1024, 640)
    tab = window.analytics
    with qtbot.waitSignal(tab.loaded, timeout=20_000):
        window.tabs.setCurrentWidget(tab)
    for card in (tab.kpis.revenue, tab.kpis.profit, tab.kpis.orders):
        full, shown = card.value.text(), QLabel.text(card.value)
        assert "…" not in shown and shown.replace(".00", "") == full.replace(".00", ""), (full, shown)
        assert card.value.fontMetrics().horizontalAdvance(shown) <= card.value.width()
    assert len(tab.kpis.revenue.value.text().replace(",", "")) >= 10  # crores: the widest case was exercised


def _chart(kind: str, table: ChartTable, width: int):  # type: ignore[no-untyped-def]
    from desktop.analytics.picture import Look
    from desktop.analytics.render import _Chart

    colours = {"background": "#ffffff", "text": "#1f2933", "muted": "#7b8794", "grid": "#f0f2f5", "edge": "#d5d9e0"}
    chart = _Chart(kind, table, Look(width, 250, 1.0, colours, "en_IN"))
    chart.plot("nothing")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(chart.figure).draw()
    return chart


def test_narrow_charts_keep_every_legend_entry_and_axis_labels_apart() -> None:
    names = ["offline", "whatsapp", "meesho", "etsy", "shopify", "instagram", "facebook"]
    days = [f"{n} Nov" for n in range(1, 31)]
    revenue = ChartTable("Revenue", "Day", days, {n: [Decimal(90_000 + 1000 * i) for i in range(30)] for n in names},
                         currency="INR")
    chart = _chart("revenue", revenue, 460)
    legend = chart.legend.get_window_extent()
    assert len(chart.legend.get_texts()) == len(names) and legend.x1 <= chart.figure.bbox.width
    platforms = ChartTable("Platforms", "Platform", names, {"Revenue": [Decimal(2_50_78_533)] * 7,
                                                           "Costs": [Decimal(0)] * 7,
                                                           "Profit": [Decimal(2_40_00_000)] * 7}, currency="INR")
    for kind, table in (("revenue", revenue), ("platforms", platforms)):
        chart = _chart(kind, table, 460)
        low, high = chart.ax.get_xlim()
        boxes = sorted((label.get_window_extent() for tick, label in zip(chart.ax.get_xticks(),
                                                                         chart.ax.get_xticklabels(), strict=True)
                        if label.get_text() and low <= tick <= high), key=lambda box: box.x0)  # the drawn ones
        assert len(boxes) >= 2, kind
        assert all(a.x1 < b.x0 for a, b in itertools.pairwise(boxes)), f"{kind}: tick labels overlap"
        assert boxes[-1].x1 <= chart.figure.bbox.width, f"{kind}: the last label is cut off"

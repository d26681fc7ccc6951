"""The Analytics tab as a seller sees it: headline figures, charts that follow the date range, exports, empty page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage

from core.analytics.periods import Period
from core.money import format_money
from tests.analytics.conftest import load
from tests.analytics.dataset import generate
from tests.analytics.expected import expected

IST = ZoneInfo("Asia/Kolkata")
OCTOBER = Period(date(2025, 10, 1), date(2025, 10, 31))
NOVEMBER = Period(date(2025, 11, 1), date(2025, 11, 30))


@pytest.fixture
def data(app):
    dataset = generate(sales=1500, snapshots=480, products=20, seed=3)
    load(app.db, dataset)
    return dataset


def _show(qtbot, tab, period: Period | None = None) -> None:
    with qtbot.waitSignal(tab.loaded, timeout=15_000):
        if period is None:
            tab.show()
        else:
            tab.set_custom(period.start, period.end)


def test_headline_figures_are_the_right_ones(qtbot, tab, data) -> None:
    _show(qtbot, tab)
    _show(qtbot, tab, OCTOBER)
    want = expected(data.sales, OCTOBER.start, OCTOBER.end, IST)
    rupees, before = want.totals["INR"], expected(data.sales, date(2025, 8, 31), date(2025, 9, 30), IST).totals["INR"]
    revenue, previous = rupees.sales - rupees.refunds, before.sales - before.refunds
    assert tab.stack.currentIndex() == 0
    assert tab.kpis.revenue.value.text() == format_money(revenue, "INR", "en_IN")
    assert tab.kpis.revenue.value.text().startswith("₹") and "," in tab.kpis.revenue.value.text()
    arrow = "↑" if revenue > previous else "↓"
    assert tab.kpis.revenue.change.text() == f"{arrow} {abs((revenue - previous) / previous) * 100:.1f}%"
    assert ("#1f8b4c" if arrow == "↑" else "#d64545") in tab.kpis.revenue.change.styleSheet()
    assert tab.kpis.orders.value.text() == f"{rupees.orders:,}"
    assert tab.kpis.profit.value.text() == format_money(revenue - rupees.fees, "INR", "en_IN")
    assert "not converted" in tab.kpis.revenue.note.text()  # dollars and euros, without rates, kept apart
    best = max(((p, t) for (p, code), t in want.platforms.items() if code == "INR" and t.sales),
               key=lambda item: item[1].sales - item[1].refunds - item[1].fees)[0]
    assert tab.kpis.platform.value.text().lower().startswith(best.split("-")[0])
    top_sku = max(((sku, v) for (sku, code), v in want.products.items() if code == "INR"),
                  key=lambda item: item[1][0])[0]
    title = next(t for sku, t, _ in data.products if sku == top_sku)
    assert tab.kpis.product.toolTip().startswith(title)
    assert tab.compared.text() == "compared with 31 Aug – 30 Sept 2025"


def test_switching_the_range_redraws_every_chart(qtbot, tab, data) -> None:
    _show(qtbot, tab)
    _show(qtbot, tab, OCTOBER)
    october_revenue = tab.kpis.revenue.value.text()
    assert len(tab.charts["revenue"].table.labels) == 31
    drawn: dict[str, int] = dict.fromkeys(tab.charts, 0)
    for kind, panel in tab.charts.items():
        panel.rendered.connect(lambda k=kind: drawn.__setitem__(k, drawn[k] + 1))
    _show(qtbot, tab, Period(date(2025, 4, 1), date(2025, 12, 31)))
    assert tab.summary.granularity == "month"
    assert tab.charts["revenue"].table.labels[0] == "Apr 2025" and len(tab.charts["revenue"].table.labels) == 9
    assert tab.kpis.revenue.value.text() != october_revenue
    qtbot.waitUntil(lambda: all(drawn.values()), timeout=5000)  # every chart painted again
    _show(qtbot, tab, Period(date(2024, 1, 1), date(2024, 3, 31)))  # before the first sale: the charts say so
    assert tab.charts["revenue"].table.empty and not tab.charts["revenue"].save_png.isEnabled()
    assert tab.stack.currentIndex() == 0  # sales exist, just not in this range: no teaching page


def test_hovering_a_bar_names_it(qtbot, tab, data) -> None:
    _show(qtbot, tab)
    _show(qtbot, tab, OCTOBER)
    panel = tab.charts["revenue"]
    canvas = panel.canvas
    values = next(iter(panel.table.series.values()))
    day = next(n for n, value in enumerate(values) if value > 0)
    # The bar of that day is where the drawing put it: left to right, one slot per day inside the plot area.
    box = next(rect for rect, text in canvas.picture.tips if text.split("\n")[0].endswith(panel.table.labels[day]))
    first = min(rect.left() for rect, _text in canvas.picture.tips)
    assert box.left() > first or day == 0
    qtbot.mouseMove(canvas, box.center().toPoint())
    assert canvas.tip_text is not None
    assert panel.table.labels[day] in canvas.tip_text and "₹" in canvas.tip_text
    qtbot.mouseMove(canvas, QPoint(1, 1))
    assert canvas.tip_text is None
    assert canvas.grab().toImage().pixelColor(box.center().toPoint()) != canvas.grab().toImage().pixelColor(1, 1)


def test_charts_export_as_png_and_csv(qtbot, tab, data, tmp_path: Path) -> None:
    _show(qtbot, tab)
    _show(qtbot, tab, OCTOBER)
    for kind, panel in tab.charts.items():
        png = tmp_path / f"{kind}.png"
        panel.export_png(png)
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        image = QImage(str(png))
        assert not image.isNull() and image.width() > 800
        panel.export_csv(tmp_path / f"{kind}.csv")
        assert (tmp_path / f"{kind}.csv").read_text(encoding="utf-8-sig").count("\n") > 1


def test_other_currencies_get_their_own_view(qtbot, tab, data) -> None:
    _show(qtbot, tab)
    _show(qtbot, tab, OCTOBER)
    assert tab.currency.isVisibleTo(tab) and [tab.currency.itemText(n) for n in range(tab.currency.count())] == [
        "INR", "EUR", "USD"]
    with qtbot.waitSignal(tab.loaded, timeout=15_000):
        tab.currency.setCurrentText("EUR")
        want = expected(data.sales, OCTOBER.start, OCTOBER.end, IST).totals["EUR"]
        assert tab.kpis.revenue.value.text() == format_money(want.sales - want.refunds, "EUR", "en_IN")
    assert tab.charts["revenue"].table.currency == "EUR"


def test_no_sales_yet_teaches_how_to_add_them(qtbot, tab, app, tmp_path: Path) -> None:
    from core.products.service import create_product, product_input

    create_product(app.db, product_input({"title": "Brass diya", "price": "499", "sku": "DIYA-1"}))
    _show(qtbot, tab)
    assert tab.stack.currentWidget() is tab.empty
    assert [b.text() for b in tab.empty_buttons] == ["Record a sale…", "Import sales from CSV…"]
    csv = tmp_path / "sales.csv"
    csv.write_text("date,platform,sku,amount\n2025-11-02,whatsapp,DIYA-1,499\n", encoding="utf-8-sig")
    with qtbot.waitSignal(tab.loaded, timeout=15_000):
        tab.import_csv(str(csv))
    assert tab.stack.currentIndex() == 0


def test_recording_a_sale_from_the_form(qtbot, tab, app) -> None:
    from core.analytics.sales import sale_choices
    from core.products.service import create_product, product_input
    from desktop.analytics.dialogs import RecordSaleDialog

    create_product(app.db, product_input({"title": "Brass diya", "price": "499", "sku": "DIYA-1"}))
    _show(qtbot, tab)
    tab._ask_for_sale(*sale_choices(app.db))
    dialog = tab.findChild(RecordSaleDialog)
    assert dialog.amount.text() == "499"
    dialog.quantity.setValue(2)
    assert dialog.amount.text() == "998"  # price × quantity until the seller types their own
    dialog.amount.clear()
    dialog.accept()
    assert dialog.isVisible() and "amount" in dialog.error.text()
    dialog.amount.setText("950")
    with qtbot.waitSignal(tab.loaded, timeout=15_000):
        dialog.accept()
    assert tab.stack.currentIndex() == 0
    period = tab.period()
    assert tab.summary.main().sales == Decimal(950) and period.days == 30
    assert tab.kpis.orders.value.text() == "1"

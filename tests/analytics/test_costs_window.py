"""Costs and profit in the window, clicked as a seller would: the product's cost, Costs… (fees, ad spend, currency
rates) and the profit table of the Analytics tab."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt

from core.analytics.costs import ad_spend, rate_cards
from core.analytics.rates import rates_to
from core.analytics.sales import SaleRecord, import_sales
from core.products.service import create_product, get_product, product_input

IST = ZoneInfo("Asia/Kolkata")


def _click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_costs_dialog_stores_fees_ad_spend_and_rates(qtbot, tab, app) -> None:
    costs_button = next(b for b in tab.findChildren(type(tab.empty_buttons[0])) if b.text() == "Costs…")
    _click(qtbot, costs_button)
    dialog = tab.costs
    qtbot.waitUntil(dialog.isVisible)
    save_fees, add_ad, save_rate = (next(b for b in dialog.findChildren(type(costs_button)) if b.text() == text)
                                    for text in ("Save fees", "Add ad spend", "Save rate"))
    dialog.fee_platform.setCurrentIndex(dialog.fee_platform.findData("etsy"))
    qtbot.keyClicks(dialog.commission, "six")
    _click(qtbot, save_fees)
    assert dialog.problem.isVisibleTo(dialog) and "is not a number" in dialog.problem.text()
    dialog.commission.clear()
    qtbot.keyClicks(dialog.commission, "6.5%")
    qtbot.keyClicks(dialog.listing_fee, "16")
    _click(qtbot, save_fees)
    qtbot.waitUntil(lambda: dialog.fees_table.rowCount() == 1)
    assert rate_cards(app.db)["etsy"].commission_percent == Decimal("6.5")
    assert dialog.fees_table.item(0, 1).text() == "6.5%" and dialog.fees_table.item(0, 2).text() == "₹16.00"

    dialog.pages.setCurrentIndex(1)
    dialog.ad_platform.setCurrentIndex(dialog.ad_platform.findData("instagram"))
    qtbot.keyClicks(dialog.ad_amount, "1,500")
    qtbot.keyClicks(dialog.ad_note, "Diwali boost")
    _click(qtbot, add_ad)
    qtbot.waitUntil(lambda: dialog.ads_table.rowCount() == 1)
    assert [(e.platform, e.amount, e.note) for e in ad_spend(app.db)] == [("instagram", 1500, "Diwali boost")]
    dialog.ads_table.selectRow(0)
    _click(qtbot, next(b for b in dialog.pages.widget(1).findChildren(type(costs_button))
                       if b.text() == "Remove selected"))
    qtbot.waitUntil(lambda: dialog.ads_table.rowCount() == 0)
    assert ad_spend(app.db) == []

    dialog.pages.setCurrentIndex(2)
    qtbot.keyClicks(dialog.rate_currency, "usd")
    qtbot.keyClicks(dialog.rate, "83.25")
    _click(qtbot, save_rate)
    qtbot.waitUntil(lambda: dialog.rates_table.rowCount() == 1)
    assert rates_to(app.db, "INR") == {"USD": Decimal("83.25")}
    assert dialog.rates_table.item(0, 1).text() == "1 USD = ₹83.25"


def test_profit_table_shows_each_platform_and_product(qtbot, tab, app) -> None:
    create_product(app.db, product_input({"title": "Brass diya", "price": "500", "sku": "DIYA", "cost_price": "100"}))
    create_product(app.db, product_input({"title": "Clay pot", "price": "400", "sku": "POT"}))
    today = datetime.now(IST).replace(hour=0, minute=5)
    import_sales(app.db, [
        SaleRecord("etsy", "o1", today, Decimal(1500), "INR", quantity=3, product_sku="DIYA"),
        SaleRecord("offline", "o2", today, Decimal(800), "INR", quantity=2, product_sku="POT"),
    ])
    with qtbot.waitSignal(tab.loaded, timeout=15_000):
        tab.show()
    panel = tab.profit
    rows = {panel.platforms.item(r, 0).text(): [panel.platforms.item(r, c).text() for c in range(1, 5)]
            for r in range(panel.platforms.rowCount())}
    assert rows["Etsy"] == ["₹1,500.00", "₹0.00", "₹300.00", "₹1,200.00"]
    assert rows["Walk-in & offline"][2] == "₹0.00 + cost unknown"
    products = {panel.products.item(r, 0).text(): panel.products.item(r, 4).text()
                for r in range(panel.products.rowCount())}
    assert products == {"Brass diya": "₹300.00", "Clay pot": "cost unknown"}
    assert "2 of the items sold have no cost price" in panel.note.text()
    assert "cost of the goods sold (₹300.00)" in tab.kpis.profit.toolTip()


def test_the_cost_is_typed_in_the_product_form(qtbot, window) -> None:
    window.new_product()
    editor = window.products.editor
    qtbot.keyClicks(editor.title, "Brass diya")
    qtbot.keyClicks(editor.price, "500")
    qtbot.keyClicks(editor.cost, "abc")
    assert not editor.save_now()
    assert editor._errors["cost_price"].isVisibleTo(editor) and "cost price" in editor._errors["cost_price"].text()
    editor.cost.clear()
    qtbot.keyClicks(editor.cost, "180")
    assert editor.save_now()
    assert get_product(window.app.db, editor.product_id).cost_price == 180

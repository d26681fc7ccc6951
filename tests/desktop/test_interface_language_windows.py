"""The pseudo-locale, window by window, for the windows translated after the first ones (Content, Listings,
Platforms, Sync): any visible text that bypassed translation fails."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

import pytest
from PySide6.QtWidgets import QWidget

from core.app import App
from core.content.drafts import list_drafts
from core.i18n import use_language
from core.products.service import create_product, product_input
from desktop.tasks import TaskRunner
from tests.desktop.test_interface_language import untranslated, visible_texts


@pytest.fixture
def shop(isolated_env) -> Iterator[tuple[App, TaskRunner]]:
    """An app and a task runner with the interface in the pseudo-locale; checked for leftover work at the end."""
    app = App(isolated_env)
    app.settings.set("general.language", "en")
    use_language("pseudo")  # App() chose the seller's language; the test overrides it
    runner = TaskRunner()
    yield app, runner
    assert runner.shutdown(10_000)
    app.close()
    use_language("en")


Shown = TypeVar("Shown", bound=QWidget)


def _shown(qtbot, widget: Shown) -> Shown:
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_content_tab_and_its_dialogs_show_no_untranslated_text(qtbot, shop) -> None:
    from desktop.content.bulk_dialog import BulkCopyDialog
    from desktop.content.claims_dialog import ClaimsDialog
    from desktop.content.tab import ContentTab

    app, runner = shop
    tab = _shown(qtbot, ContentTab(app, runner))
    found = untranslated(visible_texts(tab))  # the empty state: no product chosen yet
    product = create_product(app.db, product_input({"title": "Brass diya", "price": "499", "quantity": "2",
                                                    "attributes": "material=brass"}))
    tab.show_product(product.id)
    qtbot.waitUntil(lambda: not tab.offline.isEnabled() and "⟦" in tab.writer_note.text())  # no Gemini key
    tab.write_copy(None)
    qtbot.waitUntil(lambda: len(list_drafts(app.db, product.id)) == 8, timeout=20_000)
    qtbot.waitUntil(tab.generate.isEnabled, timeout=5000)
    for index in range(tab.platforms.count()):  # every platform's form, its counters and its buttons
        tab.platforms.setCurrentIndex(index)
        found += untranslated(visible_texts(tab, skip=(tab.heading, tab.platforms.tabBar())))  # title; brand names
    tab.editors["etsy"].approve.click()
    found += untranslated([tab.editors["etsy"].status.text(), tab.editors["etsy"].unapprove.text()])
    bulk = BulkCopyDialog(app, runner, offline=True, chosen=[product.id])
    qtbot.addWidget(bulk)
    found += untranslated(visible_texts(bulk, skip=(bulk.products,)))  # product titles
    claims = ClaimsDialog(app.data_dir)
    qtbot.addWidget(claims)
    found += untranslated(visible_texts(claims))
    assert not found, f"shown without translation: {sorted(set(found))}"


def test_listings_window_shows_no_untranslated_text(qtbot, shop) -> None:
    from decimal import Decimal

    from core.db.models import Listing
    from desktop.listings.dialog import ListingsDialog

    app, runner = shop
    product = create_product(app.db, product_input({"title": "Brass diya", "price": "499", "quantity": "2"}))
    with app.db.session() as session:
        session.add(Listing(product_id=product.id, platform="etsy", remote_id="7", state="live", pending="update",
                            sent_price=Decimal("499"), url="https://www.etsy.com/listing/7"))
    dialog = _shown(qtbot, ListingsDialog(app, runner, lambda _pid, _platform: None))
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1 and dialog.lag.text() != "")
    found = untranslated(visible_texts(dialog))
    found += untranslated([dialog.table.item(0, 2).text(), dialog.lag.text()])  # the state, and the sales check
    assert not found, f"shown without translation: {sorted(set(found))}"


def test_platforms_tab_and_its_dialogs_show_no_untranslated_text(qtbot, shop) -> None:
    from core.platforms.connect_form import connect_form
    from desktop.platforms.bulk_template import BulkTemplateDialog
    from desktop.platforms.connect_dialog import ConnectDialog
    from desktop.platforms.portal_check import PortalCheckDialog
    from desktop.platforms.tab import PlatformsTab

    app, runner = shop
    tab = _shown(qtbot, PlatformsTab(app, runner))
    found = []
    for row in range(tab.list.count()):  # every platform's page: its state, buttons and preferences
        tab.list.setCurrentRow(row)
        found += untranslated([t.split("\n", 1)[1] for t in visible_texts(tab, skip=(tab.detail.heading,))
                               if "\n" in t])  # the list: "Etsy\n<its state>"
        found += untranslated([t for t in visible_texts(tab, skip=(tab.detail.heading, tab.list))])
    for name in ("etsy", "shopify", "instagram"):
        form = connect_form(app, name)
        assert form is not None
        dialog = ConnectDialog(app, form)
        qtbot.addWidget(dialog)
        shop = dialog.edits.get("shop")  # its placeholder is an example address
        found += untranslated(visible_texts(dialog, skip=(*dialog.choices.values(), *([shop] if shop else []))))
    check = PortalCheckDialog(app, runner, "meesho", "Meesho")
    qtbot.addWidget(check)
    found += untranslated(visible_texts(check))
    from core.platforms.connections import expiry_reason
    from core.platforms.specs import get_spec

    found += untranslated([expiry_reason(get_spec(name), {}) for name in ("etsy", "meesho", "shopify")])  # data
    create_product(app.db, product_input({"title": "Brass diya", "price": "499"}))  # listed "(no SKU)"
    bulk = BulkTemplateDialog(app, runner, "meesho", "Meesho")
    qtbot.addWidget(bulk)
    found += untranslated([t.replace("Brass diya", "") for t in visible_texts(bulk, skip=(bulk.category,))])
    assert not found, f"shown without translation: {sorted(set(found))}"


def test_sync_conflict_window_shows_no_untranslated_text(qtbot, shop) -> None:
    from core.db.models import SyncConflict
    from desktop.sync.conflict_dialog import ConflictDialog
    from desktop.sync.controller import SyncController

    app, runner = shop
    fields = {"title": "Brass diya", "price": "499", "quantity": 2, "sku": "", "deleted_at": None}
    with app.db.session() as session:  # the same product edited on two computers: one edit was set aside
        session.add(SyncConflict(conflict_id="c1", kind="product", sync_id="p1", mine_device="Laptop",
                                 mine_data={**fields, "price": "450"}, theirs_data=fields))
    controller = SyncController(app, runner)
    dialog = _shown(qtbot, ConflictDialog(controller))
    assert dialog.table.rowCount() == len(fields)
    found = untranslated([t for t in visible_texts(dialog, skip=(dialog.list,)) if "Brass diya" not in t])
    found += untranslated([dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())])  # fields
    found += untranslated([dialog.list.item(0).text()])  # "Product “Brass diya”"
    assert not found, f"shown without translation: {sorted(set(found))}"


def test_sync_sign_in_window_and_status_show_no_untranslated_text(qtbot, shop) -> None:
    from desktop.sync.controller import SyncController
    from desktop.sync.signin_dialog import SignInDialog
    from desktop.sync.status_widget import SyncStatusButton

    app, runner = shop
    controller = SyncController(app, runner)
    dialog = _shown(qtbot, SignInDialog(controller))
    examples = (dialog.server, dialog.email)  # their placeholders are an example address
    found = untranslated(visible_texts(dialog, skip=examples))
    dialog.new_account.setChecked(True)  # creating an account: the password rule and a second password
    dialog.forgot.click()  # the reset-by-code part
    found += untranslated([*visible_texts(dialog, skip=examples), dialog.password.placeholderText()])
    dialog.show_confirm("me@example.com")  # "check your email", with Resend
    found += untranslated([t for t in visible_texts(dialog, skip=examples) if "example.com" not in t])
    found += untranslated([dialog.confirm_note.text()])
    button = _shown(qtbot, SyncStatusButton())
    button.show_status(controller.status())
    found += untranslated([button.text(), button.toolTip()])
    assert not found, f"shown without translation: {sorted(set(found))}"


def test_main_window_tabs_and_menus_show_no_untranslated_text(qtbot, shop) -> None:
    from desktop.main_window import MainWindow

    app, _runner = shop
    window = _shown(qtbot, MainWindow(app))
    texts = [window.tabs.tabText(index) for index in range(window.tabs.count())]
    for top in window.menuBar().actions():
        if top.menu() is window.sync.menu:
            continue  # the Account menu is sync's own
        texts += [top.text(), *(a.text() for a in top.menu().actions() if not a.isSeparator())]
    window.close()  # stops publishing and waits for the window's background work, as at a real close
    assert window.tasks.pool.activeThreadCount() == 0
    found = untranslated(texts)
    assert not found, f"shown without translation: {sorted(set(found))}"


def test_schedule_tab_and_new_post_wizard_show_no_untranslated_text(qtbot, shop) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTableView, QWizard

    from desktop.schedule.tab import ScheduleTab

    app, runner = shop
    product = create_product(app.db, product_input({"title": "Brass diya", "price": "499"}))
    tab = _shown(qtbot, ScheduleTab(app, runner))
    qtbot.waitUntil(lambda: "⟦" in tab.state.text(), timeout=10_000)  # publishing started
    found = untranslated(visible_texts(tab))
    tab.calendar.set_mode("week")
    found += untranslated(visible_texts(tab.calendar))
    wizard = tab.new_post([product.id])
    back, cancel = QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton
    for _page in range(4):  # products, platforms, when, review
        page = wizard.currentPage()
        found += untranslated([page.title(), page.subTitle(), wizard.windowTitle(), wizard.button(back).text(),
                               wizard.button(cancel).text()])
        found += untranslated(visible_texts(page, skip=tuple(page.findChildren(QTableView))))  # product rows
        if page is wizard.platforms:  # as if Etsy were connected, to go on
            item = wizard.platforms.items.item(0)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Checked)
        if page is wizard.when:  # the review then gives each platform's best time and why (core's reason)
            wizard.when.best.setChecked(True)
        wizard.next()
    assert wizard.currentPage() is wizard.review
    wizard.reject()
    tab.shutdown()
    assert not found, f"shown without translation: {sorted(set(found))}"


def test_analytics_tab_shows_no_untranslated_text(qtbot, shop) -> None:
    from datetime import datetime
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from core.analytics.sales import SaleRecord, import_sales, sale_choices
    from desktop.analytics.dialogs import RecordSaleDialog
    from desktop.analytics.tab import AnalyticsTab

    app, runner = shop
    tab = AnalyticsTab(app, runner)
    with qtbot.waitSignal(tab.loaded, timeout=15_000):
        _shown(qtbot, tab)
    found = untranslated(visible_texts(tab))  # no sales yet: what the tab will show, and how to add sales
    product = create_product(app.db, product_input({"title": "Brass diya", "price": "499", "sku": "DIYA-1"}))
    import_sales(app.db, [SaleRecord("offline", "a", datetime.now(ZoneInfo("Asia/Kolkata")), Decimal(499), "INR",
                                     product_sku="DIYA-1")])
    assert product.id
    with qtbot.waitSignal(tab.loaded, timeout=15_000):
        tab.reload()
    codes = (tab.currency, *(chart.unit for chart in tab.charts.values()))  # currency codes
    skip = (tab.kpis.platform.value, tab.kpis.product.value, tab.profit, *codes)  # names; the profit table's test
    found += untranslated(visible_texts(tab, skip=skip))
    found += untranslated([tab.range.itemText(i) for i in range(tab.range.count())])
    products, platforms = sale_choices(app.db)
    sale = _shown(qtbot, RecordSaleDialog(products, platforms, "INR", "Asia/Kolkata"))
    found += untranslated(visible_texts(sale, skip=(sale.platform, sale.product, sale.currency)))  # names, codes
    found += untranslated([sale.windowTitle()])
    assert not found, f"shown without translation: {sorted(set(found))}"

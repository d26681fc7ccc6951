"""Scheduling from where the seller is: "Schedule…" on the Products tab (one product or a multi-selection) and on the
Content tab opens the wizard with those products chosen; the wizard lists any number of products newest first,
searches them, names the chosen ones and the platforms, and its Confirm makes the posts."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QWizard

from core.products.service import create_product, product_input
from core.publishing.jobs import list_jobs
from tests.desktop.shop import PLATFORM


def _click(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled(), f"{button.text()!r} cannot be clicked"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _click_row(qtbot, table, row: int, column: int = 1) -> None:
    table.scrollTo(table.model().index(row, column))
    rect = table.visualRect(table.model().index(row, column))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _shown_titles(page) -> list[str]:
    model = page.model
    return [model.data(model.index(row, 1)) for row in range(model.rowCount())]


def test_schedule_a_multi_selection_from_the_products_tab_to_confirmed_posts(qtbot, shop_window) -> None:
    window, shop = shop_window, shop_window.shop
    products = window.products
    assert not products.schedule_button.isEnabled()  # nothing selected yet
    wanted = shop.products[4:6]
    _click_row(qtbot, products.table, products.model.row_of(wanted[0]))
    index = products.model.index(products.model.row_of(wanted[1]), 1)
    products.table.selectionModel().select(index, QItemSelectionModel.SelectionFlag.Select
                                           | QItemSelectionModel.SelectionFlag.Rows)  # a ctrl-click
    assert sorted(products.selected_ids()) == sorted(wanted)

    _click(qtbot, products.schedule_button)
    wizard = window.schedule.wizard
    assert wizard is not None and wizard.isVisible()
    page = wizard.products
    assert page.only.isChecked() and page.model.rowCount() == 2  # shown: what was chosen, not everything
    assert page.chosen_label.text() == "Chosen (2): “Handmade soap set”, “Silk dupatta”"
    _click(qtbot, wizard.button(QWizard.WizardButton.NextButton))
    platforms = [wizard.platforms.items.item(i).text() for i in range(wizard.platforms.items.count())]
    assert any(p.startswith("Etsy — connected") for p in platforms)
    _click(qtbot, wizard.button(QWizard.WizardButton.NextButton))
    wizard.when.best.setChecked(True)
    _click(qtbot, wizard.button(QWizard.WizardButton.NextButton))
    review = wizard.review.summary.text()
    assert review.startswith("2 posts: 2 product(s) on Etsy.\nChosen (2):"), review
    assert "  Etsy: " in review  # the best time is named per platform, by its display name
    _click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    qtbot.waitUntil(lambda: sum(j.product_id in wanted for j in list_jobs(window.app.db)) == 2, timeout=10_000)
    new = [j for j in list_jobs(window.app.db) if j.product_id in wanted]
    assert {j.platform for j in new} == {PLATFORM} and all(j.scheduled_at > datetime.now(UTC) for j in new)  # type: ignore[operator]


def test_schedule_from_the_content_tab_chooses_that_product(qtbot, shop_window) -> None:
    window, shop = shop_window, shop_window.shop
    window.products.select(shop.products[1])
    window.tabs.setCurrentWidget(window.content)
    _click(qtbot, window.content.schedule)
    page = window.schedule.wizard.products
    assert page.chosen_ids() == [shop.products[1]] and page.isComplete()


def test_the_wizard_lists_newest_first_searches_and_says_what_is_chosen(qtbot, shop_window) -> None:
    window = shop_window
    for n in range(30):
        create_product(window.app.db, product_input({"title": f"Jute bag {n}", "price": "250", "sku": f"JB-{n}"}))
    window.tabs.setCurrentWidget(window.schedule)
    _click(qtbot, window.schedule.new_button)
    wizard = window.schedule.wizard
    page = wizard.products
    assert not page.only.isChecked() and page.model.rowCount() == 36
    assert _shown_titles(page)[0] == "Jute bag 29"  # the product just made is at the top
    assert page.chosen_label.text().startswith("No product chosen")
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()

    with qtbot.waitSignal(page.model.countChanged):
        qtbot.keyClicks(page.search, "bag 1")
    assert sorted(_shown_titles(page)) == sorted(["Jute bag 1", *[f"Jute bag {n}" for n in range(10, 20)]])
    _click_row(qtbot, page.table, 0, column=4)  # anywhere on the row ticks it (here: its SKU)
    _click_row(qtbot, page.table, 1)
    assert page.chosen_label.text() == f"Chosen (2): “{_shown_titles(page)[0]}”, “{_shown_titles(page)[1]}”"
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    _click_row(qtbot, page.table, 1)  # a second click unticks
    assert len(page.chosen_ids()) == 1
    page.search.clear()
    assert page.model.rowCount() == 36 and len(page.chosen_ids()) == 1  # the choice outlives the search
    _click(qtbot, page.only)
    assert page.model.rowCount() == 1
    _click(qtbot, page.clear)
    assert not page.chosen_ids() and not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.reject()

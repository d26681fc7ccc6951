"""The pseudo-locale, window by window, for the windows translated after the first ones (Content, Listings,
Platforms, Sync): any visible text that bypassed translation fails."""

from __future__ import annotations

from core.app import App
from core.content.drafts import list_drafts
from core.i18n import use_language
from core.products.service import create_product, product_input
from tests.desktop.test_interface_language import pseudo, untranslated, visible_texts

__all__ = ["pseudo"]  # the fixture, used by name


def _app(isolated_env) -> App:
    app = App(isolated_env)
    app.settings.set("general.language", "en")
    use_language("pseudo")  # App() chose the seller's language; the test overrides it
    return app


def test_content_tab_and_its_dialogs_show_no_untranslated_text(qtbot, isolated_env, pseudo) -> None:
    from desktop.content.bulk_dialog import BulkCopyDialog
    from desktop.content.claims_dialog import ClaimsDialog
    from desktop.content.tab import ContentTab
    from desktop.tasks import TaskRunner

    app = _app(isolated_env)
    runner = TaskRunner()
    tab = ContentTab(app, runner)
    qtbot.addWidget(tab)
    tab.show()
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
    assert runner.shutdown(10_000)
    assert not found, f"shown without translation: {sorted(set(found))}"
    app.close()


def test_listings_window_shows_no_untranslated_text(qtbot, isolated_env, pseudo) -> None:
    from decimal import Decimal

    from core.db.models import Listing
    from desktop.listings.dialog import ListingsDialog
    from desktop.tasks import TaskRunner

    app = _app(isolated_env)
    product = create_product(app.db, product_input({"title": "Brass diya", "price": "499", "quantity": "2"}))
    with app.db.session() as session:
        session.add(Listing(product_id=product.id, platform="etsy", remote_id="7", state="live", pending="update",
                            sent_price=Decimal("499"), url="https://www.etsy.com/listing/7"))
    runner = TaskRunner()
    dialog = ListingsDialog(app, runner, lambda _pid, _platform: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1 and dialog.lag.text() != "")
    found = untranslated(visible_texts(dialog))
    found += untranslated([dialog.table.item(0, 2).text(), dialog.lag.text()])  # the state, and the sales check
    assert runner.shutdown(10_000)
    assert not found, f"shown without translation: {sorted(set(found))}"
    app.close()

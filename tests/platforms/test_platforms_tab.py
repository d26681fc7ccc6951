"""The Platforms tab: connecting Shopify and Etsy as a seller would, against the stand-ins."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop.platforms.connect_dialog import ConnectDialog
from tests.fakes.etsy import EtsyStandIn
from tests.fakes.shopify import ShopifyStandIn
from tests.platforms.conftest import FakeBrowser


def answer(monkeypatch, qtbot, **values: str) -> list[ConnectDialog]:
    """The seller fills the Connect dialog's fields and clicks Connect (each dialog shown is kept)."""
    shown: list[ConnectDialog] = []

    def run(dialog: ConnectDialog) -> int:
        shown.append(dialog)
        for key, text in values.items():
            dialog.edits[key].setText(text)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return int(dialog.result()) if dialog.result() else int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(ConnectDialog, "exec", run)
    return shown


def settled(qtbot, window) -> None:
    """A seller looks at the window a moment before the first click: the work started after the first paint
    (the Schedule tab's publishing runner among it) has finished by then."""
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window._warmed and not window.tasks.running, timeout=30_000)
    qtbot.wait(20)


def _select(tab, name: str) -> None:
    from desktop.platforms.tab import NAME_ROLE

    for row in range(tab.list.count()):
        if tab.list.item(row).data(NAME_ROLE) == name:
            tab.list.setCurrentRow(row)
            return
    raise AssertionError(f"{name} not listed")


def test_connect_test_and_disconnect(qtbot, window, monkeypatch, stand_ins: tuple[EtsyStandIn, ShopifyStandIn],
                                     browser: FakeBrowser) -> None:
    etsy, shopify = stand_ins
    tab = window.platforms
    tab.refresh()
    names = [tab.list.item(r).text().split("\n")[0] for r in range(tab.list.count())]
    assert {"Etsy", "Shopify"} <= set(names)

    _select(tab, "shopify")
    assert tab.detail.heading.text() == "Shopify" and not tab.detail.test_button.isEnabled()
    answer(monkeypatch, qtbot, token=shopify.token)
    tab.detail.connect_button.click()
    qtbot.waitUntil(lambda: "Clay Corner" in tab.detail.summary.text(), timeout=15_000)
    assert tab.detail.test_button.isEnabled()
    assert "connected as Clay Corner" in tab.list.currentItem().text()

    tab.detail.test_button.click()
    qtbot.waitUntil(lambda: "Clay Corner" in window.statusBar().currentMessage(), timeout=15_000)

    _select(tab, "etsy")
    answer(monkeypatch, qtbot, app_secret=etsy.shared_secret)
    tab.detail.connect_button.click()
    qtbot.waitUntil(lambda: "ClayCorner" in tab.detail.summary.text(), timeout=15_000)
    browser.join()
    assert "expires in 89 days" in tab.detail.summary.text()

    tab.detail.markup.setValue(12.5)
    tab.detail.hours.setText("10-13, 19-22")
    tab.detail.save_button.click()
    from core.platforms.connections import get_preferences

    prefs = get_preferences(window.app.db, "etsy")
    assert prefs["price_markup_percent"] == 12.5 and prefs["posting_hours"] == "10-13, 19-22"

    tab.detail.disconnect_button.click()
    qtbot.waitUntil(lambda: "Not connected" in tab.detail.summary.text(), timeout=15_000)


def test_a_refused_token_is_shown_readably(qtbot, window, monkeypatch,
                                           stand_ins: tuple[EtsyStandIn, ShopifyStandIn]) -> None:
    tab = window.platforms
    _select(tab, "shopify")
    answer(monkeypatch, qtbot, token="shpat_wrong0000000000000000000000")
    tab.detail.connect_button.click()
    qtbot.waitUntil(lambda: tab.detail.connect_button.isEnabled(), timeout=15_000)
    assert not tab.detail.error.isHidden()
    assert "Shopify" in tab.detail.error.text() and "token" in tab.detail.error.text()
    assert "shpat_wrong" not in tab.detail.error.text()


def test_shopify_through_a_dev_dashboard_app_and_its_sales_channels(qtbot, window, monkeypatch,
                                                                    stand_ins: tuple[EtsyStandIn, ShopifyStandIn]
                                                                    ) -> None:
    _etsy, shopify = stand_ins
    settled(qtbot, window)
    tab = window.platforms
    _select(tab, "shopify")
    shown = answer(monkeypatch, qtbot, shop="", client_id=shopify.client_id, app_secret=shopify.client_secret)
    window.app.settings.set("platforms.shopify.shop_domain", "")
    qtbot.mouseClick(tab.detail.connect_button, Qt.MouseButton.LeftButton)
    # No store address: the dialog says so and keeps what was typed.
    assert not shown[0].error.isHidden() and "store address" in shown[0].error.text()
    assert shown[0].edits["client_id"].text() == shopify.client_id
    shown = answer(monkeypatch, qtbot, shop="claycorner", client_id=shopify.client_id,
                   app_secret=shopify.client_secret)
    qtbot.mouseClick(tab.detail.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Clay Corner" in tab.detail.summary.text(), timeout=15_000)
    assert window.app.settings.get("platforms.shopify.shop_domain") == shopify.shop_domain
    assert "Dev Dashboard" in " ".join(label.text() for label in shown[0].findChildren(type(shown[0].error)))
    assert shopify.grants_made == 1

    qtbot.mouseClick(tab.detail.load_choices, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "publication_ids" in tab.detail._platform_fields, timeout=15_000)
    channels = tab.detail._platform_fields["publication_ids"]
    labels = [channels.item(i).text() for i in range(channels.count())]
    assert labels == ["Point of Sale", "Shop"]
    channels.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(tab.detail.save_button, Qt.MouseButton.LeftButton)
    from core.platforms.connections import get_preferences

    assert get_preferences(window.app.db, "shopify")["publication_ids"] == ["gid://shopify/Publication/2"]
    tab.detail.grab().save("/tmp/shopify_detail.png")
    shown[0].grab().save("/tmp/shopify_connect.png")


def test_etsy_keys_can_be_typed_again_from_the_window(qtbot, window, monkeypatch,
                                                      stand_ins: tuple[EtsyStandIn, ShopifyStandIn],
                                                      browser: FakeBrowser) -> None:
    etsy, _shopify = stand_ins
    settled(qtbot, window)
    tab = window.platforms
    _select(tab, "etsy")
    shown = answer(monkeypatch, qtbot, app_secret="sharedsecret-typo")
    qtbot.mouseClick(tab.detail.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.detail.error.isHidden(), timeout=15_000)
    assert "did not accept the app keystring" in tab.detail.error.text() and browser.urls == []
    assert shown[0].edits["client_id"].text() == etsy.keystring  # the keystring is shown to check
    shown = answer(monkeypatch, qtbot, app_secret=etsy.shared_secret)
    qtbot.mouseClick(tab.detail.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "ClayCorner" in tab.detail.summary.text(), timeout=15_000)
    browser.join()
    assert [f.label for f in shown[0].form.fields] == ["Keystring", "Shared secret"]



def test_connecting_again_sends_the_post_that_waited_for_it(qtbot, window, monkeypatch, tmp_path,
                                                            stand_ins: tuple[EtsyStandIn, ShopifyStandIn]) -> None:
    """The shop took SellerDesk's token back: the post waits for the seller. Clicking Reconnect with a new token
    puts it back in the queue, and the window's publishing runner sends it (once)."""
    from PIL import Image

    from core.products.photos import add_photos
    from core.publishing.jobs import create_job, get_job, job_events
    from core.publishing.resume import WAITING_FOR_SELLER
    from tests.platforms.conftest import add_product

    _etsy, shopify = stand_ins
    settled(qtbot, window)
    tab = window.platforms
    _select(tab, "shopify")
    answer(monkeypatch, qtbot, token=shopify.token)
    qtbot.mouseClick(tab.detail.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Clay Corner" in tab.detail.summary.text(), timeout=15_000)

    app = window.app
    photo = tmp_path / "mug.jpg"
    Image.new("RGB", (1200, 900), (40, 90, 150)).save(photo, quality=90)
    product = add_product(app, platforms=("shopify",), photos=0)
    add_photos(app.db, app.image_store, product, [photo])
    shopify.token = "shpat_revoked"  # the shop took the token back
    job = create_job(app.db, product, "shopify", at=window.schedule.publisher.clock())
    qtbot.waitUntil(lambda: get_job(app.db, job.id).state == "needs_attention", timeout=30_000)
    assert get_job(app.db, job.id).note == WAITING_FOR_SELLER and shopify.products == {}

    shopify.token = "shpat_" + "f" * 32
    answer(monkeypatch, qtbot, token=shopify.token)
    qtbot.mouseClick(tab.detail.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "is back in the queue" in window.statusBar().currentMessage(), timeout=15_000)
    assert "paused until you connected" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: get_job(app.db, job.id).state == "published", timeout=30_000)
    assert len(shopify.products) == 1 and get_job(app.db, job.id).attempts == 2
    assert ("needs_attention", "scheduled") in [(e.from_state, e.to_state) for e in job_events(app.db, job.id)]

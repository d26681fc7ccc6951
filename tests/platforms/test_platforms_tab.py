"""The Platforms tab: connecting Shopify and Etsy as a seller would, against the stand-ins."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from tests.fakes.etsy import EtsyStandIn
from tests.fakes.shopify import ShopifyStandIn
from tests.platforms.conftest import FakeBrowser


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
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (shopify.token, True))
    tab.detail.connect_button.click()
    qtbot.waitUntil(lambda: "Clay Corner" in tab.detail.summary.text(), timeout=15_000)
    assert tab.detail.test_button.isEnabled()
    assert "connected as Clay Corner" in tab.list.currentItem().text()

    tab.detail.test_button.click()
    qtbot.waitUntil(lambda: "Clay Corner" in window.statusBar().currentMessage(), timeout=15_000)

    _select(tab, "etsy")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (etsy.shared_secret, True))
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
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("shpat_wrong0000000000000000000000", True))
    tab.detail.connect_button.click()
    qtbot.waitUntil(lambda: tab.detail.connect_button.isEnabled(), timeout=15_000)
    assert not tab.detail.error.isHidden()
    assert "Shopify" in tab.detail.error.text() and "token" in tab.detail.error.text()
    assert "shpat_wrong" not in tab.detail.error.text()

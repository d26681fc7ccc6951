"""The Listings window, clicked as a seller would, against the Etsy and Shopify stand-ins."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from core.app import App
from core.db.models import Product
from core.listings.polling import lag_text
from core.listings.store import list_listings
from desktop.listings.dialog import ListingsDialog
from desktop.tasks import TaskRunner
from tests.fakes.etsy import EtsyStandIn
from tests.fakes.shopify import ShopifyStandIn
from tests.platforms.conftest import add_product
from tests.publishing.conftest import wait_for


@pytest.fixture
def window(qtbot: Any, shop: App, make_publisher: Any) -> Any:
    product = add_product(shop)
    publisher = make_publisher(shop)
    publisher.schedule([product], ["all"], "now")
    wait_for(lambda: len(list_listings(shop.db)) == 2, message="two listings")
    # The runner's own first look at sales comes right after it starts; waiting for it keeps it from racing the
    # seller's "Check sales now" below (its next look is sales_poll_minutes away).
    wait_for(lambda: all(lag_text(shop, name) != "sales not checked yet" for name in ("etsy", "shopify")),
             message="the runner's first sales check")
    tasks = TaskRunner()
    dialog = ListingsDialog(shop, tasks, lambda pid, platform: publisher.schedule([pid], [platform], "now",
                                                                                  repost=True))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
    dialog.product = product
    yield dialog
    assert tasks.shutdown(10_000)


def _select(qtbot: Any, dialog: ListingsDialog, platform: str) -> None:
    row = next(i for i, x in enumerate(dialog.listings) if x.platform == platform)
    rect = dialog.table.visualRect(dialog.table.model().index(row, 0))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert [x.platform for x in dialog.selected()] == [platform]


def _tick(qtbot: Any, dialog: ListingsDialog) -> None:
    """Click the "Only those waiting for me" box on its tick mark (the box is only clickable on its text)."""
    box = dialog.waiting_only
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def test_take_down_from_the_window_after_the_seller_confirms(
        qtbot: Any, window: ListingsDialog, shop: App, shopify_server: ShopifyStandIn,
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert "Live" in window.table.item(0, 2).text()
    assert not window.repost_button.isEnabled()  # nothing chosen yet, and Etsy/Shopify are not posts
    _select(qtbot, window, "shopify")
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a: asked.append(text)
                        or QMessageBox.StandardButton.No)
    qtbot.mouseClick(window.take_down_button, Qt.MouseButton.LeftButton)
    assert asked and next(iter(shopify_server.products.values()))["status"] == "ACTIVE"  # "No" changes nothing
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(window.take_down_button, Qt.MouseButton.LeftButton)
    wait_for(lambda: next(iter(shopify_server.products.values()))["status"] == "DRAFT", message="taken down")
    # The platform answered; the job records it a moment later (slower on a busy machine).
    wait_for(lambda: any(v.platform == "shopify" and v.state == "taken_down" and v.open_job is None
                         for v in list_listings(shop.db)), message="the take-down recorded")
    window.reload()
    qtbot.waitUntil(lambda: any("Taken down" in (window.table.item(r, 2).text() if window.table.item(r, 2) else "")
                                for r in range(window.table.rowCount())))


def test_check_sales_now_lowers_the_stock_and_says_where(
        qtbot: Any, window: ListingsDialog, shop: App, etsy_server: EtsyStandIn, shopify_server: ShopifyStandIn,
        monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: shown.append(text))
    assert "Etsy: sales checked just now" in window.lag.text()
    etsy_server.add_receipt(9, int(datetime.now(UTC).timestamp()) + 2, [(901, 1, 24.50, "MUG-BLUE-01")])
    qtbot.mouseClick(window.sales_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "Etsy: 1 new; " in shown[0] and "stock 5 → 4; Shopify is updated" in shown[0]
    with shop.db.session() as session:
        assert session.get(Product, window.product).quantity == 4  # type: ignore[attr-defined, union-attr]
    wait_for(lambda: list(shopify_server.inventory.values()) == [4], message="Shopify stock 4")
    qtbot.waitUntil(lambda: "sales checked just now" in window.lag.text())


def test_update_open_post_again_and_the_waiting_filter_when_clicked(
        qtbot: Any, window: ListingsDialog, shop: App, etsy_server: EtsyStandIn,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from decimal import Decimal

    from PySide6.QtGui import QDesktopServices

    from core.db.models import Listing
    from core.db.types import utcnow

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    _select(qtbot, window, "etsy")
    qtbot.mouseClick(window.open_button, Qt.MouseButton.LeftButton)
    assert opened and opened[0].startswith("https://www.etsy.com/listing/")

    shop.settings.set("listings.updates", "ask")
    with shop.db.session() as session:
        session.get(Product, window.product).price = Decimal("31")  # type: ignore[attr-defined, union-attr]
    wait_for(lambda: [x.pending for x in list_listings(shop.db)] == ["update", "update"],
             message="waiting for the seller")
    _tick(qtbot, window)
    assert window.waiting_only.isChecked()
    qtbot.waitUntil(lambda: window.table.rowCount() == 2 and all(x.pending for x in window.listings))
    _select(qtbot, window, "etsy")
    qtbot.mouseClick(window.update_button, Qt.MouseButton.LeftButton)
    wait_for(lambda: next(iter(etsy_server.listings.values()))["price"]["amount"] == 3100, message="update sent")

    # A Facebook post of the same product: "Post again…" asks first, then hands it to the publisher.
    with shop.db.session() as session:
        session.add(Listing(product_id=window.product, platform="facebook", remote_id="2001_77",  # type: ignore[attr-defined]
                            url="https://www.facebook.com/2001/posts/77", sent_price=Decimal("24.50"),
                            published_at=utcnow()))
    reposted: list[tuple[int, str]] = []
    window._repost = lambda pid, platform: reposted.append((pid, platform))
    _tick(qtbot, window)  # back to every listing
    qtbot.waitUntil(lambda: len(window.listings) == 3)
    _select(qtbot, window, "facebook")
    assert window.repost_button.isEnabled() and not window.update_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    qtbot.mouseClick(window.repost_button, Qt.MouseButton.LeftButton)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(window.repost_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: reposted == [(window.product, "facebook")])  # type: ignore[attr-defined]

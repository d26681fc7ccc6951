"""Connection health: when each sign-in ends and why, a warning 7 days ahead in `platforms list` and the window,
and a post scheduled after a sign-in ends is flagged when it is scheduled."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from core.app import App
from core.db.types import utcnow
from core.platforms.connections import (
    ends_before,
    expiry_warnings,
    platform_status,
    record_connected,
    set_enabled,
)
from tests.fakes.etsy import EtsyStandIn
from tests.fakes.shopify import ShopifyStandIn


def _connect(app: App, name: str, days: float | None, **prefs: str) -> None:
    ends = utcnow() + timedelta(days=days) if days is not None else None
    record_connected(app.db, name, f"{name} account", "1", ends, prefs)


def test_each_connection_says_when_and_why_it_ends(app: App) -> None:
    _connect(app, "etsy", 80)
    _connect(app, "shopify", None, auth_route="dev_dashboard")
    _connect(app, "meesho", 20)
    etsy = platform_status(app.db, "etsy")
    assert etsy.days_left == 79 and "renews it whenever it works with Etsy" in etsy.expiry_reason
    assert etsy.warning == "" and etsy.state == "connected"
    shopify = platform_status(app.db, "shopify")
    assert shopify.expires_at is None and shopify.expiry_reason.startswith("renewed automatically")
    assert shopify.renews and not etsy.renews
    _connect(app, "shopify", None, auth_route="token")
    pasted = platform_status(app.db, "shopify")
    assert "pasted Admin API token does not expire" in pasted.expiry_reason and not pasted.renews
    assert "sign-in cookie ends then" in platform_status(app.db, "meesho").expiry_reason
    assert platform_status(app.db, "pinterest").expiry_reason == ""  # not connected: nothing to say


def test_a_sign_in_ending_within_a_week_is_warned_about(app: App) -> None:
    _connect(app, "instagram", 8.5)
    assert expiry_warnings(app.db) == []
    _connect(app, "instagram", 6.5)
    (warning,) = expiry_warnings(app.db)
    day = platform_status(app.db, "instagram").expires_at.date().isoformat()  # type: ignore[union-attr]
    assert warning == (f"Instagram's sign-in ends on {day} (in 6 days): reconnect it (Platforms tab → Instagram → "
                       "Reconnect, or: sellerdesk platforms connect instagram) before then.")
    set_enabled(app.db, "instagram", False)
    assert expiry_warnings(app.db) == []  # switched off: nothing will go out there


def test_a_post_after_the_sign_in_ends_is_flagged(app: App) -> None:
    _connect(app, "pinterest", 10)
    assert ends_before(app.db, "pinterest", utcnow() + timedelta(days=9)) is None
    flagged = ends_before(app.db, "pinterest", utcnow() + timedelta(days=12))
    assert flagged is not None and flagged.startswith("Pinterest's sign-in ends on ")
    assert "reconnect Pinterest before then" in flagged and "60 days without use" in flagged
    assert ends_before(app.db, "shopify", utcnow() + timedelta(days=400)) is None  # not connected


def test_platforms_list_warns(cli, app: App) -> None:  # type: ignore[no-untyped-def]
    _connect(app, "etsy", 3.5)
    _connect(app, "pinterest", 30)
    result = cli("platforms", "list")
    assert result.code == 0 and "(in 3 days)" in result.out and "(in 29 days)" in result.out
    assert result.err.count("Warning: ") == 1 and "Warning: Etsy's sign-in ends on" in result.err


def test_the_window_warns_and_explains(qtbot, window, stand_ins: tuple[EtsyStandIn, ShopifyStandIn]) -> None:
    _connect(window.app, "etsy", 2.5)
    _connect(window.app, "facebook", None)
    tab = window.platforms
    tab.refresh()
    assert not tab.warnings.isHidden() and "Etsy's sign-in ends on" in tab.warnings.text()
    qtbot.waitUntil(lambda: "Etsy's sign-in ends on" in window.statusBar().currentMessage(), timeout=5_000)
    from tests.platforms.test_platforms_tab import _select

    _select(tab, "facebook")
    assert "Page tokens do not expire" in tab.detail.expiry.text()
    _select(tab, "etsy")
    assert "Reconnect" in tab.detail.expiry.text() and "90 days" in tab.detail.expiry.text()
    qtbot.mouseClick(tab.detail.test_button, Qt.MouseButton.LeftButton)  # the seller checks it still works
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=15_000)
    tab.grab().save("/tmp/platforms_health.png")


def test_posts_scheduled_after_the_sign_in_ends_are_flagged_on_the_platform(app: App) -> None:
    from core.db.models import Product, PublishJob

    _connect(app, "pinterest", 20)
    with app.db.session() as session:
        # one open job per product and platform; "d" is another computer's, which posts with its own sign-in
        for key, days, owner in (("a", 5, None), ("b", 25, None), ("c", 40, None), ("d", 30, "laptop-device")):
            product = Product(title=f"Mug {key}", description="", price=1, currency="INR", quantity=1)
            session.add(product)
            session.flush()
            session.add(PublishJob(product_id=product.id, platform="pinterest", state="scheduled",
                                   scheduled_at=utcnow() + timedelta(days=days), idempotency_key=key,
                                   owner_device=owner, owner_name=owner and "Laptop"))
    status = platform_status(app.db, "pinterest")
    assert status.late_posts == 2 and status.state == "connected"  # 19 days left: not yet "expiring"
    assert "; 2 scheduled posts go out after that: reconnect it" in status.warning
    assert expiry_warnings(app.db) == [status.warning]


def test_the_tab_flags_posts_scheduled_meanwhile_when_shown_again(qtbot, window,  # type: ignore[no-untyped-def]
                                                                  stand_ins: tuple[EtsyStandIn, ShopifyStandIn]
                                                                  ) -> None:
    from core.db.models import Product, PublishJob
    from tests.platforms.test_platforms_tab import settled

    settled(qtbot, window)
    _connect(window.app, "pinterest", 30)
    tab = window.platforms
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(tab.isVisible, timeout=5_000)
    assert tab.warnings.isHidden()
    window.tabs.setCurrentWidget(window.products)
    with window.app.db.session() as session:  # scheduled from the Schedule tab meanwhile
        product = Product(title="Mug", description="", price=1, currency="INR", quantity=1)
        session.add(product)
        session.flush()
        session.add(PublishJob(product_id=product.id, platform="pinterest", state="scheduled",
                               scheduled_at=utcnow() + timedelta(days=45), idempotency_key="late"))
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: not tab.warnings.isHidden(), timeout=5_000)
    assert "1 scheduled post goes out after that" in tab.warnings.text()

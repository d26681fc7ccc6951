"""Shopify access as of 2026: Dev Dashboard apps (client credentials, 24 h tokens renewed by SellerDesk), legacy
pasted tokens, scopes checked at connect, and products published to the Online Store so buyers can see them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.app import App
from core.db.types import utcnow
from core.platforms.base import ConnectOptions
from core.platforms.connections import platform_status, set_preferences
from core.platforms.errors import AuthExpired, PlatformError
from core.platforms.publish import publish_listing
from core.platforms.registry import http_options, open_platform
from core.platforms.service import connect_platform, verify_connection
from tests.fakes.shopify import ONLINE_STORE, ShopifyStandIn
from tests.platforms.conftest import FakeVariants, add_product, opener, point_at_shopify

POS = "gid://shopify/Publication/2"


@pytest.fixture
def dev_app(app: App, shopify_server: ShopifyStandIn) -> App:
    """An app connected to the stand-in through a Dev Dashboard app's client id and secret."""
    point_at_shopify(app, shopify_server)
    app.settings.set("platforms.shopify.client_id", shopify_server.client_id)
    with opener(app)("shopify") as shopify:
        connect_platform(app, "shopify", ConnectOptions(app_secret=shopify_server.client_secret), target=shopify)
    return app


def _stored(app: App, name: str) -> str | None:
    from core.secrets import SecretStore

    return SecretStore(app.data_dir, db=app.db).get(name)


def test_a_dev_dashboard_app_connects_with_client_credentials(dev_app: App, shopify_server: ShopifyStandIn) -> None:
    status = platform_status(dev_app.db, "shopify")
    assert status.state == "connected" and status.account_name == "Clay Corner"
    assert shopify_server.grants_made == 1
    token = _stored(dev_app, "shopify:access_token")
    assert token in shopify_server.issued and _stored(dev_app, "shopify:access_expires_at")
    assert _stored(dev_app, "shopify:client_secret") == shopify_server.client_secret


def test_the_token_is_renewed_before_its_24_hours_end(dev_app: App, shopify_server: ShopifyStandIn) -> None:
    first = _stored(dev_app, "shopify:access_token")
    later = utcnow() + timedelta(hours=23, minutes=30)
    shopify_server.advance(23.5 * 3600)  # still valid on the store's side: renewed because it is about to end
    with open_platform(dev_app, "shopify", http=http_options(dev_app.settings), now=lambda: later) as shopify:
        assert shopify.check_connection().account_name == "Clay Corner"
    assert shopify_server.grants_made == 2 and _stored(dev_app, "shopify:access_token") != first


def test_a_refused_token_is_renewed_once_and_the_call_goes_through(dev_app: App,
                                                                  shopify_server: ShopifyStandIn) -> None:
    shopify_server.advance(25 * 3600)  # the store counts the day as over; SellerDesk's clock does not yet
    assert verify_connection(dev_app, "shopify").state == "connected"
    assert shopify_server.grants_made == 2


def test_a_wrong_client_secret_is_refused_plainly_and_not_kept(app: App, shopify_server: ShopifyStandIn) -> None:
    point_at_shopify(app, shopify_server)
    app.settings.set("platforms.shopify.client_id", shopify_server.client_id)
    with pytest.raises(AuthExpired, match="did not accept the Dev Dashboard app's client ID and secret") as caught:
        connect_platform(app, "shopify", ConnectOptions(app_secret="shpss_typo"))
    assert "Dev Dashboard" in str(caught.value) and "shpss_typo" not in str(caught.value)
    assert _stored(app, "shopify:client_secret") is None and _stored(app, "shopify:access_token") is None
    assert platform_status(app.db, "shopify").state == "not_connected"


@pytest.mark.parametrize("route", ["dev_dashboard", "legacy"])
def test_missing_scopes_are_named_at_connect(app: App, shopify_server: ShopifyStandIn, route: str) -> None:
    point_at_shopify(app, shopify_server)
    shopify_server.scopes -= {"write_publications", "read_orders"}
    options = ConnectOptions(token=shopify_server.token)
    if route == "dev_dashboard":
        app.settings.set("platforms.shopify.client_id", shopify_server.client_id)
        options = ConnectOptions(app_secret=shopify_server.client_secret)
    with pytest.raises(PlatformError) as caught:
        connect_platform(app, "shopify", options)
    message = str(caught.value)
    assert "lacks the read_orders, write_publications permissions" in message
    assert ("Dev Dashboard" if route == "dev_dashboard" else "Develop apps") in message
    assert _stored(app, "shopify:access_token") is None
    assert platform_status(app.db, "shopify").state == "not_connected"


def test_no_store_address_is_said_before_anything_else(app: App, shopify_server: ShopifyStandIn) -> None:
    with pytest.raises(PlatformError, match="no store address is set"):
        connect_platform(app, "shopify", ConnectOptions(token=shopify_server.token))
    assert shopify_server.grants_made == 0


def test_a_published_product_is_on_the_online_store_and_the_picked_channels(
        dev_app: App, shopify_server: ShopifyStandIn, variants: FakeVariants) -> None:
    set_preferences(dev_app.db, "shopify", {"publication_ids": [POS]})
    product_id = add_product(dev_app)
    with opener(dev_app)("shopify") as shopify:
        result = publish_listing(dev_app, product_id, "shopify", variants=variants, target=shopify)
        fields = {f.key: f for f in shopify.preference_fields()}
    product = shopify_server.products[result.remote_id]
    assert product["published"] == {ONLINE_STORE, POS}
    assert result.url == f"https://{shopify_server.shop_domain}/products/{product['handle']}"
    channels = fields["publication_ids"]
    assert channels.multiple and [c.label for c in channels.choices] == ["Point of Sale", "Shop"]


def test_without_write_publications_publishing_names_the_scope(shopify_app: App, shopify_server: ShopifyStandIn,
                                                               variants: FakeVariants) -> None:
    shopify_server.scopes.discard("write_publications")
    product_id = add_product(shopify_app)
    with pytest.raises(PlatformError) as caught:
        publish_listing(shopify_app, product_id, "shopify", variants=variants)
    assert "write_publications" in str(caught.value) and "Develop apps" in str(caught.value)
    assert all(not p["published"] for p in shopify_server.products.values())

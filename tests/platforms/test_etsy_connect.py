"""Connecting Etsy the way sellers get it wrong: a mistyped keystring or secret, typed again; the fixed callback
address to register; and a refused Etsy choice (not copy) named as such."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from core.app import App
from core.platforms.base import ConnectOptions
from core.platforms.connect_form import apply_connect_form, connect_form
from core.platforms.connections import platform_status, set_preferences
from core.platforms.errors import AuthExpired, ContentRejected
from core.platforms.publish import publish_listing
from core.platforms.service import connect_platform
from core.secrets import SecretStore
from tests.fakes.etsy import EtsyStandIn
from tests.platforms.conftest import FakeBrowser, FakeVariants, add_product, opener, point_at_etsy


@pytest.mark.parametrize("status", [401, 403])
def test_a_wrong_keystring_is_named_at_once_without_opening_the_browser(app: App, etsy_server: EtsyStandIn,
                                                                       browser: FakeBrowser, status: int) -> None:
    point_at_etsy(app, etsy_server)
    etsy_server.bad_key_status = status
    app.settings.set("platforms.etsy.client_id", "testkeystring12")  # one character short
    started = time.monotonic()
    with pytest.raises(AuthExpired) as caught:
        connect_platform(app, "etsy", ConnectOptions(app_secret=etsy_server.shared_secret, open_browser=browser,
                                                     timeout=60))
    assert time.monotonic() - started < 5 and browser.urls == []
    message = str(caught.value)
    assert "did not accept the app keystring 'testkeystring12'" in message
    assert "etsy.com/developers" in message and "--client-id KEYSTRING --secret-stdin" in message
    assert SecretStore(app.data_dir).get("etsy:shared_secret") is None  # a refused secret is not kept


def test_a_mistyped_secret_is_typed_again_and_replaced(app: App, etsy_server: EtsyStandIn,
                                                       browser: FakeBrowser) -> None:
    point_at_etsy(app, etsy_server)
    SecretStore(app.data_dir).set("etsy:shared_secret", "typo-secret")
    with pytest.raises(AuthExpired):
        connect_platform(app, "etsy", apply_connect_form(app, "etsy", {}, ConnectOptions(open_browser=browser)))
    form = connect_form(app, "etsy")
    assert form is not None and [f.key for f in form.fields] == ["client_id", "app_secret"]
    assert form.fields[1].stored  # shown as stored, and typing over it replaces it
    options = apply_connect_form(app, "etsy", {"app_secret": etsy_server.shared_secret},
                                 ConnectOptions(open_browser=browser, timeout=10))
    assert connect_platform(app, "etsy", options).state == "connected"
    browser.join()
    assert SecretStore(app.data_dir).get("etsy:shared_secret") == etsy_server.shared_secret


def test_the_callback_url_is_fixed_and_shown_where_it_is_registered(app: App, etsy_server: EtsyStandIn,
                                                                    browser: FakeBrowser) -> None:
    point_at_etsy(app, etsy_server)
    app.settings.unset("platforms.etsy.redirect_port")
    port = app.settings.get("platforms.etsy.redirect_port")
    assert port != 0
    form = connect_form(app, "etsy")
    assert form is not None
    assert f"Register this exact callback URL in your Etsy app: http://127.0.0.1:{port}/callback" in form.notes
    with opener(app)("etsy") as etsy:
        connect_platform(app, "etsy", ConnectOptions(app_secret=etsy_server.shared_secret, open_browser=browser,
                                                     timeout=10), target=etsy)
    browser.join()
    sent = parse_qs(urlsplit(browser.urls[0]).query)["redirect_uri"][0]
    assert sent == f"http://127.0.0.1:{port}/callback"
    assert platform_status(app.db, "etsy").state == "connected"


def test_a_refused_when_made_is_named_as_an_etsy_choice_not_copy(etsy_app: App, etsy_server: EtsyStandIn,
                                                                 variants: FakeVariants) -> None:
    set_preferences(etsy_app.db, "etsy", {"when_made": "2030_2039"})
    product_id = add_product(etsy_app)
    with pytest.raises(ContentRejected) as caught:
        publish_listing(etsy_app, product_id, "etsy", variants=variants)
    message = str(caught.value)
    assert caught.value.field == "when_made" and "copy" not in message.split("This is")[0]
    assert "This is an Etsy choice, not the copy: pick another 'When it was made'" in message
    assert "Platforms tab → Etsy → Preferences" in message and "Change the when made" not in message

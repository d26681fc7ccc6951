"""Instagram's two sign-in routes against the Graph stand-in: Instagram Login (graph.instagram.com,
instagram_business_* permissions) and Facebook Login for Business (graph.facebook.com, the account linked to a
Page, instagram_basic/instagram_content_publish, the Page's non-expiring token). A post goes out either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.app import App
from core.platforms.connections import get_preferences, platform_status
from core.platforms.errors import PlatformError
from core.platforms.publish import publish_listing
from tests.fakes.social.meta import MetaStandIn
from tests.fakes.social.meta_instagram import IG_USER
from tests.fakes.social.pinterest import PinterestStandIn
from tests.fakes.social.s3 import S3StandIn
from tests.platforms.conftest import FakeBrowser
from tests.social.conftest import Opener, add_product, connect, point_at, use_s3


@pytest.fixture
def facebook_login_app(app: App, meta: MetaStandIn, pinterest: PinterestStandIn, s3: S3StandIn,
                       browser: FakeBrowser, opener: Opener) -> App:
    """Instagram connected through Facebook Login with the seller's own Facebook app."""
    point_at(app, meta, pinterest)
    use_s3(app, s3)
    app.settings.set("platforms.instagram.login", "facebook")
    app_id, secret = meta.apps["facebook"]
    app.settings.set("platforms.facebook.client_id", app_id)
    connect(app, "instagram", browser, opener, app_secret=secret)
    return app


def test_facebook_login_finds_the_linked_account_and_posts_through_graph_facebook(
        facebook_login_app: App, meta: MetaStandIn, browser: FakeBrowser, opener: Opener, tmp_path: Path) -> None:
    status = platform_status(facebook_login_app.db, "instagram")
    assert status.state == "connected" and status.account_name == "@ashapottery"
    assert status.expires_at is None and "Page's token, which does not expire" in status.expiry_reason
    prefs = get_preferences(facebook_login_app.db, "instagram")
    assert prefs["ig_user_id"] == IG_USER and prefs["page_name"] == "Asha's Pottery"
    consent = browser.urls[0]
    assert "/fb-www/" in consent and "instagram_content_publish" in consent and "instagram_business" not in consent
    token = meta.tokens[facebook_login_app.secrets.get("instagram:access_token") or ""]
    assert token.kind == "page" and token.expires is None

    product_id = add_product(facebook_login_app, tmp_path, photos=2, platforms=("instagram",))
    with opener(facebook_login_app, "instagram") as instagram:
        result = publish_listing(facebook_login_app, product_id, "instagram", target=instagram)
    media = meta.instagram.media[result.remote_id]
    assert len(media.children) == 2 and result.url and result.image_count == 2


def test_instagram_login_still_works_beside_it(instagram_app: App, meta: MetaStandIn, browser: FakeBrowser,
                                               opener: Opener, tmp_path: Path) -> None:
    assert "/ig-www/oauth/authorize" in browser.urls[0] and "instagram_business_content_publish" in browser.urls[0]
    token = meta.tokens[instagram_app.secrets.get("instagram:access_token") or ""]
    assert token.kind == "ig"
    product_id = add_product(instagram_app, tmp_path, photos=1, platforms=("instagram",))
    with opener(instagram_app, "instagram") as instagram:
        assert publish_listing(instagram_app, product_id, "instagram", target=instagram).remote_id in \
            meta.instagram.media


def test_the_stand_in_refuses_instagram_login_tokens_on_graph_facebook(instagram_app: App,
                                                                        meta: MetaStandIn) -> None:
    import httpx

    token = instagram_app.secrets.get("instagram:access_token")
    answer = httpx.get(f"{meta.fb_api_base}/{meta.version}/{IG_USER}", params={"fields": "id,username"},
                       headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400 and answer.json()["error"]["code"] == 190


def test_a_page_without_a_linked_account_is_explained(app: App, meta: MetaStandIn, pinterest: PinterestStandIn,
                                                      browser: FakeBrowser, opener: Opener) -> None:
    point_at(app, meta, pinterest)
    app.settings.set("platforms.instagram.login", "facebook")
    app_id, secret = meta.apps["facebook"]
    app.settings.set("platforms.facebook.client_id", app_id)
    meta.granted = {"pages_show_list", "pages_read_engagement", "instagram_content_publish"}  # no instagram_basic
    with pytest.raises(PlatformError) as caught:
        connect(app, "instagram", browser, opener, app_secret=secret)
    assert "has an Instagram professional account linked to it" in str(caught.value)
    assert "--login instagram" in str(caught.value)
    assert platform_status(app.db, "instagram").state == "not_connected"


def test_facebook_login_from_the_command_line(cli, monkeypatch: pytest.MonkeyPatch, app: App,  # type: ignore[no-untyped-def]
                                              meta: MetaStandIn, pinterest: PinterestStandIn,
                                              browser: FakeBrowser) -> None:
    import io
    import json
    import webbrowser

    point_at(app, meta, pinterest)
    monkeypatch.setattr(webbrowser, "open", browser)
    app_id, secret = meta.apps["facebook"]
    monkeypatch.setattr("sys.stdin", io.StringIO(secret + "\n"))
    result = cli("platforms", "connect", "instagram", "--login", "facebook", "--client-id", app_id, "--secret-stdin",
                 "--json")
    browser.join()
    assert result.code == 0, result.err
    status = json.loads(result.out)
    assert status["account_name"] == "@ashapottery" and status["expires_at"] is None
    assert "Page's token" in status["expiry_reason"]
    assert cli("platforms", "connect", "facebook", "--login", "facebook").code != 0  # Instagram only


def test_facebook_login_from_the_window(qtbot, window, monkeypatch, meta: MetaStandIn,  # type: ignore[no-untyped-def]
                                        pinterest: PinterestStandIn, browser: FakeBrowser) -> None:
    import webbrowser

    from PySide6.QtCore import Qt

    from tests.platforms.test_platforms_tab import _select, settled

    point_at(window.app, meta, pinterest)
    monkeypatch.setattr(webbrowser, "open", browser)
    settled(qtbot, window)
    tab = window.platforms
    _select(tab, "instagram")
    app_id, secret = meta.apps["facebook"]

    def fill(dialog):  # type: ignore[no-untyped-def]
        dialog.choices["login"].setCurrentText("facebook")
        dialog.edits["client_id"].setText(app_id)
        dialog.edits["app_secret"].setText(secret)
        dialog.grab().save("/tmp/instagram_connect.png")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return int(dialog.result())

    from desktop.platforms.connect_dialog import ConnectDialog

    monkeypatch.setattr(ConnectDialog, "exec", fill)
    qtbot.mouseClick(tab.detail.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "@ashapottery" in tab.detail.summary.text(), timeout=15_000)
    browser.join()
    assert window.app.settings.get("platforms.instagram.login") == "facebook"
    assert window.app.settings.get("platforms.facebook.client_id") == app_id
    assert "does not expire" in tab.detail.expiry.text()

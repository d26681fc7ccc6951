"""``sellerdesk platforms ...`` against the stand-ins, and the promise that no secret reaches a file."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from core.app import App
from core.logs import setup_logging, stop_logging
from core.platforms.publish import publish_listing
from core.platforms.service import verify_connection
from tests.fakes.etsy import EtsyStandIn
from tests.fakes.shopify import ShopifyStandIn
from tests.platforms.conftest import FakeBrowser, FakeVariants, add_product


def feed(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text + "\n"))


def test_list_connect_test_and_prefs(cli, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                     stand_ins: tuple[EtsyStandIn, ShopifyStandIn], browser: FakeBrowser) -> None:
    etsy, shopify = stand_ins
    listed = json.loads(cli("platforms", "list", "--json").out)
    states = {p["name"]: p["state"] for p in listed}
    assert states["etsy"] == states["shopify"] == "not_connected"
    assert list(states) == sorted(states)  # in name order

    feed(monkeypatch, shopify.token)
    result = cli("platforms", "connect", "shopify", "--token-stdin")
    assert result.code == 0, result.err
    assert result.out.strip() == "Shopify: connected as Clay Corner"

    feed(monkeypatch, etsy.shared_secret)
    result = cli("platforms", "connect", "etsy", "--secret-stdin")
    browser.join()
    assert result.code == 0, result.err
    assert "Sign in to Etsy in your browser" in result.err and "/oauth/connect?" in result.err
    assert result.out.strip() == "Etsy: connected as ClayCorner — sign-in expires in 89 days"

    table = cli("platforms", "list").out
    assert "connected as Clay Corner" in table and "connected as ClayCorner" in table
    assert cli("platforms", "test", "etsy").out.startswith("Etsy works: connected as ClayCorner")

    result = cli("platforms", "prefs", "etsy", "taxonomy_id=1064", "shipping_profile_id=71", "--options", "--json")
    prefs = json.loads(result.out)
    assert prefs["preferences"]["taxonomy_id"] == "1064" and prefs["preferences"]["shop_id"] == etsy.shop_id
    assert {o["key"] for o in prefs["options"]} >= {"taxonomy_id", "shipping_profile_id", "readiness_state_id"}

    assert cli("platforms", "disconnect", "shopify").code == 0
    assert json.loads(cli("platforms", "list", "--json").out)[1]["state"] == "not_connected"


def test_publish_from_the_command_line_with_real_photos(cli, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                        stand_ins: tuple[EtsyStandIn, ShopifyStandIn],
                                                        isolated_env: Path, tmp_path: Path) -> None:
    from PIL import Image

    from core.db.models import ContentDraft

    _, shopify = stand_ins
    photo = tmp_path / "mug.jpg"
    Image.new("RGB", (900, 600), (30, 80, 200)).save(photo, "JPEG")
    added = cli("products", "add", "--title", "Mug", "--price", "10", "--currency", "USD", "--image", str(photo),
                "--json")
    product_id = json.loads(added.out)["id"]
    app = App(isolated_env)
    with app.db.session() as session:
        session.add(ContentDraft(product_id=product_id, platform="shopify", title="Blue mug",
                                 description="Nice mug", status="approved"))
    app.close()
    feed(monkeypatch, shopify.token)
    assert cli("platforms", "connect", "shopify", "--token-stdin").code == 0
    result = cli("platforms", "publish", str(product_id), "shopify", "--json")
    assert result.code == 0, result.err
    published = json.loads(result.out)
    assert published["state"] == "active" and published["images"] == 1
    upload = next(iter(shopify.staged.values()))["data"]
    assert upload.startswith(b"\xff\xd8")  # the Shopify variant made by the image pipeline, not the original
    assert upload != photo.read_bytes()


def test_mistakes_get_one_clear_line(cli, stand_ins: tuple[EtsyStandIn, ShopifyStandIn]) -> None:  # type: ignore[no-untyped-def]
    result = cli("platforms", "connect", "ebay")
    assert result.code == 1 and "There is no platform called 'ebay'" in result.err
    result = cli("platforms", "test", "etsy")
    assert result.code == 1
    assert result.err == ("sellerdesk: Etsy: SellerDesk is not connected yet. Connect Etsy in the Platforms tab "
                          "(or run: sellerdesk platforms connect etsy).\n")
    result = cli("platforms", "prefs", "etsy", "oops")
    assert result.code == 1 and "is not KEY=VALUE" in result.err


def test_no_secret_reaches_the_database_logs_or_settings(cli, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                         stand_ins: tuple[EtsyStandIn, ShopifyStandIn],
                                                         browser: FakeBrowser, variants: FakeVariants,
                                                         isolated_env: Path) -> None:
    etsy, shopify = stand_ins
    feed(monkeypatch, shopify.token)
    assert cli("platforms", "connect", "shopify", "--token-stdin").code == 0
    feed(monkeypatch, etsy.shared_secret)
    assert cli("platforms", "connect", "etsy", "--secret-stdin").code == 0
    browser.join()
    assert cli("platforms", "prefs", "etsy", "taxonomy_id=1064", "shipping_profile_id=71",
               "readiness_state_id=81").code == 0
    cli("config", "set", "general.currency", "USD")
    app = App(isolated_env)
    setup_logging(app.logs_dir, "DEBUG")
    try:
        product_id = add_product(app)
        publish_listing(app, product_id, "etsy", variants=variants)
        publish_listing(app, product_id, "shopify", variants=variants)
        etsy.expire_access_tokens()  # a refresh (and rotation) happens too
        verify_connection(app, "etsy")
        shopify.token = "shpat_revoked"
        with pytest.raises(Exception, match="Reconnect Shopify"):
            verify_connection(app, "shopify")
    finally:
        stop_logging()
        app.close()
    assert cli("platforms", "sales", "etsy").code == 0
    secrets = {shopify.token, "shpat_0123456789abcdef0123456789abcdef", etsy.shared_secret,
               *etsy.access_tokens, *etsy.refresh_tokens, *etsy.dead_refresh_tokens}
    assert len(secrets) >= 6
    files = [p for p in isolated_env.rglob("*") if p.is_file()]
    scanned = [p for p in files
               if p.name.startswith("sellerdesk.db") or p.suffix == ".log" or p.name == "settings.json"]
    assert any(p.suffix == ".log" and p.stat().st_size > 0 for p in scanned) and len(scanned) >= 3
    for path in scanned:
        data = path.read_bytes()
        for secret in secrets:
            # the part after Etsy's "<user id>." prefix is the secret half of a token
            assert secret.split(".")[-1].encode() not in data, f"a secret is in {path.name}"


def test_shopify_connect_checks_the_store_address_before_asking_for_a_secret(
        cli, monkeypatch: pytest.MonkeyPatch, stand_ins: tuple[EtsyStandIn, ShopifyStandIn]) -> None:  # type: ignore[no-untyped-def]
    _etsy, shopify = stand_ins
    monkeypatch.delenv("SELLERDESK_PLATFORMS__SHOPIFY__SHOP_DOMAIN")
    feed(monkeypatch, shopify.client_secret)
    result = cli("platforms", "connect", "shopify", "--client-id", shopify.client_id, "--secret-stdin")
    assert result.code != 0 and "No store address is set" in result.err and "--shop" in result.err
    assert sys.stdin.read().strip() == shopify.client_secret  # the secret was never read
    assert shopify.grants_made == 0

    feed(monkeypatch, shopify.client_secret)
    result = cli("platforms", "connect", "shopify", "--shop", "claycorner", "--client-id", shopify.client_id,
                 "--secret-stdin")
    assert result.code == 0, result.err
    assert result.out.strip() == "Shopify: connected as Clay Corner" and shopify.grants_made == 1
    # Connecting again needs no secret: the stored one is used.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert cli("platforms", "connect", "shopify").code == 0 and shopify.grants_made == 2

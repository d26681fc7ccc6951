"""Settings outside the window: the computer's time zone by default, plain checks, secrets from a terminal, and
messages that name the window path as well as the command."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from core.errors import ValidationError
from core.preferences.layout import SECRETS, SETTINGS, place_of, where
from core.preferences.zones import check_zone, choices, describe

ROOT = Path(__file__).resolve().parents[2]


def test_time_zone_defaults_to_this_computers_in_the_cli(cli, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    assert cli("config", "get", "general.timezone").out.strip() == "America/Los_Angeles"
    assert cli("config", "set", "general.timezone", "mumbai").out.strip() == "general.timezone = Asia/Kolkata"
    assert cli("config", "unset", "general.timezone").out.strip().endswith("(America/Los_Angeles)")
    monkeypatch.setenv("TZ", "Europe/London")  # the computer moved: an unset zone follows it
    assert cli("config", "get", "general.timezone").out.strip() == "Europe/London"


def test_a_computer_that_names_no_zone_gets_india(cli, monkeypatch) -> None:
    import tzlocal

    monkeypatch.setenv("TZ", "IST")
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: None)
    assert cli("config", "get", "general.timezone").out.strip() == "Asia/Kolkata"


def test_zones_are_found_by_city_and_named_for_people() -> None:
    assert check_zone("Los Angeles") == "America/Los_Angeles" and check_zone("bengaluru") == "Asia/Kolkata"
    assert check_zone("America/Argentina/Buenos_Aires") == "America/Argentina/Buenos_Aires"
    with pytest.raises(ValidationError, match="nearest big city"):
        check_zone("Atlantis")
    assert describe("America/Los_Angeles").startswith("Los Angeles, United States (UTC−0")
    labels = [c.label() for c in choices()]
    assert any(label.startswith("Kolkata, India · UTC+05:30") for label in labels) and len(labels) > 400


@pytest.mark.parametrize(("key", "value", "words"), [
    ("general.currency", "rupees", "is not a currency code"),
    ("general.locale", "xx_YY", "is not a language and country"),
    ("images.background", "white", "is not a colour"),
    ("platforms.shopify.shop_domain", "my store", "is not a store address"),
    ("sync.server_url", "sync.example.com", "is not a web address"),
    ("browser.executable_path", "/no/such/browser", "there is no program at"),
    ("listings.stock_sync_off", "meesho,ebay", "ebay is not a platform"),
    ("sync.interval_seconds", "5", "must be at least 30"),
])
def test_wrong_values_are_refused_in_plain_words_everywhere(cli, key, value, words) -> None:
    result = cli("config", "set", key, value)
    assert result.code == 1 and words in result.err
    assert cli("config", "get", key).out.strip() != value


def test_secrets_from_a_terminal_are_never_printed(cli, monkeypatch, app) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("indiaMartCrmKey123\n"))
    result = cli("config", "set-secret", "indiamart:crm_key")
    assert result.code == 0 and "IndiaMART CRM key is stored in the system keychain" in result.out
    listed = cli("config", "secrets")
    assert re.search(r"indiamart:crm_key\s+stored\s+Edit → Settings → Platforms", listed.out)
    assert "indiaMartCrmKey123" not in listed.out + result.out
    assert app.secrets.get("indiamart:crm_key") == "indiaMartCrmKey123"
    monkeypatch.setattr("sys.stdin", io.StringIO("has a space\n"))
    assert "pasted together with something else" in cli("config", "set-secret", "gemini:api_key").err
    assert "There is no secret called" in cli("config", "set-secret", "etsy:access_token").err
    assert cli("config", "unset-secret", "indiamart:crm_key").code == 0
    assert app.secrets.get("indiamart:crm_key") is None


def test_every_laid_out_setting_exists_and_has_a_window_path() -> None:
    from core.settings import schema

    assert set(SETTINGS) <= set(schema())
    for key in [*SETTINGS, *(s.name for s in SECRETS)]:
        path = place_of(key).path
        assert path.startswith("Edit → Settings → ") and place_of(key).label in path
        assert path in where(key)


def test_every_secret_a_platform_keeps_can_be_typed_in_settings() -> None:
    from core.platforms.specs import all_specs

    kept = {str(auth[key]["secret" if key == "own_app" else "name"]) for spec in all_specs().values()
            for auth in [spec.auth] for key in ("own_app", "app_secret") if isinstance(auth.get(key), dict)}
    assert "shopify:client_secret" in kept and kept <= {s.name for s in SECRETS}


def test_no_message_sends_sellers_to_the_terminal_without_the_window_path() -> None:
    """'sellerdesk config set' is written only by where(), which always names the window path first."""
    offenders = []
    for folder in ("core", "desktop"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.parent.name == "preferences":  # where() itself, and the commands it names
                continue
            if "sellerdesk config set" in path.read_text(encoding="utf-8"):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"messages naming only the command: {offenders}"
    assert where("platforms.etsy.client_id", "KEY") == ("In the window: Edit → Settings → Platforms → Etsy → App "
                                                        "keystring; or run: sellerdesk config set "
                                                        "platforms.etsy.client_id KEY")


def test_devanagari_digits_only_when_the_seller_chooses_them(cli, isolated_env) -> None:
    from decimal import Decimal

    from core.app import App
    from core.money import format_money, use_digits

    assert format_money(Decimal("123456"), "INR", "en_IN") == "₹1,23,456.00"
    assert cli("config", "set", "general.digits", "devanagari").code == 0
    try:
        App(isolated_env).close()  # the next start reads the choice
        assert format_money(Decimal("123456"), "INR", "en_IN") == "₹१,२३,४५६.००"
        assert cli("config", "set", "general.digits", "roman").code == 1
    finally:
        use_digits("latin")

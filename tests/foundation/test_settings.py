"""Settings: declared schema, typed values, env overrides, clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import StorageError, ValidationError
from core.settings import Settings, schema


def test_every_setting_is_declared_with_type_default_and_description() -> None:
    for spec in schema().values():
        assert spec.type in {"str", "int", "float", "bool"}
        assert spec.description.strip()
        assert spec.coerce(spec.default) == spec.default


def test_base_urls_models_and_browser_path_are_settings() -> None:
    keys = set(schema())
    for key in ["content.gemini_model", "browser.executable_path", "platforms.etsy.api_base",
                "platforms.facebook.api_version", "platforms.shopify.api_version", "platforms.pinterest.api_base"]:
        assert key in keys


def test_set_get_persist_and_unset(tmp_path: Path) -> None:
    settings = Settings(tmp_path)
    assert settings.get("content.temperature") == 1.0
    assert settings.set("content.temperature", "1.2") == 1.2
    assert settings.set("browser.headless", "no") is False
    again = Settings(tmp_path)
    assert again.get("content.temperature") == 1.2
    assert again.resolve("browser.headless").source == "file"
    again.unset("content.temperature")
    assert Settings(tmp_path).get("content.temperature") == 1.0


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("content.temperature", "hot", "must be a number"),
        ("content.temperature", "5", "at most 2,"),
        ("general.theme", "purple", "must be one of"),
        ("browser.headless", "maybe", "must be yes or no"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(tmp_path: Path, key: str, value: str, words: str) -> None:
    settings = Settings(tmp_path)
    with pytest.raises(ValidationError, match=words):
        settings.set(key, value)
    assert not (tmp_path / "settings.json").exists()


def test_unknown_key_suggests_neighbours(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        Settings(tmp_path).get("content.gemini_modle")
    assert "content.gemini_model" in str(err.value)


def test_environment_overrides_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(tmp_path)
    settings.set("content.gemini_model", "from-file")
    monkeypatch.setenv("SELLERDESK_CONTENT__GEMINI_MODEL", "from-env")
    value = Settings(tmp_path).resolve("content.gemini_model")
    assert (value.value, value.source) == ("from-env", "env")


def test_damaged_settings_file_is_reported_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(StorageError, match="cannot be read"):
        Settings(tmp_path)
    assert path.read_text(encoding="utf-8") == "{not json"


def test_hand_edited_bad_value_falls_back_to_default(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text(json.dumps({"general.theme": "neon"}), encoding="utf-8")
    assert Settings(tmp_path).get("general.theme") == "system"


def test_config_cli_round_trip(cli) -> None:
    assert cli("config", "set", "general.currency", "USD").code == 0
    result = cli("--json", "config", "get", "general.currency")
    assert json.loads(result.out) == {"key": "general.currency", "value": "USD", "source": "file"}
    listing = json.loads(cli("config", "list", "--json").out)
    assert {"key", "value", "default", "source", "type", "description"} <= set(listing[0])
    bad = cli("config", "set", "general.theme", "neon")
    assert bad.code == 1 and "must be one of" in bad.err and bad.err.count("\n") == 1

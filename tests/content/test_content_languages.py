"""A copy language per platform: Hindi on Meesho, Hinglish on Facebook, English elsewhere, for one product."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.content.languages import language_groups, parse_platform_languages
from core.errors import ValidationError


def test_the_setting_is_read_plainly() -> None:
    assert parse_platform_languages(" meesho=hi; Etsy = en ,") == {"meesho": "hi", "etsy": "en"}
    with pytest.raises(ValidationError, match="not PLATFORM=LANGUAGE"):
        parse_platform_languages("meesho=marathi")
    groups = language_groups(["facebook", "etsy", "meesho"], "en", {"meesho": "hi"})
    assert groups == {"en": ["facebook", "etsy"], "hi": ["meesho"]}
    assert language_groups(["facebook", "meesho"], "en", {"meesho": "hi"}, override="hinglish") == {
        "hinglish": ["facebook", "meesho"]}


def test_each_platform_in_its_own_language(cli: Any) -> None:
    assert cli("config", "set", "content.platform_languages", "meesho=hi, facebook=hinglish").code == 0
    added = cli("products", "add", "--json", "--title", "Brass diya", "--price", "499", "--attr", "material=brass")
    product_id = str(json.loads(added.out)["id"])
    made = cli("content", "generate", product_id, "--offline", "--json")
    assert made.code == 0, made.err
    drafts = json.loads(made.out)["drafts"]
    assert {p: d["language"] for p, d in drafts.items() if p in ("meesho", "facebook", "etsy")} == {
        "meesho": "hi", "facebook": "hinglish", "etsy": "en"}
    assert "सामग्री: पीतल" in drafts["meesho"]["bullets"]
    assert cli("config", "set", "content.platform_languages", "meesho=klingon").code == 0  # any text is stored
    refused = cli("content", "generate", product_id, "--offline")
    assert refused.code != 0 and "content.platform_languages" in refused.err

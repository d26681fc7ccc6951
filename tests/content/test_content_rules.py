"""The platform rules file: complete, sourced, and matching platform-facts.md."""

from __future__ import annotations

from core.content.models import PLATFORMS, PlatformCopy
from core.content.rules import Rules, compose_caption, load_json_resource


def test_every_platform_has_rules_and_every_number_a_source(rules: Rules) -> None:
    assert set(PLATFORMS) <= set(rules.platforms)
    for pr in rules.platforms.values():
        assert pr.label
        for name, rule in pr.fields.items():
            assert rule.source.strip(), f"{pr.name}.{name} has no source note"
        if pr.caption is not None:
            assert pr.caption.source.strip()
    raw = load_json_resource("rules.json")
    for platform, entry in raw["platforms"].items():
        for name, limit in entry["publish_limits"].items():
            assert limit["source"].strip(), f"{platform} publish limit {name} has no source note"


def test_limits_follow_platform_facts(rules: Rules) -> None:
    etsy = rules.platform("etsy")
    assert etsy.fields["title"].max_chars == 140
    assert set(etsy.fields["title"].at_most_once) == {"%", ":", "&", "+"}
    assert (etsy.fields["tags"].max_items, etsy.fields["tags"].item_max_chars) == (13, 20)
    chars = etsy.fields["tags"].item_chars
    assert chars is not None
    assert all(chars.allows(c) for c in "Brass jhumka-set 2'™©®")
    assert not any(chars.allows(c) for c in "!#&,.%")
    insta = rules.platform("instagram")
    assert not insta.uses("title")
    assert insta.caption is not None
    assert (insta.caption.max_chars, insta.caption.max_hashtags, insta.caption.max_mentions) == (2200, 5, 20)
    pin = rules.platform("pinterest")
    assert (pin.fields["title"].max_chars, pin.fields["description"].max_chars) == (100, 800)
    assert (
        load_json_resource("rules.json")["platforms"]["pinterest"]["publish_limits"]["alt_text"]["max_chars"]
        == 500
    )
    assert rules.platform("shopify").fields["title"].max_chars == 255


def test_caption_is_description_bullets_hashtags(rules: Rules) -> None:
    copy = PlatformCopy(
        "instagram", description="  Gold jhumkas.  ", bullets=["Brass", "Light"], hashtags=["#a", "#b"]
    )
    assert compose_caption(copy, rules.platform("instagram")) == "Gold jhumkas.\n\n• Brass\n• Light\n\n#a #b"
    assert compose_caption(PlatformCopy("instagram", hashtags=["#a"]), rules.platform("instagram")) == "#a"
    # Platforms without a caption post the description as it is.
    assert compose_caption(PlatformCopy("etsy", description="x"), rules.platform("etsy")) == "x"

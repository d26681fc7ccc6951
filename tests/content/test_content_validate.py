"""The validator names the field, the position, the rule and the fix, the way a seller reads it."""

from __future__ import annotations

from core.content.models import PlatformCopy, Violation
from core.content.rules import Rules
from core.content.validate import validate


def only(violations: list[Violation], rule: str) -> Violation:
    hits = [v for v in violations if v.rule == rule]
    assert len(hits) == 1, violations
    return hits[0]


def good_etsy(**changes: object) -> PlatformCopy:
    base = PlatformCopy(
        "etsy",
        title="Brass Jhumka Earrings",
        description="Gold-finish brass jhumkas.",
        bullets=["Brass"],
        tags=["jhumka", "brass earrings"],
    )
    return base.with_fields(**changes)


def test_valid_copy_has_no_violations(rules: Rules) -> None:
    assert validate(good_etsy(), rules) == []


def test_title_too_long_says_by_how_much(rules: Rules) -> None:
    v = only(validate(good_etsy(title="a" * 152), rules), "max_chars")
    assert (v.platform, v.field, v.position) == ("etsy", "title", 140)
    assert v.message == "Etsy title is 152 characters; the limit is 140. Shorten it by 12."


def test_character_allowed_once_points_at_the_second_use(rules: Rules) -> None:
    title = "Earrings & Studs: Gold & Silver"
    v = only(validate(good_etsy(title=title), rules), "at_most_once")
    assert v.position == title.index("&", title.index("&") + 1)
    assert "'&' 2 times" in v.message and f"character {v.position + 1}" in v.message


def test_etsy_tags_positions_are_item_indexes(rules: Rules) -> None:
    tags = ["jhumka", "handmade leather wallet", "gift!", "Jhumka"] + [f"tag{i}" for i in range(11)]
    found = validate(good_etsy(tags=tags), rules)
    assert only(found, "item_max_chars").position == 1
    assert only(found, "item_max_chars").message == (
        "Etsy tag 2 ('handmade leather wallet') is 23 characters; the limit is 20. Shorten it by 3."
    )
    assert only(found, "item_chars").position == 2
    assert "contains '!'" in only(found, "item_chars").message
    dup = only(found, "duplicate")
    assert (dup.position, dup.message) == (3, "Etsy tag 4 ('Jhumka') repeats tag 1; remove it.")
    count = only(found, "max_items")
    assert (count.position, count.message) == (13, "Etsy has 15 tags; the limit is 13. Remove 2.")


def test_unused_and_required_fields(rules: Rules) -> None:
    found = validate(PlatformCopy("instagram", title="Not shown", description=""), rules)
    assert (
        only(found, "unused").message == "Instagram does not use a title; clear it so nothing is left unseen."
    )
    required = only(found, "required")
    assert (required.field, required.position) == ("description", None)


def test_instagram_caption_counts_hashtags_in_the_text(rules: Rules) -> None:
    description = "Gold jhumkas " + " ".join(f"#t{i}" for i in range(25))
    copy = PlatformCopy("instagram", description=description, hashtags=[f"#h{i}" for i in range(8)])
    v = only(validate(copy, rules), "caption_max_hashtags")
    assert v.field == "caption"
    assert v.message.startswith(
        "Instagram caption has 33 hashtags (counting those in the text); the limit is 5."
    )
    # The position is where the 6th hashtag (one past the limit of 5) starts in the posted caption.
    assert v.position == description.index("#t5")


def test_instagram_mentions_and_caption_length(rules: Rules) -> None:
    mentions = " ".join(f"@shop{i}" for i in range(21))
    v = only(validate(PlatformCopy("instagram", description=mentions), rules), "caption_max_mentions")
    assert v.position == mentions.index("@shop20")
    long = PlatformCopy("instagram", description="word " * 400, bullets=["b" * 100] * 8)
    cap = only(validate(long, rules), "caption_max_chars")
    assert cap.position == 2200 and "Shorten it by" in cap.message


def test_hashtag_format_and_email_is_not_a_mention(rules: Rules) -> None:
    copy = PlatformCopy(
        "instagram", description="Write to shop@example.com", hashtags=["#ok", "#hand made", "no"]
    )
    found = validate(copy, rules)
    assert [v.position for v in found if v.rule == "hashtag_format"] == [1, 2]
    assert not [v for v in found if v.rule == "caption_max_mentions"]


def test_marketplace_title_rejects_emoji_at_its_offset(rules: Rules) -> None:
    title = "Jhumka 👩‍👩‍👧 set ✨"
    v = only(validate(PlatformCopy("meesho", title=title, description="d"), rules), "no_emoji")
    assert v.position == 7
    assert "(👩‍👩‍👧) at character 8" in v.message
    # ©, ® and ™ are text, not emoji.
    assert validate(PlatformCopy("meesho", title="Brand™ Jhumka © 2026", description="d"), rules) == []


def test_control_characters_are_reported(rules: Rules) -> None:
    v = only(validate(good_etsy(description="Gold\x00 jhumkas"), rules), "invalid_character")
    assert (v.field, v.position) == ("description", 4)

"""The fitter: cuts at sentence, then word boundaries, never inside a word or an emoji; obeys every limit."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.content.fit import fit, fit_report
from core.content.graphemes import clean_text, drop_invisible, graphemes, is_pictographic
from core.content.hashtags import is_hashtag
from core.content.models import PLATFORMS, PlatformCopy
from core.content.rules import Rules
from core.content.shorten import TRAILING_PUNCT, WORD, shorten
from core.content.validate import validate
from tests.content.strategies import long_messy_text, messy_text, platform_copies


def is_word_prefix(out: str, text: str) -> bool:
    """``out`` is ``text`` cut after a whole word (a trailing comma, colon or no-break space of the last word
    may be dropped)."""
    if not text.startswith(out):
        return False
    out_words = WORD.findall(out)
    in_words = WORD.findall(text)
    if not out_words:
        return out == ""
    k = len(out_words)
    last_in, last_out = in_words[k - 1], out_words[-1]
    return (
        out_words[:-1] == in_words[: k - 1]
        and last_in.startswith(last_out)
        and all(c in TRAILING_PUNCT or c.isspace() for c in last_in[len(last_out) :])
    )


def at_grapheme_boundary(out: str, text: str) -> bool:
    offsets = {0}
    position = 0
    for cluster in graphemes(text):
        position += len(cluster)
        offsets.add(position)
    return len(out) in offsets


# --- shorten -----------------------------------------------------------------------------------------------
def test_prefers_a_sentence_end_that_keeps_most_of_the_text() -> None:
    text = "Hand-polished brass jhumkas. Light enough for all day. Ships in two days from Jaipur."
    assert shorten(text, 60) == "Hand-polished brass jhumkas. Light enough for all day."
    assert shorten("Hi. " + "word " * 30, 60).startswith("Hi. word word")


def test_drops_dangling_separators_and_commas() -> None:
    assert shorten("Leather Wallet | Gift for Him", 17) == "Leather Wallet"
    assert shorten("Gold, silver, brass", 14) == "Gold, silver"


def test_never_cuts_inside_a_word_or_emoji() -> None:
    assert shorten("Supercalifragilistic", 10) == ""
    assert shorten("Family 👨‍👩‍👧‍👦 set", 12) == "Family"
    assert shorten("झुमका हस्तनिर्मित", 10) == "झुमका"


@settings(max_examples=200, deadline=None)
@given(long_messy_text, st.integers(min_value=0, max_value=120))
def test_shorten_properties(text: str, limit: int) -> None:
    out = shorten(text, limit)
    if len(text) <= limit:
        assert out == text
        return
    assert len(out) <= limit
    assert is_word_prefix(out, text)
    assert at_grapheme_boundary(out, text)


# --- fit ---------------------------------------------------------------------------------------------------
def test_etsy_example(rules: Rules) -> None:
    copy = PlatformCopy(
        "etsy",
        title="Brass Jhumka Earrings & Studs: Gold + Silver & Rose: Festive " + "Handmade Jewellery " * 8,
        description="Gold jhumkas.",
        hashtags=["#unused"],
        tags=["handmade leather wallet", "gift!", "Gift", "GIFT", "❤️love", "jhumka"]
        + [f"t{i}" for i in range(12)],
    )
    fitted, changes = fit_report(copy, rules)
    assert validate(fitted, rules) == []
    assert fitted.title.count("&") == 1 and fitted.title.count(":") == 1
    assert fitted.tags[:4] == ["handmade leather", "gift", "love", "jhumka"]
    assert len(fitted.tags) == 13 and fitted.hashtags == []
    rules_hit = {(c.field, c.rule) for c in changes}
    assert {
        ("title", "at_most_once"),
        ("title", "max_chars"),
        ("tags", "item_chars"),
        ("tags", "duplicate"),
        ("tags", "max_items"),
        ("hashtags", "unused"),
    } <= rules_hit


def test_hashtags_get_one_hash_and_are_deduplicated_case_insensitively(rules: Rules) -> None:
    copy = PlatformCopy(
        "instagram",
        description="Gold jhumkas",
        hashtags=["jhumka", "##Jhumka", "#JHUMKA", "hand made", "#love❤️", "#👍🏽", "हस्तनिर्मित"],
    )
    assert fit(copy, rules).hashtags == ["#jhumka", "#handmade", "#love", "#हस्तनिर्मित"]


def test_instagram_caption_keeps_half_for_the_description_then_drops_bullets(rules: Rules) -> None:
    copy = PlatformCopy(
        "instagram",
        description="Lovely. " * 260,
        bullets=["b" * 140] * 8,
        hashtags=[f"#tag{i}" for i in range(30)],
    )
    fitted = fit(copy, rules)
    assert validate(fitted, rules) == []
    assert 1000 < len(fitted.description) <= 1100 and fitted.description.endswith("Lovely.")
    assert 0 < len(fitted.bullets) < 8 and len(fitted.hashtags) == 5  # Instagram's limit since December 2025


def test_hashtags_in_text_beyond_the_limit_become_words(rules: Rules) -> None:
    copy = PlatformCopy("instagram", description=" ".join(f"#w{i}" for i in range(8)), hashtags=["#extra"])
    fitted = fit(copy, rules)
    assert validate(fitted, rules) == []
    assert fitted.description.endswith("#w4 w5 w6 w7") and fitted.hashtags == []


def test_a_keycap_emoji_leaves_a_hashtag_whole_and_fitting_twice_changes_nothing(rules: Rules) -> None:
    fitted = fit(PlatformCopy("facebook", description="d", hashtags=["1\ufe0f\u20e3 0"]), rules)
    assert fitted.hashtags == ["#0"] and fit(fitted, rules) == fitted


def test_marketplace_title_loses_emoji_whole(rules: Rules) -> None:
    fitted = fit(PlatformCopy("meesho", title="Jhumka 👩‍👩‍👧 set ✨ gold", description="d"), rules)
    assert fitted.title == "Jhumka set gold"


@pytest.mark.parametrize("platform", PLATFORMS)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_any_input_comes_out_within_every_limit(rules: Rules, platform: str, data: st.DataObject) -> None:
    copy = data.draw(platform_copies(platform))
    fitted = fit(copy, rules)
    assert [v for v in validate(fitted, rules) if v.rule != "required"] == []
    assert fit(fitted, rules) == fitted  # fitting is idempotent
    for tag in fitted.hashtags:
        assert is_hashtag(tag) and not any(is_pictographic(c) for c in tag)
    for raw_tag in fitted.tags:
        # Whole clusters only: every cluster of a tag existed in some input tag (no half emoji).
        # (Etsy's letters are compared composed: "e" + a combining accent is the letter "é".)
        sources = {g for t in copy.tags for form in (clean_text(t), unicodedata.normalize("NFC", clean_text(t)))
                   for g in graphemes(form)} | {" "}
        assert set(graphemes(raw_tag)) <= sources


@settings(max_examples=150, deadline=None)
@given(long_messy_text.map(lambda t: t * 3))
def test_titles_are_cut_at_word_and_grapheme_boundaries(rules: Rules, title: str) -> None:
    fitted = fit(PlatformCopy("pinterest", title=title, description="d"), rules)
    source = drop_invisible(clean_text(title)).strip()
    assert len(fitted.title) <= 100
    assert is_word_prefix(fitted.title, source)
    assert at_grapheme_boundary(fitted.title, source)


@settings(max_examples=100, deadline=None)
@given(st.lists(messy_text, max_size=30))
def test_bullets_are_whole_word_prefixes(rules: Rules, bullets: list[str]) -> None:
    fitted = fit(PlatformCopy("meesho", title="t", description="d", bullets=bullets), rules)
    sources = [drop_invisible(clean_text(b)).strip() for b in bullets]
    assert len(fitted.bullets) <= 5
    for bullet in fitted.bullets:
        assert 0 < len(bullet) <= 100
        assert any(is_word_prefix(bullet, s) and at_grapheme_boundary(bullet, s) for s in sources)

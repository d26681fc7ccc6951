"""Grapheme clusters from the standard library, checked against known cases and the regex module's \\X."""

from __future__ import annotations

import importlib.util

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.content.graphemes import clean_text, graphemes, is_emoji_cluster
from tests.content.strategies import PIECES, messy_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("👨‍👩‍👧‍👦 hi", ["👨‍👩‍👧‍👦", " ", "h", "i"]),
        ("👍🏽x", ["👍🏽", "x"]),
        ("🇮🇳🇺🇸🇮", ["🇮🇳", "🇺🇸", "🇮"]),
        ("1️⃣", ["1️⃣"]),
        ("e\u0301", ["e\u0301"]),
        ("a\r\nb", ["a", "\r\n", "b"]),
        ("नमस्ते क्षत्रिय", ["न", "म", "स्ते", " ", "क्ष", "त्रि", "य"]),
        ("한국", ["한", "국"]),
    ],
)
def test_known_clusters(text: str, expected: list[str]) -> None:
    assert graphemes(text) == expected


def test_emoji_clusters_and_text_symbols() -> None:
    assert all(is_emoji_cluster(g) for g in ["👨‍👩‍👧‍👦", "🇮🇳", "1️⃣", "❤️", "✨", "👍🏽"])
    assert not any(is_emoji_cluster(g) for g in ["™", "©", "®", "°", "₹", "a", "क्ष"])


def test_clean_text_joins_split_surrogates_and_drops_lone_ones() -> None:
    assert clean_text("a\ud83d\ude00b\ud800c\x00d\r\ne") == "a😀bcd\ne"


@settings(max_examples=150, deadline=None)
@given(messy_text)
def test_clusters_rebuild_the_text(text: str) -> None:
    assert "".join(graphemes(text)) == text


@pytest.mark.skipif(importlib.util.find_spec("regex") is None, reason="the regex module is not installed")
@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([p for p in PIECES if "\ud83d" not in p]), max_size=25).map("".join))
def test_matches_regex_module_on_real_world_pieces(text: str) -> None:
    import regex

    assert graphemes(text) == regex.findall(r"\X", text)

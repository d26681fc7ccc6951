"""Hashtags and @mentions: what counts as one, and how a messy tag is normalised."""

from __future__ import annotations

import unicodedata

from core.content.graphemes import graphemes

# A digit or letter with these is an emoji (keycap 1️⃣, ©️), which no hashtag holds: the whole cluster goes.
_EMOJI_MARKS = frozenset({"\ufe0f", "\u20e3"})


def is_tag_char(char: str) -> bool:
    """Characters a hashtag body may hold: letters with their marks (Devanagari too), digits and '_'."""
    return char == "_" or unicodedata.category(char)[0] in "LMN"


def find_marked(text: str, marker: str) -> list[int]:
    """Offsets of every ``marker`` ('#' or '@') that starts a hashtag or mention in running text.

    A marker glued to a preceding word character (an e-mail address, "C#") does not start one.
    """
    found = []
    for i, char in enumerate(text):
        if char != marker or i + 1 >= len(text) or not is_tag_char(text[i + 1]):
            continue
        if i > 0 and (is_tag_char(text[i - 1]) or text[i - 1] == marker):
            continue
        found.append(i)
    return found


def is_hashtag(tag: str) -> bool:
    """True if ``tag`` is exactly one '#' followed by hashtag characters."""
    return len(tag) > 1 and tag[0] == "#" and all(is_tag_char(c) for c in tag[1:])


def normalise_hashtag(raw: str) -> str:
    """Turn '##Hand made!' into '#Handmade'; '' when nothing usable is left.

    Whole grapheme clusters are kept or dropped, so removing an emoji never leaves half of it (a lone
    skin-tone modifier or variation selector) behind.
    """
    kept = (g for g in graphemes(raw.strip().lstrip("#＃")) if is_tag_char(g[0]) and not _EMOJI_MARKS & set(g))
    # Joiners inside a kept letter cluster (Devanagari half forms) are not allowed in a hashtag body.
    body = "".join(c for g in kept for c in g if is_tag_char(c))
    return "#" + body if body else ""

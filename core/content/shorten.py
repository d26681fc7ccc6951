"""Shorten text to a length at a sentence or word boundary: never mid-word, never inside a grapheme."""

from __future__ import annotations

import re

# No-break spaces glue things like "₹ 1,499" together, so they are not word boundaries.
WORD = re.compile(r"(?:[^\s]|[\u00a0\u202f\u2007])+")
SENTENCE_ENDS = ".!?।॥…"
# A word that is only one of these is a separator left dangling by a cut ("Wallet | Gift" -> "Wallet |").
SEPARATOR_CHARS = frozenset("-–—|/&+·•:,;")
TRAILING_PUNCT = ",;:"
# Prefer a sentence boundary only when it keeps at least this share of the allowed length.
SENTENCE_MIN_KEEP = 0.5


def _tidy_end(text: str) -> str:
    text = text.rstrip()
    while True:
        words = list(WORD.finditer(text))
        if words and set(words[-1].group()) <= SEPARATOR_CHARS:
            text = text[: words[-1].start()].rstrip()
            continue
        stripped = text.rstrip(TRAILING_PUNCT).rstrip()
        if stripped == text:
            return text
        text = stripped


def shorten(text: str, limit: int) -> str:
    """The longest prefix of ``text`` of at most ``limit`` characters that ends where a word ends.

    A sentence end is preferred when it keeps at least half the allowed length. The result is always a prefix
    of ``text`` made of whole words (a dangling separator or trailing comma is dropped); if even the first
    word is longer than ``limit`` the result is empty, because a cut word misleads buyers.
    """
    if len(text) <= limit:
        return text
    best_word = 0
    best_sentence = 0
    for match in WORD.finditer(text):
        end = match.end()
        if end > limit:
            break
        best_word = end
        if text[end - 1] in SENTENCE_ENDS or text[end : end + 1] == "\n":
            best_sentence = end
    cut = best_sentence if best_sentence >= limit * SENTENCE_MIN_KEEP else best_word
    return _tidy_end(text[:cut])

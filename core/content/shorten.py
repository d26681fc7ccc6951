"""Shorten text to a length at a sentence or word boundary: never mid-word, never inside a grapheme."""

from __future__ import annotations

import re

# No-break spaces glue things like "₹ 1,499" together, so they are not word boundaries.
WORD = re.compile(r"(?:[^\s]|[\u00a0\u202f\u2007])+")
SENTENCE_ENDS = ".!?।॥…"
# A word that is only one of these is a separator left dangling by a cut ("Wallet | Gift" -> "Wallet |").
SEPARATOR_CHARS = frozenset("-–—|/&+·•:,;")
TRAILING_PUNCT = ",;:"
# Prefer a sentence (then a phrase) boundary only when it keeps at least this share of the allowed length.
SENTENCE_MIN_KEEP = 0.5
# A phrase boundary is worth more than a word boundary: it is taken while it keeps a third of the length.
PHRASE_MIN_KEEP = 1 / 3
# A phrase ends after a word ending in one of these, or before a word that is a separator or opens a bracket.
PHRASE_ENDS = ",;:)"
PHRASE_OPENERS = frozenset("|-–—/(")
PHRASE_STARTERS = frozenset(("with", "and", "for", "from", "without", "के", "और", "aur"))
# Words that promise more to come: a cut never ends on one ("... mustard yellow with").
DANGLING = frozenset((
    "a", "an", "and", "or", "of", "for", "in", "on", "the", "to", "by", "from", "with", "at", "&", "+",
    "ke", "ka", "ki", "aur", "se", "mein", "par", "के", "का", "की", "और", "से", "में", "पर",
))  # fmt: skip


def _tidy_end(text: str) -> str:
    text = text.rstrip()
    while True:
        words = list(WORD.finditer(text))
        last = words[-1].group() if words else ""
        if words and (set(last) <= SEPARATOR_CHARS or (len(words) > 1 and last.casefold() in DANGLING)):
            text = text[: words[-1].start()].rstrip()
            continue
        stripped = text.rstrip(TRAILING_PUNCT).rstrip()
        if stripped == text:
            return text
        text = stripped


def shorten(text: str, limit: int) -> str:
    """The longest prefix of ``text`` of at most ``limit`` characters that ends where a word ends.

    A sentence end is preferred when it keeps at least half the allowed length, then a phrase end (a comma, a
    separator such as '|', a bracket, before "with"/"and"/"for"), then any word end. The result is always a
    prefix of ``text`` made of whole words (a number such as "92.5" or "4-5" is one word), never ending on a
    dangling separator, comma or joining word ("with", "and", "के"); if even the first word is longer than
    ``limit`` the result is empty, because a cut word misleads buyers.
    """
    if len(text) <= limit:
        return text
    best_word = best_phrase = best_sentence = 0
    words = list(WORD.finditer(text))
    for index, match in enumerate(words):
        end = match.end()
        if end > limit:
            break
        best_word = end
        following = words[index + 1].group() if index + 1 < len(words) else ""
        if text[end - 1] in SENTENCE_ENDS or text[end : end + 1] == "\n":
            best_sentence = end
        if text[end - 1] in PHRASE_ENDS or set(following[:1]) & PHRASE_OPENERS or following in PHRASE_STARTERS:
            best_phrase = end
    if best_sentence >= limit * SENTENCE_MIN_KEEP:
        cut = best_sentence
    else:
        cut = best_phrase if best_phrase >= limit * PHRASE_MIN_KEEP else best_word
    return _tidy_end(text[:cut])

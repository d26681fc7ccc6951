"""User-perceived characters (grapheme clusters) with only the standard library.

A simplified UAX #29 extended-grapheme-cluster segmenter: CR LF, controls, combining marks, ZWJ emoji
sequences, emoji modifiers and tags, regional-indicator flag pairs, Hangul syllables and Devanagari conjuncts
(virama + consonant, GB9c). Unicode's Extended_Pictographic property is not in ``unicodedata``, so it is
approximated by the symbol categories; the tests cross-check against the ``regex`` module's ``\\X`` when
present.
"""

from __future__ import annotations

import re
import unicodedata

ZWJ = "\u200d"
VS16 = "\ufe0f"
KEYCAP = "\u20e3"
_DEVANAGARI_VIRAMA = "\u094d"
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_KEEP_CONTROLS = {"\n", "\t"}
_REGIONAL_INDICATORS = "".join(chr(c) for c in range(0x1F1E6, 0x1F200))


def is_regional_indicator(char: str) -> bool:
    """True for the letters that pair up into flag emoji."""
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def is_pictographic(char: str) -> bool:
    """True for emoji and decorative pictographs (★ ❤ 🎁), false for ©, ®, ™, ° and currency signs."""
    cp = ord(char)
    if is_regional_indicator(char) or 0x1F3FB <= cp <= 0x1F3FF:
        return True
    if unicodedata.category(char) != "So":
        return False
    # Letterlike symbols (™ ℠ ℗) and Latin-1 symbols (© ® °) are text, not pictures.
    return cp >= 0x2000 and not 0x2100 <= cp <= 0x214F


def is_emoji_cluster(cluster: str) -> bool:
    """True if a grapheme cluster is an emoji or pictograph (keycaps and emoji-presentation text included)."""
    return any(is_pictographic(c) for c in cluster) or VS16 in cluster or KEYCAP in cluster


def _is_extend(char: str) -> bool:
    cp = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Me", "Mc")
        or char == "\u200c"
        or 0x1F3FB <= cp <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= cp <= 0xE007F  # emoji tag sequences (subdivision flags)
    )


def _is_control(char: str) -> bool:
    if char in "\r\n":
        return True
    cat = unicodedata.category(char)
    if cat in ("Cc", "Zl", "Zp", "Cs"):
        return True
    return cat == "Cf" and char not in (ZWJ, "\u200c") and not 0xE0020 <= ord(char) <= 0xE007F


def _hangul_kind(char: str) -> str:
    cp = ord(char)
    if 0x1100 <= cp <= 0x115F or 0xA960 <= cp <= 0xA97C:
        return "L"
    if 0x1160 <= cp <= 0x11A7 or 0xD7B0 <= cp <= 0xD7C6:
        return "V"
    if 0x11A8 <= cp <= 0x11FF or 0xD7CB <= cp <= 0xD7FB:
        return "T"
    if 0xAC00 <= cp <= 0xD7A3:
        return "LV" if (cp - 0xAC00) % 28 == 0 else "LVT"
    return ""


_HANGUL_JOINS = {
    ("L", "L"), ("L", "V"), ("L", "LV"), ("L", "LVT"),
    ("LV", "V"), ("LV", "T"), ("V", "V"), ("V", "T"),
    ("LVT", "T"), ("T", "T"),
}  # fmt: skip


def _is_devanagari_consonant(char: str) -> bool:
    cp = ord(char)
    return 0x0915 <= cp <= 0x0939 or 0x0958 <= cp <= 0x095F or 0x0978 <= cp <= 0x097F


def _joins(cluster: str, char: str) -> bool:
    """Whether ``char`` continues the grapheme cluster ``cluster`` (non-empty)."""
    prev = cluster[-1]
    if prev == "\r" and char == "\n":
        return True
    if _is_control(prev) or _is_control(char):
        return False
    if (_hangul_kind(prev), _hangul_kind(char)) in _HANGUL_JOINS:
        return True
    if _is_extend(char) or char == ZWJ:
        return True
    if prev == ZWJ and is_pictographic(char) and any(is_pictographic(c) for c in cluster):
        return True
    if _is_devanagari_consonant(char):
        # GB9c: consonant + virama (+ ZWJ/marks) + consonant is one conjunct.
        tail = cluster.rstrip(ZWJ + "\u093c")
        if tail.endswith(_DEVANAGARI_VIRAMA) and any(_is_devanagari_consonant(c) for c in cluster):
            return True
    if is_regional_indicator(prev) and is_regional_indicator(char):
        # Flags are pairs: a third indicator starts a new flag.
        run = len(cluster) - len(cluster.rstrip(_REGIONAL_INDICATORS))
        return run % 2 == 1
    return False


def graphemes(text: str) -> list[str]:
    """Split ``text`` into grapheme clusters; ``"".join(graphemes(t)) == t`` always holds."""
    clusters: list[str] = []
    for char in text:
        if clusters and _joins(clusters[-1], char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def clean_text(text: str) -> str:
    """Repair text from outside (model output, pasted text) so it can be counted, stored and posted.

    Surrogate pairs that arrived as two code points are joined into one character, lone surrogates and control
    characters (other than newline and tab) are dropped, and CR LF / CR become LF.
    """
    text = _SURROGATE_PAIR.sub(lambda m: m.group().encode("utf-16", "surrogatepass").decode("utf-16"), text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in _KEEP_CONTROLS or unicodedata.category(c) not in ("Cc", "Cs"))


def is_invalid_char(char: str) -> bool:
    """True for characters no platform accepts: lone surrogates and control characters except newline/tab."""
    return char not in _KEEP_CONTROLS and unicodedata.category(char) in ("Cc", "Cs")


# Characters that show as nothing or as a blank without being a space: filler letters and the braille blank.
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def _is_indic(char: str) -> bool:
    return 0x0900 <= ord(char) <= 0x0DFF


def invisible_positions(text: str) -> list[int]:
    """Offsets of invisible characters: zero-width spaces, word joiners, BOMs, soft hyphens, direction marks,
    fillers. A zero-width joiner or non-joiner is kept where it does work (inside an emoji sequence, or between
    the letters of an Indic script such as Devanagari half forms); emoji tag characters of a flag are kept too."""
    found = []
    for i, char in enumerate(text):
        if char in _BLANK_LOOKING:
            found.append(i)
            continue
        if unicodedata.category(char) != "Cf" or 0xE0020 <= ord(char) <= 0xE007F:
            continue
        if char in (ZWJ, "\u200c"):
            before = text[i - 1] if i > 0 else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if before and after and _is_indic(before) and _is_indic(after):
                continue
            if char == ZWJ and after and is_pictographic(after) and before and (
                is_pictographic(before) or before == VS16 or 0x1F3FB <= ord(before) <= 0x1F3FF
            ):
                continue
        found.append(i)
    return found


def drop_invisible(text: str) -> str:
    """``text`` without the characters ``invisible_positions`` finds."""
    bad = set(invisible_positions(text))
    return "".join(c for i, c in enumerate(text) if i not in bad) if bad else text


def char_name(char: str) -> str:
    """'U+200B ZERO WIDTH SPACE': how a message names an invisible character."""
    return f"U+{ord(char):04X} {unicodedata.name(char, '')}".strip()

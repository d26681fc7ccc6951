"""Charts draw Hindi as well as English: a Devanagari font behind matplotlib's own, on every system.

matplotlib (3.6 and later) falls back glyph by glyph along a *list* of families in ``font.family`` (a generic name
like "sans-serif" resolves to one font only), so Latin text keeps DejaVu Sans and
Devanagari comes from the first of these that is installed: Nirmala UI (Windows 8 and later), Kohinoor Devanagari
or Devanagari Sangam MN (macOS), Noto Sans Devanagari or Lohit Devanagari (Linux), Mangal (older Windows).
Without one, Hindi product names would be drawn as empty boxes.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import matplotlib
from matplotlib import font_manager

log = logging.getLogger(__name__)

DEVANAGARI_FONTS = ("Nirmala UI", "Kohinoor Devanagari", "Devanagari Sangam MN", "Noto Sans Devanagari",
                    "Lohit Devanagari", "Mangal", "Noto Sans")
BASE_FONT = "DejaVu Sans"  # bundled with matplotlib: every Latin glyph, digits and ₹


@lru_cache(maxsize=1)
def devanagari_font() -> str | None:
    """The family name of the first installed font of DEVANAGARI_FONTS that really has Devanagari, or None."""
    installed = {entry.name: entry.fname for entry in font_manager.fontManager.ttflist}
    for family in DEVANAGARI_FONTS:
        path = installed.get(family)
        if path is not None and covers(path, "हिन्दी"):
            return family
    log.warning("no Devanagari font is installed; Hindi text in charts will show as boxes")
    return None


def covers(path: str, text: str) -> bool:
    """Whether the font file at ``path`` has a glyph for every letter of ``text`` (spaces aside)."""
    from matplotlib.ft2font import FT2Font

    charmap = FT2Font(path).get_charmap()
    return all(ord(ch) in charmap for ch in text if not ch.isspace())


def font_file(family: str) -> str:
    """The file matplotlib draws ``family`` from."""
    return str(font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False))


def use_devanagari() -> list[str]:
    """Make every chart fall back to the Devanagari font for Hindi; returns the families now in use, in order."""
    chain = [BASE_FONT] + ([family] if (family := devanagari_font()) else [])
    matplotlib.rcParams["font.family"] = chain
    return chain

"""Hypothesis strategies for awkward real-world text: emoji sequences, Devanagari, marks, odd spaces."""

from __future__ import annotations

from hypothesis import strategies as st

from core.content.models import PlatformCopy

PIECES = [
    "👨‍👩‍👧‍👦", "👍🏽", "🇮🇳", "🇺🇸🇮🇳", "1️⃣", "❤️", "✨",
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    "नमस्ते", "क्षत्रिय", "हस्तनिर्मित", "झुमका।", "e\u0301", "n\u0303o", "\u0915\u094d\u200d\u0937",
    "\ud83d\ude00",  # a surrogate pair that arrived as two code points
    " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u202f", "\r\n",
    ",", ".", "!", "?", ":", ";", "|", "-", "&", "%", "+", "#", "@", "#tag", "@shop", "₹1,499", "™", "©",
    "Brass", "jhumka", "earrings", "Handmade", "GIFT", "for", "her", "a",
]  # fmt: skip

messy_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=40).map("".join)

long_messy_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=120).map(
    "".join
)


@st.composite
def platform_copies(draw: st.DrawFn, platform: str) -> PlatformCopy:
    items = st.lists(messy_text, max_size=40)
    return PlatformCopy(
        platform=platform,
        title=draw(long_messy_text),
        description=draw(st.one_of(long_messy_text, long_messy_text.map(lambda t: t * 30))),
        bullets=draw(items),
        hashtags=draw(items),
        tags=draw(items),
        source="gemini",
        model="m",
    )

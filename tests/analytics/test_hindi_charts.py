"""Hindi product names are drawn in the charts, not as empty boxes: a Devanagari font backs matplotlib's own."""

from __future__ import annotations

import warnings

from core.analytics.chart_data import ChartTable

HINDI = "हाथ से बना दीया"
COLOURS = {"background": "#ffffff", "text": "#1f2933", "muted": "#7b8794", "grid": "#f0f2f5", "edge": "#d5d9e0"}


def test_a_hindi_product_name_is_drawn_with_every_glyph() -> None:
    from desktop.analytics.fonts import BASE_FONT, covers, devanagari_font, font_file
    from desktop.analytics.picture import Look
    from desktop.analytics.render import draw

    family = devanagari_font()
    assert family is not None, "no Devanagari font found (Linux: install fonts-lohit-deva or fonts-noto)"
    assert covers(font_file(family), HINDI)  # every letter and vowel sign of the name is in the font file
    assert not covers(font_file(BASE_FONT), HINDI)  # what the charts fell back to before: boxes
    table = ChartTable("Top products", "Product", ["Brass diya", HINDI], {"Revenue": [1500, 800], "Units": [3, 2]},
                       currency="INR", counts=("Units",))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        picture = draw("products", table, Look(560, 290, 1.0, COLOURS, "en_IN"), "No sales")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing
    assert any(HINDI in text for _rect, text in picture.tips)


def test_the_font_chain_keeps_latin_text_in_the_usual_font() -> None:
    import matplotlib

    from desktop.analytics.fonts import BASE_FONT, DEVANAGARI_FONTS, use_devanagari

    chain = use_devanagari()
    assert chain[0] == BASE_FONT and chain[1] in DEVANAGARI_FONTS
    assert list(matplotlib.rcParams["font.family"]) == chain

"""The photo previews' warnings in the interface language: stored beside the pictures in English (one language in
the cache), shown translated in the product editor, the CLI and the scheduling notes; English unchanged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.i18n import use_language
from core.images import notes
from tests.desktop.test_photo_previews import _editor_with_photo, _previews_done, product_photo
from tests.publishing.test_post_messages_language import bypassed

PLATFORMS = ("Instagram", "Facebook", "Pinterest", "Etsy", "Shopify", "Meesho", "Snapdeal", "IndiaMART", "KB")
SAMPLES = {"photo": "mug is too small for it.jpg", "platform": "Snapdeal", "size": "800×600", "scale": "2.5",
           "need": "1600×1600", "wanted": "75", "made": "42", "share": "31", "limit": "1.5"}


@pytest.fixture
def pseudo() -> Iterator[None]:
    use_language("pseudo")
    yield
    use_language("en")


def _left(text: str) -> list[str]:
    for name in (*PLATFORMS, SAMPLES["photo"]):
        text = text.replace(name, " ")
    return bypassed(text)


def test_every_preview_warning_is_shown_translated_with_its_values(pseudo) -> None:
    for template in notes.TEMPLATES:
        values = {k: v for k, v in SAMPLES.items() if "{" + k + "}" in template}
        stored = notes.note(template, **values)
        assert stored == template.format(**values)  # stored as English whatever the interface language
        shown = notes.shown(stored)
        assert shown.startswith("⟦") and not _left(shown), shown
        assert all(str(value) in shown for value in values.values()), shown
    assert notes.shown("a sentence stored by an older version") == "a sentence stored by an older version"


def test_preview_warnings_read_in_hindi_and_stay_english_in_english() -> None:
    stored = notes.note(notes.PADDED_WHITE, platform="Pinterest")
    use_language("hi")
    try:
        hindi = notes.shown(stored)
    finally:
        use_language("en")
    assert hindi == "Pinterest: उसके आकार में काटने से प्रोडक्ट कट जाता, इसलिए तस्वीर के किनारे सफ़ेद से भरे गए हैं"
    assert notes.shown(stored) == stored == ("Pinterest: cropping to its shape would cut the product, so the picture "
                                             "is padded with white")


def test_the_product_editor_shows_the_previews_warnings_in_the_interface_language(qtbot, window,
                                                                                   tmp_path: Path) -> None:
    use_language("pseudo")  # after the window's app is opened: an app takes the language of its settings
    try:
        panel = _editor_with_photo(qtbot, window, product_photo(tmp_path, "tall bottle"))
        qtbot.waitUntil(lambda: _previews_done(panel) and panel.warnings.isVisible(), timeout=30000)
        shown = panel.warnings.text()
        tip = panel._preview_labels["pinterest"][0].toolTip()
    finally:
        use_language("en")
    lines = shown.splitlines()
    assert lines and all(line.startswith("⟦⚠ ⟦") for line in lines), shown
    assert not _left(shown) and "⟦" in tip and not _left(tip), (shown, tip)
    stored = [json.loads(p.read_text(encoding="utf-8")) for p in window.app.data_dir.rglob("*.notes.json")]
    assert ["Pinterest: cropping to its shape would cut the product, so the picture is padded with white"] in stored

"""What the Qt-free core says reaches the window in the interface language: the copy writer's Gemini and network
errors (the Content tab); the English is unchanged. (A failed post: tests/publishing/test_post_messages_language.py;
a page check's findings: tests/portals/test_check_language.py.)"""

from __future__ import annotations

import pytest

from core.content import errors
from core.content.drafts import GEMINI_KEY
from core.i18n import use_language
from core.products.service import create_product, product_input
from tests.desktop.test_interface_language_windows import shop  # noqa: F401  (the pseudo-locale app, a fixture)
from tests.fakes.gemini import FakeGemini
from tests.publishing.test_post_messages_language import bypassed


def test_a_refused_gemini_key_is_shown_in_the_interface_language(qtbot, shop) -> None:  # noqa: F811
    from desktop.content.tab import ContentTab

    app, runner = shop
    with FakeGemini() as fake:
        app.settings.set("content.gemini_base_url", fake.url)
        app.secrets.set(GEMINI_KEY, "AIzaWRONG-key-000000000000000000000")  # Gemini refuses it
        tab = ContentTab(app, runner)
        qtbot.addWidget(tab)
        tab.show()
        product = create_product(app.db, product_input({"title": "Brass diya", "price": "499"}))
        tab.show_product(product.id)
        qtbot.waitUntil(tab.offline.isEnabled, timeout=10_000)  # a key is stored: Gemini writes
        with qtbot.waitSignal(tab.message, timeout=20_000) as said:
            tab.write_copy(None)
        assert len(fake.requests) == 1
    shown = tab.writer_note.text()
    assert shown == said.args[0] and "⟦" in shown and "API_KEY_INVALID" in shown
    assert not bypassed(shown.replace("API_KEY_INVALID", "")), shown


@pytest.mark.parametrize("error", [
    lambda: errors.GeminiNetworkError("ConnectError", 3),
    lambda: errors.GeminiUnavailable(503, 3),
    lambda: errors.GeminiRateLimited(3),
    lambda: errors.OfflineFallback(errors.GeminiDeadline(60)),
    lambda: errors.GeminiBadOutput("it was empty"),
])
def test_every_gemini_and_network_error_is_translated(error) -> None:
    english = str(error())
    use_language("pseudo")
    try:
        shown = str(error())
    finally:
        use_language("en")
    assert str(error()) == english  # English unchanged once the language is English again
    assert not bypassed(shown.replace("ConnectError", "")), shown


def test_gemini_errors_read_in_hindi() -> None:
    use_language("hi")
    try:
        shown = str(errors.GeminiNetworkError("ConnectError", 2))
    finally:
        use_language("en")
    assert shown.startswith("Gemini तक नहीं पहुँच पाए (ConnectError); 2 कोशिशों के बाद छोड़ दिया।")
    assert str(errors.GeminiNetworkError("ConnectError", 2)).startswith(
        "Could not reach Gemini (ConnectError); gave up after 2 attempts.")

"""One list of locales (resources/locales.json): every one formats money from Babel's data, the settings accept
exactly those, and build.spec bundles Babel's data for their languages (tests/installers/test_bundle.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_currency

from core.errors import ValidationError
from core.locales import bundled_languages, supported_locales
from core.preferences.checks import check


def test_every_supported_locale_formats_money() -> None:
    assert "en_IN" in supported_locales() and "hi_IN" in supported_locales()
    for name in supported_locales():
        assert "1" in format_currency(Decimal("1234.5"), "INR", locale=name)
    assert bundled_languages() >= {"en", "hi", "ta"}


def test_the_settings_accept_the_supported_locales_and_refuse_others_by_name() -> None:
    for name in supported_locales():
        assert check("general.locale", name) == name
    with pytest.raises(ValidationError) as refused:
        check("general.locale", "fr_FR")  # a real locale, but its data is not in the installed app
    assert "fr_FR" in str(refused.value) and "en_IN" in (refused.value.hint or "")

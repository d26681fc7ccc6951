"""The portals' listing refusals and failures (what the window's post list and the CLI print: ``str`` of the error,
its message and next step) in the interface language: in the pseudo-locale, only names, the portal's own words
(in “…”), paths and commands are left outside ⟦…⟧; in English they read as before."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt

from core.errors import SellerDeskError
from core.i18n import use_language
from core.platforms.browser.catalog import check_count
from core.platforms.browser.page import PortalChanged
from core.platforms.browser.spec import load_portal
from core.platforms.browser.values import form_values
from core.platforms.errors import ContentRejected, OutcomeUnknown
from core.platforms.publish import build_listing_request
from tests.portals.conftest import PortalEnv
from tests.portals.test_marketplace_fields import DETAILS, request
from tests.publishing.test_post_messages_language import bypassed

EnvOf = Callable[[str], PortalEnv]
NAMES = ("Meesho", "Snapdeal", "IndiaMART", "INR", "USD", "MRP", "HSN", "GST", "QC", "VALUE", "ID")


@pytest.fixture
def pseudo() -> Iterator[None]:
    use_language("pseudo")
    yield
    use_language("en")


def untranslated(error: SellerDeskError, *, data_dir: str = "") -> list[str]:
    """The English words of what the seller is told about ``error`` that bypassed translation."""
    text = str(error).replace(data_dir, " ") if data_dir else str(error)
    text = re.sub(r"“[^”]*”", " ", text)  # the portal's own words, kept as it sent them
    text = re.sub(r"[^\s⟦⟧]*[/\\][^\s⟦⟧]*|sellerdesk [a-z-]+ [^;:.)⟧]*|[\w.]*portals_dir", " ", text)
    assert "⟦" in text, text
    return [word for word in bypassed(text) if word not in NAMES]


def test_failures_in_the_portals_browser_are_told_in_the_interface_language(env_of: EnvOf) -> None:
    meesho, snapdeal = env_of("meesho"), env_of("snapdeal")
    use_language("pseudo")  # after the apps are opened: an app takes the language of its settings
    try:
        told = _browser_failures(meesho, snapdeal)
    finally:
        use_language("en")
    left = {str(error): untranslated(error, data_dir=folder) for error, folder in told}
    assert not any(left.values()), f"told without translation: {left}"


def _browser_failures(meesho: PortalEnv, snapdeal: PortalEnv) -> list[tuple[SellerDeskError, str]]:
    told: list[tuple[SellerDeskError, str]] = []
    meesho.replica.variant = "moved"  # the panel was redesigned: SellerDesk cannot fill the HSN box
    with pytest.raises(PortalChanged) as changed:
        meesho.publish(meesho.add_product(sku="MEES-LANG-1"))
    told.append((changed.value, str(meesho.app.data_dir)))
    meesho.replica.variant = ""
    meesho.replica.result_next_submit = "Upload failed: images could not be processed"
    with pytest.raises(ContentRejected) as failed:
        meesho.publish(meesho.add_product(sku="MEES-LANG-2"))
    told.append((failed.value, str(meesho.app.data_dir)))
    with pytest.raises(ContentRejected) as alone:  # Meesho lists catalogs, never one product alone
        meesho.platform.publish(build_listing_request(meesho.app.db, meesho.add_product(sku="MEES-LANG-3"),
                                                      "meesho", meesho.variants))
    told.append((alone.value, ""))
    snapdeal.replica.result_next_submit = "Queued for batch 7"
    with pytest.raises(OutcomeUnknown) as unknown:
        snapdeal.publish(snapdeal.add_product(sku="SNAP-LANG-1"))
    told.append((unknown.value, str(snapdeal.app.data_dir)))
    return told


def test_refusals_before_the_browser_opens_are_told_in_the_interface_language(pseudo) -> None:
    meesho = load_portal("meesho")
    told: list[SellerDeskError] = []
    for refuse in (
        lambda: form_values(meesho, request({k: v for k, v in DETAILS.items() if k != "weight_grams"}), {}, "meesho"),
        lambda: form_values(meesho, replace(request(DETAILS), currency="USD"), {}, "meesho"),
        lambda: check_count("meesho", {"min_products": 2, "max_products": 9, "recommended_products": 3}, 1),
    ):
        with pytest.raises(SellerDeskError) as caught:
            refuse()
        told.append(caught.value)
    left = {str(error): untranslated(error) for error in told}
    assert not any(left.values()), f"told without translation: {left}"


def test_a_portal_refusal_reads_in_hindi_and_stays_english_in_english() -> None:
    lacking = request({k: v for k, v in DETAILS.items() if k != "weight_grams"})
    use_language("hi")
    try:
        with pytest.raises(ContentRejected) as hindi:
            form_values(load_portal("meesho"), lacking, {}, "meesho")
    finally:
        use_language("en")
    assert "Meesho को वज़न (ग्राम) चाहिए और प्रोडक्ट में यह नहीं है" in str(hindi.value), str(hindi.value)
    assert "मार्केटप्लेस की जानकारी के नीचे" in str(hindi.value.fix)
    with pytest.raises(ContentRejected) as english:
        form_values(load_portal("meesho"), lacking, {}, "meesho")
    assert "Meesho needs the Weight (g) and the product has none" in str(english.value)


def test_a_catalog_refused_in_the_window_is_told_in_the_interface_language(env_of: EnvOf, qtbot: Any) -> None:
    from tests.portals.test_catalog import catalog_dialog

    env = env_of("meesho")
    alone = env.add_product(sku="MEES-LANG-W1")  # one design: a Meesho catalog takes 2 to 9
    use_language("pseudo")
    try:
        _detail, dialog, tasks = catalog_dialog(env, qtbot, [alone])  # Platforms tab › Meesho › Publish catalog…
        qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.publish_button.isEnabled(), timeout=60_000)
        shown = dialog.status.text()
    finally:
        use_language("en")
    assert tasks.shutdown(10_000)
    assert dialog.published is None and "2" in shown and "9" in shown, shown
    left = bypassed(re.sub(r"“[^”]*”|'[^']*'|sellerdesk [a-z-]+ [^;:.)⟧]*", " ", shown))
    assert "⟦" in shown and not [w for w in left if w not in NAMES], (shown, left)

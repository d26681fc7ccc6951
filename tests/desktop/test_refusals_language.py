"""Core's refusals that were still English reach the seller in the interface language, where the seller sees them:
a setting's value (Settings window, ``sellerdesk config set``), sales and costs (Costs…, ``sellerdesk analytics``);
the English is unchanged. In the pseudo-locale any English word outside ⟦…⟧ bypassed translation."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from core.i18n import _, use_language
from tests.publishing.test_post_messages_language import bypassed


@pytest.fixture
def pseudo() -> Iterator[None]:
    use_language("pseudo")
    yield
    use_language("en")


@pytest.fixture
def hindi_cli(cli) -> Iterator:
    """``sellerdesk`` with general.language = hi (each command opens an App, which takes that language)."""
    assert cli("config", "set", "general.language", "hi").code == 0
    yield cli
    use_language("en")


def _click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_wrong_setting_value_is_refused_in_the_interface_language_in_the_window(qtbot, window) -> None:
    next(a for a in window.menuBar().actions()[1].menu().actions() if a.text() == "&Settings…").trigger()
    dialog = window.settings_dialog
    qtbot.waitUntil(dialog.isVisible)
    qtbot.waitUntil(lambda: dialog.secret("gemini:api_key").stored is not None)  # the keychain has answered
    dialog.show_group("Advanced")
    use_language("pseudo")
    try:
        interval = dialog.editor("sync.interval_seconds").field
        interval.clear()
        qtbot.keyClicks(interval, "often")
        _click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Save))
        shown = dialog.editor("sync.interval_seconds").error.text()
    finally:
        use_language("en")
    assert "sync.interval_seconds" not in shown and "often" in shown  # the field's label, not the key
    assert shown.startswith("⟦") and not bypassed(shown.replace("often", "")), shown


def test_setting_refusals_read_in_hindi_from_the_cli_and_stay_english_in_english(hindi_cli, cli) -> None:
    said = hindi_cli("config", "set", "sync.interval_seconds", "often")
    assert said.code != 0 and "sync.interval_seconds में पूरी संख्या चाहिए, 'often' नहीं।" in said.err, said.err
    said = hindi_cli("config", "set", "general.theme", "purple")
    assert "general.theme के लिए इनमें से एक चुनें:" in said.err, said.err
    said = hindi_cli("config", "get", "general.colour")
    assert "'general.colour' नाम की कोई सेटिंग नहीं है। इससे मिलती-जुलती सेटिंग्स: general.language" in said.err, said.err
    assert cli("config", "set", "general.language", "en").code == 0
    said = cli("config", "set", "sync.interval_seconds", "often")
    assert "sync.interval_seconds must be a whole number, not 'often'." in said.err, said.err


def test_a_wrong_commission_is_refused_in_the_interface_language_in_costs(qtbot, app, pseudo) -> None:
    from desktop.analytics.costs_dialog import CostsDialog
    from desktop.tasks import TaskRunner

    runner = TaskRunner()
    dialog = CostsDialog(app, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.commission, "lots")
    _click(qtbot, next(b for b in dialog.findChildren(QPushButton) if b.text() == _("Save fees")))
    shown = dialog.problem.text()
    qtbot.keyClicks(dialog.ad_amount, "12.345")
    _click(qtbot, next(b for b in dialog.findChildren(QPushButton) if b.text() == _("Add ad spend")))
    decimals = dialog.problem.text()
    assert runner.shutdown(10_000)
    assert "lots" in shown and shown.startswith("⟦") and not bypassed(shown.replace("lots", "")), shown
    assert decimals.startswith("⟦") and not bypassed(decimals.replace("INR", "")), decimals


def test_sales_and_costs_refusals_read_in_hindi_from_the_cli(hindi_cli, tmp_path) -> None:
    said = hindi_cli("analytics", "add-sale", "--platform", "offline", "--sku", "NOPE-1", "--amount", "lots")
    assert "रक़म 'lots' कोई रक़म नहीं है। इसे 499 या 1,299.50 की तरह लिखें।" in said.err, said.err
    said = hindi_cli("analytics", "add-sale", "--platform", "offline", "--sku", "NOPE-1", "--amount", "499")
    assert "किसी प्रोडक्ट का SKU 'NOPE-1' नहीं है। पहले प्रोडक्ट जोड़ें, या SKU ठीक करें।" in said.err, said.err
    said = hindi_cli("analytics", "costs", "set", "etsy", "--commission-percent", "150")
    assert "150% कमीशन संभव नहीं है।" in said.err, said.err
    said = hindi_cli("analytics", "rates", "set", "USD", "0")
    assert "दर शून्य से ज़्यादा होनी चाहिए।" in said.err, said.err
    sales = tmp_path / "sales.csv"
    sales.write_text("date,platform,amount,colour\n", encoding="utf-8")
    said = hindi_cli("analytics", "import-sales", str(sales))
    assert "sales.csv में: अनजान कॉलम colour और sku या product_id कॉलम नहीं है।" in said.err, said.err


def test_a_copy_that_breaks_a_rule_is_refused_approval_in_the_interface_language(qtbot, window) -> None:
    from tests.desktop.test_content_tab import _product, _write_all

    product_id = _product(window)
    _write_all(qtbot, window, product_id)
    pinterest = window.content.editors["pinterest"]
    pinterest.title.setText("Brass " * 30)  # Pinterest titles stop at 100 characters
    pinterest.flush()
    use_language("pseudo")
    try:
        window.content._set_status("pinterest", "approved")  # as if approval were forced: core refuses it
        shown = pinterest.problems.text()
    finally:
        use_language("en")
    assert shown.startswith("⟦") and not bypassed(shown.replace("pinterest", "")), shown


def test_copy_editing_refusals_read_in_hindi_from_the_cli(hindi_cli) -> None:
    from tests.content.test_content_review_cli import _written

    product_id = _written(hindi_cli)
    said = hindi_cli("content", "edit", product_id, "instagram", "--field", "title", "--value", "x")
    assert "Instagram शीर्षक इस्तेमाल नहीं करता।" in said.err, said.err
    other = json.loads(hindi_cli("products", "add", "--json", "--title", "Mug", "--price", "99").out)["id"]
    said = hindi_cli("content", "approve", str(other), "etsy")
    assert f"प्रोडक्ट {other} की etsy कॉपी अभी नहीं है। पहले इसे लिखवाएँ।" in said.err, said.err


def test_too_many_photos_for_a_new_product_are_refused_in_the_interface_language(qtbot, window) -> None:
    use_language("pseudo")
    try:
        with qtbot.waitSignal(window.products.message, timeout=10_000) as said:
            window.products.new_product_from_photos([f"/photos/diya {n}.jpg" for n in range(21)])
    finally:
        use_language("en")
    shown = said.args[0]
    assert "21" in shown and shown.startswith("⟦") and not bypassed(shown), shown


def test_photo_order_refusals_read_in_hindi_and_stay_english_in_english(app) -> None:
    from core.errors import ValidationError
    from core.products.photos import reorder_photos
    from core.products.service import create_product, product_input

    product = create_product(app.db, product_input({"title": "Brass diya", "price": "499"}))
    use_language("hi")
    try:
        with pytest.raises(ValidationError) as hindi:
            reorder_photos(app.db, product.id, [7])
    finally:
        use_language("en")
    assert str(hindi.value) == "तस्वीरों के नए क्रम में प्रोडक्ट की हर तस्वीर ठीक एक बार होनी चाहिए।"
    with pytest.raises(ValidationError) as english:
        reorder_photos(app.db, product.id, [7])
    assert str(english.value) == "The new photo order must list each of the product's photos once."



def test_a_wrong_period_is_refused_in_hindi_from_the_cli(hindi_cli) -> None:
    said = hindi_cli("analytics", "summary", "--from", "2026-11-05", "--to", "2026-11-01")
    assert ("अवधि शुरू होने (2026-11-05) से पहले ख़त्म (2026-11-01) हो रही है। दोनों तारीख़ें आपस में बदल दें।"
            in said.err), said.err
    said = hindi_cli("analytics", "summary", "--from", "5 Nov")
    assert "'5 Nov' तारीख़ नहीं है। इसे YYYY-MM-DD की तरह लिखें, जैसे 2026-11-01।" in said.err, said.err

"""Refusals of product fields reach the seller in the interface language where the seller sees them: the product
editor (under the field) and ``sellerdesk products``; the English is unchanged. In the pseudo-locale any English word
outside ⟦…⟧ bypassed translation."""

from __future__ import annotations

from core.i18n import use_language
from tests.desktop.test_products_tab import _type_new_product
from tests.desktop.test_refusals_language import hindi_cli  # noqa: F401  (the fixture)
from tests.publishing.test_post_messages_language import bypassed


def test_a_wrong_price_and_sku_are_refused_in_the_interface_language_in_the_editor(qtbot, window) -> None:
    _type_new_product(qtbot, window, "Cushion", "450")
    editor = window.products.editor
    use_language("pseudo")
    try:
        editor.price.clear()
        qtbot.keyClicks(editor.price, "four fifty")
        qtbot.waitUntil(lambda: editor._errors["price"].isVisible(), timeout=5000)
        price = editor._errors["price"].text()
        editor.price.clear()
        qtbot.keyClicks(editor.price, "450")  # one refusal is shown at a time
        qtbot.keyClicks(editor.sku, "no spaces please")
        qtbot.waitUntil(lambda: editor._errors["sku"].isVisible(), timeout=5000)
        sku = editor._errors["sku"].text()
    finally:
        use_language("en")
    assert "four fifty" in price and price.startswith("⟦"), price
    assert not bypassed(price.replace("four fifty", "")), price
    assert sku.startswith("⟦") and not bypassed(sku.replace("no spaces please", "")), sku


def test_product_field_refusals_read_in_hindi_from_the_cli(hindi_cli, cli) -> None:  # noqa: F811
    said = hindi_cli("products", "add", "--title", "Cup", "--price", "ten")
    assert said.code != 0 and "दाम 'ten' संख्या नहीं है। इसे 499 या 1,299.50 की तरह लिखें।" in said.err, said.err
    said = hindi_cli("products", "add", "--title", " ", "--price", "99")
    assert "शीर्षक ख़ाली है। प्रोडक्ट को ऐसा नाम दें जिसे ख़रीदार खोजते हैं।" in said.err, said.err
    said = hindi_cli("products", "add", "--title", "Cup", "--status", "ready")
    assert "तैयार प्रोडक्ट का दाम होना ज़रूरी है।" in said.err, said.err
    said = hindi_cli("products", "add", "--title", "Cup", "--price", "99", "--currency", "rupees")
    assert "'rupees' कोई मुद्रा कोड नहीं है। INR, USD या EUR जैसा कोड लिखें।" in said.err, said.err
    said = hindi_cli("products", "show", "4242")
    assert "id 4242 वाला कोई प्रोडक्ट नहीं है। 'sellerdesk products list' उन्हें दिखाता है।" in said.err, said.err
    assert cli("config", "set", "general.language", "en").code == 0
    said = cli("products", "add", "--title", "Cup", "--price", "ten")
    assert "The price 'ten' is not a number." in said.err, said.err


def _import_from_the_menu(qtbot, window, monkeypatch, path) -> list[str]:
    """File › Import products from CSV… on ``path``; the texts of the message boxes it shows."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(window.products, "import_csv_dialog", lambda: str(path))
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text, *a: shown.append(f"{title}\n{text}"))
    file_menu = window.menuBar().actions()[0].menu()
    next(a for a in file_menu.actions() if a.text() == "&Import products from CSV…").trigger()
    qtbot.waitUntil(lambda: bool(shown) and not window.tasks.running, timeout=10_000)
    return shown


def test_a_product_csv_s_problems_are_told_in_the_interface_language_after_an_import(
        qtbot, window, monkeypatch, tmp_path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("sku,title,price\nA1,Lamp,10\nA1,Lamp,12\nB2,Lamp,10,9\n", encoding="utf-8")
    columns = tmp_path / "columns.csv"
    columns.write_text("sku,title,colour\nC3,Lamp,9\n", encoding="utf-8")
    use_language("pseudo")
    try:
        skipped = _import_from_the_menu(qtbot, window, monkeypatch, rows)
        refused = _import_from_the_menu(qtbot, window, monkeypatch, columns)
    finally:
        use_language("en")
    assert "A1" in skipped[0] and not bypassed(skipped[0].replace("Lamp", "")), skipped
    assert "colour" in refused[0] and "SellerDesk" in refused[0]
    assert not bypassed(refused[0].split("\n", 1)[1].replace("columns.csv", "").replace("price", "")
                        .replace("colour", "").replace("SellerDesk", "")), refused


def test_a_product_csv_s_problems_read_in_hindi_from_the_cli(hindi_cli, tmp_path) -> None:  # noqa: F811
    rows = tmp_path / "rows.csv"
    rows.write_text("sku,title,price\nA1,Lamp,10\nA1,Lamp,12\n", encoding="utf-8")
    said = hindi_cli("products", "import", str(rows))
    assert "SKU 'A1' पंक्ति 2 पर भी है; सिर्फ़ वही पंक्ति ली जाती है।" in said.out, said.out
    columns = tmp_path / "columns.csv"
    columns.write_text("sku,title,colour\n", encoding="utf-8")
    said = hindi_cli("products", "import", str(columns))
    assert said.code != 0 and "columns.csv में कॉलम price नहीं हैं और अनजान कॉलम colour हैं।" in said.err, said.err

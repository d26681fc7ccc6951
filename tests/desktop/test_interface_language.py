"""The interface language: one gettext mechanism (Babel-managed catalogs) for the window and core; a pseudo-locale
shows any visible text of the translated windows that bypassed translation; Hindi is switched on in Settings."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QTableWidget,
    QWidget,
)

from core.app import App
from core.i18n import _, use_language
from core.products.service import create_product, product_input

LETTERS = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture
def pseudo() -> Iterator[None]:
    use_language("pseudo")
    yield
    use_language("en")


def visible_texts(root: QWidget, skip: tuple[QWidget, ...] = ()) -> list[str]:
    """Every piece of interface text a seller can see in ``root`` (not the data typed into fields)."""
    texts = [root.windowTitle()] if isinstance(root, QDialog) else []
    for widget in [root, *root.findChildren(QWidget)]:
        if any(widget is s or s.isAncestorOf(widget) for s in skip) or not widget.isVisibleTo(root):
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        elif isinstance(widget, QComboBox) and not widget.isEditable():
            texts.extend(widget.itemText(i) for i in range(widget.count()))
        elif isinstance(widget, QListWidget):
            texts.extend(widget.item(i).text() for i in range(widget.count()))
        elif isinstance(widget, QTableWidget):
            texts.extend(widget.horizontalHeaderItem(i).text() for i in range(widget.columnCount()))
    return [t for t in texts if LETTERS.search(re.sub(r"<[^>]+>", "", t))]


def untranslated(texts: list[str]) -> list[str]:
    return [t for t in texts if "⟦" not in t]


def test_pseudo_locale_finds_no_text_that_bypassed_translation(qtbot, isolated_env, pseudo) -> None:
    from desktop.analytics.costs_dialog import CostsDialog
    from desktop.analytics.profit_panel import ProfitPanel
    from desktop.audit_dialog import AuditDialog
    from desktop.products.first_run import EmptyProducts
    from desktop.products.tab import ProductsTab
    from desktop.settings.dialog import SettingsDialog
    from desktop.tasks import TaskRunner
    from desktop.welcome import WelcomeDialog

    app = App(isolated_env)
    app.settings.set("general.language", "en")
    use_language("pseudo")  # App() chose the seller's language; the test overrides it
    runner = TaskRunner()
    settings = SettingsDialog(app, runner)
    qtbot.addWidget(settings)
    qtbot.waitUntil(lambda: settings.secret("gemini:api_key").stored is not None)
    found = []
    for page in range(settings.pages.count()):  # every group's page in turn
        settings.groups.setCurrentRow(page)
        found += untranslated(visible_texts(settings))
    welcome = WelcomeDialog(app)
    qtbot.addWidget(welcome)
    found += untranslated(visible_texts(welcome, skip=(welcome.language, welcome.zone)))  # each language's own name
    audit = AuditDialog(app)
    qtbot.addWidget(audit)
    found += untranslated(visible_texts(audit))
    empty = EmptyProducts()
    qtbot.addWidget(empty)
    found += untranslated(visible_texts(empty))
    costs = CostsDialog(app, runner)
    qtbot.addWidget(costs)
    for page in range(costs.pages.count()):
        costs.pages.setCurrentIndex(page)
        found += untranslated(visible_texts(costs, skip=(costs.fee_platform, costs.ad_platform)))  # platform names
        found += untranslated([costs.pages.tabText(page)])
    profit = ProfitPanel()
    qtbot.addWidget(profit)
    found += untranslated(visible_texts(profit))
    tab = ProductsTab(app, runner, QUndoStack())
    qtbot.addWidget(tab)
    tab.new_product()  # the bar, the buttons, the product form and the photo strip
    photos = tab.editor.photos
    captions = tuple(label for pair in photos._preview_labels.values() for label in pair)  # platform names
    found += untranslated(visible_texts(tab, skip=(tab.editor.currency, tab.platform_filter, *captions)))
    found += untranslated([photos.focal.toolTip(), photos.padding.toolTip(), photos.hint.text()])
    create_product(app.db, product_input({"title": "Brass diya", "price": "499"}))
    tab.model.refresh()
    model = tab.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(1, model.columnCount())]
    found += untranslated([*headers, model.data(model.index(0, 5))])  # the columns and a row's status
    assert runner.shutdown(10_000)
    assert not found, f"shown without translation: {sorted(set(found))}"
    app.close()


def test_hindi_is_chosen_in_settings_and_used_from_the_next_start(qtbot, isolated_env) -> None:
    from desktop.settings.dialog import SettingsDialog
    from desktop.tasks import TaskRunner
    from desktop.welcome import WelcomeDialog

    app = App(isolated_env)
    app.settings.set("general.language", "hi")
    app.close()
    app = App(isolated_env)  # the next start
    try:
        runner = TaskRunner()
        dialog = SettingsDialog(app, runner)
        qtbot.addWidget(dialog)
        assert dialog.windowTitle() == "सेटिंग्स"
        assert [dialog.groups.item(r).text() for r in range(3)] == ["सामान्य", "रूप-रंग", "AI से लिखी कॉपी"]
        currency = dialog.editor("general.currency")
        qtbot.keyClicks(currency.field, "RUPEES")
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
        assert currency.error.text().startswith("नए प्रोडक्ट की मुद्रा: 'INRRUPEES' कोई मुद्रा कोड नहीं है।")
        assert dialog.note.text() == "कुछ भी सहेजा नहीं गया: पहले लाल निशान वाला खाना ठीक करें।"
        welcome = WelcomeDialog(app)
        qtbot.addWidget(welcome)
        assert welcome.windowTitle() == "SellerDesk में आपका स्वागत है"
        assert welcome.region.itemText(0).startswith("भारत — ₹1,23,456.00")
        assert runner.shutdown(10_000)
    finally:
        app.close()
        use_language("en")
    assert _("Settings") == "Settings"


def test_the_catalogs_hold_every_message_with_the_same_placeholders() -> None:
    from babel.messages.pofile import read_po

    from core.i18n_catalog import LANGUAGES, po_path, template

    wanted = {m.id for m in template() if m.id}
    for language in LANGUAGES:
        with po_path(language).open("rb") as fh:
            catalog = read_po(fh, locale=language)
        held = {m.id for m in catalog if m.id}
        assert wanted <= held, f"run: python -m core.i18n_catalog (missing: {sorted(wanted - held)[:5]})"
        for message in catalog:
            if message.id and message.string:
                assert set(re.findall(r"{\w+}", message.id)) == set(re.findall(r"{\w+}", message.string)), message.id


def test_the_audit_log_reads_in_hindi_too() -> None:
    from core.trust.audit_text import describe

    use_language("hi")
    try:
        assert describe("listing.publish", "etsy:7", {}, {7: "पीतल का दीया"}) == (
            "“पीतल का दीया” को Etsy पर प्रकाशित किया गया")
        assert describe("secret.read", "gemini:api_key", {"found": False}, {}) == (
            "आपकी Gemini API कुंजी का इस्तेमाल हुआ (यह रखा नहीं था)")
    finally:
        use_language("en")
    assert describe("secret.read", "gemini:api_key", {}, {}) == "Used your Gemini API key"


def test_dates_name_days_and_months_in_the_interface_language_from_babel(qtbot) -> None:
    from datetime import date

    from babel.dates import get_day_names

    from core.analytics.chart_data import bucket_label
    from core.i18n import day_names, month_names
    from desktop.theme import dates_qlocale

    assert day_names()[0] == "Mon" and bucket_label(date(2026, 11, 4), "day", "en_IN") == "4 Nov"
    use_language("hi")
    try:
        assert day_names() == [get_day_names("abbreviated", locale="hi")[n] for n in range(7)]  # सोम … रवि
        assert month_names()[10] == "नवंबर"
        assert bucket_label(date(2026, 11, 4), "day", "en_IN") == "4 नव॰"  # the chart axis
        assert dates_qlocale().toString(date(2026, 12, 3), "ddd d MMM yyyy") == "गुरु 3 दिस॰ 2026"  # date edits
    finally:
        use_language("en")

"""The first-run welcome: language, currency and (optionally) a Gemini key. Everything works without the key."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from core.app import App
from core.errors import ValidationError
from core.i18n import N_, _
from core.money import format_money
from desktop.settings.editors import error_label
from desktop.settings.timezone_box import TimeZoneBox

LANGUAGES = [("en", "English"), ("hi", "हिन्दी (Hindi)"), ("hinglish", "Hinglish")]  # each in its own words
REGIONS = [  # (label, locale, currency); the time zone is the seller's own, not the region's
    (N_("India"), "en_IN", "INR"),
    (N_("United States"), "en_US", "USD"),
    (N_("United Kingdom"), "en_GB", "GBP"),
    (N_("European Union"), "en_IE", "EUR"),
    (N_("United Arab Emirates"), "en_AE", "AED"),
    (N_("Australia"), "en_AU", "AUD"),
    (N_("Canada"), "en_CA", "CAD"),
    (N_("Singapore"), "en_SG", "SGD"),
]


class WelcomeDialog(QDialog):
    """Asks the few things SellerDesk needs before the first product."""

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setWindowTitle(_("Welcome to SellerDesk"))
        self.setMinimumWidth(520)
        heading = QLabel(_("Welcome to SellerDesk"))
        heading.setProperty("role", "heading")
        intro = QLabel(_("Photograph a product once; SellerDesk writes its listings for every place you sell. "
                         "No account is needed — everything stays on this computer."))
        intro.setWordWrap(True)
        self.language = QComboBox()
        for code, label in LANGUAGES:
            self.language.addItem(label, code)
        self.language.setCurrentIndex(max(0, self.language.findData(app.settings.get("general.language"))))
        self.region = QComboBox()
        for label, locale, currency in REGIONS:
            self.region.addItem(f"{_(label)} — {format_money('123456', currency, locale)}", (locale, currency))
        # This computer's zone to start with; any city can be chosen (a region spans several zones).
        self.zone = TimeZoneBox(app.settings.get("general.timezone"))
        self.key = QLineEdit(placeholderText=_("optional: paste a Gemini API key for AI-written copy"))
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        note = QLabel(_("Without a key SellerDesk writes copy offline from your product's facts. The key is kept "
                        "in your system keychain, never in SellerDesk's files."))
        note.setWordWrap(True)
        note.setProperty("role", "muted")
        form = QFormLayout()
        form.addRow(_("Language"), self.language)
        form.addRow(_("Where you sell"), self.region)
        form.addRow(_("Your time zone"), self.zone)
        form.addRow(_("Gemini key"), self.key)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Start"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setProperty("primary", True)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(note)
        self.problem = error_label()
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def accept(self) -> None:
        """Store the choices; the key goes to the keychain only. A wrong entry is said in red, and nothing is kept."""
        from core.content.drafts import GEMINI_KEY
        from core.preferences.secrets import clean_secret
        from core.preferences.zones import check_zone

        try:
            zone = check_zone(self.zone.zone())
            key = clean_secret(GEMINI_KEY, self.key.text()) if self.key.text().strip() else ""
        except ValidationError as exc:
            self.problem.setText(str(exc))
            self.problem.show()
            return
        settings = self.app.settings
        settings.set("general.language", self.language.currentData())
        locale, currency = self.region.currentData()
        settings.set("general.locale", locale)
        settings.set("general.currency", currency)
        if zone != settings.get("general.timezone") or settings.resolve("general.timezone").source != "system":
            settings.set("general.timezone", zone)  # the computer's own zone stays unset: it follows the computer
        if key:
            self.app.secrets.set(GEMINI_KEY, key)
        settings.set("general.first_run_done", True)
        super().accept()

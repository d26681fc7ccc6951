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
from core.money import format_money

LANGUAGES = [("en", "English"), ("hi", "हिन्दी (Hindi)"), ("hinglish", "Hinglish")]
REGIONS = [  # (label, locale, currency, time zone)
    ("India", "en_IN", "INR", "Asia/Kolkata"),
    ("United States", "en_US", "USD", "America/New_York"),
    ("United Kingdom", "en_GB", "GBP", "Europe/London"),
    ("European Union", "en_IE", "EUR", "Europe/Berlin"),
    ("United Arab Emirates", "en_AE", "AED", "Asia/Dubai"),
    ("Australia", "en_AU", "AUD", "Australia/Sydney"),
    ("Canada", "en_CA", "CAD", "America/Toronto"),
    ("Singapore", "en_SG", "SGD", "Asia/Singapore"),
]


class WelcomeDialog(QDialog):
    """Asks the few things SellerDesk needs before the first product."""

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setWindowTitle("Welcome to SellerDesk")
        self.setMinimumWidth(480)
        heading = QLabel("Welcome to SellerDesk")
        heading.setProperty("role", "heading")
        intro = QLabel("Photograph a product once; SellerDesk writes its listings for every place you sell. "
                       "No account is needed — everything stays on this computer.")
        intro.setWordWrap(True)
        self.language = QComboBox()
        for code, label in LANGUAGES:
            self.language.addItem(label, code)
        self.region = QComboBox()
        for label, locale, currency, _zone in REGIONS:
            self.region.addItem(f"{label} — {format_money('123456', currency, locale)}", (locale, currency))
        self.key = QLineEdit(placeholderText="optional: paste a Gemini API key for AI-written copy")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        note = QLabel("Without a key SellerDesk writes copy offline from your product's facts. The key is kept in "
                      "your system keychain, never in SellerDesk's files.")
        note.setWordWrap(True)
        note.setProperty("role", "muted")
        form = QFormLayout()
        form.addRow("Language", self.language)
        form.addRow("Where you sell", self.region)
        form.addRow("Gemini key", self.key)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setProperty("primary", True)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def accept(self) -> None:
        """Store the choices; the key goes to the keychain only."""
        settings = self.app.settings
        settings.set("general.language", self.language.currentData())
        locale, currency = self.region.currentData()
        settings.set("general.locale", locale)
        settings.set("general.currency", currency)
        settings.set("general.timezone", REGIONS[self.region.currentIndex()][3])
        if self.key.text().strip():
            from core.content.drafts import GEMINI_KEY

            self.app.secrets.set(GEMINI_KEY, self.key.text().strip())
        settings.set("general.first_run_done", True)
        super().accept()

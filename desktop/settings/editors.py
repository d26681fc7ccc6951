"""One editor per setting (chosen by its type) and the write-only field for a secret."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.i18n import N_, _
from core.preferences.layout import Place, SecretField
from core.settings import SettingValue
from desktop.settings.timezone_box import TimeZoneBox

# How a choice reads in the window (the stored value stays the code).
CHOICE_LABELS: dict[str, dict[Any, str]] = {
    "general.language": {"en": N_("English"), "hi": N_("हिन्दी (Hindi)"), "hinglish": N_("Hinglish")},
    "general.theme": {"system": N_("Same as the computer"), "light": N_("Light"), "dark": N_("Dark")},
    "listings.updates": {"auto": N_("Update every listing at once"), "ask": N_("Ask me first (Listings window)")},
    "browser.channel": {"chrome": N_("Google Chrome"), "msedge": N_("Microsoft Edge"), "chromium": N_("Chromium"),
                        "": N_("None: use the program below")},
    "media.host": {"auto": N_("Automatic"), "sync": N_("The SellerDesk sync service"), "s3": N_("My own S3 bucket")},
    "media.s3.addressing": {"path": N_("Path (works everywhere)"), "virtual": N_("Virtual host")},
    "general.digits": {"latin": N_("Latin: ₹1,23,456"), "devanagari": N_("Devanagari: ₹१,२३,४५६")},
    "images.padding": {"white": N_("White"), "blur": N_("A blurred copy of the photo")},
    "content.thinking_level": {"minimal": N_("Minimal (fastest)"), "low": N_("Low"), "medium": N_("Medium"),
                               "high": N_("High (slowest)"), "": N_("The model's own default")},
    "platforms.instagram.login": {"instagram": N_("Instagram Login"),
                                  "facebook": N_("Facebook Login (through your Page)")},
    "logging.level": {"DEBUG": N_("Everything (for a support request)"), "INFO": N_("Normal"),
                      "WARNING": N_("Problems only"), "ERROR": N_("Errors only")},
}


class SettingEditor(QWidget):
    """Edits one setting; ``raw()`` is what the seller entered, ``changed()`` whether it differs from the start."""

    edited = Signal()

    def __init__(self, current: SettingValue, place: Place, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = current.spec.key
        self.place = place
        spec = current.spec
        self.field: QWidget
        if self.key == "general.timezone":
            self.field = TimeZoneBox(str(current.value))
            self.field.currentTextChanged.connect(lambda _t: self.edited.emit())
        elif spec.type == "bool":
            self.field = QCheckBox(_(place.label))
            self.field.setChecked(bool(current.value))
            self.field.toggled.connect(lambda _c: self.edited.emit())
        elif spec.choices is not None:
            self.field = QComboBox()
            labels = CHOICE_LABELS.get(self.key, {})
            for choice in spec.choices:
                self.field.addItem(_(labels[choice]) if choice in labels else str(choice), choice)
            self.field.setCurrentIndex(max(0, self.field.findData(current.value)))
            self.field.currentIndexChanged.connect(lambda _i: self.edited.emit())
        else:
            self.field = QLineEdit(_text(current.value))
            self.field.setPlaceholderText(_("default: {value}").format(value=_text(spec.default))
                                          if spec.default != "" else _("not set"))
            self.field.textEdited.connect(lambda _t: self.edited.emit())
        self.field.setAccessibleName(_(place.label))
        self.error = error_label()
        about = QLabel(_(spec.description))
        about.setWordWrap(True)
        about.setProperty("role", "muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.field)
        layout.addWidget(self.error)
        layout.addWidget(about)
        if current.source == "env":  # an environment variable wins for this run: changing it here would not show
            self.field.setEnabled(False)
            about.setText(_("Set by {variable} for this run.").format(variable=spec.env_name) + " "
                          + _(spec.description))
        self._start = self.raw()

    def raw(self) -> Any:
        """The entered value (typed for check boxes and lists, text otherwise)."""
        if isinstance(self.field, TimeZoneBox):
            return self.field.zone()
        if isinstance(self.field, QCheckBox):
            return self.field.isChecked()
        if isinstance(self.field, QComboBox):
            return self.field.currentData()
        assert isinstance(self.field, QLineEdit)
        return self.field.text().strip()

    def changed(self) -> bool:
        """Whether the seller changed this field since the window opened (or was last saved)."""
        return bool(self.field.isEnabled() and self.raw() != self._start)

    def saved(self) -> None:
        """The entered value is now stored: it becomes the starting point."""
        self._start = self.raw()

    def show_error(self, text: str) -> None:
        """Show why the entered value cannot be kept (empty text hides it)."""
        self.error.setText(text)
        self.error.setVisible(bool(text))


class SecretEditor(QWidget):
    """A write-only secret: the seller types a new value or removes the stored one, and never sees it."""

    edited = Signal()
    removeRequested = Signal(str)

    def __init__(self, field: SecretField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = field.name
        self.place = field.place
        self.stored: bool | None = None  # None until the keychain answered
        self.where = _("your keychain")
        self.field = QLineEdit()
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setAccessibleName(_(field.place.label))
        self.field.textEdited.connect(lambda _t: self.edited.emit())
        self.remove = QPushButton(_("Remove"))
        self.remove.setToolTip(_("Forget the stored {label}").format(label=_(field.place.label)))
        self.remove.clicked.connect(lambda: self.removeRequested.emit(self.key))
        self.status = QLabel(_("Checking…"))
        self.status.setProperty("role", "muted")
        self.error = error_label()
        about = QLabel(_(field.help))
        about.setWordWrap(True)
        about.setProperty("role", "muted")
        row = QHBoxLayout()
        row.addWidget(self.field, 1)
        row.addWidget(self.remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(about)
        self.set_stored(None)

    def set_stored(self, stored: bool | None, where: str | None = None) -> None:
        """Say whether a value is stored (None: not known yet), never what it is."""
        self.stored = stored
        if where:
            self.where = where
        self.field.clear()
        if stored is None:
            self.status.setText(_("Checking…"))
            self.field.setPlaceholderText("")
        elif stored:
            self.status.setText(_("✓ Stored in {where}. Type a new value to replace it.").format(where=self.where))
            self.field.setPlaceholderText(_("stored in {where}").format(where=self.where))
        else:
            self.status.setText(_("Not set."))
            self.field.setPlaceholderText(_("paste it here"))
        self.remove.setEnabled(bool(stored))

    def raw(self) -> str:
        """The newly typed value ('' when the seller typed nothing)."""
        return self.field.text()

    def changed(self) -> bool:
        """Whether a new value was typed."""
        return bool(self.field.text().strip())

    def show_error(self, text: str) -> None:
        """Show why the typed value cannot be stored (empty text hides it)."""
        self.error.setText(text)
        self.error.setVisible(bool(text))


def error_label() -> QLabel:
    """An empty, hidden red label that says what is wrong with a field once there is something to say."""
    label = QLabel("")
    label.setProperty("role", "error")
    label.setWordWrap(True)
    label.hide()
    return label


def _text(value: Any) -> str:
    return "" if value is None else str(value)

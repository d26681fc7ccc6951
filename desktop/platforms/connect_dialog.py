"""The Connect dialog: what a platform needs typed before signing in (store address, app id, secret, token).

The fields come from core.platforms.connect_form, so the window asks exactly what ``sellerdesk platforms
connect`` asks. A refused value is named under the form and everything typed stays in place.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
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
from core.i18n import _
from core.platforms.base import ConnectOptions
from core.platforms.connect_form import ConnectForm, apply_connect_form


class ConnectDialog(QDialog):
    """One line edit per field of the platform's connect form; OK stores the settings and keeps the options."""

    def __init__(self, app: App, form: ConnectForm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.form = form
        self.options: ConnectOptions | None = None
        self.setWindowTitle(form.title)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        for note in form.notes:
            label = QLabel(note)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        rows = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        self.choices: dict[str, QComboBox] = {}
        for field in form.fields:
            if field.choices:
                combo = QComboBox()
                combo.addItems(list(field.choices))
                combo.setCurrentText(field.value)
                combo.setToolTip(field.help)
                rows.addRow(field.label, combo)
                self.choices[field.key] = combo
                continue
            edit = QLineEdit(field.value)
            if field.secret:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
                edit.setPlaceholderText(_("stored — leave empty to keep it") if field.stored else field.help)
            else:
                edit.setPlaceholderText(field.help)
            edit.setToolTip(field.help)
            rows.addRow(field.label, edit)
            self.edits[field.key] = edit
        layout.addLayout(rows)
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Connect"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _accept(self) -> None:
        values = {key: edit.text() for key, edit in self.edits.items()}
        values.update({key: combo.currentText() for key, combo in self.choices.items()})
        try:
            self.options = apply_connect_form(self.app, self.form.platform, values)
        except ValidationError as exc:
            self.error.setText(str(exc))
            self.error.show()
            edit = self.edits.get(exc.field or "")
            if edit is not None:
                edit.setFocus()
            return
        self.accept()

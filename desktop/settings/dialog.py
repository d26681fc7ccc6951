"""The Settings window: groups on the left, their settings and secrets on the right, checked before anything is kept.

Nothing is stored until every changed field passes its check, so a window with one bad value keeps none of the
changes and says which field is wrong, in words. Most settings are read where they are used and take effect at
once; the theme is applied on saving; the language of the window changes at the next start.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.app import App
from core.errors import SellerDeskError, ValidationError
from core.i18n import N_, _
from core.preferences.checks import check
from core.preferences.layout import GROUPS, HIDDEN, SECRETS, place_of
from core.preferences.secrets import clean_secret, forget_secret, stored_secrets
from core.settings import schema
from desktop.settings.editors import SecretEditor, SettingEditor
from desktop.tasks import TaskRunner

RESTART_KEYS = frozenset({"general.language", "logging.level"})


class SettingsDialog(QDialog):
    """Every setting and secret, grouped; Save keeps them all or none."""

    applied = Signal(list)  # the keys whose values changed
    message = Signal(str)

    def __init__(self, app: App, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.tasks = tasks
        self.setWindowTitle(_("Settings"))
        self.resize(860, 600)
        self.groups = QListWidget()
        self.groups.setFixedWidth(150)
        self.groups.setStyleSheet("QListWidget::item { padding: 6px 8px; }")
        self.pages = QStackedWidget()
        self.editors: dict[str, SettingEditor] = {}
        self.secrets: dict[str, SecretEditor] = {}
        self._build_pages()
        self.groups.currentRowChanged.connect(self._show_row)
        self.groups.setCurrentRow(0)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setProperty("role", "error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Apply
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setProperty("primary", True)
        for which, text in ((QDialogButtonBox.StandardButton.Save, N_("Save")),
                            (QDialogButtonBox.StandardButton.Apply, N_("Apply")),
                            (QDialogButtonBox.StandardButton.Cancel, N_("Cancel"))):
            self.buttons.button(which).setText(_(text))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).clicked.connect(self._save_and_close)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(lambda: self.apply())
        self.buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(self.groups)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self._check_secrets()

    # -- building ----------------------------------------------------------------------------------------
    # A group's page is built the first time it is shown: building all six at once held the GUI thread for ~0.3 s.
    def _build_pages(self) -> None:
        self._columns: dict[str, QVBoxLayout] = {}
        self._built: set[str] = set()
        self._stored: tuple[dict[str, bool], str] | None = None  # what the keychain said, for pages built later
        for group in GROUPS:
            page = QWidget()
            column = QVBoxLayout(page)
            column.setSpacing(12)
            self._columns[group] = column
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setWidget(page)
            self.pages.addWidget(scroll)
            self.groups.addItem(_(group))

    def _show_row(self, row: int) -> None:
        self._build_group(GROUPS[row])
        self.pages.setCurrentIndex(row)

    def _build_group(self, group: str) -> None:
        if group in self._built:
            return
        self._built.add(group)
        column = self._columns[group]
        sections: dict[str, QFormLayout] = {}

        def form(section: str) -> QFormLayout:
            if section not in sections:
                layout = QFormLayout()
                layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
                if section:
                    box = QGroupBox(_(section))
                    box.setLayout(layout)
                    column.addWidget(box)
                else:
                    column.addLayout(layout)
                sections[section] = layout
            return sections[section]

        from core.preferences.layout import SETTINGS

        keys = list(SETTINGS) + sorted(k for k in schema() if k not in SETTINGS and k not in HIDDEN)
        secrets = {field.place: field for field in SECRETS if field.place.group == group}
        for key in keys:
            place = place_of(key)
            if place.group != group:
                continue
            editor = SettingEditor(self.app.settings.resolve(key), place)
            editor.edited.connect(lambda e=editor: e.show_error(""))
            self.editors[key] = editor
            form(place.section).addRow("" if isinstance(editor.field, QCheckBox) else _(place.label), editor)
            for secret_place, field in list(secrets.items()):  # a section's secrets follow its first setting
                if secret_place.section == place.section:
                    self._add_secret(form(place.section), field)
                    del secrets[secret_place]
        for field in secrets.values():
            self._add_secret(form(field.place.section), field)
        column.addStretch(1)
        if self._stored is not None:
            self._show_stored(self._stored)

    def editor(self, key: str) -> SettingEditor:
        """The editor of setting ``key`` (its page is built if it was not yet)."""
        self._build_group(place_of(key).group)
        return self.editors[key]

    def secret(self, name: str) -> SecretEditor:
        """The field of secret ``name`` (its page is built if it was not yet)."""
        self._build_group(place_of(name).group)
        return self.secrets[name]

    def _add_secret(self, layout: QFormLayout, field: Any) -> None:
        editor = SecretEditor(field)
        editor.edited.connect(lambda e=editor: e.show_error(""))
        editor.removeRequested.connect(self.remove_secret)
        self.secrets[field.name] = editor
        layout.addRow(_(field.place.label), editor)

    def _check_secrets(self) -> None:
        self.tasks.start(_("Checking stored keys"), lambda _h: (stored_secrets(self.app.secrets), _where(self.app)),
                         on_success=self._show_stored, on_failure=self._failed)

    def _show_stored(self, result: tuple[dict[str, bool], str]) -> None:
        self._stored = result
        stored, where = result
        for name, editor in self.secrets.items():
            if editor.stored is None:
                editor.set_stored(stored.get(name, False), where)

    # -- acting ------------------------------------------------------------------------------------------
    def show_group(self, group: str) -> None:
        """Open the page of ``group`` (General, Appearance, AI copy, Platforms, Sync, Advanced)."""
        self.groups.setCurrentRow(GROUPS.index(group))

    def apply(self) -> bool:
        """Check every changed field; keep them all if each is right, else none, showing what is wrong."""
        values: dict[str, Any] = {}
        new_secrets: dict[str, str] = {}
        first_bad: SettingEditor | SecretEditor | None = None
        for key, editor in self.editors.items():
            if not editor.changed():
                continue
            try:
                values[key] = check(key, self.app.settings.spec(key).coerce(editor.raw()))
            except ValidationError as exc:
                editor.show_error(_plain(exc, _(editor.place.label)))
                first_bad = first_bad or editor
        for name, secret in self.secrets.items():
            if not secret.changed():
                continue
            try:
                new_secrets[name] = clean_secret(name, secret.raw())
            except ValidationError as exc:
                secret.show_error(str(exc))
                first_bad = first_bad or secret
        if first_bad is not None:
            self.show_group(first_bad.place.group)
            first_bad.field.setFocus()
            self.note.setText(_("Nothing was saved: correct the field marked in red first."))
            return False
        self.note.setText("")
        for key, value in values.items():
            self.app.settings.set(key, value)
            self.editors[key].saved()
        if new_secrets:
            self._store_secrets(new_secrets)
        if values:
            self.applied.emit(sorted(values))
            restart = RESTART_KEYS & set(values)
            self.message.emit(_("Settings saved.") + (" " + _("The new language is used from the next start.")
                                                      if "general.language" in restart else ""))
        return True

    def _store_secrets(self, values: dict[str, str]) -> None:
        def work(_handle: object) -> str:
            for name, value in values.items():
                self.app.secrets.set(name, value)
            return _where(self.app)

        def done(where: str) -> None:
            for name in values:
                if name in self.secrets:  # the window may be gone; its editors with it
                    self.secrets[name].set_stored(True, where)
            labels = ", ".join(_(place_of(name).label) for name in values)
            self.message.emit(_("{labels}: stored in {where}.").format(labels=labels, where=where))

        self.tasks.start(_("Storing keys"), work, on_success=done, on_failure=self._failed, writes=True)

    def remove_secret(self, name: str) -> None:
        """Forget a stored secret, after asking."""
        label = _(place_of(name).label)
        answer = QMessageBox.question(self, _("Remove"), _("Remove the stored {label}? Whatever uses it stops "
                                                           "working until you enter it again.").format(label=label))
        if answer != QMessageBox.StandardButton.Yes:
            return

        def done(_result: object) -> None:
            if name in self.secrets:
                self.secrets[name].set_stored(False)
            self.message.emit(_("{label} removed.").format(label=label))

        self.tasks.start(_("Removing a key"), lambda _h: forget_secret(self.app.secrets, name), on_success=done,
                         on_failure=self._failed, writes=True)

    def _save_and_close(self) -> None:
        if self.apply():
            self.accept()

    def _failed(self, exc: Exception) -> None:
        text = str(exc) if isinstance(exc, SellerDeskError) else (
            _("The keychain could not be reached ({error}). The details are in {folder}.").format(
                error=type(exc).__name__, folder=self.app.logs_dir))
        self.note.setText(text)


def _where(app: App) -> str:
    return _("your keychain") if app.secrets.backend == "keychain" else _("SellerDesk's encrypted secrets file")


def _plain(exc: ValidationError, label: str) -> str:
    """A type error from the schema names the key; the window names the field instead (wherever the interface
    language puts it)."""
    text = str(exc)
    return text.replace(exc.field, label, 1) if exc.field else text


def open_settings(window: Any, group: str = "") -> SettingsDialog:
    """Show the Settings window over the main ``window`` (at ``group``); saved changes take effect at once."""
    dialog = SettingsDialog(window.app, window.tasks, window)
    dialog.message.connect(window.show_message)

    def applied(keys: list[str]) -> None:
        if "publishing.background" in keys:  # the login entry follows the setting (core/autostart.py)
            from PySide6.QtCore import QTimer

            from core.autostart import apply

            try:
                said = apply(window.app.data_dir, bool(window.app.settings.get("publishing.background")))
            except OSError as exc:
                window.show_error(exc)
            else:  # after the dialog's own "Settings saved."
                QTimer.singleShot(0, lambda: window.show_message(said))
        if "general.theme" in keys:
            from PySide6.QtWidgets import QApplication

            from desktop.theme import apply_theme

            instance = QApplication.instance()
            if isinstance(instance, QApplication):
                apply_theme(instance, window.app.settings.get("general.theme"))

    dialog.applied.connect(applied)
    if group:
        dialog.show_group(group)
    dialog.open()
    return dialog

"""Sign in to the sync service, or create an account. SellerDesk works fully without one; this only adds sync."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.sync.controller import SyncController

MIN_PASSWORD = 10  # the service's rule for new passwords
RESET_TEXT = ("The sync service cannot reset a password by email yet. If you are still signed in on another "
              "computer, your data is safe there. Otherwise ask whoever runs your sync service for help, or create a "
              "new account: everything on this computer stays and is sent to the new account.")


class SignInDialog(QDialog):
    """Email and password (and the service's address); the work runs in the background while the dialog waits."""

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Sign in to sync")
        heading = QLabel("Sync your shop between computers")
        heading.setProperty("role", "heading")
        intro = QLabel("Sign in to keep products, photos, copy and schedules the same on every computer you use, "
                       "with a backup on the sync service. Without an account everything stays on this computer.")
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")

        self.server = QLineEdit(controller.account.server_url, placeholderText="https://sync.example.com")
        self.email = QLineEdit(controller.account.email or "", placeholderText="you@example.com")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.again = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.again_label = QLabel("Password again")
        self.new_account = QCheckBox("Create a new account")
        self.new_account.toggled.connect(self._mode_changed)
        form = QFormLayout()
        form.addRow("Sync service", self.server)
        form.addRow("Email", self.email)
        form.addRow("Password", self.password)
        form.addRow(self.again_label, self.again)
        form.addRow("", self.new_account)

        self.forgot = QPushButton("Forgot your password?")
        self.forgot.setFlat(True)
        self.forgot.clicked.connect(self._explain_reset)
        self.reset_note = QLabel(RESET_TEXT)
        self.reset_note.setWordWrap(True)
        self.reset_note.setProperty("role", "muted")
        self.reset_note.hide()
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.submit = self.buttons.addButton("Sign in", QDialogButtonBox.ButtonRole.AcceptRole)
        self.submit.setProperty("primary", True)
        self.submit.setDefault(True)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.forgot)
        layout.addWidget(self.reset_note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)  # grows and shrinks with the notes shown
        self.setMinimumWidth(460)
        self._mode_changed(False)

    def _mode_changed(self, create: bool) -> None:
        self.again.setVisible(create)
        self.again_label.setVisible(create)
        self.submit.setText("Create account" if create else "Sign in")
        self.password.setPlaceholderText(f"{MIN_PASSWORD} characters or more" if create else "")

    def _explain_reset(self) -> None:
        self.reset_note.show()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _submit(self) -> None:
        server, email, password = self.server.text().strip(), self.email.text().strip(), self.password.text()
        create = self.new_account.isChecked()
        if not server:
            return self._show_error("Enter the address of your sync service.")
        if "@" not in email:
            return self._show_error("Enter the email address of your account.")
        if create and len(password) < MIN_PASSWORD:
            return self._show_error(f"Choose a password of {MIN_PASSWORD} characters or more.")
        if create and password != self.again.text():
            return self._show_error("The two passwords differ.")
        if not password:
            return self._show_error("Enter your password.")
        self.error.hide()
        self._busy(True)
        self.controller.sign_in(email, password, create=create, server_url=server,
                                on_success=self._signed_in, on_failure=self._failed)
        return None

    def _busy(self, busy: bool) -> None:
        for widget in (self.server, self.email, self.password, self.again, self.new_account, self.submit):
            widget.setEnabled(not busy)
        if busy:
            self.submit.setText("Creating…" if self.new_account.isChecked() else "Signing in…")
        else:
            self._mode_changed(self.new_account.isChecked())

    def _signed_in(self, _email: str) -> None:
        self.password.clear()
        self.again.clear()
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self._busy(False)
        self._show_error(str(exc))

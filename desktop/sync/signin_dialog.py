"""Sign in to the sync service, or create an account (then: check your email, with Resend), or reset a forgotten
password by an emailed code. SellerDesk works fully without an account; this only adds sync."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.i18n import N_, _
from desktop.sync.controller import SyncController

MIN_PASSWORD = 10  # the service's rule for new passwords
RESET_TEXT = N_("Enter your email above and choose Email me a code. Then paste the code from the email here with "
                "a new password. Every computer is signed out; everything on this computer stays.")
CONFIRM_TEXT = N_("Check your email to confirm your address: we sent a link to {email}. Open it (look in spam too); "
                  "sync starts once the address is confirmed. Everything you do meanwhile waits on this computer.")


class SignInDialog(QDialog):
    """Email and password (and the service's address); the work runs in the background while the dialog waits."""

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle(_("Sign in to sync"))
        heading = QLabel(_("Sync your shop between computers"))
        heading.setProperty("role", "heading")
        intro = QLabel(_("Sign in to keep products, photos, copy and schedules the same on every computer you use, "
                         "with a backup on the sync service. Without an account everything stays on this computer."))
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")

        self.server = QLineEdit(controller.account.server_url, placeholderText="https://sync.example.com")
        self.email = QLineEdit(controller.account.email or "", placeholderText="you@example.com")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.again = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.again_label = QLabel(_("Password again"))
        self.new_account = QCheckBox(_("Create a new account"))
        self.new_account.toggled.connect(self._mode_changed)
        form = QFormLayout()
        form.addRow(_("Sync service"), self.server)
        form.addRow(_("Email"), self.email)
        form.addRow(_("Password"), self.password)
        form.addRow(self.again_label, self.again)
        form.addRow("", self.new_account)

        self.forgot = QPushButton(_("Forgot your password?"))
        self.forgot.setFlat(True)
        self.forgot.clicked.connect(self._explain_reset)
        self.reset_note = QLabel(_(RESET_TEXT))
        self.reset_note.setWordWrap(True)
        self.reset_note.setProperty("role", "muted")
        self.send_code = QPushButton(_("Email me a code"))
        self.send_code.clicked.connect(self._send_code)
        self.code = QLineEdit(placeholderText=_("sdp_… from the email"))
        self.new_password = QLineEdit(echoMode=QLineEdit.EchoMode.Password,
                                      placeholderText=_("{count} characters or more").format(count=MIN_PASSWORD))
        self.set_password = QPushButton(_("Set new password"))
        self.set_password.clicked.connect(self._set_password)
        self.reset_box = QWidget()
        reset_form = QFormLayout(self.reset_box)
        reset_form.setContentsMargins(0, 0, 0, 0)
        reset_form.addRow(self.reset_note)
        reset_form.addRow("", self.send_code)
        reset_form.addRow(_("Code"), self.code)
        reset_form.addRow(_("New password"), self.new_password)
        reset_form.addRow("", self.set_password)
        self.reset_box.hide()

        self.confirm_note = QLabel("")
        self.confirm_note.setWordWrap(True)
        self.resend = QPushButton(_("Resend email"))
        self.resend.clicked.connect(self._resend)
        self.check_again = QPushButton(_("I opened the link — sync now"))
        self.check_again.clicked.connect(self._check_again)
        self.confirm_box = QWidget()
        confirm_layout = QVBoxLayout(self.confirm_box)
        confirm_layout.setContentsMargins(0, 0, 0, 0)
        confirm_layout.addWidget(self.confirm_note)
        confirm_buttons = QHBoxLayout()
        confirm_buttons.addWidget(self.resend)
        confirm_buttons.addWidget(self.check_again)
        confirm_layout.addLayout(confirm_buttons)
        self.confirm_box.hide()
        self.notice = QLabel("")
        self.notice.setWordWrap(True)
        self.notice.setProperty("role", "muted")
        self.notice.hide()
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.submit = self.buttons.addButton(_("Sign in"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.submit.setProperty("primary", True)
        self.submit.setDefault(True)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

        self.sign_in_box = QWidget()
        sign_in_layout = QVBoxLayout(self.sign_in_box)
        sign_in_layout.setContentsMargins(0, 0, 0, 0)
        sign_in_layout.addWidget(intro)
        sign_in_layout.addLayout(form)
        sign_in_layout.addWidget(self.forgot)
        sign_in_layout.addWidget(self.reset_box)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.sign_in_box)
        layout.addWidget(self.confirm_box)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)  # grows and shrinks with the notes shown
        self.setMinimumWidth(460)
        for box in (self.sign_in_box, self.confirm_box, self.notice, self.error):
            box.setMinimumWidth(440)  # the fixed-size layout would otherwise wrap every note into a narrow column
        self._mode_changed(False)

    def _mode_changed(self, create: bool) -> None:
        self.again.setVisible(create)
        self.again_label.setVisible(create)
        self.submit.setText(_("Create account") if create else _("Sign in"))
        self.password.setPlaceholderText(_("{count} characters or more").format(count=MIN_PASSWORD) if create else "")

    def _explain_reset(self) -> None:
        self.reset_box.show()

    def _show_error(self, text: str) -> None:
        self.notice.hide()
        self.error.setText(text)
        self.error.show()

    def _show_notice(self, text: str) -> None:
        self.error.hide()
        self.notice.setText(text)
        self.notice.show()

    def show_confirm(self, email: str) -> None:
        """The "check your email" state: which address, and Resend; the dialog only closes from here."""
        self.setWindowTitle(_("Confirm your email"))
        self.sign_in_box.hide()
        self.submit.hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Close"))
        self.confirm_note.setText(_(CONFIRM_TEXT).format(email=email))
        self.confirm_box.show()

    def _check_again(self) -> None:
        # The round says in the status bar whether the address is confirmed now.
        self.controller.sync_now()
        self.accept()

    def _resend(self) -> None:
        self.resend.setEnabled(False)
        self.controller.resend_verification(on_success=self._resent, on_failure=self._resend_failed)

    def _resent(self, said: str) -> None:
        self.resend.setEnabled(True)
        self._show_notice(said)

    def _resend_failed(self, exc: Exception) -> None:
        self.resend.setEnabled(True)
        self._show_error(str(exc))

    def _send_code(self) -> None:
        server, email = self.server.text().strip(), self.email.text().strip()
        if not server or "@" not in email:
            return self._show_error(_("Enter the sync service's address and your account's email first."))
        self.send_code.setEnabled(False)
        self.controller.request_password_reset(email, server, on_success=self._code_sent,
                                               on_failure=self._reset_failed)
        return None

    def _code_sent(self, said: str) -> None:
        self.send_code.setEnabled(True)
        self._show_notice(said)
        self.code.setFocus()

    def _set_password(self) -> None:
        code, password = self.code.text().strip(), self.new_password.text()
        if not code:
            return self._show_error(_("Paste the code from the reset email."))
        if len(password) < MIN_PASSWORD:
            return self._show_error(_("Choose a password of {count} characters or more.").format(count=MIN_PASSWORD))
        self.set_password.setEnabled(False)
        self.controller.reset_password(code, password, self.server.text().strip(), on_success=self._password_set,
                                       on_failure=self._reset_failed)
        return None

    def _password_set(self, _result: object) -> None:
        self.set_password.setEnabled(True)
        self.password.setText(self.new_password.text())
        self.new_password.clear()
        self.code.clear()
        self.reset_box.hide()
        self.new_account.setChecked(False)
        self._show_notice(_("Your password is changed and every computer was signed out. Sign in with it now."))

    def _reset_failed(self, exc: Exception) -> None:
        self.send_code.setEnabled(True)
        self.set_password.setEnabled(True)
        self._show_error(str(exc))

    def _submit(self) -> None:
        server, email, password = self.server.text().strip(), self.email.text().strip(), self.password.text()
        create = self.new_account.isChecked()
        if not server:
            return self._show_error(_("Enter the address of your sync service."))
        if "@" not in email:
            return self._show_error(_("Enter the email address of your account."))
        if create and len(password) < MIN_PASSWORD:
            return self._show_error(_("Choose a password of {count} characters or more.").format(count=MIN_PASSWORD))
        if create and password != self.again.text():
            return self._show_error(_("The two passwords differ."))
        if not password:
            return self._show_error(_("Enter your password."))
        self.error.hide()
        self._busy(True)
        self.controller.sign_in(email, password, create=create, server_url=server,
                                on_success=self._signed_in, on_failure=self._failed)
        return None

    def _busy(self, busy: bool) -> None:
        for widget in (self.server, self.email, self.password, self.again, self.new_account, self.submit):
            widget.setEnabled(not busy)
        if busy:
            self.submit.setText(_("Creating…") if self.new_account.isChecked() else _("Signing in…"))
        else:
            self._mode_changed(self.new_account.isChecked())

    def _signed_in(self, email: str) -> None:
        self.password.clear()
        self.again.clear()
        if self.controller.status().problem_kind == "unconfirmed":
            self._busy(False)
            self.error.hide()
            self.show_confirm(email)
            return
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self._busy(False)
        self._show_error(str(exc))

"""Asking the seller for the secrets passphrase (computers without a keychain), from whichever thread needs a secret.

Core asks through ``App.ask_passphrase`` when it first opens the encrypted secrets file, often on a worker thread
(publishing, a photo task); the dialog must show on the GUI thread, and the worker waits for the answer.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

PROMPT = ("This computer has no system keychain, so SellerDesk keeps tokens and keys in an encrypted file.\n"
          "Passphrase for it (the first time: choose one and keep it safe):")


class PassphraseAsker(QObject):
    """A callable for ``App.ask_passphrase``: shows a password dialog on the GUI thread and returns the answer."""

    _ask = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__()
        self._parent = parent
        self._answer: str | None = None
        # Blocking: the worker that needs the secret waits until the seller has answered on the GUI thread.
        self._ask.connect(self._show, Qt.ConnectionType.BlockingQueuedConnection)

    def __call__(self) -> str | None:
        if QThread.currentThread() is self.thread():
            self._show()
        else:
            self._ask.emit()
        return self._answer

    @Slot()
    def _show(self) -> None:
        text, ok = QInputDialog.getText(self._parent, "SellerDesk: secrets passphrase", PROMPT,
                                        QLineEdit.EchoMode.Password)
        self._answer = text if ok and text else None

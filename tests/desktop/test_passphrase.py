"""Without a keychain the window asks for the secrets passphrase, also when a worker thread needs a secret."""

from __future__ import annotations

import threading
from pathlib import Path

import keyring
from keyring.backends import fail
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog

from core.app import App
from desktop.passphrase import PassphraseAsker


def _answer(text: str) -> None:
    def fill() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible()]
        if not dialogs:
            QTimer.singleShot(20, fill)
            return
        dialogs[0].setTextValue(text)
        dialogs[0].accept()

    QTimer.singleShot(20, fill)


def test_a_worker_needing_a_secret_gets_the_passphrase_typed_in_the_window(qtbot, isolated_env: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    app = App(isolated_env)
    app.ask_passphrase = PassphraseAsker()
    got: list[str | None] = []
    try:
        _answer("a long passphrase")
        worker = threading.Thread(target=lambda: (app.secrets.set("gemini:api_key", "AIza-window-key"),
                                                  got.append(app.secrets.get("gemini:api_key"))))
        worker.start()
        qtbot.waitUntil(lambda: bool(got), timeout=5000)
        worker.join(5)
        assert got == ["AIza-window-key"]
        assert (isolated_env / "secrets.enc").exists() and b"AIza-window-key" not in (
            isolated_env / "secrets.enc").read_bytes()
    finally:
        app.close()

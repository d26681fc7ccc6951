"""``SellerDesk --background --data-dir DIR``: the background runner the login entry starts (core/autostart.py).

No window: a tray icon (where the desktop has a tray) with the latest news, Open SellerDesk, and Stop posting in the
background. It runs the same Publisher as the window under the same single-runner lock: while the window is open
the window publishes and this waits; when the window closes, this takes over within the publisher's poll. It ends
when ``publishing.background`` is turned off (from the window, the CLI, or its own menu).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

from core.app import App
from core.autostart import BACKGROUND_KEY, apply, background_lock
from core.publishing.events import PublishEvent
from core.publishing.service import Publisher
from core.settings import Settings

CHECK_MS = 1000  # how often the setting is read again (and Python may handle SIGTERM)
# A process asking whether a runner is up holds the lock for an instant: one starting just then tries again meanwhile
# (it gave up at once, and nothing posted in the background until the next login).
LOOKING_S = 2.0
NOTIFY = {"published": "Published", "failed": "Could not publish", "needs_attention": "Needs your attention"}


class _Relay(QObject):
    event = Signal(object)


class BackgroundRunner(QObject):
    """Publishing without the window, while ``publishing.background`` stays on."""

    def __init__(self, app: App, qt_app: QApplication) -> None:
        super().__init__()
        self.app = app
        self.qt_app = qt_app
        self.lock = background_lock(app.data_dir)
        self.publisher = Publisher(app)
        self.relay = _Relay(self)
        self.relay.event.connect(self._on_event)
        self.publisher.add_observer(self.relay.event.emit)
        self.latest = "Starting…"
        self.timer = QTimer(self, interval=CHECK_MS)
        self.timer.timeout.connect(self.check_setting)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = self._make_tray()

    def _make_tray(self) -> QSystemTrayIcon:
        from desktop.theme import icon

        tray = QSystemTrayIcon(icon("app"), self)
        self.menu = QMenu()
        self.status_action = QAction(self.latest, self.menu, enabled=False)
        self.menu.addAction(self.status_action)
        self.menu.addSeparator()
        self.menu.addAction("Open SellerDesk", self.open_window)
        self.menu.addAction("Stop posting in the background", self.turn_off)
        tray.setContextMenu(self.menu)
        tray.setToolTip("SellerDesk posts scheduled items in the background")
        tray.show()
        return tray

    def start(self) -> bool:
        """Start publishing (or waiting for the window to finish); False if another background runner is up."""
        if not self.lock.acquire(wait=LOOKING_S):
            return False
        self.publisher.start()
        self.timer.start()
        return True

    def check_setting(self) -> None:
        """Read the setting again (another process may have turned it off); stop when it is off."""
        if not Settings(self.app.data_dir).get(BACKGROUND_KEY):
            self.stop()

    def turn_off(self) -> None:
        """The tray's Stop: turn the setting off, remove the login entry, stop."""
        self.app.settings.set(BACKGROUND_KEY, False)
        apply(self.app.data_dir, False)
        self.stop()

    def open_window(self) -> None:
        """Open the SellerDesk window on this data folder (it publishes while open; this waits meanwhile)."""
        program = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "desktop.launch"]
        subprocess.Popen([*program, "--data-dir", str(self.app.data_dir)], start_new_session=True)  # noqa: S603

    def stop(self) -> None:
        """Stop publishing (attempts under way may finish), let go of the lock and end the event loop."""
        if not self.timer.isActive():
            return
        self.timer.stop()
        self.publisher.stop()
        self.publisher.remove_observer(self.relay.event.emit)
        self.lock.release()
        if self.tray is not None:
            self.tray.hide()
        self.qt_app.quit()

    def _on_event(self, event: PublishEvent) -> None:
        if event.kind == "progress":
            return
        self.latest = event.message
        if self.tray is not None:
            self.status_action.setText(event.message[:80])
            job = event.job
            if job is not None and job.state in NOTIFY:
                ok = job.state == "published"
                self.tray.showMessage(NOTIFY[job.state], event.message,
                                      QSystemTrayIcon.MessageIcon.Information if ok else
                                      QSystemTrayIcon.MessageIcon.Warning)


def run_background(data_dir: str | None) -> int:
    """Run until ``publishing.background`` is turned off or the process is asked to end (SIGTERM, logout)."""
    from core.logs import setup_logging, stop_logging

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    qt_app.setQuitOnLastWindowClosed(False)
    app = App(Path(data_dir) if data_dir else None)
    setup_logging(app.logs_dir, app.settings.get("logging.level"))
    runner = BackgroundRunner(app, qt_app)
    try:
        if not app.settings.get(BACKGROUND_KEY) or not runner.start():
            return 0  # turned off since the entry was made, or already running for this folder
        previous = signal.signal(signal.SIGTERM, lambda _s, _f: runner.stop())
        try:
            qt_app.exec()
        finally:
            signal.signal(signal.SIGTERM, previous)
        return 0
    finally:
        runner.stop()
        app.close()
        stop_logging()

"""Posting with the window closed: "Post scheduled items in the background" adds a login entry that starts the
background runner, which publishes a scheduled post while no window is open; turning it off removes the entry and
the runner stops. The Linux entry is tested for real, the macOS and Windows entries by what they say."""

from __future__ import annotations

import os
import plistlib
import sys
import threading
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt

import core.autostart as autostart
from core.app import App
from core.db.types import utcnow
from core.publishing.jobs import PRIORITY_NOW, create_job, get_job
from tests.fakes.etsy import EtsyStandIn
from tests.publishing.conftest import add_photographed_product, connect_etsy, wait_for

PASSPHRASE = "background-test-passphrase"


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config"


def _runner_pid(data_dir: Path) -> int | None:
    text = (data_dir / autostart.BACKGROUND_LOCK).read_text(encoding="utf-8").strip() \
        if (data_dir / autostart.BACKGROUND_LOCK).exists() else ""
    return int(text) if text and autostart.runner_running(data_dir) else None


def _exec_args(desktop_file: Path) -> list[str]:
    """Exec= read as the Desktop Entry Specification says: the string escapes first, then the argument quoting."""
    line = next(ln for ln in desktop_file.read_text(encoding="utf-8").splitlines() if ln.startswith("Exec="))
    value, text, i = line.removeprefix("Exec="), "", 0
    while i < len(value):  # string escapes: \\ \s \n \t \r
        if value[i] == "\\" and i + 1 < len(value):
            text += {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(value[i + 1], "\\" + value[i + 1])
            i += 2
        else:
            text += value[i]
            i += 1
    args, current, quoted, started, i = [], "", False, False, 0
    while i < len(text):
        char = text[i]
        if quoted and char == "\\":
            current, i = current + text[i + 1], i + 2
            continue
        if char == '"':
            quoted, started = not quoted, True
        elif char == " " and not quoted:
            if started:
                args.append(current)
            current, started = "", False
        else:
            current, started = current + char, True
        i += 1
    if started:
        args.append(current)
    return [arg.replace("%%", "%") for arg in args]


def test_the_linux_entry_quotes_a_folder_with_spaces(tmp_path: Path, config_home: Path) -> None:
    data_dir = tmp_path / "My Shop $1"
    entry = autostart.entry_for(data_dir, "linux")
    assert entry.location.startswith(str(config_home / "autostart" / "sellerdesk-background-"))
    assert "[Desktop Entry]\nType=Application\nName=SellerDesk background posting\n" in entry.content
    autostart.install(entry)
    assert f'"{data_dir}"'.replace("$", "\\\\$") in entry.content  # quoted, "$" escaped, the escape doubled
    assert _exec_args(Path(entry.location)) == [*entry.command]
    assert entry.command[-3:] == ("--background", "--data-dir", str(data_dir))
    assert autostart.installed(entry) and autostart.remove(entry) and not Path(entry.location).exists()


def test_the_macos_entry_is_a_launch_agent_that_runs_at_login(tmp_path: Path) -> None:
    entry = autostart.entry_for(tmp_path / "data", "darwin", home=tmp_path)
    assert entry.location == str(tmp_path / "Library" / "LaunchAgents" /
                                 f"app.sellerdesk.background.{autostart.entry_id(tmp_path / 'data')}.plist")
    plist = plistlib.loads(entry.content.encode("utf-8"))
    assert plist["Label"].startswith("app.sellerdesk.background.") and plist["RunAtLoad"] is True
    assert plist["ProgramArguments"][-3:] == ["--background", "--data-dir", str(tmp_path / "data")]
    assert plist["LimitLoadToSessionType"] == "Aqua"


def test_the_windows_entry_is_a_run_value_starting_the_windowed_program(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = tmp_path / "SellerDesk"
    bundle.mkdir()
    (bundle / "SellerDesk.exe").touch()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle / "sellerdesk-cli.exe"))
    data_dir = tmp_path / "Shop data"
    entry = autostart.entry_for(data_dir, "win32")
    assert entry.location.startswith("HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\"
                                     "SellerDesk background posting (")
    assert entry.content == f'{bundle / "SellerDesk.exe"} --background --data-dir "{data_dir}"'
    assert entry.command[0] == str(bundle / "SellerDesk.exe")  # never the console program: no window at login


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="the XDG autostart entry is Linux's")
def test_a_scheduled_post_goes_out_with_the_window_closed(app: App, etsy_server: EtsyStandIn, cli, tmp_path: Path,
                                                          config_home: Path, isolated_env: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    keyring.set_keyring(fail.Keyring())  # the runner is another process: secrets in the passphrase file
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("SELLERDESK_SECRETS_PASSPHRASE", PASSPHRASE)
    connect_etsy(app, etsy_server)
    job = create_job(app.db, add_photographed_product(app, tmp_path), "etsy", at=utcnow(), priority=PRIORITY_NOW)

    turned_on = cli("background", "on")
    assert turned_on.code == 0, turned_on.err
    assert "Background posting is on" in turned_on.out and "It is running now, too." in turned_on.out
    desktop_file = Path(autostart.entry_for(isolated_env, "linux").location)
    assert desktop_file.is_file() and desktop_file.parent == config_home / "autostart"
    pid = wait_for(lambda: _runner_pid(isolated_env), timeout=60, message="the background runner started")
    try:
        # What runs is exactly what the login entry says.
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:-1]
        assert [arg.decode() for arg in cmdline] == _exec_args(desktop_file)
        wait_for(lambda: get_job(app.db, job.id).state == "published", timeout=90,
                 message=f"the post went out from the background runner (now {get_job(app.db, job.id).state})")
        assert etsy_server.listings
        status = cli("background", "status")
        assert "on" in status.out and "in place" in status.out and "Background runner: running" in status.out
    finally:
        turned_off = cli("background", "off")
    assert turned_off.code == 0 and "login entry was removed" in turned_off.out
    assert not desktop_file.exists()
    wait_for(lambda: not autostart.runner_running(isolated_env), timeout=30, message="the runner stopped")
    wait_for(lambda: not Path(f"/proc/{pid}").exists() or b"zombie" in _proc_state(pid), timeout=10)


def _proc_state(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/status").read_bytes().lower()
    except OSError:
        return b"zombie"


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG autostart entry is Linux's")
def test_asking_whether_a_runner_is_up_never_turns_one_away_nor_rewrites_its_pid(tmp_path: Path) -> None:
    from desktop.background import LOOKING_S

    looking = threading.Event()
    asked = 0

    def keep_asking() -> None:  # as `sellerdesk background status`, or a test, polling while the runner starts
        nonlocal asked
        while not looking.is_set():
            autostart.runner_running(tmp_path)
            asked += 1

    asker = threading.Thread(target=keep_asking)
    asker.start()
    try:
        for _ in range(200):  # each start meets the asker's lock at some point of its probing
            runner = autostart.background_lock(tmp_path)
            assert runner.acquire(wait=LOOKING_S)
            assert runner.holder() == str(os.getpid()) and autostart.runner_running(tmp_path)  # up: it is us
            runner.release()
    finally:
        looking.set()
        asker.join()
    assert asked > 200
    held = autostart.background_lock(tmp_path)
    assert held.acquire()
    (tmp_path / autostart.BACKGROUND_LOCK).write_text("4242", encoding="utf-8")  # as another process's pid
    other = autostart.background_lock(tmp_path)
    assert other.taken_elsewhere() and not other.acquire(wait=0.1)
    assert other.holder() == "4242"  # looking did not overwrite it
    held.release()


def test_the_settings_checkbox_adds_and_removes_the_login_entry(window, qtbot, config_home: Path,
                                                                 isolated_env: Path) -> None:
    window.show_settings("General")
    dialog = window.settings_dialog
    box = dialog.editors[autostart.BACKGROUND_KEY].field
    assert box.text() == "Post scheduled items in the background (also while the window is closed)"
    entry = Path(autostart.entry_for(isolated_env, "linux").location)
    try:
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
        assert box.isChecked()
        dialog.apply()
        assert entry.is_file() and window.app.settings.get(autostart.BACKGROUND_KEY) is True
        qtbot.waitUntil(lambda: "Background posting is on" in window.statusBar().currentMessage())
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
        dialog.apply()
        assert not entry.exists() and window.app.settings.get(autostart.BACKGROUND_KEY) is False
    finally:
        autostart.apply(isolated_env, False)
        wait_for(lambda: not autostart.runner_running(isolated_env), timeout=30, message="the runner stopped")
        dialog.close()


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG autostart entry is Linux's")
# Qt's offscreen platform (the tests') has no tray of its own to connect to; a desktop session never says this.
@pytest.mark.qt_log_ignore(r"No such signal QPlatformNativeInterface::systemTrayWindowChanged")
def test_the_tray_menu_stops_background_posting(app: App, qtbot, config_home: Path, isolated_env: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QSystemTrayIcon

    from desktop.background import BackgroundRunner

    class Loop:  # stands in for the runner's own event loop, which the test's QApplication must not end
        quit_called = False

        def quit(self) -> None:
            Loop.quit_called = True

    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    app.settings.set(autostart.BACKGROUND_KEY, True)
    autostart.install(autostart.entry_for(isolated_env))
    runner = BackgroundRunner(app, Loop())  # type: ignore[arg-type]
    assert runner.tray is not None and runner.start()
    try:
        assert autostart.runner_running(isolated_env)
        stop = next(a for a in runner.menu.actions() if a.text() == "Stop posting in the background")
        stop.trigger()
        assert Loop.quit_called and app.settings.get(autostart.BACKGROUND_KEY) is False
        assert not Path(autostart.entry_for(isolated_env).location).exists()
        assert not autostart.runner_running(isolated_env)
    finally:
        runner.stop()

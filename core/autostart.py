"""Posting with the window closed: "Post scheduled items in the background" (setting ``publishing.background``).

Turned on, SellerDesk adds a login entry for this data folder — an XDG autostart file on Linux, a LaunchAgent on
macOS, a value under the HKCU Run key on Windows — that starts the background runner (``SellerDesk --background``,
desktop/background.py: no window, a tray icon, the same single-runner lock as the window and ``run-scheduler``),
and starts that runner now. Turned off, the entry is removed and the runner stops within seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import plistlib
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.publishing.lock import RunnerLock

BACKGROUND_KEY = "publishing.background"
BACKGROUND_FLAG = "--background"
BACKGROUND_LOCK = "background.lock"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
TITLE = "SellerDesk background posting"


@dataclass(frozen=True)
class Entry:
    """One login entry: where it goes and exactly what it says."""

    system: str  # "linux", "darwin" or "win32"
    location: str  # a file path, or "HKCU\\<Run key>\\<value name>" on Windows
    content: str  # the file's text, or the Run value's command line
    command: tuple[str, ...]


def runner_command(data_dir: Path, system: str = sys.platform) -> tuple[str, ...]:
    """How the background runner is started for ``data_dir``: the windowed program, never a console."""
    if getattr(sys, "frozen", False):
        program = Path(sys.executable)
        windowed = program.with_name("SellerDesk.exe" if system == "win32" else "SellerDesk")
        return (str(windowed if windowed.exists() else program), BACKGROUND_FLAG, "--data-dir", str(data_dir))
    python = Path(sys.executable)
    if system == "win32" and python.with_name("pythonw.exe").exists():
        python = python.with_name("pythonw.exe")  # no console window at every login
    return (str(python), "-m", "desktop.launch", BACKGROUND_FLAG, "--data-dir", str(data_dir))


def entry_id(data_dir: Path) -> str:
    """A stable id per data folder, so two folders each keep their own entry."""
    return hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()[:12]


def _desktop_quote(arg: str) -> str:
    """Quote one Exec argument as the Desktop Entry specification says (and escape % for field codes)."""
    arg = arg.replace("%", "%%")
    if arg and not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`='):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'


def entry_for(data_dir: Path, system: str = sys.platform, home: Path | None = None) -> Entry:
    """The login entry for ``data_dir`` on ``system`` (its content is what gets written)."""
    home = home or Path.home()
    command = runner_command(data_dir, system)
    ident = entry_id(data_dir)
    if system == "win32":
        value = f"{TITLE} ({ident})"
        return Entry(system, f"HKCU\\{RUN_KEY}\\{value}", subprocess.list2cmdline(command), command)
    if system == "darwin":
        label = f"app.sellerdesk.background.{ident}"
        plist = {"Label": label, "ProgramArguments": list(command), "RunAtLoad": True,
                 "ProcessType": "Interactive", "LimitLoadToSessionType": "Aqua"}
        path = home / "Library" / "LaunchAgents" / f"{label}.plist"
        return Entry(system, str(path), plistlib.dumps(plist).decode("utf-8"), command)
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    text = "\n".join([
        "[Desktop Entry]", "Type=Application", f"Name={TITLE}",
        f"Comment=Posts scheduled items from {data_dir} while the SellerDesk window is closed",
        # The key file's own escaping (a backslash doubled) applies on top of the Exec quoting.
        "Exec=" + " ".join(_desktop_quote(arg) for arg in command).replace("\\", "\\\\"), "Icon=sellerdesk",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true", ""])
    return Entry(system, str(config / "autostart" / f"sellerdesk-background-{ident}.desktop"), text, command)


def _value_name(entry: Entry) -> str:
    return entry.location.rsplit("\\", 1)[-1]


if sys.platform == "win32":
    import winreg

    def _registry(action: str, name: str, value: str = "") -> str | None:
        """Read, write or delete one value under HKCU's Run key; None when it is not there."""
        try:
            if action == "write":
                with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                    winreg.SetValueEx(key, name, 0, winreg.REG_SZ, value)
                return value
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0,
                                winreg.KEY_SET_VALUE | winreg.KEY_QUERY_VALUE) as key:
                found = str(winreg.QueryValueEx(key, name)[0])
                if action == "delete":
                    winreg.DeleteValue(key, name)
                return found
        except FileNotFoundError:
            return None
else:
    def _registry(action: str, name: str, value: str = "") -> str | None:
        """The Run key exists only on Windows."""
        raise OSError(f"cannot {action} {name!r}: the Run key exists only on Windows")


def installed(entry: Entry) -> bool:
    """Whether ``entry`` is in place with exactly this content."""
    if entry.system == "win32":
        return _registry("read", _value_name(entry)) == entry.content
    path = Path(entry.location)
    return path.is_file() and path.read_text(encoding="utf-8") == entry.content


def install(entry: Entry) -> None:
    """Write the entry (replacing an older one of this data folder)."""
    if entry.system == "win32":
        _registry("write", _value_name(entry), entry.content)
        return
    path = Path(entry.location)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(entry.content, encoding="utf-8")
    temporary.replace(path)


def remove(entry: Entry) -> bool:
    """Remove the entry; True if there was one."""
    if entry.system == "win32":
        return _registry("delete", _value_name(entry)) is not None
    path = Path(entry.location)
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


def runner_running(data_dir: Path) -> bool:
    """Whether a background runner for ``data_dir`` is up (it holds ``background.lock``)."""
    return background_lock(data_dir).taken_elsewhere()


def background_lock(data_dir: Path) -> RunnerLock:
    """The lock that keeps to one background runner per data folder (publishing itself uses RunnerLock's own)."""
    lock = RunnerLock(data_dir)
    lock.path = data_dir / BACKGROUND_LOCK
    return lock


def start_runner(entry: Entry) -> int:
    """Start the runner now, detached from this process; returns its process id."""
    quiet = subprocess.DEVNULL
    if sys.platform == "win32":
        child = subprocess.Popen(list(entry.command), stdin=quiet, stdout=quiet, stderr=quiet,  # noqa: S603
                                 creationflags=subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP)
    else:  # this program's own runner, by the command its login entry holds
        child = subprocess.Popen(list(entry.command), stdin=quiet, stdout=quiet, stderr=quiet,  # noqa: S603
                                 start_new_session=True)
    # Reaped when it ends (no zombie under a long-lived window); a daemon thread, so it never holds up an exit.
    threading.Thread(target=child.wait, name="background-runner-reaper", daemon=True).start()
    return child.pid


def apply(data_dir: Path, on: bool, *, start: bool = True) -> str:
    """Make the login entry match ``on`` (and start the runner when turning on); returns what happened."""
    entry = entry_for(data_dir)
    if not on:
        removed = remove(entry)
        return ("Background posting is off: the login entry was removed; a running background runner stops "
                "within seconds." if removed else "Background posting is off.")
    install(entry)
    started = ""
    if start and not runner_running(data_dir):
        start_runner(entry)
        started = " It is running now, too."
    return (f"Background posting is on: scheduled posts go out while the window is closed, from every login "
            f"({entry.location}).{started}")


def status_text(data_dir: Path, on: bool) -> str:
    """The setting, the login entry and the runner, in one sentence each."""
    entry = entry_for(data_dir)
    lines = [f"Post scheduled items in the background: {'on' if on else 'off'}",
             f"Login entry: {entry.location} ({'in place' if installed(entry) else 'none'})",
             f"Background runner: {'running' if runner_running(data_dir) else 'not running'}"]
    return "\n".join(lines)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``background on|off|status``."""
    group = sub.add_parser("background", help="post scheduled items while the window is closed (starts at login)")
    actions = group.add_subparsers(dest="action", required=True)
    for name, text in (("on", "start posting in the background now and at every login"),
                       ("off", "stop it and remove the login entry"),
                       ("status", "whether it is on, its login entry and whether it runs")):
        actions.add_parser(name, help=text).set_defaults(handler=_background)


def _background(args: argparse.Namespace, app: Any) -> int:
    if args.action == "status":
        print(status_text(app.data_dir, bool(app.settings.get(BACKGROUND_KEY))))
        return 0
    on = args.action == "on"
    app.settings.set(BACKGROUND_KEY, on)
    print(apply(app.data_dir, on))
    return 0

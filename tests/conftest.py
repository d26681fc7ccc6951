"""Shared test set-up: offscreen Qt, an isolated data dir and keychain for every test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import gc
import io
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest

from tests.fakes.memory_keyring import MemoryKeyring


def pytest_configure(config: pytest.Config) -> None:
    """Garbage is collected on the main (GUI) thread only, after each test, as the window does
    (desktop.gui_thread): a collection set off on a worker thread can deadlock with Qt."""
    gc.disable()


@pytest.fixture(autouse=True)
def collected_on_the_main_thread() -> Iterator[None]:
    """After each test, the collection the automatic collector would have made by then (on this thread), and the
    GIL's usual hand-over (a window that painted shortened it: desktop.gui_thread.settle_after_start)."""
    from desktop.gui_thread import collect_due

    switch = sys.getswitchinterval()
    yield
    sys.setswitchinterval(switch)
    gc.disable()  # whatever the test switched on
    collect_due()


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data dir and an empty in-memory keychain; the seller's real ones are never used."""
    data_dir = tmp_path / "data"
    monkeypatch.setenv("SELLERDESK_DATA_DIR", str(data_dir))
    for name in list(os.environ):
        if name.startswith("SELLERDESK_") and name != "SELLERDESK_DATA_DIR":
            monkeypatch.delenv(name)
    # general.timezone defaults to this computer's zone: tests run as a seller in India, whatever the machine says.
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield data_dir
    keyring.set_keyring(previous)


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(isolated_env: Path):
    """Run ``sellerdesk ARGS`` in-process and capture its exit code, stdout and stderr."""
    from desktop.launch import main

    def run(*args: str) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse usage errors
                code = int(exc.code or 0)
        return CliResult(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def app(isolated_env: Path):
    """A core App on the test's data dir, closed afterwards."""
    from core.app import App

    application = App(isolated_env)
    yield application
    application.close()


def python_subprocess_env(data_dir: Path) -> dict[str, str]:
    """Environment for running ``python -m core.cli`` in a child process on ``data_dir``."""
    env = dict(os.environ)
    env["SELLERDESK_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent) + os.pathsep + env.get("PYTHONPATH", "")
    return env


PYTHON = sys.executable


@pytest.fixture
def window(qtbot, isolated_env: Path) -> Iterator:
    """The main window on an empty data dir (welcome already done); checked for leftover work at the end."""
    from core.app import App
    from desktop.main_window import MainWindow

    app = App(isolated_env)
    app.settings.set("general.first_run_done", True)
    win = MainWindow(app)
    qtbot.addWidget(win)
    win.show()
    yield win
    assert win.tasks.shutdown(10_000), "a background task was still running when the test ended"
    assert win.tasks.pool.activeThreadCount() == 0 and win.tasks.writer.activeThreadCount() == 0
    win.close()
    app.close()

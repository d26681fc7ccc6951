"""Ctrl+C ends every command quietly with 130 (128 + SIGINT): one line on stderr, never a traceback, whether it
comes while the command waits at a prompt or while its modules are still loading."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import PYTHON, python_subprocess_env


def _read_until(fd: int, text: bytes, timeout: float = 60) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    os.set_blocking(fd, False)
    while text not in seen and time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 4096)
        except BlockingIOError:
            time.sleep(0.05)
            continue
        if not chunk:
            break
        seen += chunk
    return seen


def _as_a_shell_starts_it() -> None:
    """Ctrl+C at its default and not blocked, as a shell starts a command: the test process's own signal state
    (which earlier tests in the run may have changed, e.g. by blocking SIGINT in the main thread) is not a seller's."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_at_a_prompt_ends_the_command_with_130(tmp_path: Path) -> None:
    # `sellerdesk platforms connect shopify --shop … --client-id …` waits for the client secret to be typed.
    env = python_subprocess_env(tmp_path / "data")
    proc = subprocess.Popen([PYTHON, "-c", "import sys; from desktop.launch import main; sys.exit(main())",
                             "platforms", "connect", "shopify", "--shop", "claycorner.myshopify.com",
                             "--client-id", "0123456789abcdef"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            start_new_session=True,  # no terminal: the prompt reads the (open, empty) pipe
                            preexec_fn=_as_a_shell_starts_it)
    assert proc.stderr is not None and proc.stdin is not None
    waiting = _read_until(proc.stderr.fileno(), b"secret: ")
    assert b"secret: " in waiting, waiting
    try:
        # stdin stays open until the command ends: closing it first could end the prompt before the signal.
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        out, rest = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    err = (waiting + rest).decode()
    assert proc.returncode == 130, err
    assert err.rstrip().endswith("sellerdesk: cancelled") and "Traceback" not in err
    assert out == b""


@pytest.mark.parametrize("entry", ["desktop.launch", "core.cli"])
def test_ctrl_c_while_the_command_loads_is_as_quiet(entry: str, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import importlib

    import core.cli

    def interrupted(_argv: object = None) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(core.cli, "build_parser", interrupted)  # the command modules are being imported
    assert importlib.import_module(entry).main(["products", "list"]) == 130
    assert capsys.readouterr().err == "sellerdesk: cancelled\n"

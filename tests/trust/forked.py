"""Fifty kill -9s without fifty Python start-ups: a parent process imports SellerDesk once and forks one child per
run. Each child runs its code as ``python -c`` would, writes its output to a FIFO of its own and is killed with
SIGKILL like any process; the start-up each kill test would otherwise pay fifty times (about a second of CPU) is
paid once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parents[2]

# Reads one request per line; forks; prints the child's pid, then its wait status once it has ended.
PARENT = r"""
import json, os, sys, traceback
for module in sys.argv[1:]:
    __import__(module)
for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        sys.stdout = os.fdopen(os.open(request["output"], os.O_WRONLY), "w", buffering=1)
        sys.argv = ["-c", *request["argv"]]
        code = 0
        try:
            exec(compile(request["code"], "<child>", "exec"), {"__name__": "__main__"})
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        os._exit(code)
    print(pid, flush=True)
    print(os.waitpid(pid, 0)[1], flush=True)
"""


@dataclass
class Child:
    """One forked run: its pid and the lines it prints."""

    pid: int
    stdout: TextIO
    parent: subprocess.Popen[str]

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)

    def finish(self) -> tuple[str, int]:
        """Everything it printed after what was read already, and its exit code (-9 when killed)."""
        rest = self.stdout.read()
        self.stdout.close()
        assert self.parent.stdout is not None
        return rest, os.waitstatus_to_exitcode(int(self.parent.stdout.readline()))


class Forker:
    """Starts children from the parent process; see the module's docstring."""

    def __init__(self, parent: subprocess.Popen[str], folder: Path) -> None:
        self.parent, self.folder, self.runs = parent, folder, 0

    def start(self, code: str, argv: Sequence[str]) -> Child:
        self.runs += 1
        output = self.folder / f"child-{self.runs}.out"
        os.mkfifo(output)
        assert self.parent.stdin is not None and self.parent.stdout is not None
        self.parent.stdin.write(json.dumps({"code": code, "argv": list(argv), "output": str(output)}) + "\n")
        self.parent.stdin.flush()
        pid = int(self.parent.stdout.readline())
        return Child(pid, output.open(encoding="utf-8"), self.parent)  # opens once the child has opened it


@contextmanager
def forker(folder: Path, preload: Sequence[str]) -> Iterator[Forker]:
    """A parent process with ``preload`` imported, ended afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, "-c", PARENT, *preload], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        yield Forker(parent, folder)
    finally:
        assert parent.stdin is not None and parent.stdout is not None
        parent.stdin.close()
        parent.wait(30)
        parent.stdout.close()

"""The sync service as a process for the load benchmark and the end-to-end tests: `python -m server` on a free
loopback port, and the CPU time its processes used."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A port nothing listens on right now (loopback only)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_answering(proc: subprocess.Popen[bytes], url: str, what: str, log_name: str,
                         ready: Callable[[httpx.Response], bool] = lambda _answer: True) -> None:
    """Wait up to 30 s for ``url`` to give an answer that is ``ready``; fail at once if ``proc`` (``what``,
    logging to ``log_name``) exits meanwhile."""
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}; see {log_name}")
        with contextlib.suppress(httpx.HTTPError):
            if ready(httpx.get(url, timeout=1)):
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer within 30 s")
        time.sleep(0.1)


@contextlib.contextmanager
def running_server(data_dir: Path, *, workers: int = 1, database_url: str | None = None,
                   extra_env: dict[str, str] | None = None, log_path: Path | None = None,
                   started: list[int] | None = None) -> Iterator[str]:
    """`python -m server` on a free 127.0.0.1 port until the block ends; yields its base URL (and appends the
    server's process id to ``started``)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELLERDESK_") and k != "DATABASE_URL"}
    env.update({"PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
                # Sign-in cost is not what this measures; keep Argon2 cheap so set-up takes seconds.
                "SELLERDESK_SERVER_ARGON2_TIME_COST": "1", "SELLERDESK_SERVER_ARGON2_MEMORY_KIB": "1024",
                # Every simulated device signs up from 127.0.0.1.
                "SELLERDESK_SERVER_REGISTRATIONS_PER_ADDRESS": "100000",
                # Simulated accounts sync far more often than real ones: per-account rate limits are not measured.
                "SELLERDESK_SERVER_PUSH_PER_MINUTE": "100000", "SELLERDESK_SERVER_PUSH_BURST": "100000",
                "SELLERDESK_SERVER_PULL_PER_MINUTE": "100000", "SELLERDESK_SERVER_PULL_BURST": "100000",
                **(extra_env or {})})
    if database_url:
        env["DATABASE_URL"] = database_url
    log = (log_path or data_dir / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "server", "--data-dir", str(data_dir), "--port", str(port),
                             "--workers", str(workers)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    if started is not None:
        started.append(proc.pid)
    try:
        wait_until_answering(proc, base + "/healthz", "the server", log.name,
                             lambda answer: answer.status_code == 200)
        yield base
    except BaseException:
        log.flush()
        tail = Path(log.name).read_text(errors="replace").splitlines()[-40:]
        print("server log (last lines):\n" + "\n".join(tail), file=sys.stderr)
        raise
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by process ``pid`` and its children (uvicorn's workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(stat.parent.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent's id
                total += (int(fields[11]) + int(fields[12])) / tick
    return total

"""The self-test from source: passes on a real desktop stack (Xvfb + xcb, a Secret Service), and fails — naming the
part — when the keychain backend is keyring's fail backend or no display is there for the real platform plugin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEADLESS = ROOT / "installers" / "linux" / "headless.sh"

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="headless.sh is the Linux desktop stand-in")


def _self_test(env: dict[str, str], *, headless: bool = True) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "desktop.launch", "--self-test"]
    return subprocess.run([str(HEADLESS), *command] if headless else command, cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env=env)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")}
    return {**env, "HOME": str(tmp_path), "SELLERDESK_DATA_DIR": str(tmp_path / "data")}


def test_self_test_passes_on_the_real_platform_plugin(tmp_path: Path) -> None:
    proc = _self_test(_env(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "self-test passed" in proc.stdout
    for part in ("Pillow codecs", "HEIF photos", "cryptography", "window"):
        assert f"ok      {part}" in proc.stdout
    assert "ok      keyring: keyring.backends.SecretService.Keyring" in proc.stdout
    assert "ok      platform plugin: xcb: window shown" in proc.stdout
    assert "ok      SVG icons: image plugin, icon engine, QtSvg" in proc.stdout
    assert "ok      Playwright: node v" in proc.stdout


def test_self_test_refuses_the_fail_keyring_and_a_missing_display(tmp_path: Path) -> None:
    env = {**_env(tmp_path), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    proc = _self_test(env, headless=False)
    assert proc.returncode == 1, proc.stdout
    assert "FAILED  keyring: no usable keychain: keyring chose keyring.backends.fail.Keyring" in proc.stdout
    assert "FAILED  platform plugin: no display to test the real platform plugin on" in proc.stdout
    assert "self-test FAILED (2 checks)" in proc.stdout

"""The Linux bundle builds from the checkout with one command and its frozen self-test passes."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_self_test_passes_from_source() -> None:
    proc = subprocess.run([sys.executable, "-m", "desktop.launch", "--self-test"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "self-test passed" in proc.stdout
    for part in ("Pillow codecs", "HEIF photos", "cryptography", "keyring", "Playwright", "window"):
        assert f"ok      {part}" in proc.stdout


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="CI builds the Linux bundle; Windows/macOS build on their runners")
def test_linux_bundle_builds_and_passes_its_frozen_self_test() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "installers" / "build.py"), "--installer"], cwd=ROOT,
                          capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "smoke test passed" in proc.stdout
    version = __import__("core").__version__
    archive = ROOT / "dist" / f"SellerDesk-{version}-linux-x86_64.tar.gz"
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    for exe in ("SellerDesk", "sellerdesk-cli", "sellerdesk.desktop"):
        assert f"SellerDesk-{version}/{exe}" in names
    assert any(n.endswith("resources/settings.toml") for n in names)
    assert any("core/db/migrations/versions/0001_initial_schema.py" in n for n in names)

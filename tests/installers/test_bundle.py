"""The Linux bundle builds from the checkout with one command, keeps to its size budget, its frozen self-test passes,
and the self-test fails on a bundle broken the ways a bad build breaks (tests/installers/test_self_test.py has the
same from source)."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

import core

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.bundle,
    pytest.mark.skipif(sys.platform != "linux", reason="CI builds the Linux bundle; Windows and macOS on runners"),
]


@pytest.fixture(scope="module")
def build() -> subprocess.CompletedProcess[str]:
    """One build for the module: PyInstaller, the frozen self-test, the tarball and the size budget."""
    return subprocess.run([sys.executable, str(ROOT / "installers" / "build.py"), "--installer"], cwd=ROOT,
                          capture_output=True, text=True, timeout=1800)


def test_linux_bundle_builds_and_passes_its_frozen_self_test(build: subprocess.CompletedProcess[str]) -> None:
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
    assert "smoke test passed" in build.stdout
    assert "ok      platform plugin: xcb: window shown" in build.stdout
    assert "ok      text and caches: UTF-8 mode; matplotlib's font cache in " in build.stdout
    assert "ok      locales: 17 locales" in build.stdout
    assert "ok      updates: tufup client" in build.stdout
    archive = ROOT / "dist" / f"SellerDesk-{core.__version__}-linux-x86_64.tar.gz"
    with tarfile.open(archive) as tar:
        members = {member.name: member for member in tar.getmembers()}
    top = f"SellerDesk-{core.__version__}"
    assert members[f"{top}/SellerDesk"].isfile()
    # One executable: the console name is a link to it, not a second 22 MB copy.
    assert members[f"{top}/sellerdesk-cli"].issym() and members[f"{top}/sellerdesk-cli"].linkname == "SellerDesk"
    assert f"{top}/sellerdesk.desktop" in members
    assert any(n.endswith("resources/settings.toml") for n in members)
    assert any("core/db/migrations/versions/0001_initial_schema.py" in n for n in members)
    # Node is the optional "Indian marketplaces" part: beside the archive, recorded by its SHA-256 in the bundle.
    assert not any(n.endswith("playwright/driver/node") for n in members)
    assert any(n.endswith("resources/portal-driver.json") for n in members)
    assert (ROOT / "dist" / f"SellerDesk-portal-driver-{core.__version__}-linux-x86_64.tar.gz").is_file()
    # Babel's data for the languages SellerDesk offers (resources/locales.json), and no others.
    babel = {Path(n).name.split(".")[0] for n in members if "babel/locale-data/" in n and n.endswith(".dat")}
    assert {"en_IN", "hi_IN", "ta_IN", "en_AU", "root"} <= babel and not {"fr", "de", "ja"} & babel
    for unused in ("libqeglfs", "libqvnc", "libqlinuxfb", "libqgtk3", "libgtk-3", "qtbase_de.qm", "/mypy/",
                   "/pygments/", "/rich/"):
        assert not any(unused in n for n in members), unused


def test_the_build_prints_its_sizes_within_the_budget(build: subprocess.CompletedProcess[str]) -> None:
    unpacked = re.search(r"unpacked\s+([\d.]+) MB  \(goal ≤ 350 MB\)  ok", build.stdout)
    compressed = re.search(r"compressed\s+([\d.]+) MB  \(goal ≤ 130 MB\)  ok", build.stdout)
    assert unpacked and compressed, build.stdout[-3000:]
    assert float(unpacked.group(1)) <= 350 and float(compressed.group(1)) <= 130


def test_a_broken_bundle_fails_its_self_test(build: subprocess.CompletedProcess[str]) -> None:
    assert build.returncode == 0
    proc = subprocess.run([sys.executable, str(ROOT / "installers" / "mutation_check.py"), str(ROOT / "dist" /
                                                                                              "SellerDesk")],
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert proc.stdout.count("caught  ") == 6

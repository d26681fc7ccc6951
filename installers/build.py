"""One command to build SellerDesk for this operating system: ``python installers/build.py [--installer]``.

1. draws the app icon (.ico / .icns) from resources/icons/app.svg;
2. runs PyInstaller on build.spec (a GUI app and the sellerdesk-cli console program in one bundle);
3. runs the frozen ``sellerdesk-cli --self-test`` headless and checks its stderr against an allowlist;
4. with --installer: Windows → Inno Setup installer, macOS → signed/notarised .dmg (when the signing variables are
   set), Linux → a .tar.gz with a .desktop entry.
Prints the bundle's size. Exits non-zero if any step fails.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
DIST = ROOT / "dist"
ALLOWLIST = ROOT / "installers" / "stderr_allowlist.txt"


def version() -> str:
    """``core.__version__``, the single version source (pyproject.toml reads it too)."""
    from check_tag import source_version

    return source_version()


def draw_icons() -> None:
    """Render app.svg at 1024 px with Qt, then save .ico and .icns with Pillow."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    image = QImage(1024, 1024, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(ROOT / "resources" / "icons" / "app.svg")).render(painter)
    painter.end()
    icons = BUILD / "icons"
    icons.mkdir(parents=True, exist_ok=True)
    png = icons / "sellerdesk.png"
    image.save(str(png))
    with Image.open(png) as picture:
        picture.save(icons / "sellerdesk.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
        picture.save(icons / "sellerdesk.icns")


def write_windows_version_info(ver: str) -> None:
    """The file properties Windows Explorer shows, from core.__version__."""
    parts = [*ver.split("."), "0", "0", "0"][:4]
    numbers = ", ".join(str(int(re.sub(r"\D.*", "", p) or 0)) for p in parts)
    text = (ROOT / "installers" / "windows" / "version_info.template").read_text(encoding="utf-8")
    (BUILD / "version_info.txt").write_text(text.replace("@NUMBERS@", numbers).replace("@VERSION@", ver),
                                            encoding="utf-8")


def pyinstaller() -> Path:
    """Run PyInstaller on build.spec; returns the bundle folder."""
    subprocess.run([sys.executable, "-m", "PyInstaller", str(ROOT / "build.spec"), "--noconfirm",
                    "--distpath", str(DIST), "--workpath", str(BUILD / "pyinstaller")], check=True, cwd=ROOT)
    return DIST / "SellerDesk"


def folder_size(path: Path) -> int:
    """Bytes in every file below ``path``."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def smoke_test(bundle: Path) -> None:
    """Run the frozen self-test headless on a temporary home; stderr may hold only allowlisted lines."""
    exe = bundle / ("sellerdesk-cli.exe" if sys.platform == "win32" else "sellerdesk-cli")
    if sys.platform == "darwin" and not exe.exists():
        exe = DIST / "SellerDesk.app" / "Contents" / "MacOS" / "sellerdesk-cli"
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": home, "SELLERDESK_DATA_DIR": home}
        proc = subprocess.run([str(exe), "--self-test"], capture_output=True, text=True, env=env, timeout=300)
    print(proc.stdout)
    allowed = [re.compile(line) for line in ALLOWLIST.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    unexpected = [line for line in proc.stderr.splitlines()
                  if line.strip() and not any(p.search(line) for p in allowed)]
    if proc.returncode != 0 or unexpected:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"smoke test failed (exit {proc.returncode}; unexpected stderr lines: {unexpected[:5]})")
    print("smoke test passed")


def linux_tarball(bundle: Path, ver: str) -> Path:
    """dist/SellerDesk-<version>-linux-<arch>.tar.gz with a .desktop entry and the icon."""
    shutil.copy(ROOT / "installers" / "linux" / "sellerdesk.desktop", bundle / "sellerdesk.desktop")
    shutil.copy(BUILD / "icons" / "sellerdesk.png", bundle / "sellerdesk.png")
    target = DIST / f"SellerDesk-{ver}-linux-{os.uname().machine}.tar.gz"
    with tarfile.open(target, "w:gz") as tar:
        tar.add(bundle, arcname=f"SellerDesk-{ver}")
    return target


def windows_installer(ver: str) -> Path:
    """Inno Setup: dist/SellerDesk-Setup-<version>.exe (per-user, no admin)."""
    iscc = shutil.which("iscc") or r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe"
    subprocess.run([iscc, f"/DAppVersion={ver}", f"/DSourceDir={DIST / 'SellerDesk'}", f"/DOutputDir={DIST}",
                    str(ROOT / "installers" / "windows" / "sellerdesk.iss")], check=True)
    return DIST / f"SellerDesk-Setup-{ver}.exe"


def macos_dmg(ver: str) -> Path:
    """Sign (if MACOS_SIGN_IDENTITY is set), make the .dmg, notarise (if the notary variables are set)."""
    subprocess.run(["bash", str(ROOT / "installers" / "macos" / "make_dmg.sh"), str(DIST / "SellerDesk.app"), ver,
                    str(DIST)], check=True)
    return DIST / f"SellerDesk-{ver}.dmg"


def main() -> int:
    """Build, smoke-test and (optionally) package SellerDesk for this OS."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--installer", action="store_true", help="also make this OS's installer or archive")
    parser.add_argument("--skip-smoke", action="store_true", help="do not run the frozen self-test")
    opts = parser.parse_args()
    ver = version()
    BUILD.mkdir(exist_ok=True)
    draw_icons()
    if sys.platform == "win32":
        write_windows_version_info(ver)
    bundle = pyinstaller()
    print(f"bundle: {bundle} — {folder_size(bundle) / 1e6:.0f} MB")
    if not opts.skip_smoke:
        smoke_test(bundle)
    if opts.installer:
        if sys.platform == "win32":
            made = windows_installer(ver)
        elif sys.platform == "darwin":
            made = macos_dmg(ver)
        else:
            made = linux_tarball(bundle, ver)
        print(f"installer: {made} — {made.stat().st_size / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

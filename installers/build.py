"""One command to build SellerDesk for this operating system: ``python installers/build.py [--installer]``.

1. draws the app icon (.ico / .icns) from resources/icons/app.svg;
2. runs PyInstaller on build.spec (a GUI app and the sellerdesk-cli console program in one bundle);
3. runs the frozen ``sellerdesk-cli --self-test`` headless and checks its stderr against an allowlist;
4. with --installer: Windows → Inno Setup installer, macOS → signed/notarised .dmg (when the signing variables are
   set), Linux → a .tar.gz with a .desktop entry.
Prints the bundle's size beside its budget (installers/size_budget.py) and fails when it is over. Exits non-zero if
any step fails.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import size_budget

# This checkout's core (one definition of the platform tag: the feed, the archives and the app share it).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from core.updates import platform_tag

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


def finish_bundle(bundle: Path) -> None:
    """Linux and macOS: ``sellerdesk-cli`` is a link to the one executable."""
    if sys.platform == "win32":
        return
    folders = [bundle, DIST / "SellerDesk.app" / "Contents" / "MacOS"]
    for folder in folders:
        if (folder / "SellerDesk").exists():
            link = folder / "sellerdesk-cli"
            link.unlink(missing_ok=True)
            link.symlink_to("SellerDesk")


def portal_driver(bundle: Path, ver: str) -> Path:
    """Pack Playwright's Node (left out of the bundle by build.spec) as the optional "Indian marketplaces" part:
    dist/SellerDesk-portal-driver-<version>-<platform>.tar.gz, recorded with its SHA-256 in the bundle's
    resources/portal-driver.json so that the app accepts only this file (core/components.py)."""
    from playwright._impl._driver import compute_driver_executable

    from core.components import node_name, write_manifest

    name = f"SellerDesk-portal-driver-{ver}-{platform_tag()}.tar.gz"
    archive = DIST / name
    with tempfile.TemporaryDirectory() as tmp:
        node = Path(tmp) / node_name()
        shutil.copy2(compute_driver_executable()[0], node)
        if sys.platform == "linux" and shutil.which("strip"):
            subprocess.run(["strip", "--strip-unneeded", str(node)], check=True)  # symbol tables: 5 MB
        node_version = subprocess.run([str(node), "--version"], capture_output=True, text=True, check=True,
                                      timeout=60).stdout.strip()
        identity = os.environ.get("MACOS_SIGN_IDENTITY")
        if sys.platform == "darwin" and identity:  # run from the seller's components folder: signed, hardened
            subprocess.run(["codesign", "--force", "--options", "runtime", "--timestamp", "--entitlements",
                            str(ROOT / "installers" / "macos" / "entitlements.plist"), "--sign", identity,
                            str(node)], check=True)
        size_budget.write_tarball(node, archive, node.name)
    base = os.environ.get("SELLERDESK_RELEASE_URL", f"https://github.com/sellerdesk/sellerdesk/releases/download/v{ver}")
    folders = [bundle / "_internal" / "resources", DIST / "SellerDesk.app" / "Contents" / "Resources" / "resources"]
    for folder in folders:
        if folder.is_dir():
            manifest = write_manifest(folder, archive, f"{base.rstrip('/')}/{name}", node_version)
    print(f"portal driver: {archive} — {archive.stat().st_size / 1e6:.0f} MB, Node {node_version}, "
          f"SHA-256 {manifest.sha256}")
    return archive


def cli_executable(bundle: Path) -> Path:
    """The console program inside ``bundle``."""
    return bundle / ("sellerdesk-cli.exe" if sys.platform == "win32" else "sellerdesk-cli")


def run_frozen_self_test(exe: Path, env_extra: dict[str, str] | None = None,
                         prepare: Callable[[Path], object] | None = None) -> subprocess.CompletedProcess[str]:
    """``exe --self-test`` on a temporary home, after the frozen CLI added the portal driver from dist/ (its
    SHA-256 checked, as a seller's download is); ``prepare(components_dir)`` may then break it on purpose.
    On Linux under Xvfb with a Secret Service (linux/headless.sh)."""
    wrapper = [str(ROOT / "installers" / "linux" / "headless.sh")] if sys.platform == "linux" else []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "HOME": home, "SELLERDESK_DATA_DIR": str(Path(home) / "data"),
               "SELLERDESK_COMPONENTS_DIR": str(Path(home) / "components"), **(env_extra or {})}
        archives = sorted(DIST.glob(f"SellerDesk-portal-driver-*-{platform_tag()}.tar.gz"))
        if not archives:
            raise SystemExit("no portal driver archive in dist/ to test the bundle with")
        added = subprocess.run([str(exe), "components", "add", "portals", "--from", str(archives[-1])],
                               capture_output=True, text=True, env=env, timeout=300)
        if added.returncode != 0:
            return added
        if prepare is not None:
            prepare(Path(home) / "components")
        return subprocess.run([*wrapper, str(exe), "--self-test"], capture_output=True, text=True, env=env,
                              timeout=300)


def unexpected_stderr(stderr: str) -> list[str]:
    """The stderr lines the allowlist does not know."""
    allowed = [re.compile(line) for line in ALLOWLIST.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    return [line for line in stderr.splitlines() if line.strip() and not any(p.search(line) for p in allowed)]


def smoke_test(bundle: Path) -> None:
    """Run the frozen self-test headless on a temporary home; stderr may hold only allowlisted lines."""
    proc = run_frozen_self_test(cli_executable(bundle))
    print(proc.stdout)
    unexpected = unexpected_stderr(proc.stderr)
    if proc.returncode != 0 or unexpected:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"smoke test failed (exit {proc.returncode}; unexpected stderr lines: {unexpected[:5]})")
    print("smoke test passed")


def linux_tarball(bundle: Path, ver: str) -> Path:
    """dist/SellerDesk-<version>-linux-<arch>.tar.gz with a .desktop entry and the icon."""
    shutil.copy(ROOT / "installers" / "linux" / "sellerdesk.desktop", bundle / "sellerdesk.desktop")
    shutil.copy(BUILD / "icons" / "sellerdesk.png", bundle / "sellerdesk.png")
    target = DIST / f"SellerDesk-{ver}-linux-{os.uname().machine}.tar.gz"
    return size_budget.write_tarball(bundle, target, f"SellerDesk-{ver}")


TIMESTAMP_URL = "http://timestamp.digicert.com"


def loud_note(text: str) -> None:
    """A skipped signing step, said where nobody can miss it (a GitHub annotation too)."""
    print(f"::warning::{text}")
    sys.stderr.write(f"************ NOTE: {text} ************\n")


def signtool_command() -> list[str] | None:
    """``signtool sign …`` with the certificate the workflow unpacked from its secrets; None without one."""
    pfx, password = os.environ.get("WINDOWS_CERTIFICATE_FILE"), os.environ.get("WINDOWS_CERTIFICATE_PASSWORD")
    if not pfx or not Path(pfx).is_file():
        loud_note("WINDOWS_CERTIFICATE is not set: SellerDesk.exe, its DLLs and the installer are NOT signed")
        return None
    kits = sorted(Path(r"C:\Program Files (x86)\Windows Kits\10\bin").glob("10.*/x64/signtool.exe"))
    tool = shutil.which("signtool") or (str(kits[-1]) if kits else "signtool")
    return [tool, "sign", "/fd", "sha256", "/tr", TIMESTAMP_URL, "/td", "sha256", "/f", pfx,
            *(["/p", password] if password else [])]


def windows_sign_bundle(bundle: Path, sign: list[str]) -> None:
    """Sign every .exe, .dll and .pyd of the bundle (PyInstaller's bootloaders are often flagged unsigned)."""
    files = sorted(str(f) for f in bundle.rglob("*") if f.suffix.lower() in (".exe", ".dll", ".pyd"))
    for start in range(0, len(files), 50):
        subprocess.run([*sign, *files[start:start + 50]], check=True)
    print(f"signed {len(files)} executables and libraries")


def windows_installer(ver: str) -> Path:
    """Inno Setup: dist/SellerDesk-Setup-<version>.exe (per-user, no admin); the bundle, the installer and its
    uninstaller signed when the certificate is there."""
    iscc = shutil.which("iscc") or r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe"
    sign = signtool_command()
    options = []
    if sign is not None:
        windows_sign_bundle(DIST / "SellerDesk", sign)
        quoted = " ".join(f"$q{part}$q" if " " in part or "\\" in part else part for part in sign)
        options = ["/DSign", f"/Ssellerdesk={quoted} $f"]
    subprocess.run([iscc, f"/DAppVersion={ver}", f"/DSourceDir={DIST / 'SellerDesk'}", f"/DOutputDir={DIST}",
                    *options, str(ROOT / "installers" / "windows" / "sellerdesk.iss")], check=True)
    return DIST / f"SellerDesk-Setup-{ver}.exe"


def macos_dmg(ver: str) -> Path:
    """Sign each binary (if MACOS_SIGN_IDENTITY is set), make the .dmg, notarise, staple and check it with spctl
    (if MACOS_NOTARY_PROFILE is set): dist/SellerDesk-<version>-macos-<arch>.dmg."""
    arch = platform_tag().split("-", 1)[1]
    subprocess.run(["bash", str(ROOT / "installers" / "macos" / "make_dmg.sh"), str(DIST / "SellerDesk.app"), ver,
                    str(DIST), arch], check=True)
    return DIST / f"SellerDesk-{ver}-macos-{arch}.dmg"


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
    finish_bundle(bundle)
    portal_driver(bundle, ver)
    if not opts.skip_smoke:
        smoke_test(bundle)
    made = None
    if opts.installer:
        if sys.platform == "win32":
            made = windows_installer(ver)
        elif sys.platform == "darwin":
            made = macos_dmg(ver)
        else:
            made = linux_tarball(bundle, ver)
        print(f"installer: {made}")
    size_budget.check(bundle, made)
    return 0


if __name__ == "__main__":
    sys.exit(main())

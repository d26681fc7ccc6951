"""``sellerdesk --self-test``: prove a build works end to end, headless, on a throw-away data dir.

Used on the frozen bundle by installers/build.py and CI: opens the window offscreen, creates a product, processes
a photo, renders each tab, and checks that every native part made it into the bundle and works: the OS's real Qt
platform plugin shows a window (Linux: under Xvfb when headless), SVG icons render, Playwright's node runs, and the
keychain backend is a real one. Prints one line per check
and exits 0 only if all passed.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

PLATFORM_PROBE = "--platform-probe"  # `--self-test --platform-probe`: the child process of the platform check


def _check_pillow_codecs() -> str:
    from PIL import features

    missing = [codec for codec in ("jpg", "zlib", "webp", "freetype2") if not features.check(codec)]
    if missing:
        raise RuntimeError(f"Pillow lacks {', '.join(missing)}")
    return "JPEG, PNG, WebP, FreeType"


def _check_heif() -> str:
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 100, 50)).save(buffer, format="HEIF")
    with Image.open(io.BytesIO(buffer.getvalue())) as image:
        image.load()
        if image.size != (64, 48):
            raise RuntimeError(f"HEIF round trip gave {image.size}")
    return f"pillow-heif {pillow_heif.__version__} (encode and decode)"


def _check_crypto() -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    if AESGCM(key).decrypt(nonce, AESGCM(key).encrypt(nonce, b"sellerdesk", None), None) != b"sellerdesk":
        raise RuntimeError("AES-GCM round trip failed")
    return "AES-256-GCM"


def _check_keyring() -> str:
    """The system keychain backend made it into the bundle and is live: keyring's fail/null backends are refused."""
    import keyring

    from core.secrets.store import keychain_usable

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if not keychain_usable(backend):
        raise RuntimeError(f"no usable keychain: keyring chose {name} (is the OS keychain backend bundled, and on "
                           "Linux is a Secret Service running?)")
    return name


def _check_playwright() -> str:
    """Playwright's own driver runs: its Node (bundled, or the added "Indian marketplaces" part) prints a version and
    its CLI answers (a 0-byte node fails here)."""
    from playwright._impl._driver import compute_driver_executable

    from core.components import activate, status

    activate()
    if not status().installed:
        raise RuntimeError(status().describe())
    node, cli = compute_driver_executable()
    versions = []
    for command in ([node, "--version"], [node, cli, "--version"]):
        try:
            # Playwright's own driver files, by the path Playwright computes: the point is to run them.
            proc = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603
        except OSError as exc:
            raise RuntimeError(f"{Path(command[0]).name} does not run: {exc}") from exc
        if proc.returncode != 0 or not proc.stdout.strip():
            raise RuntimeError(f"{' '.join(Path(c).name for c in command)} exited {proc.returncode}: "
                               f"{(proc.stderr or proc.stdout).strip()[-300:]}")
        versions.append(proc.stdout.strip().splitlines()[-1])
    return f"node {versions[0]}, driver {versions[1]}"


def _check_updates() -> str:
    """The update client is bundled (tufup and TUF with its signature code); says whether a feed key is built in."""
    from tuf.ngclient import Updater as TufUpdater
    from tufup.client import Client

    from core.updates import ROOT_FILE, Updater

    assert Client and TufUpdater
    root = Updater("https://invalid.example/", "https://invalid.example/").root
    return f"tufup client; feed key {'built in' if root.name == ROOT_FILE and root.is_file() else 'not set up'}"


def _check_text_and_caches() -> str:
    """Frozen: UTF-8 mode (a Hindi title piped anywhere), matplotlib's font cache kept in the app's cache folder."""
    import matplotlib
    import matplotlib.font_manager  # loads (or first builds) the font cache
    from platformdirs import user_cache_path

    cache = Path(matplotlib.get_cachedir())
    if not getattr(sys, "frozen", False):
        return f"from source: UTF-8 mode {sys.flags.utf8_mode}, matplotlib cache {cache}"
    if sys.flags.utf8_mode != 1:
        raise RuntimeError("the frozen program does not run in UTF-8 mode (build.spec's X utf8 option)")
    wanted = user_cache_path("SellerDesk", appauthor=False) / "matplotlib"
    if cache.resolve() != wanted.resolve() or not list(cache.glob("fontlist-*.json")):
        raise RuntimeError(f"matplotlib keeps its font cache in {cache}, not in {wanted}")
    return f"UTF-8 mode; matplotlib's font cache in {cache}"


def _check_locales() -> str:
    """Babel's data is bundled for every locale SellerDesk offers (resources/locales.json)."""
    from decimal import Decimal

    from babel import Locale
    from babel.numbers import format_currency

    from core.locales import supported_locales

    for name in supported_locales():
        Locale.parse(name)
        format_currency(Decimal("123456.5"), "INR", locale=name)
    return f"{len(supported_locales())} locales ({', '.join(supported_locales()[:3])}, …)"


def _check_svg_icons() -> str:
    """SVG through Qt's plugins (the style sheet's arrows, QIcon from a file) and through QtSvg (the theme's icons)."""
    from PySide6.QtGui import QIcon, QImage, QImageReader
    from PySide6.QtWidgets import QApplication

    from core.paths import resources_dir
    from desktop.theme import icon

    _qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    if b"svg" not in {bytes(f.data()) for f in QImageReader.supportedImageFormats()}:
        raise RuntimeError("Qt's SVG image format plugin (imageformats/qsvg) is missing")
    svg = resources_dir() / "icons" / "chevron-down.svg"
    pictures = {"image plugin": QImage(str(svg)), "icon engine": QIcon(str(svg)).pixmap(64, 64).toImage(),
                "QtSvg": icon("app").pixmap(64, 64).toImage()}
    for how, image in pictures.items():
        if image.isNull() or not _has_ink(image):
            raise RuntimeError(f"an SVG icon drawn by the {how} came out empty")
    return ", ".join(pictures)


def _has_ink(image: object) -> bool:
    from PySide6.QtGui import QImage

    assert isinstance(image, QImage)
    return any(image.pixelColor(x, y).alpha() > 0 for x in range(image.width()) for y in range(image.height()))


def _native_platform() -> str:
    """The Qt platform plugin a seller's desktop uses (Linux: xcb on X11 and XWayland, else Wayland)."""
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "cocoa"
    if os.environ.get("DISPLAY"):
        return "xcb"
    if os.environ.get("WAYLAND_DISPLAY"):
        return "wayland"
    raise RuntimeError("no display to test the real platform plugin on: run the self-test in a desktop session, "
                       "or headless under xvfb-run (apt-get install xvfb libxcb-cursor0)")


def _check_platform() -> str:
    """In a child process on the OS's real platform plugin (not offscreen): Qt loads it and shows a window."""
    platform = _native_platform()
    command = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "desktop.launch"]
    env = {**os.environ, "QT_QPA_PLATFORM": platform}
    proc = subprocess.run([*command, "--self-test", PLATFORM_PROBE],  # noqa: S603  (this very program)
                          capture_output=True, text=True, timeout=120, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"the {platform} platform plugin did not load (exit {proc.returncode}): "
                           f"{' | '.join(proc.stderr.strip().splitlines()[-4:])}")
    return proc.stdout.strip().splitlines()[-1]


def platform_probe() -> int:
    """The child of the platform check: show a window on the platform QT_QPA_PLATFORM names; 0 when it did."""
    from PySide6.QtWidgets import QApplication, QLabel

    wanted = os.environ.get("QT_QPA_PLATFORM", "")
    qt_app = QApplication(sys.argv[:1])  # Qt ends the process here when the plugin cannot load
    if qt_app.platformName() != wanted:
        print(f"Qt chose the {qt_app.platformName()} platform, not {wanted}", file=sys.stderr)
        return 1
    label = QLabel("SellerDesk self-test")
    label.resize(320, 120)
    label.show()
    qt_app.processEvents()
    shown = label.grab().toImage()
    screen = qt_app.primaryScreen().size()
    label.close()
    if shown.isNull() or shown.width() < 300:
        print("the window did not render", file=sys.stderr)
        return 1
    print(f"{qt_app.platformName()}: window shown on a {screen.width()}×{screen.height()} screen")
    return 0


def _check_window(data_dir: Path) -> str:
    from PIL import Image
    from PySide6.QtWidgets import QApplication

    from core.app import App
    from core.products.photos import add_photos
    from core.products.service import create_product, get_product, product_input
    from desktop.main_window import MainWindow
    from desktop.theme import apply_theme

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    app = App(data_dir)
    app.settings.set("general.first_run_done", True)
    apply_theme(qt_app, "light")  # type: ignore[arg-type]
    photo = data_dir / "self-test.jpg"
    Image.new("RGB", (1600, 1200), (180, 110, 60)).save(photo, quality=90)
    product = create_product(app.db, product_input({"title": "Self-test brass lamp", "price": "499"}))
    add_photos(app.db, app.image_store, product.id, [photo])
    variants = app.image_store.variants(get_product(app.db, product.id).images[0].sha256, ["all"])
    window = MainWindow(app)
    window.show()
    rendered = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qt_app.processEvents()
        image = window.grab().toImage()
        if image.isNull() or image.width() < 400:
            raise RuntimeError(f"tab {window.tabs.tabText(index)} did not render")
        rendered.append(window.tabs.tabText(index))
    window.tasks.shutdown()
    window.close()
    app.close()
    return f"{len(variants)} photo variants; rendered {', '.join(rendered)}; {_check_chart()}"


def _check_chart() -> str:
    """A chart drawn as the Analytics tab's workers draw them: matplotlib's Agg canvas and its fonts are bundled."""
    from decimal import Decimal

    from core.analytics.chart_data import ChartTable
    from desktop.analytics.picture import Look
    from desktop.analytics.render import draw

    table = ChartTable("Revenue", "Day", ["1 Nov", "2 Nov"], {"etsy": [Decimal(450), Decimal(900)]}, currency="INR")
    colours = {"background": "#ffffff", "text": "#1f2933", "muted": "#7b8794", "grid": "#f0f2f5", "edge": "#d5d9e0"}
    picture = draw("revenue", table, Look(560, 290, 1.0, colours, "en_IN"), "")
    if picture.image.isNull() or not picture.tips:
        raise RuntimeError("the revenue chart did not draw")
    return f"chart drawn ({picture.image.width()}×{picture.image.height()})"


def run_self_test(argv: list[str] | None = None) -> int:
    """Run every check; print a line each; 0 if all pass. The window checks run offscreen, the platform check on
    the real plugin."""
    if argv and argv[0] == PLATFORM_PROBE:
        return platform_probe()
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory(prefix="sellerdesk-self-test-") as tmp:
        checks: list[tuple[str, Callable[[], str]]] = [
            ("Pillow codecs", _check_pillow_codecs),
            ("HEIF photos", _check_heif),
            ("cryptography", _check_crypto),
            ("keyring", _check_keyring),
            ("Playwright", _check_playwright),
            ("platform plugin", _check_platform),
            ("window", lambda: _check_window(Path(tmp))),
            ("SVG icons", _check_svg_icons),
            ("updates", _check_updates),
            ("text and caches", _check_text_and_caches),
            ("locales", _check_locales),
        ]
        failed = 0
        for name, check in checks:
            try:
                print(f"ok      {name}: {check()}")
            except Exception as exc:  # every failure is reported, then the next check runs
                failed += 1
                print(f"FAILED  {name}: {exc}")
                traceback.print_exc(file=sys.stdout)
        print("self-test passed" if not failed else f"self-test FAILED ({failed} checks)")
        return 1 if failed else 0

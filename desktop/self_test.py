"""``sellerdesk --self-test``: prove a build works end to end, headless, on a throw-away data dir.

Used on the frozen bundle by installers/build.py and CI: opens the window offscreen, creates a product, processes
a photo, renders each tab, and checks that every native part made it into the bundle. Prints one line per check
and exits 0 only if all passed.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path


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
    import keyring

    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def _check_playwright() -> str:
    from playwright._impl._driver import compute_driver_executable

    node, cli = compute_driver_executable()
    for part in (node, cli):
        if not Path(part).exists():
            raise RuntimeError(f"Playwright driver part missing: {part}")
    return f"driver at {Path(cli).parent}"


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


def run_self_test() -> int:
    """Run every check; print a line each; 0 if all pass."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="sellerdesk-self-test-") as tmp:
        checks: list[tuple[str, Callable[[], str]]] = [
            ("Pillow codecs", _check_pillow_codecs),
            ("HEIF photos", _check_heif),
            ("cryptography", _check_crypto),
            ("keyring", _check_keyring),
            ("Playwright", _check_playwright),
            ("window", lambda: _check_window(Path(tmp))),
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

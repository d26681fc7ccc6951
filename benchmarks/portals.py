"""List N products on each replica portal (Meesho, Snapdeal, IndiaMART) with one browser per portal; print the time
per product, the first one including the browser start. Meesho lists catalogs of designs, so there the products go
out 3 to a catalog and each design's time is its catalog's share.

Usage: python benchmarks/portals.py [--products N] [--browser /usr/bin/chromium] [--portals meesho,snapdeal]
Prints figures; never fails a build. Runs headless against tests/fakes/portals on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import keyring  # noqa: E402
from PIL import Image  # noqa: E402

from core.app import App  # noqa: E402
from core.db.models import ContentDraft, Product, ProductImage  # noqa: E402
from core.doctor import find_browser  # noqa: E402
from core.platforms.base import ConnectOptions  # noqa: E402
from core.platforms.browser.catalog import publish_catalog  # noqa: E402
from core.platforms.browser.platform import PortalPlatform  # noqa: E402
from core.platforms.connections import set_preferences  # noqa: E402
from core.platforms.publish import publish_listing  # noqa: E402
from core.platforms.registry import open_platform  # noqa: E402
from tests.fakes.memory_keyring import MemoryKeyring  # noqa: E402
from tests.fakes.portals.indiamart import IndiaMartReplica  # noqa: E402
from tests.fakes.portals.meesho import MeeshoReplica  # noqa: E402
from tests.fakes.portals.replica import PortalReplica  # noqa: E402
from tests.fakes.portals.snapdeal import SnapdealReplica  # noqa: E402

REPLICAS: dict[str, type[PortalReplica]] = {"meesho": MeeshoReplica, "snapdeal": SnapdealReplica,
                                             "indiamart": IndiaMartReplica}


class Pictures:
    """One small JPEG per photo, as the image store would hand out platform variants."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def variants(self, sha256: str, platforms: Any, focal: Any = None) -> list[Any]:
        """The picture of photo ``sha256`` for each platform, made on first use."""
        path = self.folder / f"{sha256[:12]}.jpg"
        if not path.exists():
            out = io.BytesIO()
            Image.new("RGB", (1000, 1000), (int(sha256[:2], 16), 120, 80)).save(out, "JPEG", quality=85)
            path.write_bytes(out.getvalue())
        return [type("Variant", (), {"path": path})() for _ in platforms]


def add_products(app: App, name: str, count: int) -> list[int]:
    """``count`` products with three photos and approved copy for ``name``."""
    ids = []
    with app.db.session() as session:
        for i in range(count):
            product = Product(title=f"Brass diya {i}", description="Hand-cast brass diya.", price=Decimal(499),
                              currency="INR", quantity=10, sku=f"BENCH-{name[:3].upper()}-{i:04d}",
                              category="Decor > Diyas", attributes={"material": "brass", "hsn_code": "9405",
                                                                    "net_quantity": "1 N", "weight_g": "120"})
            session.add(product)
            session.flush()
            for n in range(3):
                sha = hashlib.sha256(f"{name}-{i}-{n}".encode()).hexdigest()
                session.add(ProductImage(product_id=product.id, sha256=sha, original_name=f"{n}.jpg", position=n))
            session.add(ContentDraft(product_id=product.id, platform=name, title=f"Brass Diya, hand-cast, set {i}",
                                     description="A hand-cast brass diya for puja and Diwali.",
                                     bullets=["Solid brass", "7 cm across"], tags=[], status="approved"))
            ids.append(product.id)
    return ids


def groups(name: str, products: list[int]) -> list[list[int]]:
    """What one submit lists: a product, or on Meesho (catalogs only) a catalog of 3 designs (2 to 4 at the end)."""
    if name != "meesho":
        return [[p] for p in products]
    out = [products[i:i + 3] for i in range(0, len(products), 3)]
    if len(out) > 1 and len(out[-1]) < 2:
        last = out.pop()
        out[-1] += last
    return out


def run(name: str, count: int, browser: str, root: Path) -> list[float]:
    """Sign in to the replica, then list ``count`` products with one platform object; returns seconds each."""
    replica = REPLICAS[name]()
    replica.start()
    app = App(root / name)
    try:
        app.settings.set(f"platforms.{name}.portal_url", replica.url)
        app.settings.set("browser.executable_path", browser)
        app.settings.set("browser.sign_in_headless", True)
        set_preferences(app.db, name, {"gst_rate": "12", "manufacturer_name": "Asha Handicrafts",
                                       "manufacturer_address": "12 Potters Lane, Khurja, UP 203131",
                                       "category_by_category": {
            "Decor > Diyas": "Home Decor > Diyas & Lamps" if name == "meesho" else "Home Decor > Lamps & Diyas"}})
        pictures = Pictures(root / name)
        products = add_products(app, name, count)
        for product in products:  # photos are made before the clock starts: this times the portal work only
            for n in range(3):
                pictures.variants(hashlib.sha256(f"{name}-{product - products[0]}-{n}".encode()).hexdigest(), [name])
        seconds = []
        with open_platform(app, name) as platform:
            assert isinstance(platform, PortalPlatform)
            platform.on_sign_in_page = replica.seller_signs_in
            platform.connect(ConnectOptions(timeout=60))
            # SellerDesk's own speed is measured here, not the human pacing (about 30 s a listing by design).
            platform.pacer.sleep = lambda seconds: None
            platform.pacer.rules = replace(platform.pacer.rules, typing_ms=(0.0, 0.0), per_day=None)
            for group in groups(name, products):
                started = time.perf_counter()
                if len(group) > 1:
                    publish_catalog(app, name, group, target=platform, variants=pictures)
                else:
                    publish_listing(app, group[0], name, target=platform, variants=pictures)
                seconds += [(time.perf_counter() - started) / len(group)] * len(group)
        return seconds
    finally:
        replica.stop()
        app.close()


def main() -> None:
    """Run the benchmark and print one line per portal."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=10)
    parser.add_argument("--browser", default=find_browser("chromium", "") or "")
    parser.add_argument("--portals", default=",".join(REPLICAS))
    args = parser.parse_args()
    if not args.browser:
        sys.exit("No Chromium, Chrome or Edge found: pass --browser PATH.")
    keyring.set_keyring(MemoryKeyring())  # the seller's real keychain is never touched
    print(f"{args.products} products per portal, 3 photos each, one browser per portal ({args.browser})")
    print(f"{'portal':<10} {'first':>7} {'median':>7} {'mean':>7} {'max':>7} {'per min':>8}  (seconds; first "
          "includes the browser start)")
    with tempfile.TemporaryDirectory(prefix="sellerdesk-bench-") as tmp:
        for name in args.portals.split(","):
            seconds = run(name, args.products, args.browser, Path(tmp))
            rest = seconds[1:] or seconds
            print(f"{name:<10} {seconds[0]:>7.2f} {statistics.median(rest):>7.2f} {statistics.fmean(rest):>7.2f} "
                  f"{max(rest):>7.2f} {60 / statistics.fmean(seconds):>8.1f}")


if __name__ == "__main__":
    main()

"""A seller's data dir as a new user has it after a few weeks: products with real photos and approved copy, posts
scheduled, published and failed, and a month of sales (offline, WhatsApp, on the connected platform)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from core.analytics.sales import SaleRecord, import_sales
from core.app import App
from core.db.database import Database
from core.db.models import Product
from core.publishing.jobs import claim, create_job, move
from tests.publishing.conftest import add_photographed_product

# Posts go to a generic stand-in registered under a real platform's name (tests.publishing.conftest's fake_platform),
# so that the copy rules of that platform apply to its drafts.
PLATFORM = "etsy"
TITLES = ["Brass diya", "Jute tote bag", "Block-printed cushion cover", "Terracotta planter", "Silk dupatta",
          "Handmade soap set"]


@dataclass
class Shop:
    """What was put into the data dir: products[0] has a scheduled post, [1] a failed one, [2] a published one; the
    others have none."""

    products: list[int]
    scheduled_job: int
    failed_job: int
    published_job: int


def fill_shop(app: App, tmp_path: Path, *, products: int = 6, sales: int = 60) -> Shop:
    """Fill ``app``'s data dir; ``PLATFORM`` must already be connected."""
    ids = [add_photographed_product(app, tmp_path, platforms=(PLATFORM, "instagram"), sku=f"SKU-{n:03d}")
           for n in range(products)]
    with app.db.session() as session:
        for n, product_id in enumerate(ids):
            session.get(Product, product_id).title = TITLES[n % len(TITLES)]
    now = datetime.now(UTC)
    scheduled = create_job(app.db, ids[0], PLATFORM, at=now + timedelta(days=1, hours=2))
    failed = create_job(app.db, ids[1], PLATFORM, at=now)
    claim(app.db, failed.id, now=now)
    move(app.db, failed.id, "failed", "refused", last_error="Etsy refused the photo.", next_step="Retry.")
    published = create_job(app.db, ids[2], PLATFORM, at=now)
    claim(app.db, published.id, now=now)
    move(app.db, published.id, "published", "done", remote_id="42", published_at=now)
    records = [SaleRecord(platform=("offline", "whatsapp", PLATFORM)[n % 3], external_id=f"order-{n}",
                          occurred_at=now - timedelta(hours=7 * n + 1), amount=Decimal(450 + 25 * n),
                          currency="INR", quantity=1 + n % 2, product_id=ids[n % len(ids)],
                          kind="refund" if n % 17 == 16 else "sale")
               for n in range(sales)]
    report = import_sales(app.db, records)
    assert not report.problems, report.problems
    return Shop(ids, scheduled.id, failed.id, published.id)


WORDS = ["brass", "copper", "cotton", "silk", "handmade", "block-print", "diya", "lamp", "cushion", "saree",
         "kurta", "mug", "bowl", "candle", "jute", "bag"]


def add_many_products(db: Database, count: int, *, seed: int = 7) -> None:
    """``count`` varied products in one insert (the scale of a seller with a big catalogue)."""
    rng = random.Random(seed)
    rows = [{"title": " ".join(rng.choices(WORDS, k=5)).title(), "description": " ".join(rng.choices(WORDS, k=40)),
             "price": Decimal(rng.randint(99, 99_999)) / 100, "currency": "INR", "quantity": rng.randint(0, 50),
             "sku": f"BULK-{n:06d}", "category": rng.choice(["Home", "Clothing", "Kitchen", "Gifts"]),
             "attributes": {"colour": rng.choice(["red", "blue", "gold"])}} for n in range(count)]
    with db.session() as session:
        session.execute(Product.__table__.insert(), rows)


def add_many_sales(db: Database, count: int, *, days: int = 365) -> None:
    """``count`` sales spread over the last ``days`` days on six platforms, linked to the first 200 products."""
    now = datetime.now(UTC)
    with db.engine.connect() as conn:
        ids = [row[0] for row in conn.exec_driver_sql("SELECT id FROM products ORDER BY id LIMIT 200")]
    step = timedelta(days=days) / count
    platforms = ("offline", "whatsapp", "etsy", "instagram", "shopify", "meesho")
    records = [SaleRecord(platform=platforms[n % len(platforms)], external_id=f"bulk-{n}",
                          occurred_at=now - step * (n + 1), amount=Decimal(150 + n % 2900), currency="INR",
                          quantity=1 + n % 3, product_id=ids[n % len(ids)] if ids else None,
                          kind="refund" if n % 41 == 40 else "sale") for n in range(count)]
    report = import_sales(db, records)
    assert not report.problems, report.problems[:3]

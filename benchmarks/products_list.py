"""Build a database of 10,000 products and time ``sellerdesk products list --json`` (target: < 0.5 s CPU).

Usage: python benchmarks/products_list.py [--products N] [--runs N]
Prints figures; never fails a build.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.db.database import open_database  # noqa: E402
from core.db.models import Product  # noqa: E402

WORDS = ["brass", "copper", "cotton", "silk", "handmade", "block-print", "diya", "lamp", "cushion", "saree",
         "kurta", "mug", "bowl", "candle", "jute", "bag"]


def build(data_dir: Path, count: int) -> None:
    """Fill a fresh database in ``data_dir`` with ``count`` varied products."""
    rng = random.Random(7)
    db = open_database(data_dir)
    rows = [
        {
            "title": " ".join(rng.choices(WORDS, k=5)).title(),
            "description": " ".join(rng.choices(WORDS, k=60)),
            "price": Decimal(rng.randint(99, 99_999)) / 100,
            "currency": "INR",
            "quantity": rng.randint(0, 50),
            "sku": f"SKU-{i:06d}",
            "category": rng.choice(["Home", "Clothing", "Kitchen", "Gifts"]),
            "attributes": {"colour": rng.choice(["red", "blue", "gold"])},
        }
        for i in range(count)
    ]
    with db.session() as session:
        session.execute(Product.__table__.insert(), rows)
    db.dispose()


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        started = time.perf_counter()
        build(data_dir, opts.products)
        print(f"built {opts.products} products in {time.perf_counter() - started:.2f} s")
        env = {**os.environ, "SELLERDESK_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-c", "import sys; from desktop.launch import main; sys.exit(main())",
                   "products", "list", "--json"]
        cpu, wall = [], []
        for _ in range(opts.runs):
            before, t0 = child_cpu(), time.perf_counter()
            proc = subprocess.run(command, env=env, capture_output=True, check=True)
            wall.append(time.perf_counter() - t0)
            cpu.append(child_cpu() - before)
        print(f"output: {len(proc.stdout) / 1e6:.1f} MB of JSON")
        print(f"products list --json: process CPU min {min(cpu):.3f} s, median {sorted(cpu)[len(cpu) // 2]:.3f} s;"
              f" wall min {min(wall):.3f} s (target: < 0.5 s CPU)")


if __name__ == "__main__":
    main()

"""Time ``sellerdesk products import`` on 10,000 rows (goal: ≤ 3 s CPU) and measure its peak memory on
1,000,000 rows (goal: ≤ 400 MB), each in a fresh data dir and a child process, as a seller would run it.

Usage: python benchmarks/import.py [--rows N] [--large-rows N]
Prints each figure beside its goal and exits non-zero when one is missed.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CPU_GOAL_S = 3.0
MEMORY_GOAL_MB = 400.0
WORDS = ["brass", "copper", "cotton", "silk", "handmade", "block-print", "diya", "lamp", "cushion", "saree",
         "kurta", "mug", "bowl", "candle", "jute", "bag"]


def write_csv(path: Path, rows: int) -> None:
    """A catalogue of ``rows`` varied products, half with a SKU, written in blocks (never whole in memory)."""
    rng = random.Random(11)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("sku,title,description,price,currency,quantity,category,attributes\r\n")
        block = []
        for n in range(rows):
            sku = f"SKU-{n:07d}" if n % 2 == 0 else ""
            title = " ".join(rng.choices(WORDS, k=5)).title()
            description = " ".join(rng.choices(WORDS, k=22))
            block.append(f'{sku},{title},"{description}",{rng.randint(99, 99_999) / 100:.2f},INR,'
                         f"{rng.randint(0, 50)},Home > Decor,colour={rng.choice(['red', 'blue', 'gold'])}\r\n")
            if len(block) == 10_000:
                fh.write("".join(block))
                block = []
        fh.write("".join(block))


def child_usage() -> tuple[float, float]:
    """CPU seconds used by finished children so far, and the largest peak memory (MB) any of them reached."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def run_import(rows: int, tmp: Path) -> tuple[float, float, float]:
    """Import a fresh ``rows``-row file into a fresh data dir; returns (CPU s, wall s, size MB of the file)."""
    folder = Path(tempfile.mkdtemp(prefix=f"rows-{rows}-", dir=tmp))
    csv_path = folder / "catalogue.csv"
    write_csv(csv_path, rows)
    env = {**os.environ, "SELLERDESK_DATA_DIR": str(folder / "data"), "PYTHONPATH": str(ROOT)}
    launch = [sys.executable, "-c", "import sys; from desktop.launch import main; sys.exit(main())"]
    # The shop exists already (its database made and migrated), as when a seller imports a catalogue.
    subprocess.run([*launch, "products", "list"], env=env, capture_output=True, check=True)
    command = [*launch, "products", "import", str(csv_path), "--json"]
    before, started = child_usage()[0], time.perf_counter()
    proc = subprocess.run(command, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"the import of {rows:,} rows failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    return child_usage()[0] - before, wall, csv_path.stat().st_size / 1e6


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000, help="rows for the CPU figure")
    parser.add_argument("--large-rows", type=int, default=1_000_000, help="rows for the memory figure")
    opts = parser.parse_args()
    missed = []
    with tempfile.TemporaryDirectory() as tmp:
        cpu, wall, size = run_import(opts.rows, Path(tmp))
        print(f"{opts.rows:,} rows ({size:.1f} MB): {cpu:.2f} s CPU, {wall:.2f} s wall (goal: ≤ {CPU_GOAL_S} s CPU)")
        if cpu > CPU_GOAL_S:
            missed.append("CPU")
        cpu, wall, size = run_import(opts.large_rows, Path(tmp))
        peak = child_usage()[1]  # the largest child so far: this one, the biggest import
        print(f"{opts.large_rows:,} rows ({size:.0f} MB): peak memory {peak:.0f} MB, {cpu:.1f} s CPU, "
              f"{wall:.1f} s wall (goal: ≤ {MEMORY_GOAL_MB:.0f} MB)")
        if peak > MEMORY_GOAL_MB:
            missed.append("memory")
    if missed:
        print(f"missed: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

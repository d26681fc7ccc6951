"""kill -9 during heavy writes, 50 times: the database stays intact and nothing committed is lost."""

from __future__ import annotations

import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from core.db.database import DB_FILE, open_database
from tests.trust.forked import forker

WRITER = """
import sys
from decimal import Decimal
from pathlib import Path
from core.db.database import open_database
from core.db.models import Product, ProductImage
db = open_database(Path(sys.argv[1]))
n = int(sys.argv[2])
while True:
    with db.session() as s:
        p = Product(title=f"kill test {n}", price=Decimal("10.5"), currency="INR", description="x" * 2000)
        p.images = [ProductImage(sha256=f"{n:064d}", position=i) for i in range(3)]
        s.add(p)
    print(n, flush=True)  # printed only after the commit returned
    n += 1
"""


@pytest.mark.slow
def test_fifty_kills_never_corrupt_or_lose_committed_rows(tmp_path: Path) -> None:
    open_database(tmp_path).dispose()
    rng = random.Random(13)
    committed: list[int] = []
    with forker(tmp_path / "runs", ["core.db.database", "core.db.models"]) as fork:
        for round_ in range(50):
            writer = fork.start(WRITER, [str(tmp_path), str(round_ * 100_000)])
            first = writer.stdout.readline()  # wait until it is really writing
            assert first.strip(), "the writer did not start"
            committed.append(int(first))
            time.sleep(rng.uniform(0.0, 0.15))
            writer.kill()
            out, code = writer.finish()
            assert code == -signal.SIGKILL, out
            committed.extend(int(line) for line in out.split())

            conn = sqlite3.connect(tmp_path / DB_FILE)
            try:
                assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",), f"round {round_}"
            finally:
                conn.close()

    conn = sqlite3.connect(tmp_path / DB_FILE)
    titles = {row[0] for row in conn.execute("SELECT title FROM products")}
    images = conn.execute("SELECT COUNT(*) FROM product_images").fetchone()[0]
    orphans = conn.execute("SELECT COUNT(*) FROM product_images WHERE product_id NOT IN "
                           "(SELECT id FROM products)").fetchone()[0]
    conn.close()
    assert {f"kill test {n}" for n in committed} <= titles  # every commit the writer saw survived
    assert images == 3 * len(titles) and orphans == 0  # no half-written product anywhere
    assert len(committed) > 50

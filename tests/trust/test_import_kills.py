"""kill -9 during a product import, 50 times: each chunk is whole or absent, the note of how far the import came
always matches what is stored, and running the file again ends with exactly the file's products."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.db.database import DB_FILE, open_database
from tests.trust.forked import forker

ROOT = Path(__file__).resolve().parents[2]
ROWS = 20_000
CHUNK = 200

IMPORTER = """
import sys
from pathlib import Path
from core.app import App
from core.products.csvio import import_products
app = App(Path(sys.argv[1]))
report = import_products(app.db, Path(sys.argv[2]), store=app.image_store, chunk_rows=int(sys.argv[3]),
                         progress=lambda p: print(p.done, flush=True))
print("finished", len(report.created), flush=True)
"""


def _state(data_dir: Path) -> tuple[int, int, bool]:
    """(products stored, last line the import's note says is stored, finished?) read straight from the file."""
    conn = sqlite3.connect(data_dir / DB_FILE)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        count = conn.execute("SELECT COUNT(*) FROM products").fetchone()[0]
        note = conn.execute("SELECT detail FROM audit_events WHERE kind = 'products.import' "
                            "ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    detail = json.loads(note[0]) if note else {"through_line": 1, "finished": False}
    return count, detail["through_line"], detail["finished"]


@pytest.mark.slow
def test_fifty_kills_leave_whole_chunks_and_a_rerun_ends_with_exactly_the_files_products(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    open_database(data_dir).dispose()
    csv_path = tmp_path / "catalogue.csv"  # no SKUs: nothing but the import's own note can tell a row was stored
    csv_path.write_text("title,price\n" + "".join(f"Item {n},{n % 900 + 1}\n" for n in range(ROWS)),
                        encoding="utf-8")
    argv = [str(data_dir), str(csv_path), str(CHUNK)]
    rng = random.Random(18)
    kills = 0
    with forker(tmp_path / "runs", ["core.app", "core.products.csvio"]) as fork:
        while kills < 50:
            importer = fork.start(IMPORTER, argv)
            first = importer.stdout.readline()  # this run has stored at least one chunk
            if first.startswith("finished"):
                importer.finish()
                break
            time.sleep(rng.uniform(0.0, 0.05))
            importer.kill()
            assert importer.finish()[1] == -signal.SIGKILL
            kills += 1
            count, through, _ = _state(data_dir)
            assert count % CHUNK == 0, f"kill {kills}: {count} products is not whole chunks"
            assert count == through - 1, f"kill {kills}: {count} products but the note says lines 2-{through}"

    assert kills == 50, "the import finished before fifty kills; make the file bigger"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", IMPORTER, *argv], capture_output=True, text=True, env=env,
                          check=True)
    assert "finished" in done.stdout
    count, through, finished = _state(data_dir)
    assert (count, through, finished) == (ROWS, ROWS + 1, True)
    conn = sqlite3.connect(data_dir / DB_FILE)
    titles = [row[0] for row in conn.execute("SELECT title FROM products ORDER BY id")]
    conn.close()
    assert titles == [f"Item {n}" for n in range(ROWS)]


@pytest.mark.slow
def test_ctrl_c_stops_the_command_between_rows_with_an_exact_report(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    csv_path = tmp_path / "catalogue.csv"
    csv_path.write_text("title,price\n" + "".join(f"Item {n},{n % 900 + 1}\n" for n in range(60_000)),
                        encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SELLERDESK_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from desktop.launch import main; sys.exit(main())",
                             "products", "import", str(csv_path)], stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stderr is not None
    progress = proc.stderr.readline()  # the first chunk is in
    assert "of 60,000 rows" in progress, progress
    proc.send_signal(signal.SIGINT)
    rest = proc.communicate(timeout=60)[1]
    assert proc.returncode == 130, rest  # as every command ends on Ctrl+C
    assert "The import was cancelled." in rest and "Run the same import again to continue" in rest
    count, through, finished = _state(data_dir)
    assert not finished and count == through - 1 and f"Lines 2–{through:,} are imported" in rest

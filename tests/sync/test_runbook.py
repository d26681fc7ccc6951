"""docs/operations.md's one-machine backup and restore, run word for word (bash) while two computers sync through
the service: after the restore both converge on everything, nothing the backup lacked is lost."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from core.db.models import Product
from core.products.service import create_product, product_input
from tests.sync.conftest import PASSWORD, LiveServer

ROOT = Path(__file__).resolve().parents[2]
RUNBOOK = ROOT / "docs" / "operations.md"


def _block(name: str) -> str:
    found = re.search(rf"```sh {re.escape(name)}\n(.*?)```", RUNBOOK.read_text(encoding="utf-8"), re.DOTALL)
    assert found is not None, f"docs/operations.md has no `{name}` block"
    return found.group(1)


def _run(name: str, **variables: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELLERDESK_") and k != "DATABASE_URL"}
    env.update({k: str(v) for k, v in variables.items()})
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", _block(name)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


def _titles(device) -> list[str]:
    with device.app.db.session() as session:
        return sorted(session.scalars(select(Product.title)))


def test_the_runbooks_backup_and_restore_keep_every_computers_work(make_device, server: LiveServer,
                                                                   tmp_path: Path) -> None:
    laptop, shop = make_device("laptop"), make_device("shop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    shop.account.sign_in("asha@example.com", PASSWORD)
    create_product(laptop.app.db, product_input({"title": "Lamp", "price": "500"}))
    laptop.sync()
    shop.sync()
    backup = tmp_path / "backup"
    backup.mkdir()
    _run("backup-one-machine", DATA_DIR=server.root, BACKUP=backup)  # while the service runs
    assert (backup / "server.db").stat().st_size > 0 and (backup / "media.tar").exists()

    create_product(shop.app.db, product_input({"title": "Rug", "price": "900"}))
    shop.sync()
    laptop.sync()
    create_product(laptop.app.db, product_input({"title": "Vase", "price": "300"}))
    laptop.sync()

    server.stop()
    _run("restore-one-machine", DATA_DIR=server.root, BACKUP=backup)
    server.start()
    assert oct((server.root / "server.db").stat().st_mode)[-3:] == "600"
    for device in (shop, laptop, shop):
        device.sync()
    expected = ["Lamp", "Rug", "Vase"]
    assert _titles(laptop) == _titles(shop) == expected
    newcomer = make_device("newcomer")
    newcomer.account.sign_in("asha@example.com", PASSWORD)
    newcomer.sync()
    assert _titles(newcomer) == expected

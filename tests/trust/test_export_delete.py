"""Export everything; delete, purge and restore."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image

from core.db.models import Product
from core.products.photos import add_photos
from core.products.service import create_product, delete_product, product_input


def _photo(tmp_path: Path, name: str, colour: tuple[int, int, int]) -> Path:
    path = tmp_path / name
    Image.new("RGB", (640, 480), colour).save(path)
    return path


def test_export_is_readable_without_sellerdesk(cli, app, tmp_path: Path) -> None:
    product = create_product(app.db, product_input({"title": "दीया lamp", "price": "1299.50", "sku": "D1"}))
    add_photos(app.db, app.image_store, product.id, [_photo(tmp_path, "a.jpg", (200, 100, 0))])
    app.secrets.set("gemini:api_key", "AIzaSECRET-never-exported-123456")
    app.settings.set("general.currency", "USD")
    out = tmp_path / "export.zip"
    assert cli("data", "export", str(out)).code == 0
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert {"README.txt", "settings.json", "products.json", "products.csv", "product_images.csv",
                "audit_events.json"} <= names
        products = json.loads(zf.read("products.json"))
        assert products[0]["title"] == "दीया lamp" and products[0]["price"] == "1299.5"
        photos = [n for n in names if n.startswith("photos/")]
        assert len(photos) == 1 and zf.read(photos[0])[:2] == b"\xff\xd8"
        assert json.loads(zf.read("settings.json"))["general.currency"] == "USD"
        blob = b"".join(zf.read(n) for n in names)
    assert b"AIzaSECRET" not in blob
    audit = json.loads(cli("data", "audit", "--json").out)
    assert audit[0]["kind"] == "data.export"


def test_purge_removes_old_deletions_and_unused_photos_only(app, tmp_path: Path) -> None:
    old = create_product(app.db, product_input({"title": "Old", "price": "10"}))
    recent = create_product(app.db, product_input({"title": "Recent", "price": "10"}))
    add_photos(app.db, app.image_store, old.id, [_photo(tmp_path, "old.jpg", (1, 2, 3))])
    add_photos(app.db, app.image_store, recent.id, [_photo(tmp_path, "new.jpg", (4, 5, 6))])
    delete_product(app.db, old.id)
    delete_product(app.db, recent.id)
    with app.db.session() as session:
        session.get(Product, old.id).deleted_at = datetime.now(UTC) - timedelta(days=31)

    from core.trust.deletion import purge

    report = purge(app)
    assert (report.products, report.photos) == (1, 1)
    with app.db.session() as session:
        assert session.get(Product, old.id) is None and session.get(Product, recent.id) is not None
    assert len(list((app.data_dir / "images" / "originals").glob("*/*"))) == 1
    assert purge(app, everything=True).products == 1


def test_delete_all_then_restore(cli, isolated_env: Path) -> None:
    assert cli("products", "add", "--title", "Mug", "--price", "100").code == 0
    refused = cli("data", "delete-all")
    assert refused.code == 1 and "--yes" in refused.err
    assert cli("data", "delete-all", "--yes").code == 0
    assert json.loads(cli("products", "list", "--json").out) == []  # read-only use makes a new, empty database
    assert cli("data", "restore-all").code == 0
    assert [r["title"] for r in json.loads(cli("products", "list", "--json").out)] == ["Mug"]


def test_restore_all_refuses_to_mix_with_a_new_shop(cli, isolated_env: Path) -> None:
    assert cli("products", "add", "--title", "Mug", "--price", "100").code == 0
    assert cli("data", "delete-all", "--yes").code == 0
    assert cli("products", "add", "--title", "Lamp", "--price", "300").code == 0  # a new shop begun here
    blocked = cli("data", "restore-all")
    assert blocked.code == 1 and "in use again (sellerdesk.db)" in blocked.err
    assert [r["title"] for r in json.loads(cli("products", "list", "--json").out)] == ["Lamp"]


def test_a_refused_product_leaves_no_photo_in_the_store(cli, isolated_env: Path, tmp_path: Path) -> None:
    assert cli("products", "add", "--title", "Mug", "--price", "100", "--sku", "M-1").code == 0
    photo = _photo(tmp_path, "holiday.jpg", (10, 120, 200))
    refused = cli("products", "add", "--title", "Cup", "--price", "90", "--sku", "M-1", "--image", str(photo))
    assert refused.code == 1 and "already has SKU" in refused.err
    assert not [p for p in (isolated_env / "images" / "originals").rglob("*") if p.is_file()]
    kept = cli("products", "add", "--title", "Cup", "--price", "90", "--sku", "C-1", "--image", str(photo))
    assert kept.code == 0 and len([p for p in (isolated_env / "images").rglob("originals/*/*")]) == 1

"""Two computers on one account, edited while apart, end up with the same shop; a third account sees none of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from core.content.drafts import save_draft
from core.content.models import PlatformCopy
from core.products.photos import add_photos, remove_photo
from core.products.service import create_product, delete_product, product_input, update_product
from core.sync.engine import sync_now
from core.sync.errors import SyncError
from core.sync.records import KINDS, read_records
from core.sync.status import read_status
from core.trust.deletion import purge
from tests.sync.conftest import PASSWORD, Device, LiveServer


def photo(folder: Path, name: str, colour: tuple[int, int, int]) -> Path:
    path = folder / f"{name}.jpg"
    Image.new("RGB", (320, 240), colour).save(path, quality=85)
    return path


def copy(title: str) -> PlatformCopy:
    return PlatformCopy(platform="etsy", title=title, description="Hand made.", bullets=[], hashtags=[], tags=[],
                        source="manual", model=None, language="en")


def snapshot(device: Device) -> dict[str, dict[str, Any]]:
    """Every synced record of the device by global id, and whether each photo's bytes are in its store."""
    with device.app.db.session() as session:
        records = {kind: {r.sync_id: r.data for r in read_records(session.connection(), KINDS[kind])}
                   for kind in KINDS}
    records["photo_files"] = {data["sha256"]: device.app.image_store.original_path(data["sha256"]).exists()
                              for data in records["product_image"].values()}
    return records


def test_offline_edits_on_two_computers_converge(make_device, tmp_path: Path, server: LiveServer) -> None:
    laptop, shop = make_device("laptop"), make_device("shop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    shop.account.sign_in("Asha@Example.com ", PASSWORD)
    lamp = create_product(laptop.app.db, product_input({"title": "Brass lamp", "price": "1200", "sku": "L1"}),
                          images=[photo(tmp_path, "lamp", (200, 150, 40))], store=laptop.app.image_store)
    from core.db.models import ContentDraft

    with laptop.app.db.session() as session:
        session.add(ContentDraft(product_id=lamp.id, platform="etsy", title="Brass lamp, hand made"))
    old_stock = create_product(laptop.app.db, product_input({"title": "Old stock", "price": "10"}),
                               images=[photo(tmp_path, "old", (10, 10, 10))], store=laptop.app.image_store)
    first = laptop.sync()
    assert first.pushed == 5 and first.photos_up == 2
    assert shop.sync().photos_down == 2
    assert snapshot(shop) == snapshot(laptop)
    shop_lamp = next(p for p in _products(shop) if p["sku"] == "L1")

    # Apart: each edits different records, adds and removes some, with photos and copy.
    laptop.network.online = shop.network.online = False
    update_product(laptop.app.db, lamp.id, {"price": "1350"})
    laptop.app.settings.set("general.currency", "USD")
    candle = create_product(laptop.app.db, product_input({"title": "Candle", "price": "300"}),
                            images=[photo(tmp_path, "candle", (250, 250, 240))], store=laptop.app.image_store)
    remove_photo(laptop.app.db, lamp.id, lamp.images[0].id)
    delete_product(laptop.app.db, old_stock.id)
    purge(laptop.app, everything=True)  # gone for good, with its photo: deletions travel too
    save_draft(shop.app.db, shop_lamp["id"], "etsy", copy("Brass lamp for Diwali"))
    bowl = create_product(shop.app.db, product_input({"title": "Clay bowl", "price": "450"}),
                          images=[photo(tmp_path, "bowl", (120, 60, 30))], store=shop.app.image_store)
    add_photos(shop.app.db, shop.app.image_store, bowl.id, [photo(tmp_path, "bowl2", (90, 50, 20))])
    rug = create_product(shop.app.db, product_input({"title": "Rug", "price": "2000"}))
    delete_product(shop.app.db, rug.id)
    for device in (laptop, shop):
        with pytest.raises(SyncError) as failure:
            device.sync()
        assert failure.value.problem == "offline"
        status = read_status(device.app)
        assert status.state == "offline" and status.pending > 0 and status.summary.startswith("Offline — ")

    laptop.network.online = shop.network.online = True
    for device in (laptop, shop, laptop, shop):
        device.sync()
    assert snapshot(laptop) == snapshot(shop)
    products = {p["title"]: p for p in _products(shop)}
    assert set(products) == {"Brass lamp", "Candle", "Clay bowl", "Rug"}  # "Old stock" is gone everywhere
    assert products["Brass lamp"]["price"] == "1350" and products["Rug"]["deleted_at"] is not None
    assert shop.app.settings.get("general.currency") == "USD"
    assert len(snapshot(laptop)["photo_files"]) == 3 and all(snapshot(laptop)["photo_files"].values())
    for device in (laptop, shop):
        status = read_status(device.app)
        assert (status.state, status.pending, status.conflicts) == ("up_to_date", 0, 0)
        assert status.summary.startswith("Up to date ")
    assert candle.title == "Candle"


def test_another_account_sees_nothing_and_sign_out_keeps_local_data(make_device, server: LiveServer) -> None:
    laptop, stranger = make_device("laptop"), make_device("stranger")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    create_product(laptop.app.db, product_input({"title": "Secret recipe pickle", "price": "90"}))
    laptop.sync()
    stranger.account.sign_in("ravi@example.com", PASSWORD, create=True)
    server.confirm("ravi@example.com")
    report = stranger.sync()
    assert report.pulled == 0 and _products(stranger) == []

    laptop.account.sign_out()
    assert read_status(laptop.app).state == "signed_out"
    assert [p["title"] for p in _products(laptop)] == ["Secret recipe pickle"]
    with pytest.raises(SyncError) as failure:
        sync_now(laptop.account)
    assert failure.value.problem == "signed_out"
    # Edits made while signed out go with the next sign-in to the same account.
    create_product(laptop.app.db, product_input({"title": "Mango pickle", "price": "120"}))
    laptop.account.sign_in("asha@example.com", PASSWORD)
    assert laptop.sync().pushed == 1


def _products(device: Device) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from core.db.models import Product

    with device.app.db.session() as session:
        rows = session.scalars(select(Product).order_by(Product.id)).all()
        return [{"id": p.id, "title": p.title, "sku": p.sku, "price": str(p.price), "deleted_at": p.deleted_at}
                for p in rows]

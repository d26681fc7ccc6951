"""Edits that meet: the second computer to sync gets a conflict it can settle either way, and nothing is lost."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from core.db.models import ContentDraft, Product
from core.products.photos import add_photos
from core.products.service import create_product, product_input, update_product
from core.sync.conflicts import list_conflicts, resolve
from core.sync.status import read_status
from tests.sync.conftest import PASSWORD, Device, LiveServer
from tests.sync.test_convergence import photo, snapshot


def _signed_in_pair(make_device, server: LiveServer) -> tuple[Device, Device]:
    laptop, shop = make_device("laptop"), make_device("shop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    shop.account.sign_in("asha@example.com", PASSWORD)
    return laptop, shop


def _product_id(device: Device, sku: str) -> int:
    with device.app.db.session() as session:
        return session.scalars(select(Product.id).where(Product.sku == sku)).one()


def _title(device: Device, sku: str) -> str:
    with device.app.db.session() as session:
        return session.scalars(select(Product.title).where(Product.sku == sku)).one()


def test_same_product_edited_on_both_is_a_conflict_resolvable_either_way(make_device, server) -> None:
    laptop, shop = _signed_in_pair(make_device, server)
    for sku, title in (("D1", "Diya"), ("T1", "Toran")):
        create_product(laptop.app.db, product_input({"title": title, "price": "100", "sku": sku}))
    laptop.sync()
    shop.sync()

    server.stop()  # both edit while the service is down
    for sku in ("D1", "T1"):
        update_product(laptop.app.db, _product_id(laptop, sku), {"title": f"Laptop {sku}"})
        update_product(shop.app.db, _product_id(shop, sku), {"title": f"Shop {sku}", "quantity": "7"})
    assert read_status(shop.app).pending == 2
    server.start()

    assert laptop.sync().conflicts == 0
    assert shop.sync().conflicts == 2
    # The service kept the laptop's versions, shown on the shop computer too; the shop's edits wait, set aside.
    assert _title(shop, "D1") == "Laptop D1"
    conflicts = {c.label: c for c in list_conflicts(shop.app.db)}
    assert set(conflicts) == {"Product “Laptop D1”", "Product “Laptop T1”"}
    diya = conflicts["Product “Laptop D1”"]
    assert ("title", "Shop D1", "Laptop D1") in diya.differences()
    assert ("quantity", 7, 1) in diya.differences()
    status = read_status(shop.app)
    assert (status.state, status.summary) == ("conflicts", "2 conflicts to resolve")
    laptop.sync()
    assert len(list_conflicts(laptop.app.db)) == 2  # visible on every computer of the account

    resolve(shop.account, diya.conflict_id, "mine")
    toran = conflicts["Product “Laptop T1”"].conflict_id
    resolve(laptop.account, toran, "theirs")  # settled on the other computer
    for device in (laptop, shop, laptop):
        device.sync()
    for device in (laptop, shop):
        assert (_title(device, "D1"), _title(device, "T1")) == ("Shop D1", "Laptop T1")
        assert list_conflicts(device.app.db) == []
    assert snapshot(laptop) == snapshot(shop)


def test_both_writing_one_products_etsy_copy_keeps_both_texts(make_device, server, tmp_path: Path) -> None:
    laptop, shop = _signed_in_pair(make_device, server)
    lamp = create_product(laptop.app.db, product_input({"title": "Lamp", "price": "500", "sku": "L"}))
    laptop.sync()
    shop.sync()
    # Apart, each writes the first Etsy copy of the lamp (the database allows one per platform), adds the same
    # photo to it, and adds a product with the SKU "CANDLE" and its own photo.
    laptop.network.online = shop.network.online = False
    same = photo(tmp_path, "lamp", (200, 150, 40))
    for device in (laptop, shop):
        add_photos(device.app.db, device.app.image_store, _product_id(device, "L"), [same])
    with laptop.app.db.session() as session:
        session.add(ContentDraft(product_id=lamp.id, platform="etsy", title="Lamp from the laptop"))
    with shop.app.db.session() as session:
        session.add(ContentDraft(product_id=_product_id(shop, "L"), platform="etsy", title="Lamp from the shop"))
    for device, colour in ((laptop, (250, 240, 200)), (shop, (240, 200, 250))):
        create_product(device.app.db, product_input({"title": f"Candle ({device.name})", "price": "80",
                                                     "sku": "CANDLE"}),
                       images=[photo(tmp_path, device.name, colour)], store=device.app.image_store)
    laptop.network.online = shop.network.online = True
    for device in (laptop, shop, laptop, shop):
        device.sync()

    assert snapshot(laptop) == snapshot(shop)
    state = snapshot(laptop)
    assert len(state["content_draft"]) == 1
    candles = [p for p in state["product"].values() if p["sku"] == "CANDLE"]
    assert len(candles) == 1
    # Both candles' photos are kept, the lamp's photo added twice is there once.
    assert len(state["product_image"]) == 3 and all(state["photo_files"].values())
    # The losing texts wait as conflicts on the computer that wrote them.
    kept = list_conflicts(laptop.app.db) + list_conflicts(shop.app.db)
    assert sorted(c.kind for c in kept) == ["content_draft", "product"]
    assert all(c.local_only for c in kept)
    draft_conflict = next(c for c in kept if c.kind == "content_draft")
    assert {draft_conflict.mine["title"], draft_conflict.theirs["title"]} == {"Lamp from the laptop",
                                                                               "Lamp from the shop"}
    loser = laptop if draft_conflict in list_conflicts(laptop.app.db) else shop
    resolve(loser.account, draft_conflict.conflict_id, "mine")
    for device in (loser, laptop, shop):
        device.sync()
    for device in (laptop, shop):
        with device.app.db.session() as session:
            assert session.scalars(select(ContentDraft.title)).one() == draft_conflict.mine["title"]

"""The desktop's side of fair use: a full storage or a busy service is said plainly in the status bar (nothing is
lost, changes wait), and a record over the service's size limit is reported and left out without holding back the
rest."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from core.db.database import Database
from core.db.models import Product
from core.products.service import ProductView, create_product, product_input, update_product
from core.sync.errors import SyncError
from core.sync.outbox import RECORD_MAX_BYTES
from core.sync.status import read_status
from tests.sync.conftest import PASSWORD, LiveServer
from tests.sync.test_desktop import WAIT_MS, shoot


def _titles(device) -> list[str]:
    with device.app.db.session() as session:
        return sorted(session.scalars(select(Product.title)))


def _restart_with(server: LiveServer, **limits: int) -> None:
    server.stop()
    server.limits = replace(server.limits, **limits)
    server.start()


def _catalogue_and_lamp(db: Database) -> ProductView:
    """A product over the service's size limit (larger than the editor allows: e.g. written by an older version),
    returned, and a small one."""
    huge = create_product(db, product_input({"title": "Catalogue", "price": "1"}))
    with db.session() as session:
        row = session.get(Product, huge.id)
        assert row is not None
        row.description = "x" * (RECORD_MAX_BYTES + 10)
    create_product(db, product_input({"title": "Lamp", "price": "500"}))
    return huge


def test_a_record_too_large_is_reported_and_the_rest_syncs(make_device, server: LiveServer) -> None:
    laptop, shop = make_device("laptop"), make_device("shop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    shop.account.sign_in("asha@example.com", PASSWORD)
    huge = _catalogue_and_lamp(laptop.app.db)
    report = laptop.sync()
    assert report.pushed == 1
    status = read_status(laptop.app)
    assert status.too_large == 1 and status.summary.endswith("— 1 too large to sync")
    assert "1 record is too large to sync (over 256 KB)" in status.detail
    shop.sync()
    assert _titles(shop) == ["Lamp"]

    update_product(laptop.app.db, huge.id, {"description": "A shorter description."})
    assert laptop.sync().pushed == 1
    assert read_status(laptop.app).too_large == 0
    shop.sync()
    assert _titles(shop) == ["Catalogue", "Lamp"]


def test_a_full_storage_pauses_sync_with_a_plain_message(make_device, server: LiveServer) -> None:
    _restart_with(server, account_quota_bytes=3000)
    laptop = make_device("laptop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    create_product(laptop.app.db, product_input({"title": "Lamp", "price": "500", "description": "y" * 4000}))
    with pytest.raises(SyncError) as failure:
        laptop.sync()
    assert failure.value.problem == "storage_full" and "storage on the service is full" in failure.value.message
    status = read_status(laptop.app)
    assert (status.summary, status.pending) == ("Sync paused — storage full", 1)
    assert "storage is full" in status.detail


def test_a_busy_service_asks_to_wait_and_nothing_is_lost(make_device, server: LiveServer) -> None:
    _restart_with(server, push_per_minute=1, push_burst=1)
    laptop = make_device("laptop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    create_product(laptop.app.db, product_input({"title": "Lamp", "price": "500"}))
    laptop.sync()  # the first push spends the burst; the second push of the round is not needed
    create_product(laptop.app.db, product_input({"title": "Bowl", "price": "50"}))
    with pytest.raises(SyncError) as failure:
        laptop.sync()
    assert failure.value.problem == "rate_limited" and "wait 1 minute" in failure.value.message
    status = read_status(laptop.app)
    assert (status.summary, status.pending) == ("Sync paused — busy, retrying soon", 1)


def test_the_status_bar_says_the_storage_is_full(window, qtbot, make_device, server: LiveServer,
                                                 tmp_path: Path) -> None:
    _restart_with(server, account_quota_bytes=3000)
    ui = window.sync
    ui.controller.account.sign_in("asha@example.com", PASSWORD, create=True, server_url=server.url)
    server.confirm("asha@example.com")
    create_product(window.app.db, product_input({"title": "Lamp", "price": "500", "description": "y" * 4000}))
    ui.controller.refresh()
    ui.sync_action.trigger()
    qtbot.waitUntil(lambda: ui.button.text() == "● Sync paused — storage full", timeout=WAIT_MS)
    assert "Empty the bin" in ui.button.toolTip() or "storage is full" in ui.button.toolTip()
    shoot(window.statusBar(), tmp_path / "status-storage-full.png")


def test_a_record_too_large_is_named_in_the_window_and_on_the_command_line(window, qtbot, cli, server: LiveServer,
                                                                         tmp_path: Path) -> None:
    ui = window.sync
    ui.controller.account.sign_in("asha@example.com", PASSWORD, create=True, server_url=server.url)
    server.confirm("asha@example.com")
    _catalogue_and_lamp(window.app.db)
    ui.controller.refresh()
    ui.sync_action.trigger()
    qtbot.waitUntil(lambda: ui.button.text().endswith("— 1 too large to sync"), timeout=WAIT_MS)
    tip = ui.button.toolTip()
    assert "1 record is too large to sync (over 256 KB)" in tip and "Too large: “Catalogue”." in tip
    shoot(window.statusBar(), tmp_path / "status-too-large.png")

    status = cli("sync", "status")
    assert status.code == 0 and "Too large: “Catalogue”." in status.out
    assert json.loads(cli("sync", "status", "--json").out)["too_large_names"] == ["“Catalogue”"]
    again = cli("sync", "now")  # the rest syncs; the large one is named again, nothing fails
    assert again.code == 0 and "1 too large to sync" in again.out

"""Renaming a computer: Account › Your computers… in the window and ``sellerdesk sync rename``; the name is checked,
kept across a new sign-in, and reaches the service and the other computers (their devices list, and "scheduled on
…" on its posts) at the next rounds. Against the real sync service."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from core.db.types import utcnow
from core.errors import ValidationError
from core.publishing.jobs import create_job, list_jobs
from core.sync.devices import account_devices, rename, this_computer
from desktop.sync.computers_dialog import ComputersDialog
from server.client_models import Invalid
from tests.platforms.conftest import add_product
from tests.sync.conftest import FAKE, PASSWORD

WAIT_MS = 15_000


def test_a_renamed_computer_is_named_so_on_its_posts_and_in_every_devices_list(computers) -> None:
    laptop, shop = computers
    product = add_product(shop.app, platforms=(FAKE,), photos=0, sku="MUG-1", title="Blue Mug")
    create_job(shop.app.db, product, FAKE, at=utcnow() + timedelta(hours=1))
    shop.sync()
    laptop.sync()
    assert [job.owner_name for job in list_jobs(laptop.app.db)] == ["Shop PC"]

    assert rename(shop.app.db, "  Back   office ") == "Back office"
    for device in (shop, laptop):
        device.sync()
    assert [job.owner_name for job in list_jobs(laptop.app.db)] == ["Back office"]
    assert {d.name: d.current for d in account_devices(laptop.account)} == {"Laptop": True, "Back office": False}
    shop.account.sign_in("asha@example.com", PASSWORD)  # a new sign-in sends the name as the seller set it
    assert {d.name for d in account_devices(laptop.account)} == {"Laptop", "Back office"}

    for refused, why in (("   ", "Enter a name"), ("x" * 101, "at most 100"), ("Tab\x00le", "control characters")):
        with pytest.raises(ValidationError, match=why):
            rename(shop.app.db, refused)
        with laptop.account.client() as client, pytest.raises(Invalid):
            client.rename_device(refused)  # the service holds the same rule
    assert this_computer(shop.app.db) == "Back office"


def test_sync_rename_and_devices_commands(cli, make_device, server, monkeypatch: pytest.MonkeyPatch) -> None:
    laptop = make_device("laptop")
    rename(laptop.app.db, "Laptop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    laptop.sync()  # signs in, now that the address is confirmed
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli("sync", "signin", "--email", "asha@example.com", "--server", server.url).code == 0

    empty = cli("sync", "rename", " ")
    assert empty.code == 1 and "Enter a name for this computer." in empty.err
    assert "at most 100 characters" in cli("sync", "rename", "x" * 101).err
    renamed = cli("sync", "rename", "Counter PC")
    assert renamed.code == 0 and renamed.out.startswith("This computer is now called 'Counter PC'.")
    assert "Counter PC (this computer)" not in cli("sync", "devices").out  # the service learns it at the next round
    assert cli("sync", "now").code == 0
    listed = cli("sync", "devices")
    assert listed.code == 0 and "Counter PC (this computer)" in listed.out and "Laptop " in listed.out
    assert {d["name"]: d["current"] for d in json.loads(cli("sync", "devices", "--json").out)} == \
        {"Laptop": False, "Counter PC": True}
    assert {d.name for d in account_devices(laptop.account)} == {"Laptop", "Counter PC"}


def test_renaming_this_computer_in_the_window(window, qtbot, server, tmp_path: Path) -> None:
    ui = window.sync
    ui.controller.account.sign_in("asha@example.com", PASSWORD, create=True, server_url=server.url)
    server.confirm("asha@example.com")
    ui.controller.refresh()
    ui.computers_action.trigger()
    dialog = window.findChild(ComputersDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.name.text() == this_computer(window.app.db)
    qtbot.waitUntil(lambda: dialog.devices.count() == 1 and "(this computer)" in dialog.devices.item(0).text(),
                    timeout=WAIT_MS)

    dialog.name.setText("   ")
    qtbot.mouseClick(dialog.rename, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.error.isVisible, timeout=WAIT_MS)
    assert dialog.error.text() == "Enter a name for this computer."
    dialog.name.setText("Counter PC")
    qtbot.mouseClick(dialog.rename, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Counter PC" in dialog.notice.text(), timeout=WAIT_MS)
    assert not dialog.error.isVisible() and this_computer(window.app.db) == "Counter PC"
    # The round the rename started tells the service; the open list reads it again by itself.
    qtbot.waitUntil(lambda: dialog.devices.item(0).text() == "Counter PC (this computer)", timeout=WAIT_MS)
    dialog.grab().save(str(tmp_path / "computers-dialog.png"))
    dialog.reject()

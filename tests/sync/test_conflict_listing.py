"""The desktop asks for the conflict list only when it changed: every pull names the list's ETag, a round whose
tag is the one stored asks nothing, and a changed list is read whole (every page; more than 1,000 conflicts are
all shown) with the stored tag in If-None-Match."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from core.products.service import create_product, product_input, update_product
from core.sync import state
from core.sync.conflicts import list_conflicts, resolve
from core.sync.devices import rename, this_computer
from core.sync.engine import sync_now
from core.sync.status import read_status
from desktop.sync.conflict_dialog import ConflictDialog
from server.client import SyncServiceClient
from server.client_models import PullPage, RecordChange
from tests.fakes.mailbox import Mailbox, sign_up
from tests.sync.conftest import PASSWORD, Device, LiveServer
from tests.sync.test_conflicts import _product_id, _signed_in_pair
from tests.sync.test_desktop import WAIT_MS, shoot

CONFLICTS = "/v1/sync/conflicts"


def _listings(device: Device) -> list[httpx.Response]:
    """Every answer to a conflict listing the device gets from now on."""
    seen: list[httpx.Response] = []

    def note(response: httpx.Response) -> None:
        if response.request.url.path == CONFLICTS:
            seen.append(response)

    device.http.event_hooks["response"].append(note)
    return seen


def _stored_tag(device: Device) -> str | None:
    with device.app.db.session() as session:
        return state.read(session, state.CONFLICTS_ETAG)


def _theirs_title(device: Device) -> str:
    [conflict] = list_conflicts(device.app.db)
    assert conflict.theirs is not None
    return str(conflict.theirs["title"])


def test_a_round_where_the_conflicts_did_not_change_asks_for_no_list(make_device, server: LiveServer) -> None:
    laptop, shop = _signed_in_pair(make_device, server)
    for sku in ("D1", "T1"):
        create_product(laptop.app.db, product_input({"title": f"Lamp {sku}", "price": "100", "sku": sku}))
    laptop.sync()
    shop.sync()
    update_product(laptop.app.db, _product_id(laptop, "D1"), {"title": "Laptop D1"})
    laptop.sync()
    update_product(shop.app.db, _product_id(shop, "D1"), {"title": "Shop D1"})
    assert shop.sync().conflicts == 1
    listed = _listings(shop)
    shop.sync()
    assert listed == [] and _stored_tag(shop) is not None  # nothing changed: not even a 304 is asked for

    update_product(laptop.app.db, _product_id(laptop, "T1"), {"title": "Laptop T1"})
    laptop.sync()
    assert shop.sync().pulled == 1 and listed == []  # a record without a conflict changed: the list did not
    update_product(laptop.app.db, _product_id(laptop, "D1"), {"title": "Laptop D1 again"})
    before = _stored_tag(shop)
    laptop.sync()
    shop.sync()
    # The conflicted record changed: its conflict is shown beside it, so the list is read again: only what
    # changed since the stored list (one page).
    assert [(r.status_code, r.request.headers["If-None-Match"]) for r in listed] == [(200, before)]
    assert listed[0].request.url.params["since"] == before and listed[0].json()["changed"] is True
    assert _theirs_title(shop) == "Laptop D1 again" and _stored_tag(shop) == listed[0].headers["ETag"]
    shop.sync()
    assert len(listed) == 1

    laptop.sync()
    [conflict] = list_conflicts(laptop.app.db)
    resolve(laptop.account, conflict.conflict_id, "theirs")  # settled on the other computer
    shop.sync()
    # The pull says none are open: the list is empty without asking for it.
    assert len(listed) == 1 and list_conflicts(shop.app.db) == [] and _stored_tag(shop) != listed[0].headers["ETag"]
    shop.sync()
    assert len(listed) == 1


def test_a_conflict_settled_elsewhere_leaves_and_the_others_stay(make_device, server: LiveServer) -> None:
    laptop, shop = _signed_in_pair(make_device, server)
    for sku in ("D1", "T1", "K1"):
        create_product(laptop.app.db, product_input({"title": f"Lamp {sku}", "price": "100", "sku": sku}))
    laptop.sync()
    shop.sync()
    for sku in ("D1", "T1"):
        update_product(laptop.app.db, _product_id(laptop, sku), {"title": f"Laptop {sku}"})
    laptop.sync()
    for sku in ("D1", "T1"):
        update_product(shop.app.db, _product_id(shop, sku), {"title": f"Shop {sku}"})
    assert shop.sync().conflicts == 2
    laptop.sync()
    settled = next(c for c in list_conflicts(laptop.app.db) if c.theirs and c.theirs["title"] == "Laptop T1")
    resolve(laptop.account, settled.conflict_id, "theirs")
    listed = _listings(shop)
    shop.sync()
    assert [r.json()["changed"] for r in listed] == [True] and listed[0].json()["gone"] == [settled.conflict_id]
    assert [c.theirs["title"] for c in list_conflicts(shop.app.db) if c.theirs] == ["Laptop D1"]
    assert _stored_tag(shop) == listed[0].headers["ETag"]
    # The computer that set the other one aside is renamed: the laptop's copy names it so.
    assert [c.mine_device for c in list_conflicts(laptop.app.db)] == [this_computer(shop.app.db)]
    rename(shop.app.db, "Shop PC")
    shop.sync()
    laptop.sync()
    assert [c.mine_device for c in list_conflicts(laptop.app.db)] == ["Shop PC"]


def test_an_unchanged_list_answered_304_keeps_the_conflicts_shown(make_device, server: LiveServer,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    laptop, shop = _signed_in_pair(make_device, server)
    create_product(laptop.app.db, product_input({"title": "Lamp", "price": "100", "sku": "D1"}))
    laptop.sync()
    shop.sync()
    update_product(laptop.app.db, _product_id(laptop, "D1"), {"title": "Laptop D1"})
    laptop.sync()
    update_product(shop.app.db, _product_id(shop, "D1"), {"title": "Shop D1"})
    shop.sync()
    shown = list_conflicts(shop.app.db)
    listed = _listings(shop)
    pull = SyncServiceClient.pull

    def untagged(client: SyncServiceClient, *args: object, **kwargs: object) -> PullPage:
        page = pull(client, *args, **kwargs)
        client.conflicts_etag = None  # as a service (or a proxy) that does not pass the tag along
        return page

    monkeypatch.setattr(SyncServiceClient, "pull", untagged)
    shop.sync()
    assert [(r.status_code, r.content) for r in listed] == [(304, b"")]
    assert listed[0].request.headers["If-None-Match"] == _stored_tag(shop)
    assert list_conflicts(shop.app.db) == shown and len(shown) == 1


def _setting_conflicts(url: str, mailbox: Mailbox, email: str, count: int) -> None:
    """``count`` shared settings edited on two other computers of the account: the second one's edits are kept as
    conflicts on the service."""
    now = datetime.now(UTC)
    ids = [str(uuid.uuid4()) for _ in range(count)]
    with httpx.Client() as http, SyncServiceClient(url, http=http) as phone, \
            SyncServiceClient(url, http=http) as tablet:
        sign_up(phone, http, mailbox, email, PASSWORD, uuid.uuid4(), "phone")
        tablet.login(email, PASSWORD, uuid.uuid4(), "tablet")
        for device in (phone, tablet):  # both on top of nothing: the phone's come first
            device.push([RecordChange("setting", i, 0, {"key": f"shared.note{n}", "value": device is phone}, now)
                         for n, i in enumerate(ids)])


def test_more_than_1000_conflicts_are_all_in_the_window_and_the_cli(window, qtbot, cli, server: LiveServer,
                                                                   tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _setting_conflicts(server.url, server.mailbox, "asha@example.com", 1050)
    ui = window.sync
    ui.controller.account.sign_in("asha@example.com", PASSWORD, server_url=server.url)
    sync_now(ui.controller.account)
    assert read_status(window.app).conflicts == 1050
    asked: list[str | None] = []
    monkeypatch.setattr(SyncServiceClient, "conflicts_if_changed", lambda _client, etag: asked.append(etag))
    sync_now(ui.controller.account)  # the next round: the 1,050 are not sent again
    assert asked == [] and read_status(window.app).conflicts == 1050
    ui.controller.refresh()
    qtbot.waitUntil(lambda: ui.button.text() == "● 1050 conflicts to resolve", timeout=WAIT_MS)

    ui.conflicts_action.trigger()
    dialog = window.findChild(ConflictDialog)
    assert dialog is not None and dialog.list.count() == 1050
    labels = {dialog.list.item(row).text() for row in range(dialog.list.count())}
    assert labels == {f"Setting shared.note{n}" for n in range(1050)}
    dialog.list.setCurrentRow(1049)
    assert dialog.heading.text() == dialog.list.item(1049).text() and dialog.keep_mine.isEnabled()
    shoot(dialog, tmp_path / "conflicts-1050.png")
    dialog.accept()
    listed = json.loads(cli("sync", "conflicts", "--json").out)
    assert len({c["id"] for c in listed}) == 1050

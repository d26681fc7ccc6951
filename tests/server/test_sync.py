"""Sync between the seller's computers: versions, cursors, retries, conflicts kept and resolved."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from server.client import SyncServiceClient
from server.client_models import RecordChange, RecordVersion, ServiceConflict, SyncPosition
from server.housekeeping import housekeep
from tests.fakes.mailbox import Mailbox, sign_up
from tests.server.conftest import PUBLIC_URL, bearer, open_http

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def change(record_id: str, base: int, kind: str = "product", deleted: bool = False, **data: Any) -> RecordChange:
    """An edit of one record made on top of version ``base``."""
    return RecordChange(kind=kind, id=record_id, base_version=base, data=data, updated_at=NOW, deleted=deleted)


def new_id() -> str:
    return str(uuid.uuid4())


class Replica:
    """A device's local copy: records by id, the versions it knows, and its pull cursor (what core keeps)."""

    def __init__(self, client: SyncServiceClient) -> None:
        self.client = client
        self.records: dict[str, dict[str, Any]] = {}
        self.versions: dict[str, int] = {}
        self.cursor = 0
        self.pending: list[RecordChange] = []

    def edit(self, record_id: str, **data: Any) -> None:
        merged = {**self.records.get(record_id, {}), **data}
        self.records[record_id] = merged
        self.pending.append(change(record_id, self.versions.get(record_id, 0), **merged))

    def sync(self) -> list[str]:
        """Push pending edits, then pull; returns the ids of conflicts the push produced."""
        conflicts = []
        for outcome in self.client.push(self.pending):
            if outcome.status == "conflict":
                assert outcome.conflict is not None
                conflicts.append(outcome.conflict.conflict_id)
            else:
                self.versions[outcome.id] = outcome.version
        self.pending = []
        pulled, self.cursor = self.client.pull_all(self.cursor)
        for record in pulled:
            self.apply(record)
        return conflicts

    def apply(self, record: RecordVersion) -> None:
        self.records[record.id] = record.data
        self.versions[record.id] = record.version


def test_a_change_pushed_on_one_device_is_pulled_on_the_other(new_device: Callable[..., SyncServiceClient]) -> None:
    laptop, desktop = new_device("a@example.com", "laptop"), new_device("a@example.com", "desktop")
    pid = new_id()
    [outcome] = laptop.push([change(pid, 0, title="Brass diya", price="1299.50")])
    assert (outcome.status, outcome.version) == ("applied", 1)
    page = desktop.pull(0)
    assert [(r.id, r.version, r.data["title"]) for r in page.changes] == [(pid, 1, "Brass diya")]
    assert page.cursor == outcome.seq and not page.has_more
    # The pushing device does not get its own change back, but its cursor moves past it.
    own = laptop.pull(0)
    assert own.changes == [] and own.cursor == outcome.seq
    assert [r.id for r in laptop.pull(0, include_own=True).changes] == [pid]  # restoring a backup


def test_every_version_arrives_once_and_in_order(new_device: Callable[..., SyncServiceClient]) -> None:
    laptop, desktop = new_device("a@example.com"), new_device("a@example.com")
    pid = new_id()
    laptop.push([change(pid, 0, title="v1")])
    laptop.push([change(pid, 1, title="v2")])
    laptop.push([change(pid, 2, deleted=True)])
    records, cursor = desktop.pull_all(0)
    assert [(r.version, r.deleted, r.data.get("title")) for r in records] == [(1, False, "v1"), (2, False, "v2"),
                                                                             (3, True, None)]
    assert desktop.pull(cursor).changes == []


def test_pages_continue_from_the_cursor(new_device: Callable[..., SyncServiceClient]) -> None:
    laptop, desktop = new_device("a@example.com"), new_device("a@example.com")
    ids = [new_id() for _ in range(7)]
    laptop.push([change(i, 0, n=n) for n, i in enumerate(ids)])
    seen, cursor, pages = [], 0, 0
    while True:
        page = desktop.pull(cursor, limit=3)
        seen += [r.id for r in page.changes]
        cursor, pages = page.cursor, pages + 1
        if not page.has_more:
            break
    assert seen == ids and pages == 3


def test_a_retried_push_is_applied_only_once(new_device: Callable[..., SyncServiceClient]) -> None:
    laptop, desktop = new_device("a@example.com"), new_device("a@example.com")
    edit = change(new_id(), 0, title="Diya")
    first = laptop.push([edit])
    again = laptop.push([edit])  # the answer was lost on the way back; the device sends the same change
    assert again == first
    assert len(desktop.pull(0).changes) == 1


def test_a_stale_edit_becomes_a_conflict_and_nothing_is_lost(new_device: Callable[..., SyncServiceClient]) -> None:
    laptop, desktop = new_device("a@example.com", "Laptop"), new_device("a@example.com", "Shop PC")
    pid = new_id()
    laptop.push([change(pid, 0, title="Diya", price="100")])
    desktop.pull_all(0)
    laptop.push([change(pid, 1, title="Diya", price="120")])
    [outcome] = desktop.push([change(pid, 1, title="Brass diya", price="100")])
    assert outcome.status == "conflict" and outcome.version == 2
    conflict = outcome.conflict
    assert conflict is not None
    assert conflict.data == {"title": "Brass diya", "price": "100"} and conflict.device_name == "Shop PC"
    assert conflict.current is not None and conflict.current.data["price"] == "120"
    # Both devices see it waiting for the seller.
    assert [c.conflict_id for c in laptop.conflicts()] == [conflict.conflict_id]
    assert laptop.pull(0).open_conflicts == 1
    # Retrying the losing push returns the same conflict, not a second one.
    assert desktop.push([RecordChange("product", pid, 1, {"title": "Brass diya", "price": "100"}, NOW,
                                      change_id=outcome.change_id)])[0].conflict == conflict
    assert len(desktop.conflicts()) == 1


def test_the_same_edit_on_two_devices_is_not_a_conflict(new_device: Callable[..., SyncServiceClient]) -> None:
    laptop, desktop = new_device("a@example.com"), new_device("a@example.com")
    pid = new_id()
    laptop.push([change(pid, 0, title="Diya")])
    laptop.push([change(pid, 1, title="Diya", sold=True)])
    [outcome] = desktop.push([change(pid, 1, title="Diya", sold=True)])
    assert (outcome.status, outcome.version) == ("unchanged", 2)
    laptop.push([change(pid, 2, deleted=True)])
    assert desktop.push([change(pid, 2, deleted=True)])[0].status == "unchanged"
    assert desktop.conflicts() == []


@pytest.mark.parametrize("choice", ["current", "conflict", "merged"])
def test_resolving_a_conflict(new_device: Callable[..., SyncServiceClient], choice: str) -> None:
    laptop, desktop = new_device("a@example.com"), new_device("a@example.com")
    pid = new_id()
    laptop.push([change(pid, 0, title="A")])
    laptop.push([change(pid, 1, title="B")])
    conflict = desktop.push([change(pid, 1, title="C")])[0].conflict
    assert conflict is not None
    merged = {"title": "B and C"} if choice == "merged" else None
    record = desktop.resolve_conflict(conflict.conflict_id, choice, base_version=2, data=merged)
    expected = {"current": ("B", 2), "conflict": ("C", 3), "merged": ("B and C", 3)}[choice]
    assert record is not None and (record.data["title"], record.version) == expected
    assert laptop.conflicts() == []
    # The other device learns the outcome through an ordinary pull.
    latest = {r.id: r for r in laptop.pull_all(0, include_own=True)[0]}[pid]
    assert (latest.data["title"], latest.version) == expected
    with pytest.raises(ServiceConflict) as again:
        desktop.resolve_conflict(conflict.conflict_id, "current", base_version=expected[1])
    assert again.value.code == "already_resolved"


def test_a_resolution_based_on_an_old_version_is_refused(new_device: Callable[..., SyncServiceClient]) -> None:
    laptop, desktop = new_device("a@example.com"), new_device("a@example.com")
    pid = new_id()
    laptop.push([change(pid, 0, title="A")])
    conflict = desktop.push([change(pid, 5, title="stale")])[0].conflict
    assert conflict is not None
    laptop.push([change(pid, 1, title="newer")])  # the record moves on while the seller is deciding
    with pytest.raises(ServiceConflict) as refused:
        desktop.resolve_conflict(conflict.conflict_id, "conflict", base_version=1)
    assert refused.value.code == "record_changed"
    assert desktop.resolve_conflict(conflict.conflict_id, "conflict", base_version=2) is not None


def test_two_devices_converge_after_offline_edits_on_both(new_device: Callable[..., SyncServiceClient]) -> None:
    laptop = Replica(new_device("seller@example.com", "Laptop"))
    shop = Replica(new_device("seller@example.com", "Shop PC"))
    stranger = new_device("someone.else@example.com")
    diya, lamp, scarf, setting = new_id(), new_id(), new_id(), new_id()
    laptop.edit(diya, title="Diya", price="100")
    laptop.edit(lamp, title="Lamp", price="900")
    assert laptop.sync() == [] and shop.sync() == []
    assert shop.records == laptop.records

    # Both go offline and edit: the same product differently, different products, a new product, a setting.
    laptop.edit(diya, price="120")
    laptop.edit(setting, currency="INR")
    shop.edit(diya, title="Brass diya")
    shop.edit(lamp, quantity=3)
    shop.edit(scarf, title="Silk scarf")
    shop.edit(setting, currency="USD")

    assert laptop.sync() == []  # first back online: everything applies
    conflicts = shop.sync()  # second: its diya and setting edits collide with the laptop's
    assert len(conflicts) == 2
    laptop.sync()
    assert laptop.records == shop.records  # converged on the server's versions ...
    assert laptop.records[diya] == {"title": "Diya", "price": "120"}
    assert laptop.records[lamp] == {"title": "Lamp", "price": "900", "quantity": 3}
    assert laptop.records[scarf] == {"title": "Silk scarf"}
    # ... and the losing edits are kept for the seller, not lost.
    waiting = {c.id: c for c in laptop.client.conflicts()}
    assert waiting[diya].data == {"title": "Brass diya", "price": "100"}
    assert waiting[setting].data == {"currency": "USD"}

    # The seller merges the diya by hand and keeps the laptop's currency; both devices end up identical.
    for record in (
        laptop.client.resolve_conflict(waiting[diya].conflict_id, "merged", base_version=laptop.versions[diya],
                                       data={"title": "Brass diya", "price": "120"}),
        laptop.client.resolve_conflict(waiting[setting].conflict_id, "current",
                                       base_version=laptop.versions[setting]),
    ):
        assert record is not None
        laptop.apply(record)  # the resolving device applies the answer; the others pull it
    laptop.sync()
    shop.sync()
    assert shop.records == laptop.records
    assert shop.records[diya] == {"title": "Brass diya", "price": "120"}
    assert laptop.client.conflicts() == []

    # Someone else's account sees none of it.
    assert stranger.pull_all(0) == ([], 0)
    assert stranger.conflicts() == []


def test_a_cursor_from_another_server_is_answered_with_a_restart(new_device: Callable[..., SyncServiceClient]) -> None:
    laptop = new_device("a@example.com")
    with pytest.raises(ServiceConflict) as ahead:
        laptop.pull(10_000)
    assert ahead.value.code == "cursor_ahead"  # what a desktop that sends no position expects
    with pytest.raises(ServiceConflict) as restored:
        laptop.pull(SyncPosition(10_000, epoch=""))
    assert restored.value.code == "service_restored"


def test_bad_changes_are_refused_whole(new_device: Callable[..., SyncServiceClient], http: httpx.Client) -> None:
    laptop = new_device("a@example.com")
    good = change(new_id(), 0, title="ok").as_json()
    for bad in ({**good, "kind": "Product!"}, {**good, "id": "not-a-uuid"}, {**good, "base_version": -1},
                {**good, "updated_at": "2026-03-01T09:30:00"}, {**good, "surprise": 1}):
        response = http.post("/v1/sync/push", headers=bearer(laptop), json={"changes": [good, bad]})
        assert response.status_code == 422, bad
    assert laptop.pull(0, include_own=True).changes == []


def test_push_size_limits(make_app: Callable[..., FastAPI], new_device: Callable[..., SyncServiceClient],
                          mailbox: Mailbox) -> None:
    app = make_app(push_max_changes=3, record_max_bytes=100)
    with open_http(app) as http:
        client = SyncServiceClient(PUBLIC_URL, http=http)
        sign_up(client, http, mailbox, "a@example.com", "long enough password", uuid.uuid4())
        too_many = http.post("/v1/sync/push", headers=bearer(client),
                             json={"changes": [change(new_id(), 0).as_json() for _ in range(4)]})
        assert too_many.status_code == 413 and too_many.json()["error"] == "too_many_changes"
        too_big = http.post("/v1/sync/push", headers=bearer(client),
                            json={"changes": [change(new_id(), 0, text="x" * 200).as_json()]})
        assert too_big.status_code == 413 and too_big.json()["error"] == "record_too_large"


def test_superseded_versions_are_pruned_after_the_retention_period(
        make_app: Callable[..., FastAPI], mailbox: Mailbox) -> None:
    app = make_app(sync_retention_seconds=0)
    with open_http(app) as http:
        laptop = SyncServiceClient(PUBLIC_URL, http=http)
        sign_up(laptop, http, mailbox, "a@example.com", "long enough password", uuid.uuid4())
        pid = new_id()
        for base in range(3):
            laptop.push([change(pid, base, n=base)])
        laptop.push([change(new_id(), 0)])
        housekeep(app.state.services)  # which drops versions superseded longer ago than the retention period
        records, _ = laptop.pull_all(0, include_own=True)
        # Only the latest version of the edited record is left: a late device still converges.
        assert [(r.id, r.version) for r in records if r.id == pid] == [(pid, 3)]


def test_concurrent_pushes_to_one_record_apply_exactly_one(app: FastAPI,
                                                          new_device: Callable[..., SyncServiceClient]) -> None:
    devices = [new_device("a@example.com", f"device {n}") for n in range(12)]
    pid = new_id()
    devices[0].push([change(pid, 0, title="start")])

    async def race() -> list[dict[str, Any]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
            async def one(n: int, device: SyncServiceClient) -> dict[str, Any]:
                body = {"changes": [change(pid, 1, title=f"edit {n}").as_json()]}
                response = await client.post("/v1/sync/push", json=body, headers=bearer(device))
                assert response.status_code == 200, response.text
                result: dict[str, Any] = response.json()["results"][0]
                return result
            return await asyncio.gather(*(one(n, d) for n, d in enumerate(devices)))

    results = asyncio.run(race())
    statuses = sorted(r["status"] for r in results)
    assert statuses == ["applied"] + ["conflict"] * 11
    records, _ = devices[0].pull_all(0, include_own=True)
    assert [r.version for r in records] == [1, 2]  # no lost update, no duplicate version
    assert len(devices[0].conflicts()) == 11

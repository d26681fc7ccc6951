"""A service restored from a backup tells every device so, whichever of them comes back first; numbers too large
for the database are refused in the usual JSON shape."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import delete

from server.admin import after_restore
from server.client import SyncServiceClient
from server.client_models import ServiceConflict, SyncPosition
from server.db import Database
from server.models import Account, SyncChange, SyncHead
from tests.server.conftest import bearer
from tests.server.test_sync import change, new_id


def _forget_after(db_url: str, seq: int) -> None:
    """What restoring a backup taken at ``seq`` does to the log: later changes are gone."""
    db = Database(db_url)
    with db.writer() as session:
        session.execute(delete(SyncChange).where(SyncChange.seq > seq))
        session.execute(delete(SyncHead).where(SyncHead.head_seq > seq))
        session.execute(Account.__table__.update().values(sync_seq=seq))
    db.close()


def test_a_device_whose_cursor_now_names_another_change_is_told(new_device: Callable[..., SyncServiceClient],
                                                                db_url: str) -> None:
    laptop, shop = new_device("a@example.com", "laptop"), new_device("a@example.com", "shop")
    laptop.push([change(new_id(), 0, title="kept")])
    _, kept = shop.pull_since(SyncPosition())
    shop.push([change(new_id(), 0, title="lost 1"), change(new_id(), 0, title="lost 2")])
    _, shop_at = laptop.pull_since(kept)
    assert shop_at.cursor == 3 and shop_at.change_id is not None and shop_at.epoch == ""

    _forget_after(db_url, kept.cursor)  # restored; then the shop pushes first and reuses numbers 2 and 3
    shop.push([change(new_id(), 0, title="new 1"), change(new_id(), 0, title="new 2")], kept)
    with pytest.raises(ServiceConflict) as pulled:
        laptop.pull(shop_at)
    assert pulled.value.code == "service_restored"
    with pytest.raises(ServiceConflict) as pushed:
        laptop.push([change(new_id(), 0, title="refused")], shop_at)
    assert pushed.value.code == "service_restored"
    everything, _ = laptop.pull_all(0, include_own=True)
    assert sorted(r.data["title"] for r in everything) == ["kept", "new 1", "new 2"]  # the refused push wrote nothing
    # A position the server still holds passes.
    assert laptop.pull(kept).changes


def test_after_restore_changes_the_epoch_every_device_checks(new_device: Callable[..., SyncServiceClient],
                                                             db_url: str) -> None:
    laptop = new_device("a@example.com", "laptop")
    laptop.push([change(new_id(), 0, title="one")])
    _, where = laptop.pull_since(SyncPosition())
    db = Database(db_url)
    try:
        assert after_restore(db) == 1
    finally:
        db.close()
    for attempt in (lambda: laptop.pull(where), lambda: laptop.push([change(new_id(), 0, title="x")], where)):
        with pytest.raises(ServiceConflict) as restored:
            attempt()
        assert restored.value.code == "service_restored"
    _, fresh = laptop.pull_since(SyncPosition())
    assert fresh.epoch and fresh.epoch != where.epoch
    assert laptop.pull(replace(where, epoch=fresh.epoch)).changes == []


def test_numbers_too_large_for_the_database_are_refused_as_invalid(new_device: Callable[..., SyncServiceClient],
                                                                   http: httpx.Client) -> None:
    laptop = new_device("a@example.com")
    good = change(new_id(), 0, title="ok").as_json()
    for bad in ({**good, "base_version": 2**70}, {**good, "base_version": 2**40}):
        response = http.post("/v1/sync/push", headers=bearer(laptop), json={"changes": [bad]})
        assert response.status_code == 422 and response.json()["error"] == "invalid_request"
    for cursor in (2**70, 2**64):
        response = http.get("/v1/sync/pull", headers=bearer(laptop), params={"cursor": cursor})
        assert response.status_code == 422 and response.json()["error"] == "invalid_request"
    response = http.post("/v1/sync/push", headers=bearer(laptop),
                         json={"changes": [good], "since": {"cursor": 2**70}})
    assert response.status_code == 422
    resolve = http.post(f"/v1/sync/conflicts/{uuid.uuid4()}/resolve", headers=bearer(laptop),
                        json={"choice": "conflict", "base_version": 2**70})
    assert resolve.status_code == 422


def test_data_plain_json_cannot_hold_is_refused_as_invalid(new_device: Callable[..., SyncServiceClient],
                                                           http: httpx.Client) -> None:
    laptop = new_device("a@example.com")
    template = ('{"changes":[{"change_id":"%s","kind":"product","id":"%s","base_version":0,'
                '"updated_at":"2026-01-01T00:00:00Z","data":%s}]}')
    deep = '{"x":' + "[" * 40 + "]" * 40 + "}"
    for data in ('{"price": Infinity}', '{"price": NaN}', '{"price": -Infinity}', '{"price": 1e999}', deep):
        response = http.post("/v1/sync/push", content=template % (uuid.uuid4(), uuid.uuid4(), data),
                             headers={**bearer(laptop), "Content-Type": "application/json"})
        assert response.status_code == 422 and response.json()["fields"][0]["field"] == "body.changes.0.data", data
    assert laptop.pull(0, include_own=True).changes == []

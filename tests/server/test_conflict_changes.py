"""A device that holds the conflict list (tagged by its ETag) is sent only what changed since: the conflicts kept,
settled, shown beside a record written since, or set aside by a computer renamed since. Applied to the list it
holds, that gives the list as it now is. A tag it cannot answer for (another account's, or from before settled
conflicts were pruned) or more changes than a page gets the whole list."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, select, update

from server import sync_engine
from server.client import SyncServiceClient
from server.client_models import ConflictInfo, ConflictListing
from server.models import Account, SyncConflict
from tests.server.conftest import bearer
from tests.server.test_sync import change, new_id

CONFLICTS = "/v1/sync/conflicts"


def _applied(held: list[ConflictInfo], delta: ConflictListing) -> dict[str, ConflictInfo]:
    assert delta.gone is not None  # only the changes
    now = {c.conflict_id: c for c in held if c.conflict_id not in delta.gone}
    return now | {c.conflict_id: c for c in delta.conflicts}


def test_only_what_changed_since_the_held_list_is_sent(new_device: Callable[..., SyncServiceClient]) -> None:
    laptop, shop = new_device("a@example.com", "laptop"), new_device("a@example.com", "shop")
    ids = [new_id() for _ in range(5)]
    laptop.push([change(i, 0, title="first") for i in ids])
    laptop.push([change(i, 1, title="laptop") for i in ids[:3]])
    outcomes = shop.push([change(i, 1, title="shop") for i in ids[:3]])
    held = shop.conflicts_if_changed(None)
    assert held is not None and held.gone is None and len(held.conflicts) == 3
    assert shop.conflicts_if_changed(held.etag) is None  # nothing changed: 304

    laptop.push([change(ids[0], 2, title="laptop again")])  # a record with a conflict is written
    laptop.push([change(ids[4], 1, title="laptop, no conflict")])  # one without: nothing to send for it
    late = shop.push([change(ids[3], 0, title="shop late")])[0].conflict  # a new conflict
    settled = outcomes[1].conflict
    assert late is not None and settled is not None
    laptop.resolve_conflict(settled.conflict_id, "current", 1)
    delta = shop.conflicts_if_changed(held.etag)
    assert delta is not None and delta.gone == [settled.conflict_id]
    assert {(c.id, c.current.data["title"] if c.current else None) for c in delta.conflicts} == {
        (ids[0], "laptop again"), (ids[3], "first")}
    whole = shop.conflicts_if_changed(None)
    assert whole is not None and delta.etag == whole.etag
    assert _applied(held.conflicts, delta) == {c.conflict_id: c for c in whole.conflicts}

    shop.rename_device("Shop PC")  # the computer that set them aside: each of its conflicts names it
    renamed = shop.conflicts_if_changed(delta.etag)
    assert renamed is not None and renamed.gone == [] and len(renamed.conflicts) == 3
    assert {c.device_name for c in renamed.conflicts} == {"Shop PC"}
    assert _applied(whole.conflicts, renamed) == {c.conflict_id: c for c in shop.conflicts()}


def test_a_tag_that_cannot_be_answered_for_gets_the_whole_list(app: FastAPI, http: httpx.Client,
                                                                 new_device: Callable[..., SyncServiceClient]) -> None:
    laptop, shop = new_device("a@example.com", "laptop"), new_device("a@example.com", "shop")
    other = new_device("b@example.com", "laptop")
    ids = [new_id() for _ in range(3)]
    laptop.push([change(i, 0, title="first") for i in ids])
    laptop.push([change(i, 1, title="laptop") for i in ids])
    shop.push([change(i, 1, title="shop") for i in ids])
    held = shop.conflicts_if_changed(None)
    assert held is not None and held.etag is not None
    laptop.push([change(i, 2, title="laptop again") for i in ids[:2]])

    def listed(device: SyncServiceClient, since: str, **params: int) -> dict[str, object]:
        answer = http.get(CONFLICTS, headers=bearer(device), params={"since": since, **params})
        assert answer.status_code == 200
        return dict(answer.json())

    assert listed(shop, held.etag)["changed"] is True
    assert listed(shop, "W/" + held.etag)["changed"] is True  # weakened by a compressing proxy: the same list
    assert listed(other, held.etag)["changed"] is False  # another account's tag: its own list, whole
    assert listed(shop, held.etag.replace(".", ".9", 1))["changed"] is False  # another epoch (a restore)
    assert listed(shop, "nonsense")["changed"] is False
    page = listed(shop, held.etag, limit=1)  # two changed, a page of one: the list as usual, page by page
    assert page["changed"] is False and len(page["conflicts"]) == 1 and page["next"]  # type: ignore[arg-type]
    with app.state.services.db.writer() as session:  # settled conflicts were pruned after the tag was handed out
        session.execute(update(Account).values(conflicts_floor=Account.conflicts_version))
        assert session.scalar(select(Account.conflicts_floor).where(Account.email == "a@example.com"))
    assert listed(shop, held.etag)["changed"] is False
    whole = shop.conflicts_if_changed(held.etag)
    assert whole is not None and whole.gone is None and len(whole.conflicts) == 3


def test_settled_conflicts_pruned_while_the_changes_are_read_send_the_whole_list(
        app: FastAPI, http: httpx.Client, new_device: Callable[..., SyncServiceClient],
        monkeypatch: pytest.MonkeyPatch) -> None:
    db = app.state.services.db
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite reads the whole answer from one snapshot: a prune cannot land in between")
    laptop, shop = new_device("a@example.com", "laptop"), new_device("a@example.com", "shop")
    ids = [new_id() for _ in range(2)]
    laptop.push([change(i, 0, title="first") for i in ids])
    laptop.push([change(i, 1, title="laptop") for i in ids])
    outcomes = shop.push([change(i, 1, title="shop") for i in ids])
    held = shop.conflicts_if_changed(None)
    settled = outcomes[0].conflict
    assert held is not None and held.etag is not None and settled is not None
    laptop.resolve_conflict(settled.conflict_id, "current", 1)
    read = sync_engine.changed_conflicts

    def pruned_meanwhile(*args: object, **kwargs: object) -> list[object]:
        rows = read(*args, **kwargs)  # type: ignore[arg-type]
        with db.writer() as session:  # housekeeping prunes it and moves the floor past the tag, and commits
            session.execute(delete(SyncConflict).where(SyncConflict.id == settled.conflict_id))
            session.execute(update(Account).values(conflicts_floor=Account.conflicts_version))
        return [row for row in rows if row.id != settled.conflict_id]  # (as the rows read after the prune)

    monkeypatch.setattr(sync_engine, "changed_conflicts", pruned_meanwhile)
    answer = http.get(CONFLICTS, headers=bearer(shop), params={"since": held.etag}).json()
    assert answer["changed"] is False and len(answer["conflicts"]) == 1  # the whole list: the settled one is gone

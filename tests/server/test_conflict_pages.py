"""Conflicts are listed a page at a time (none hidden however many), and the number of queries for a page or a
push does not grow with the number of conflicts in it. The list has an ETag, named by every pull too: while the
list stays the same it is answered 304 without a body, and it changes with every change a device would see."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from sqlalchemy import event, select, text

from server.client import SyncServiceClient
from server.client_models import ServiceConflict
from server.db import MIGRATIONS_DIR, Database, migrate
from server.models import Device
from tests.server.conftest import PASSWORD, PUBLIC_URL, bearer
from tests.server.test_sync import change, new_id


@contextmanager
def _counting(app: FastAPI) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = app.state.services.db.engine

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _conflicts(laptop: SyncServiceClient, shop: SyncServiceClient, n: int) -> list[str]:
    """``n`` records edited on both computers: the shop's edits lose. Returns the shop's push statuses."""
    ids = [new_id() for _ in range(n)]
    laptop.push([change(i, 0, title="first") for i in ids])
    laptop.push([change(i, 1, title="laptop") for i in ids])
    return [outcome.status for outcome in shop.push([change(i, 1, title="shop") for i in ids])]


def test_every_conflict_is_listed_page_by_page(new_device: Callable[..., SyncServiceClient],
                                               http: httpx.Client) -> None:
    laptop, shop = new_device("a@example.com", "laptop"), new_device("a@example.com", "shop")
    assert _conflicts(laptop, shop, 5) == ["conflict"] * 5
    seen, after = [], None
    while True:
        params = {"limit": 2} | ({"after": after} if after else {})
        body = http.get("/v1/sync/conflicts", headers=bearer(shop), params=params).json()
        seen += [c["conflict_id"] for c in body["conflicts"]]
        assert all(c["current"]["data"] == {"title": "laptop"} for c in body["conflicts"])
        after = body["next"]
        if after is None:
            break
    assert len(seen) == len(set(seen)) == 5
    assert sorted(c.conflict_id for c in shop.conflicts()) == sorted(seen)
    bad = http.get("/v1/sync/conflicts", headers=bearer(shop), params={"after": "yesterday|nope"})
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_request"


def test_queries_do_not_grow_with_the_number_of_conflicts(app: FastAPI,
                                                          new_device: Callable[..., SyncServiceClient]) -> None:
    laptop, shop = new_device("a@example.com", "laptop"), new_device("a@example.com", "shop")
    counts = {}
    for n in (2, 30):
        ids = [new_id() for _ in range(n)]
        laptop.push([change(i, 0, title="first") for i in ids])
        laptop.push([change(i, 1, title="laptop") for i in ids])
        with _counting(app) as pushed:
            assert {o.status for o in shop.push([change(i, 1, title="shop") for i in ids])} == {"conflict"}
        with _counting(app) as listed:
            assert len(shop.conflicts()) >= n
        counts[n] = (len(pushed), len(listed))
    assert counts[30] == counts[2], counts


def _etag(http: httpx.Client, device: SyncServiceClient) -> str:
    """The list's ETag as the conflicts route answers it (200), checked against what a pull names."""
    listed = http.get("/v1/sync/conflicts", headers=bearer(device))
    assert listed.status_code == 200
    device.pull(0)
    assert listed.headers["ETag"] == device.conflicts_etag and listed.headers["ETag"].startswith('"')
    return str(listed.headers["ETag"])


def _asked(http: httpx.Client, device: SyncServiceClient, etag: str) -> httpx.Response:
    return http.get("/v1/sync/conflicts", headers={**bearer(device), "If-None-Match": etag})


def test_an_unchanged_list_is_304_and_any_change_devices_see_is_a_new_etag(
        app: FastAPI, new_device: Callable[..., SyncServiceClient], http: httpx.Client) -> None:
    laptop, shop = new_device("a@example.com", "laptop"), new_device("a@example.com", "shop")
    empty = _etag(http, shop)
    assert _asked(http, shop, empty).status_code == 304
    ids = [new_id() for _ in range(3)]
    laptop.push([change(i, 0, title="first") for i in ids])
    laptop.push([change(i, 1, title="laptop") for i in ids[:2]])
    outcomes = shop.push([change(i, 1, title="shop") for i in ids[:2]])
    one = _etag(http, shop)
    assert one != empty
    with _counting(app) as statements:
        unchanged = _asked(http, shop, one)
    assert (unchanged.status_code, unchanged.content, unchanged.headers["ETag"]) == (304, b"", one)
    assert [s.split()[0] for s in statements if s != "BEGIN"] == ["SELECT"]  # the account's row, not the list
    assert _asked(http, shop, f'"x", W/{one}').status_code == 304
    # Records without a conflict change: the list does not.
    laptop.push([change(ids[2], 1, title="laptop alone")])
    assert _asked(http, shop, one).status_code == 304
    # A record with a conflict changes: each conflict is listed beside it, so the list did.
    laptop.push([change(ids[0], 2, title="laptop again")])
    changed = _asked(http, shop, one)
    assert changed.status_code == 200 and changed.headers["ETag"] != one
    assert {c["current"]["data"]["title"] for c in changed.json()["conflicts"]} == {"laptop again", "laptop"}
    two = changed.headers["ETag"]
    # A new conflict, then a settled one.
    shop.push([change(ids[2], 1, title="shop late")])
    three = _etag(http, shop)
    assert _asked(http, shop, two).status_code == 200 and three != two
    conflict = outcomes[1].conflict
    assert conflict is not None
    laptop.resolve_conflict(conflict.conflict_id, "current", 2)
    settled = _asked(http, shop, three)
    assert settled.status_code == 200 and settled.headers["ETag"] != three
    assert conflict.conflict_id not in {c["conflict_id"] for c in settled.json()["conflicts"]}
    assert shop.pull(0).open_conflicts == 2
    # The computer that set conflicts aside is renamed: they name it, so the list changed.
    four = settled.headers["ETag"]
    new_device("a@example.com", "laptop")
    assert _asked(http, shop, four).status_code == 304  # a new computer, nothing renamed
    with app.state.services.db.reader() as session:
        shop_uid = str(session.scalar(select(Device.device_uid).where(Device.name == "shop")))
    SyncServiceClient(PUBLIC_URL, http=http).login("a@example.com", PASSWORD, shop_uid, "shop downstairs")
    renamed = _asked(http, shop, four)
    assert renamed.status_code == 200 and renamed.json()["conflicts"][0]["device_name"] == "shop downstairs"
    laptop.rename_device("laptop")  # its name already
    assert _asked(http, shop, renamed.headers["ETag"]).status_code == 304
    shop.rename_device("Shop PC")
    again = _asked(http, shop, renamed.headers["ETag"])
    assert again.status_code == 200 and again.json()["conflicts"][0]["device_name"] == "Shop PC"


def test_another_accounts_conflicts_never_change_the_etag_nor_show(
        new_device: Callable[..., SyncServiceClient], http: httpx.Client) -> None:
    a_laptop, a_shop = new_device("a@example.com", "laptop"), new_device("a@example.com", "shop")
    b_laptop, b_shop = new_device("b@example.com", "laptop"), new_device("b@example.com", "shop")
    assert _conflicts(a_laptop, a_shop, 2) == ["conflict"] * 2
    a_tag = _etag(http, a_shop)
    assert _asked(http, b_shop, a_tag).status_code == 200  # A's tag never stands for B's list
    b_outcomes = _conflicts(b_laptop, b_shop, 3)
    assert b_outcomes == ["conflict"] * 3
    b_conflict = b_shop.conflicts()[0]
    b_laptop.resolve_conflict(b_conflict.conflict_id, "current", 2)
    unchanged = _asked(http, a_shop, a_tag)
    assert unchanged.status_code == 304
    listed = http.get("/v1/sync/conflicts", headers=bearer(a_shop))
    assert listed.headers["ETag"] == a_tag
    assert {c["current"]["data"]["title"] for c in listed.json()["conflicts"]} == {"laptop"}
    assert len(listed.json()["conflicts"]) == 2 and a_shop.pull(0).open_conflicts == 2
    assert b_shop.pull(0).open_conflicts == 2 and b_shop.conflicts_etag != a_tag


def test_paging_reaches_every_one_of_1500_conflicts_exactly_once(
        new_device: Callable[..., SyncServiceClient], http: httpx.Client) -> None:
    laptop, shop = new_device("a@example.com", "laptop"), new_device("a@example.com", "shop")
    assert _conflicts(laptop, shop, 1500) == ["conflict"] * 1500
    assert shop.pull(0, limit=1).open_conflicts == 1500
    seen, after, tags = [], None, set()
    while True:
        params = {"limit": 1000} | ({"after": after} if after else {})
        page = http.get("/v1/sync/conflicts", headers=bearer(shop), params=params)
        seen += [c["conflict_id"] for c in page.json()["conflicts"]]
        tags.add(page.headers["ETag"])
        after = page.json()["next"]
        if after is None:
            break
    assert len(seen) == len(set(seen)) == 1500 and tags == {shop.conflicts_etag}
    listing = shop.conflicts_if_changed(None)
    assert listing is not None and listing.gone is None
    assert sorted(c.conflict_id for c in listing.conflicts) == sorted(seen) and listing.etag == shop.conflicts_etag
    assert shop.conflicts_if_changed(listing.etag) is None


def test_a_resolve_refused_leaves_the_etag_alone(new_device: Callable[..., SyncServiceClient],
                                                 http: httpx.Client) -> None:
    laptop, shop = new_device("a@example.com", "laptop"), new_device("a@example.com", "shop")
    assert _conflicts(laptop, shop, 1) == ["conflict"]
    tag = _etag(http, shop)
    [conflict] = shop.conflicts()
    with pytest.raises(ServiceConflict, match="changed since"):
        shop.resolve_conflict(conflict.conflict_id, "conflict", 1)  # the record is at version 2 now
    assert _asked(http, shop, tag).status_code == 304


def test_the_migration_counts_the_conflicts_already_open(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'server.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")  # before the count was kept
        conn.execute(text("INSERT INTO accounts (id, email, password_hash, sync_seq, created_at) VALUES "
                          "(1, 'a@example.com', 'x', 0, '2026-03-01'), (2, 'b@example.com', 'x', 0, '2026-03-01')"))
        for n, resolved in enumerate((None, None, "2026-03-02")):
            conn.execute(text("INSERT INTO sync_conflicts (id, account_id, change_id, kind, record_id, base_version, "
                              "server_version, deleted, data, updated_at, created_at, resolved_at) VALUES "
                              "(:id, 1, :id, 'product', :id, 1, 2, 0, '{}', '2026-03-01', '2026-03-01', :resolved)"),
                         {"id": f"c{n}", "resolved": resolved})
    migrate(db)
    counts = _versions(db)
    assert [(account, open_now) for account, open_now, _version in counts] == [(1, 2), (2, 0)]
    # A list version handed out before a downgrade is never handed out again after the upgrade that follows it.
    handed_out = counts[0][2] + 500
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE accounts SET conflicts_version = :v WHERE id = 1"), {"v": handed_out})
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
        command.upgrade(cfg, "0005")
    assert all(version > handed_out for _account, _open, version in _versions(db))
    db.close()


def _versions(db: Database) -> list[tuple[int, int, int]]:
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, open_conflicts, conflicts_version FROM accounts ORDER BY id")).all()
    return [(row[0], row[1], row[2]) for row in rows]

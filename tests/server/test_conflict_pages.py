"""Conflicts are listed a page at a time (none hidden however many), and the number of queries for a page or a
push does not grow with the number of conflicts in it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
from fastapi import FastAPI
from sqlalchemy import event

from server.client import SyncServiceClient
from tests.server.conftest import bearer
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

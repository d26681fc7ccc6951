"""The daily totals kept by triggers always equal a recount from the raw rows, whoever writes them and how."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, update

from core.analytics.rollup import COUNTERS, ensure_zone
from core.db.crypto import attach_key
from core.db.database import Database, open_database
from core.db.migrate import alembic_config
from core.db.models import EngagementDaily, EngagementSnapshot, SaleEvent, SalesDaily

IST = ZoneInfo("Asia/Kolkata")
START = datetime(2025, 3, 29, tzinfo=UTC)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = open_database(tmp_path_factory.mktemp("rollup"))
    attach_key(database.engine, lambda: bytes(32))
    yield database
    database.dispose()


def _clear(db: Database) -> None:
    with db.session() as session:
        for table in (SaleEvent, EngagementSnapshot, SalesDaily, EngagementDaily):
            session.execute(delete(table))


def _recount_sales(db: Database, tz: ZoneInfo) -> dict:
    want: dict = defaultdict(lambda: [0, Decimal(0), 0, Decimal(0), Decimal(0), 0])
    with db.session() as session:
        rows = session.execute(select(SaleEvent.occurred_at, SaleEvent.platform, SaleEvent.currency, SaleEvent.kind,
                                      SaleEvent.amount, SaleEvent.quantity, SaleEvent.fees)).all()
    for when, platform, currency, kind, amount, quantity, fees in rows:
        refund = kind == "refund"
        amount, quantity = (abs(amount), abs(quantity)) if refund else (amount, quantity)
        entry = want[(when.astimezone(tz).date(), platform, currency, kind)]
        unfeed = (amount, quantity) if fees == 0 else (0, 0)
        for n, value in enumerate((1, amount, quantity, fees, *unfeed)):
            entry[n] += value
    return {key: tuple(value) for key, value in want.items()}


def _stored_sales(db: Database) -> dict:
    with db.session() as session:
        return {(r.day, r.platform, r.currency, r.kind): (r.events, r.amount, r.quantity, r.fees, r.amount_no_fees,
                                                          r.quantity_no_fees)
                for r in session.scalars(select(SalesDaily)) if r.events}


def _recount_engagement(db: Database, tz: ZoneInfo) -> dict:
    with db.session() as session:
        rows = session.execute(select(EngagementSnapshot.id, EngagementSnapshot.platform, EngagementSnapshot.remote_id,
                                      EngagementSnapshot.taken_at, *(getattr(EngagementSnapshot, c) for c in COUNTERS)
                                      )).all()
    posts: dict = defaultdict(list)
    for row in rows:
        posts[(row.platform, row.remote_id)].append(row)
    want: dict = defaultdict(lambda: [0] * len(COUNTERS))
    for (platform, _post), snaps in posts.items():
        previous = [0] * len(COUNTERS)
        for snap in sorted(snaps, key=lambda s: (s.taken_at, s.id)):
            counts = [getattr(snap, c) for c in COUNTERS]
            entry = want[(snap.taken_at.astimezone(tz).date(), platform)]
            for n in range(len(COUNTERS)):
                entry[n] += counts[n] - previous[n]
            previous = counts
    return {key: tuple(v) for key, v in want.items() if any(v)}


def _stored_engagement(db: Database) -> dict:
    with db.session() as session:
        return {(r.day, r.platform): tuple(getattr(r, c) for c in COUNTERS)
                for r in session.scalars(select(EngagementDaily)) if any(getattr(r, c) for c in COUNTERS)}


sale_rows = st.lists(st.fixed_dictionaries({
    "platform": st.sampled_from(["etsy", "offline"]), "currency": st.sampled_from(["INR", "USD"]),
    "kind": st.sampled_from(["sale", "sale", "refund", "lead"]),
    "minutes": st.integers(0, 4 * 24 * 60), "amount": st.integers(-500, 5000), "quantity": st.integers(-3, 5),
    "fees": st.sampled_from([0, 0, 12, 40]),
}), min_size=1, max_size=25)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=sale_rows,
       changes=st.lists(st.tuples(st.integers(0, 24), st.sampled_from(["amount", "kind", "when", "drop"])), max_size=8))
def test_sales_daily_equals_a_recount(db: Database, rows: list[dict], changes: list[tuple[int, str]]) -> None:
    _clear(db)
    ensure_zone(db, "Asia/Kolkata")
    with db.session() as session:  # written directly, as another part of SellerDesk might
        session.execute(insert(SaleEvent.__table__), [{
            "platform": r["platform"], "external_id": f"e{n}", "currency": r["currency"], "kind": r["kind"],
            "occurred_at": START + timedelta(minutes=r["minutes"]), "amount": Decimal(abs(r["amount"])) / 4
            if r["kind"] != "refund" else Decimal(r["amount"]) / 4, "quantity": abs(r["quantity"])
            if r["kind"] != "refund" else r["quantity"], "fees": Decimal(r["fees"]), "product_id": None,
            "buyer": None} for n, r in enumerate(rows)])
    with db.session() as session:
        for index, what in changes:
            target = SaleEvent.external_id == f"e{index % len(rows)}"
            if what == "drop":
                session.execute(delete(SaleEvent).where(target))
            elif what == "amount":
                session.execute(update(SaleEvent).where(target).values(amount=Decimal("77.25"), fees=Decimal(0)))
            elif what == "kind":
                session.execute(update(SaleEvent).where(target).values(kind="refund"))
            else:
                session.execute(update(SaleEvent).where(target).values(occurred_at=START + timedelta(hours=90)))
    assert _stored_sales(db) == _recount_sales(db, IST)


snapshots = st.lists(st.fixed_dictionaries({
    "post": st.sampled_from(["a", "b", "c"]), "platform": st.sampled_from(["instagram", "facebook"]),
    "hours": st.integers(0, 96), "likes": st.integers(0, 500), "reach": st.integers(0, 9000),
}), min_size=1, max_size=25)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(snaps=snapshots, drops=st.lists(st.integers(0, 24), max_size=5), moves=st.lists(st.integers(0, 24), max_size=3))
def test_engagement_daily_equals_a_recount(db: Database, snaps: list[dict], drops: list[int], moves: list[int]) -> None:
    _clear(db)
    ensure_zone(db, "Asia/Kolkata")
    with db.session() as session:
        for n, s in enumerate(snaps):  # one by one, in whatever order they come: late ones fit in between
            session.execute(insert(EngagementSnapshot.__table__).values(
                id=n + 1, platform=s["platform"], remote_id=s["post"], taken_at=START + timedelta(hours=s["hours"]),
                likes=s["likes"], comments=0, shares=0, saves=0, reach=s["reach"], impressions=0, clicks=0))
    with db.session() as session:
        for index in moves:
            session.execute(update(EngagementSnapshot).where(EngagementSnapshot.id == index % len(snaps) + 1)
                            .values(taken_at=START + timedelta(hours=50, minutes=index), likes=index * 3))
        for index in drops:
            session.execute(delete(EngagementSnapshot).where(EngagementSnapshot.id == index % len(snaps) + 1))
    assert _stored_engagement(db) == _recount_engagement(db, IST)


def test_a_change_of_time_zone_rebuilds_both(db: Database) -> None:
    _clear(db)
    ensure_zone(db, "Asia/Kolkata")
    with db.session() as session:
        session.execute(insert(SaleEvent.__table__), [
            {"platform": "etsy", "external_id": f"z{n}", "currency": "USD", "kind": "sale", "amount": Decimal(10),
             "quantity": 1, "fees": Decimal(0), "product_id": None, "buyer": None,
             "occurred_at": START + timedelta(hours=7 * n)} for n in range(30)])
        session.execute(insert(EngagementSnapshot.__table__), [
            {"platform": "instagram", "remote_id": "p", "taken_at": START + timedelta(hours=5 * n), "likes": 4 * n,
             "comments": n, "shares": 0, "saves": 0, "reach": 50 * n, "impressions": 0, "clicks": n}
            for n in range(30)])
    assert ensure_zone(db, "America/New_York") is True
    assert ensure_zone(db, "America/New_York") is False
    new_york = ZoneInfo("America/New_York")
    assert _stored_sales(db) == _recount_sales(db, new_york)
    assert _stored_engagement(db) == _recount_engagement(db, new_york)
    assert ensure_zone(db, "Asia/Kolkata") is True
    assert _stored_sales(db) == _recount_sales(db, IST)


def test_upgrading_an_older_database_files_existing_rows(tmp_path: Path) -> None:
    from alembic import command

    from core.db.database import Database as Db
    from core.db.migrate import upgrade_to_head

    old = Db(tmp_path / "old.db")
    config = alembic_config()
    with old.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
    with old.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO sale_events (platform, external_id, quantity, amount, fees, currency, occurred_at, kind) "
            "VALUES ('etsy', 'x1', 2, 125000, 0, 'INR', '2025-11-01 18:45:00.000000', 'sale'), "
            "('etsy', 'x2', 1, -50000, 0, 'INR', '2025-11-01 10:00:00.000000', 'refund')")
        conn.exec_driver_sql(
            "INSERT INTO engagement_snapshots (platform, remote_id, taken_at, likes, comments, shares, saves, reach, "
            "impressions, clicks) VALUES ('instagram', 'p', '2025-11-01 10:00:00.000000', 5, 0, 0, 0, 0, 0, 0), "
            "('instagram', 'p', '2025-11-01 19:00:00.000000', 12, 0, 0, 0, 0, 0, 0)")
    upgrade_to_head(old)
    assert _stored_sales(old) == _recount_sales(old, IST)
    assert _stored_engagement(old) == _recount_engagement(old, IST)
    # 18:45 and 19:00 UTC on the 1st are past midnight in India: filed under the 2nd, the others under the 1st.
    assert {day.day for day, *_ in _stored_sales(old)} == {1, 2}
    assert {day.day for day, _ in _stored_engagement(old)} == {1, 2}
    old.dispose()

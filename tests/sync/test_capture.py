"""The outbox without a service: every code path queues, nothing applied from the service is queued back, one bad
record does not stop a pull, and rows from before sync get their global ids."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from alembic import command
from sqlalchemy import select, update

from core.db.database import DB_FILE, Database, open_database
from core.db.migrate import alembic_config
from core.db.models import Product, PublishJob, SyncOutboxEntry
from core.products.csvio import import_products
from core.products.service import create_product, product_input, update_product
from core.sync import state
from core.sync.apply import apply_version, remember
from core.sync.capture import quietly
from core.sync.outbox import seed
from server.client_models import RecordVersion


def _outbox(db: Database) -> list[tuple[str, bool, dict]]:
    with db.session() as session:
        return [(e.kind, e.deleted, e.data) for e in session.scalars(select(SyncOutboxEntry).order_by(
            SyncOutboxEntry.id))]


def _record(kind: str, sync_id: str, data: dict, version: int = 1) -> RecordVersion:
    return RecordVersion(kind, sync_id, version, False, data, datetime(2026, 12, 1, tzinfo=UTC), version)


def test_every_write_path_queues_one_entry_per_record(app, tmp_path: Path) -> None:
    csv = tmp_path / "products.csv"
    csv.write_text("title,price,sku\nBowl,450,B1\nCup,120,C1\n", encoding="utf-8")
    import_products(app.db, csv, store=app.image_store, default_currency="INR")
    lamp = create_product(app.db, product_input({"title": "Lamp", "price": "500"}))
    update_product(app.db, lamp.id, {"title": "Brass lamp"})
    update_product(app.db, lamp.id, {"quantity": "3"})
    entries = _outbox(app.db)
    assert [(kind, data["title"]) for kind, _, data in entries] == [("product", "Bowl"), ("product", "Cup"),
                                                                    ("product", "Brass lamp")]
    assert entries[2][2]["quantity"] == 3 and not any(deleted for _, deleted, _ in entries)

    with app.db.session() as session:  # a bulk UPDATE bypasses the ORM's unit of work; it is queued all the same
        session.execute(update(Product).where(Product.id == lamp.id).values(quantity=7))
    assert _outbox(app.db)[-1][0:2] == ("product", False) and _outbox(app.db)[-1][2]["quantity"] == 7

    # A post travels with the computer that publishes it (only that one ever does: core.sync.moves); a listing's
    # follow-up job (stock, take-down) stays local, as listings do.
    with app.db.session() as session:
        session.add(PublishJob(product_id=lamp.id, platform="etsy", idempotency_key="k1", state="scheduled"))
    kind, deleted, data = _outbox(app.db)[-1]
    assert (kind, deleted, data["state"]) == ("publish_job", False, "scheduled")
    with app.db.session() as session:
        me = state.here(session.connection())
    assert (data["owner_device"], data["owner_name"]) == me
    before = len(_outbox(app.db))
    with app.db.session() as session:
        session.add(PublishJob(product_id=lamp.id, platform="shopify", idempotency_key="k2", state="scheduled",
                               action="stock"))
    assert len(_outbox(app.db)) == before


def test_nothing_queued_for_unchanged_content_or_applied_changes(app) -> None:
    lamp = create_product(app.db, product_input({"title": "Lamp", "price": "500"}))
    with app.db.session() as session:
        entry = session.scalars(select(SyncOutboxEntry)).one()
        remember(session, "product", entry.sync_id, 1, entry.data)  # as if pushed and applied
        session.delete(entry)
    with app.db.session() as session:  # written, but nothing that travels changed
        session.execute(update(Product).where(Product.id == lamp.id).values(title="Lamp"))
    assert _outbox(app.db) == []

    incoming = _record("product", "6a2b1c3d-0000-4000-8000-000000000001",
                       {"title": "Vase", "price": "900", "currency": "INR", "sku": "V1"})
    with app.db.session() as session:
        assert apply_version(quietly(session), incoming) == "applied"
    assert _outbox(app.db) == []
    with app.db.session() as session:
        assert session.scalars(select(Product.title).where(Product.sku == "V1")).one() == "Vase"


def test_a_record_that_breaks_a_constraint_is_skipped_not_fatal(app) -> None:
    lamp = create_product(app.db, product_input({"title": "Lamp", "price": "500"}))
    with app.db.session() as session:
        sync_id = session.get(Product, lamp.id).sync_id  # type: ignore[union-attr]
    # A copy without a platform breaks a NOT NULL constraint here, whatever the service accepted.
    clash = _record("content_draft", "6a2b1c3d-0000-4000-8000-000000000002",
                    {"product": sync_id, "platform": None, "title": "x"})
    fine = _record("product", "6a2b1c3d-0000-4000-8000-000000000003",
                   {"title": "Vase", "price": "900", "currency": "INR"})
    with app.db.session() as session:
        quietly(session)
        assert [apply_version(session, clash), apply_version(session, fine)] == ["failed", "applied"]
    with app.db.session() as session:
        assert sorted(session.scalars(select(Product.title))) == ["Lamp", "Vase"]


def test_rows_from_before_sync_get_global_ids_and_are_queued_at_sign_in(tmp_path: Path) -> None:
    old = Database(tmp_path / DB_FILE)
    cfg = alembic_config()
    with old.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0020")
        for title in ("Old lamp", "Old bowl"):
            conn.exec_driver_sql(
                "INSERT INTO products (title, description, price, currency, quantity, category, attributes, status,"
                f" language, created_at, updated_at) VALUES ('{title}', '', 4990000, 'INR', 1, '', '{{}}', 'draft',"
                " 'en', '2025-01-01 00:00:00', '2025-01-01 00:00:00')")
    old.dispose()
    db = open_database(tmp_path)
    try:
        with db.session() as session:
            ids = list(session.scalars(select(Product.sync_id)))
            assert len(set(ids)) == 2 and all(len(i) == 36 for i in ids)
            seed(session.connection(), datetime.now(UTC))
        assert [data["title"] for _, _, data in _outbox(db)] == ["Old lamp", "Old bowl"]
    finally:
        db.dispose()


def test_the_cost_price_travels_and_an_older_record_without_it_keeps_ours(app) -> None:
    lamp = create_product(app.db, product_input({"title": "Lamp", "price": "500", "cost_price": "180"}))
    assert _outbox(app.db)[-1][2]["cost_price"] == "180"
    update_product(app.db, lamp.id, {"cost_price": ""})  # cleared: not known
    assert _outbox(app.db)[-1][2]["cost_price"] is None

    vase = "6a2b1c3d-0000-4000-8000-000000000002"
    with app.db.session() as session:
        incoming = _record("product", vase, {"title": "Vase", "price": "900", "currency": "INR", "sku": "V2",
                                             "cost_price": "310.50"})
        assert apply_version(quietly(session), incoming) == "applied"
    with app.db.session() as session:
        assert session.scalars(select(Product.cost_price).where(Product.sku == "V2")).one() == Decimal("310.50")
    with app.db.session() as session:  # from a desktop that does not know costs yet: the cost stays
        older = _record("product", vase, {"title": "Tall vase", "price": "900", "currency": "INR", "sku": "V2"}, 2)
        assert apply_version(quietly(session), older) == "applied"
    with app.db.session() as session:
        row = session.scalars(select(Product).where(Product.sku == "V2")).one()
        assert (row.title, row.cost_price) == ("Tall vase", Decimal("310.50"))

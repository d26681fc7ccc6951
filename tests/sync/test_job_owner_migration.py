"""Migration 0100: publish jobs gain their owner computer and a pending move; existing jobs stay this computer's,
and going down and up again keeps the jobs and the index that allows one open job per product and platform.
Migration 0101: that index is per computer; going below it leaves open the post scheduled first, or the one that may
already be out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command

from core.app import App
from core.db.migrate import alembic_config
from core.db.models import PublishJob
from core.publishing.jobs import list_jobs
from tests.platforms.conftest import add_product


def test_down_and_up_keeps_jobs_and_the_open_job_index(app) -> None:
    product = add_product(app, platforms=("etsy",), photos=0)
    with app.db.session() as session:
        session.add(PublishJob(product_id=product, platform="etsy", idempotency_key="k1", state="scheduled"))
    cfg = alembic_config()
    with app.db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0090")
        columns = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(publish_jobs)")}
        assert not columns & {"owner_device", "owner_name", "move_to", "move_to_name"}
        command.upgrade(cfg, "head")
        indexes = {row[1] for row in conn.exec_driver_sql("PRAGMA index_list(publish_jobs)")}
    assert "uq_publish_jobs_open" in indexes
    (job,) = list_jobs(app.db)
    assert job.owned_here and job.owner_name is None and job.state == "scheduled"


def _two_posts_down_and_up(app: App, later: timedelta = timedelta(0), **second: object) -> list[tuple[str | None, str]]:
    """A post scheduled here, another of the same product for Etsy made ``later`` on the laptop (``second``'s
    fields), then the database taken below 0101 and back: each post's owner and state."""
    product = add_product(app, platforms=("etsy",), photos=0)
    with app.db.session() as session:
        first = PublishJob(product_id=product, platform="etsy", idempotency_key="k1", state="scheduled")
        session.add(first)
        session.flush()
        session.add(PublishJob(product_id=product, platform="etsy", idempotency_key="k2", owner_device="laptop",
                               owner_name="Laptop", created_at=first.created_at + later, **second))
    cfg = alembic_config()
    with app.db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0100")
        command.upgrade(cfg, "head")
    return [(job.owner_name, job.state) for job in list_jobs(app.db)]


def test_going_below_0101_keeps_the_post_scheduled_first_of_two_computers_open(app: App) -> None:
    assert _two_posts_down_and_up(app, state="scheduled") == [(None, "scheduled"), ("Laptop", "cancelled")]


# Cancelling the one being published (or whose outcome is unknown) would leave the other to go out a second time
# from the older SellerDesk: the post that may already be out stays open, as core.publishing.rivals decides.
@pytest.mark.parametrize("started", [{"state": "publishing"}, {"state": "failed", "outcome_unknown": True}])
def test_going_below_0101_keeps_the_post_that_may_be_out(app: App, started: dict[str, object]) -> None:
    assert _two_posts_down_and_up(app, timedelta(minutes=5), **started) == [(None, "cancelled"),
                                                                            ("Laptop", started["state"])]

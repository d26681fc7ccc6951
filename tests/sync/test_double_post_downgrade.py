"""Going below migration 0101 (one open post per product and platform again) keeps open the post that may already
be out, as core.publishing.rivals decides, and cancels the other: cancelling the one being published (or whose
outcome is unknown) would leave the other to go out a second time from the older SellerDesk."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command

from core.app import App
from core.db.migrate import alembic_config
from core.db.models import PublishJob
from core.publishing.jobs import list_jobs
from tests.platforms.conftest import add_product


@pytest.mark.parametrize("started", [{"state": "publishing"}, {"state": "failed", "outcome_unknown": True}])
def test_going_below_0101_keeps_the_post_that_may_be_out(app: App, started: dict[str, object]) -> None:
    product = add_product(app, platforms=("etsy",), photos=0)
    with app.db.session() as session:
        first = PublishJob(product_id=product, platform="etsy", idempotency_key="k1", state="scheduled")
        session.add(first)
        session.flush()
        session.add(PublishJob(product_id=product, platform="etsy", idempotency_key="k2", owner_device="laptop",
                               owner_name="Laptop", created_at=first.created_at + timedelta(minutes=5), **started))
    cfg = alembic_config()
    with app.db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0100")
        command.upgrade(cfg, "head")
    assert [(job.owner_name, job.state) for job in list_jobs(app.db)] == [(None, "cancelled"),
                                                                          ("Laptop", started["state"])]

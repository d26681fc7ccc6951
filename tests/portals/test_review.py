"""A new Meesho catalog waits in QC: SellerDesk reads the QC state until it is live or rejected, and a rejection
is shown on the listing with Meesho's reason; from the command line and the window."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import select

from core import cli
from core.db.models import Listing
from core.platforms.browser.review import check_reviews
from tests.portals.conftest import PortalEnv
from tests.portals.platform_page import click_on_page

EnvOf = Callable[[str], PortalEnv]


def test_qc_is_followed_until_live_or_rejected_with_the_reason(env_of: EnvOf,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    env = env_of("meesho")
    env.settle_earlier_reviews()
    passing = env.publish(env.add_product(sku="MEES-QC-PASS"))
    failing = env.publish(env.add_product(sku="MEES-QC-FAIL"))
    with env.app.db.session() as session:  # publishing the catalogs made each design's listing row
        made = session.scalars(select(Listing.remote_id).where(Listing.platform == "meesho")).all()
        assert {passing.remote_id, failing.remote_id} <= set(made)
    ours = {passing.remote_id, failing.remote_id}
    waiting = {(r.remote_id, r.state) for r in check_reviews(env.app, env.platform)}  # with each second design
    assert waiting >= {(passing.remote_id, "draft"), (failing.remote_id, "draft")}
    env.replica.set_status(passing.remote_id, "Live")
    env.replica.set_status(failing.remote_id, "QC Rejected", "Image has a watermark; use a clean product photo")
    env.platform._session.close_browser()  # the command opens the profile in a browser of its own
    assert cli.main(["--data-dir", str(env.app.data_dir), "--json", "platforms", "review", "meesho"]) == 0
    outcome = {r["remote_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert outcome[passing.remote_id]["state"] == "active"
    assert outcome[failing.remote_id]["state"] == "inactive"
    assert outcome[failing.remote_id]["reason"] == "Image has a watermark; use a clean product photo"
    with env.app.db.session() as session:
        note = session.scalars(select(Listing.note).where(Listing.remote_id == failing.remote_id)).one()
    assert note is not None and "rejected by Meesho (QC Rejected): Image has a watermark" in note
    assert not ours & {r.remote_id for r in check_reviews(env.app, env.platform)}  # settled: not read again


def test_check_review_status_in_the_window(env_of: EnvOf, qtbot) -> None:  # type: ignore[no-untyped-def]
    env = env_of("meesho")
    env.settle_earlier_reviews()
    listed = env.publish(env.add_product(sku="MEES-QC-WINDOW"))
    env.replica.set_status(listed.remote_id, "Live")
    env.platform._session.close_browser()
    detail, tasks = click_on_page(env.app, qtbot, "meesho", "review_button")
    qtbot.waitUntil(lambda: detail.reviews.isVisibleTo(detail), timeout=60_000)
    assert f"{listed.remote_id}) passed Meesho's review: Live." in detail.reviews.text()
    qtbot.waitUntil(lambda: not tasks._running, timeout=5_000)

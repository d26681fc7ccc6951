"""Meesho's QC followed by the publishing runner on its own: listings still in review are read every
``review.poll_minutes`` of resources/platforms/meesho.json, and a rejection reaches the seller as a notice with
Meesho's reason, without the seller asking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from core.db.models import Listing
from core.db.types import utcnow
from core.listings.polling import poll_due
from core.platforms.connections import get_preferences, set_preferences
from core.platforms.specs import get_spec
from core.publishing.events import PublishEvent
from core.publishing.service import Publisher
from tests.portals.conftest import PortalEnv

EnvOf = Callable[[str], PortalEnv]


def test_the_runner_reads_qc_hourly_and_tells_the_seller_of_a_rejection(env_of: EnvOf) -> None:
    env = env_of("meesho")
    env.settle_earlier_reviews()
    every = timedelta(minutes=get_spec("meesho").extra["review"]["poll_minutes"])
    assert every == timedelta(hours=1)
    passing = env.publish(env.add_product(sku="MEES-QC-AUTO-PASS"))
    failing = env.publish(env.add_product(sku="MEES-QC-AUTO-FAIL"))
    with env.app.db.session() as session:  # publishing the catalogs made each design's listing row
        made = session.scalars(select(Listing.remote_id).where(Listing.platform == "meesho")).all()
        assert {passing.remote_id, failing.remote_id} <= set(made)
    env.platform._session.close_browser()  # the runner opens the profile in a browser of its own
    set_preferences(env.app.db, "meesho", {"review_checked_at": None})
    ours = (passing.remote_id, failing.remote_id)

    def about_ours(lines: list[str]) -> list[str]:
        return [line for line in lines if any(f"{remote_id})" in line for remote_id in ours)]

    start = utcnow()
    try:
        assert about_ours(poll_due(env.app, now=start)) == []  # both still in QC: nothing to tell
        assert get_preferences(env.app.db, "meesho")["review_checked_at"] == start.isoformat()
        env.replica.set_status(passing.remote_id, "Live")
        env.replica.set_status(failing.remote_id, "QC Rejected", "Image has a watermark; use a clean product photo")
        assert about_ours(poll_due(env.app, now=start + every - timedelta(minutes=1))) == []  # not due yet
        events: list[PublishEvent] = []
        publisher = Publisher(env.app, clock=lambda: start + every)
        publisher.observers.add(events.append)
        publisher._poll()  # the runner's round, as its maintenance loop runs it
        notices = about_ours([e.message for e in events if e.kind == "notice"])
        assert len(notices) == 2
        rejected = (f", {failing.remote_id}) was rejected by Meesho (QC Rejected): Image has a watermark; use a "
                    "clean product photo. Fix it in the Meesho panel")
        assert any(n.startswith("Meesho: #") and rejected in n for n in notices)  # a warning, with the reason
        assert any(n.startswith("#") and f", {passing.remote_id}) passed Meesho's review: Live." in n for n in notices)
        with env.app.db.session() as session:
            note = session.scalars(select(Listing.note).where(Listing.remote_id == failing.remote_id)).one()
        assert note is not None and "rejected by Meesho (QC Rejected)" in note
        # Told once: a settled review is not read (nor told) again.
        assert about_ours(poll_due(env.app, now=start + 2 * every)) == []
    finally:
        set_preferences(env.app.db, "meesho", {"review_checked_at": None})

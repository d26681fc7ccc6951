"""Best times: the seller's history, else the documented defaults (selling on one channel and the others
following is in test_listing_lifecycle.py)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from core.app import App
from core.db.models import EngagementSnapshot
from core.publishing.best_time import best_time, default_slots, history_slots, suggest
from core.publishing.jobs import claim, create_job, move
from core.publishing.timezones import seller_zone
from tests.platforms.conftest import add_product

KOLKATA = seller_zone("Asia/Kolkata")


def test_defaults_until_there_is_history_then_the_sellers_own_best_hour(app: App) -> None:
    monday = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)  # Monday 05:30 IST
    assert history_slots(app.db, "instagram", KOLKATA) == []
    first = suggest(app.db, "instagram", KOLKATA, after=monday, count=1)[0]
    assert first.at == datetime(2026, 12, 8, 5, 30, tzinfo=UTC)  # Tuesday 11:00 IST, from best_times.json
    assert "commonly recommended" in first.reason
    assert {s.at for s in default_slots("no-such-platform")} == {time(10, 0), time(18, 0)}
    # Six posts: the ones made on Wednesdays at 20:00 IST did three times better than the rest.
    for n in range(6):
        wednesday = n % 2 == 0
        posted = datetime(2026, 11, 4 + 7 * (n // 2), 14, 30, tzinfo=UTC) if wednesday else \
            datetime(2026, 11, 2 + 7 * (n // 2), 4, 30, tzinfo=UTC)
        product = add_product(app, platforms=("instagram",), sku=f"S{n}", title=f"Post {n}")
        job = create_job(app.db, product, "instagram", at=posted, now=posted)
        claim(app.db, job.id, now=posted)
        move(app.db, job.id, "published", "done", remote_id=f"ig-{n}", published_at=posted)
        with app.db.session() as session:
            session.add(EngagementSnapshot(platform="instagram", remote_id=f"ig-{n}",
                                           taken_at=posted + timedelta(days=1), likes=30 if wednesday else 10))
    slots = history_slots(app.db, "instagram", KOLKATA)
    assert (slots[0].weekday, slots[0].at) == (2, time(20, 0))
    assert "get 1.5× your average (3 posts)" in slots[0].reason
    best = suggest(app.db, "instagram", KOLKATA, after=monday, count=1)[0]
    assert best.at == datetime(2026, 12, 9, 14, 30, tzinfo=UTC)
    assert best_time(app.db, "instagram", KOLKATA, after=monday).at <= best.at  # the soonest of the top slots

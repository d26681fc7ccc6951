"""Two computers that schedule the same product on the same platform before they sync: once synced, both hold both
posts and agree that the one scheduled first goes out; the other is held back with a plain reason (Schedule tab,
``jobs list``), never claimed, and goes out only if the first is cancelled. A post that already went out from one
computer holds back the other's, even with both publishers running. Against the real sync service."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import event, select

from core.db.models import Product, PublishJob
from core.db.types import utcnow
from core.publishing.jobs import JobView, claim, create_job, get_job, list_jobs
from core.publishing.reconcile import plan_start
from core.publishing.rivals import HELD_PAST_ITS_TIME, held_back
from core.publishing.service import Publisher
from desktop.schedule.tab import ScheduleTab
from tests.platforms.conftest import add_product
from tests.publishing.conftest import wait_for
from tests.publishing.schedule_tabs import shown_tab
from tests.sync.conftest import FAKE, Device, publisher_for

HELD_ON_SHOP = "Also scheduled on Laptop; that post goes out instead."
LIVE_ON_SHOP = "Already published from Laptop; this post is held back so it does not go out twice."


def _product_on(device: Device, sku: str = "MUG-1") -> int:
    with device.app.db.session() as session:
        found = session.scalar(select(Product.id).where(Product.sku == sku))
    assert found is not None
    return found


def _both_schedule(laptop: Device, shop: Device) -> tuple[JobView, JobView]:
    """The mug reaches both computers; then each schedules it before they sync again: the laptop first (for
    later), the shop computer a moment after (for sooner)."""
    add_product(laptop.app, platforms=(FAKE,), photos=0, sku="MUG-1", title="Blue Mug")
    laptop.sync()
    shop.sync()
    on_laptop = create_job(laptop.app.db, _product_on(laptop), FAKE, at=utcnow() + timedelta(hours=2))
    on_shop = create_job(shop.app.db, _product_on(shop), FAKE, at=utcnow() + timedelta(hours=1))
    for device in (laptop, shop, laptop):
        device.sync()
    return on_laptop, on_shop


def _jobs_by_owner(device: Device) -> dict[str | None, JobView]:
    jobs = list_jobs(device.app.db)
    assert len(jobs) == 2, jobs
    return {job.owner_name: job for job in jobs}


def test_both_computers_agree_which_post_goes_out_and_cancelling_it_lets_the_other_go(computers, cli) -> None:
    laptop, shop = computers
    on_laptop, on_shop = _both_schedule(laptop, shop)

    seen_on_shop = _jobs_by_owner(shop)
    assert seen_on_shop["Laptop"].held_back is None
    assert seen_on_shop[None].id == on_shop.id and seen_on_shop[None].held_back == HELD_ON_SHOP
    seen_on_laptop = _jobs_by_owner(laptop)
    assert seen_on_laptop[None].id == on_laptop.id and seen_on_laptop[None].held_back is None
    assert seen_on_laptop["Shop PC"].held_back == \
        "Also scheduled on this computer; that post goes out instead."
    on_shop_cli = ("--data-dir", str(shop.app.data_dir), "jobs")
    listed = cli(*on_shop_cli, "list").out.splitlines()
    assert [line.split("  ")[3] for line in listed[1:]] == ["Held back", "Scheduled"]
    assert f"  status: {HELD_ON_SHOP}" in cli(*on_shop_cli, "show", str(on_shop.id)).out.splitlines()
    assert claim(shop.app.db, on_shop.id, now=utcnow()) is None  # the runner's last check refuses it

    Publisher(laptop.app).cancel(on_laptop.id)  # the seller chooses the shop computer's post after all
    laptop.sync()
    shop.sync()
    assert get_job(shop.app.db, on_shop.id).held_back is None
    assert _jobs_by_owner(laptop)["Shop PC"].held_back is None
    assert claim(shop.app.db, on_shop.id, now=utcnow()) is not None


def test_a_post_already_out_from_one_computer_is_not_sent_again_from_the_other(computers, fake_shop,
                                                                               run_publishing) -> None:
    laptop, shop = computers
    add_product(laptop.app, platforms=(FAKE,), photos=0, sku="MUG-1", title="Blue Mug")
    laptop.sync()
    shop.sync()
    # The shop computer schedules the mug first, but does not sync before the laptop posts it.
    on_shop = create_job(shop.app.db, _product_on(shop), FAKE, at=utcnow() + timedelta(minutes=30))
    on_laptop = create_job(laptop.app.db, _product_on(laptop), FAKE, at=utcnow() - timedelta(seconds=1))
    run_publishing(laptop)
    wait_for(lambda: get_job(laptop.app.db, on_laptop.id).state == "published", message="published from laptop")
    laptop.sync()
    shop.sync()

    mine = get_job(shop.app.db, on_shop.id)
    assert (mine.state, mine.held_back, mine.note) == ("scheduled", LIVE_ON_SHOP, LIVE_ON_SHOP)
    Publisher(shop.app).reschedule(on_shop.id, utcnow() - timedelta(seconds=1))  # due now on the shop computer
    run_publishing(shop)
    time.sleep(0.8)  # several of the shop publisher's rounds (poll_seconds 0.2) with its post due
    assert len(fake_shop.items) == 1 and get_job(shop.app.db, on_shop.id).state == "scheduled"


def _stored_note(device: Device, job_id: int) -> str | None:
    with device.app.db.session() as session:
        return session.scalar(select(PublishJob.note).where(PublishJob.id == job_id))


def test_a_post_held_back_past_its_time_goes_out_once_released_not_missed(computers, fake_shop,
                                                                          run_publishing) -> None:
    laptop, shop = computers
    on_laptop, on_shop = _both_schedule(laptop, shop)
    Publisher(shop.app).reschedule(on_shop.id, utcnow() - timedelta(hours=2))  # far past the 30-minute grace
    run_publishing(shop)
    wait_for(lambda: _stored_note(shop, on_shop.id) == HELD_PAST_ITS_TIME, message="held past its time")
    writes: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE PUBLISH_JOBS"):
            writes.append(statement)

    event.listen(shop.app.db.engine, "before_cursor_execute", seen)
    try:
        time.sleep(0.6)  # several of the shop publisher's rounds (poll_seconds 0.2) with its post late and held
    finally:
        event.remove(shop.app.db.engine, "before_cursor_execute", seen)
    assert get_job(shop.app.db, on_shop.id).state == "scheduled" and not fake_shop.items
    assert not writes  # the note was written once: a round takes no write lock for it again

    Publisher(laptop.app).cancel(on_laptop.id)  # the seller lets the shop computer's post go after all
    laptop.sync()
    shop.sync()
    wait_for(lambda: get_job(shop.app.db, on_shop.id).state == "published", message="released and published")
    assert len(fake_shop.items) == 1


def test_a_post_held_back_past_its_time_is_not_missed_at_the_next_start_either(computers) -> None:
    laptop, shop = computers
    on_laptop, on_shop = _both_schedule(laptop, shop)
    Publisher(shop.app).reschedule(on_shop.id, utcnow() - timedelta(hours=2))
    grace = timedelta(minutes=30)
    plan = plan_start(shop.app.db, utcnow(), grace)  # SellerDesk starts on the shop computer
    assert on_shop.id not in {job.id for job in plan.missed + plan.run_now}
    assert _stored_note(shop, on_shop.id) == HELD_PAST_ITS_TIME  # (the view shows why it is held)
    Publisher(laptop.app).cancel(on_laptop.id)
    laptop.sync()
    shop.sync()
    assert on_shop.id in {job.id for job in plan_start(shop.app.db, utcnow(), grace).run_now}


@pytest.fixture
def shop_tab(qtbot, computers, tmp_path) -> Iterator[ScheduleTab]:
    """The shop computer's Schedule tab, publishing as its window does."""
    yield from shown_tab(qtbot, computers[1].app, publisher_for(computers[1], tmp_path))


def test_the_schedule_tab_says_which_post_is_held_back_and_why(qtbot, computers, shop_tab, tmp_path) -> None:
    laptop, shop = computers
    _on_laptop, on_shop = _both_schedule(laptop, shop)
    shop_tab.reload()
    table = shop_tab.status.table
    rows = {table.item(row, 2).text(): row for row in range(table.rowCount())}
    assert set(rows) == {"Held back", "Scheduled on Laptop"}
    held = rows["Held back"]
    rect = table.visualItemRect(table.item(held, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert shop_tab.status.selected_id() == on_shop.id
    assert HELD_ON_SHOP in shop_tab.status.detail.text() and shop_tab.status.cancel.isEnabled()
    assert HELD_ON_SHOP in table.item(held, 0).toolTip()
    shop_tab.grab().save(str(tmp_path / "schedule-held-back.png"))


def _at(text: str) -> datetime:
    return utcnow().replace(hour=int(text[:2]), minute=int(text[3:]), second=0, microsecond=0)


def _post(app, product: int, key: str, *, owner: str | None, created: str, state: str = "scheduled",
          unknown: bool = False, published: str | None = None, platform: str = FAKE) -> int:
    with app.db.session() as session:
        job = PublishJob(product_id=product, platform=platform, state=state, idempotency_key=key, sync_id=key,
                         owner_device=owner, owner_name=owner and owner.upper(), outcome_unknown=unknown,
                         created_at=_at(created), published_at=published and _at(published))
        session.add(job)
        session.flush()
        return job.id


def _id(app, key: str) -> int:
    with app.db.session() as session:
        return int(session.scalar(select(PublishJob.id).where(PublishJob.sync_id == key)))


def _reasons(app, me: str = "me") -> dict[int, str]:
    with app.db.session() as session:
        return held_back(session, me)


def test_the_post_that_goes_out_is_decided_the_same_way_everywhere(app) -> None:
    product = add_product(app, platforms=(FAKE, "instagram"), photos=0)
    here = _post(app, product, "a", owner=None, created="10:00")
    first = _post(app, product, "b", owner="laptop", created="10:00")
    tie = _post(app, product, "c", owner="zeta", created="10:00")
    _post(app, product, "g", owner="early", created="10:01")
    assert set(_reasons(app)) == {here, tie, _id(app, "g")}  # scheduled first, then the smaller device id
    assert set(_reasons(app, me="aaa")) == {first, tie, _id(app, "g")}  # this computer's id counts like any other
    with app.db.session() as session:
        session.get(PublishJob, tie).outcome_unknown = True
    assert set(_reasons(app)) == {here, first, _id(app, "g")}  # an attempt that may be out is never held back

    # On a platform of posts, one published before this post was scheduled is an earlier post, not this one.
    _post(app, product, "d", owner="laptop", created="09:00", state="published", published="09:30",
          platform="instagram")
    repost = _post(app, product, "e", owner=None, created="09:45", platform="instagram")
    raced = _post(app, product, "f", owner="zeta", created="09:15", platform="instagram")
    reasons = _reasons(app)
    assert repost not in reasons and reasons[raced].startswith("Already published from LAPTOP")

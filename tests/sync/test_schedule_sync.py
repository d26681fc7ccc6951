"""Scheduled posts on every computer: a post made on the laptop shows on the shop computer as "scheduled on
Laptop", only the laptop ever publishes it, and moving it hands it over safely (the laptop stops before the shop
computer starts), against the real sync service with both computers' publishers running."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from core.db.types import utcnow
from core.errors import ValidationError
from core.publishing.jobs import JobView, claim, create_job, get_job, list_jobs, move
from core.publishing.service import Publisher
from core.sync.conflicts import ConflictView
from core.sync.moves import request_move
from desktop.schedule.calendar import PostChip
from desktop.schedule.tab import ScheduleTab
from tests.platforms.conftest import add_product
from tests.publishing.conftest import wait_for
from tests.publishing.schedule_tabs import shown_tab
from tests.sync.conftest import FAKE, Device, publisher_for


def _only_job(device: Device) -> JobView:
    jobs = list_jobs(device.app.db)
    assert len(jobs) == 1, jobs
    return jobs[0]


def _schedule_on_laptop(laptop: Device, shop: Device, at_minutes: float = 60) -> JobView:
    product = add_product(laptop.app, platforms=(FAKE,), photos=0, sku="MUG-1", title="Blue Mug")
    job = create_job(laptop.app.db, product, FAKE, at=utcnow() + timedelta(minutes=at_minutes))
    laptop.sync()
    shop.sync()
    return job


def _due_now(laptop: Device, shop: Device, job: JobView) -> None:
    """The laptop's seller moves the post to now (as Publish now does) and both computers sync."""
    publisher = Publisher(laptop.app)  # not started: only writes the change, as a second window would
    publisher.reschedule(job.id, utcnow() - timedelta(seconds=1))
    laptop.sync()
    shop.sync()


def test_a_post_made_on_the_laptop_shows_on_the_shop_computer_read_only(computers, fake_shop) -> None:
    laptop, shop = computers
    made = _schedule_on_laptop(laptop, shop)

    seen = _only_job(shop)
    assert (seen.owner_name, seen.owned_here, seen.state, seen.platform) == ("Laptop", False, "scheduled", FAKE)
    assert seen.scheduled_at == made.scheduled_at and seen.product_title == "Blue Mug"
    assert _only_job(laptop).owned_here and _only_job(laptop).owner_name is None
    # Read-only there: no reschedule, retry or cancel changes the laptop's post from the shop computer.
    shop_publisher = Publisher(shop.app)
    for act in (lambda: shop_publisher.cancel(seen.id), lambda: shop_publisher.retry(seen.id),
                lambda: shop_publisher.reschedule(seen.id, utcnow() + timedelta(hours=2))):
        with pytest.raises(ValidationError, match="scheduled on Laptop"):
            act()
    assert _only_job(shop).state == "scheduled"


def test_only_the_owner_publishes_even_with_both_computers_running(computers, fake_shop, run_publishing) -> None:
    laptop, shop = computers
    job = _schedule_on_laptop(laptop, shop)
    shop_publisher = run_publishing(shop)
    _due_now(laptop, shop, job)
    assert _only_job(shop).due is not None and _only_job(shop).due <= utcnow()
    time.sleep(1.0)  # several of the shop publisher's rounds (poll_seconds 0.2) with the post due
    assert fake_shop.items == {} and _only_job(shop).state == "scheduled"
    assert claim(shop.app.db, _only_job(shop).id, now=utcnow()) is None  # the claim itself refuses it there

    run_publishing(laptop)
    wait_for(lambda: get_job(laptop.app.db, job.id).state == "published", message="published from the laptop")
    laptop.sync()
    shop.sync()
    assert len(fake_shop.items) == 1
    assert _only_job(shop).state == "published" and _only_job(shop).remote_url
    assert shop_publisher.is_runner


def test_moving_a_post_makes_the_new_computer_publish_it_once_and_the_old_never(computers, fake_shop,
                                                                                run_publishing) -> None:
    laptop, shop = computers
    job = _schedule_on_laptop(laptop, shop)
    laptop_publisher, _shop_publisher = run_publishing(laptop), run_publishing(shop)
    shop_job = _only_job(shop)

    assert request_move(shop.app.db, shop_job.id) == "Laptop"
    asked = _only_job(shop)
    assert (asked.owner_name, asked.moving_to, asked.moving_here) == ("Laptop", "this computer", True)
    shop.sync()
    laptop.sync()  # the laptop hands it over in this round
    handed = get_job(laptop.app.db, job.id)
    assert (handed.owned_here, handed.owner_name) == (False, "Shop PC")
    with pytest.raises(ValidationError, match="scheduled on Shop PC"):
        laptop_publisher.reschedule(job.id, utcnow())
    assert claim(laptop.app.db, job.id, now=utcnow()) is None

    shop.sync()
    arrived = _only_job(shop)
    assert arrived.owned_here and arrived.moving_to is None and arrived.state == "scheduled"
    # Now the shop computer's seller publishes it now; both publishers run, one post goes out, from the shop.
    Publisher(shop.app).reschedule(arrived.id, utcnow() - timedelta(seconds=1))
    wait_for(lambda: _only_job(shop).state == "published", message="published from the shop computer")
    shop.sync()
    laptop.sync()
    time.sleep(0.6)
    assert len(fake_shop.items) == 1
    back_home = get_job(laptop.app.db, job.id)
    assert back_home.state == "published" and back_home.owner_name == "Shop PC"
    assert laptop_publisher.is_runner


def test_a_move_waits_for_an_offline_owner_and_nothing_is_published_meanwhile(computers, fake_shop,
                                                                           run_publishing) -> None:
    laptop, shop = computers
    job = _schedule_on_laptop(laptop, shop)
    _due_now(laptop, shop, job)  # due, but the laptop's SellerDesk is closed and then offline
    laptop.network.online = False
    run_publishing(shop)
    request_move(shop.app.db, _only_job(shop).id)
    assert shop.sync().pushed == 1  # the request
    assert shop.sync().pushed == 0  # kept waiting, not sent again
    time.sleep(0.6)
    waiting = _only_job(shop)
    assert (waiting.owner_name, waiting.moving_to, waiting.state) == ("Laptop", "this computer", "scheduled")
    assert fake_shop.items == {}

    laptop.network.online = True
    laptop.sync()
    shop.sync()
    wait_for(lambda: _only_job(shop).state == "published", message="published from the shop computer")
    assert len(fake_shop.items) == 1 and get_job(laptop.app.db, job.id).state == "scheduled"


def test_a_post_being_published_or_done_is_never_moved(computers, fake_shop) -> None:
    laptop, shop = computers
    job = _schedule_on_laptop(laptop, shop)
    shop_id = _only_job(shop).id
    request_move(shop.app.db, shop_id)  # asked while it was scheduled…
    shop.sync()
    # …but before the request reaches it, the laptop's post comes due and its attempt starts.
    Publisher(laptop.app).reschedule(job.id, utcnow() - timedelta(seconds=1))
    assert claim(laptop.app.db, job.id, now=utcnow()) is not None
    laptop.sync()  # the request arrives mid-attempt: not handed over
    assert get_job(laptop.app.db, job.id).owned_here
    shop.sync()
    with pytest.raises(ValidationError, match="being published right now"):
        request_move(shop.app.db, shop_id)
    assert _only_job(shop).moving_to is None  # the unanswerable request was withdrawn

    # The attempt ends as the platform answers.
    move(laptop.app.db, job.id, "published", "published", expect=("publishing",), remote_id="1",
         published_at=utcnow())
    laptop.sync()
    shop.sync()
    assert get_job(laptop.app.db, job.id).owned_here and _only_job(shop).state == "published"
    with pytest.raises(ValidationError, match="already published"):
        request_move(shop.app.db, shop_id)


@pytest.fixture
def shop_tab(qtbot, computers, tmp_path) -> Iterator[ScheduleTab]:
    """The shop computer's Schedule tab, publishing as its window does."""
    yield from shown_tab(qtbot, computers[1].app, publisher_for(computers[1], tmp_path))


def _chips(tab: ScheduleTab) -> list[PostChip]:
    return [chip for cell in tab.calendar.cells for chip in cell.chips]


def _row(tab: ScheduleTab, job_id: int) -> int:
    tab.status.select(job_id)
    return tab.status.table.currentRow()


def test_the_schedule_tab_shows_the_owner_and_moves_a_post_here_by_click(qtbot, computers, fake_shop,
                                                                          shop_tab: ScheduleTab) -> None:
    laptop, shop = computers
    job = _schedule_on_laptop(laptop, shop)
    shop_tab.reload()
    seen = _only_job(shop)
    row = _row(shop_tab, seen.id)
    assert shop_tab.status.table.item(row, 2).text() == "Scheduled on Laptop"
    assert "Laptop publishes this post" in shop_tab.status.detail.text()
    assert not shop_tab.status.retry.isEnabled() and not shop_tab.status.cancel.isEnabled()
    assert shop_tab.status.move_here.isVisible() and shop_tab.status.move_here.isEnabled()
    qtbot.waitUntil(lambda: len(_chips(shop_tab)) == 1)
    chips = _chips(shop_tab)
    assert len(chips) == 1 and not chips[0].draggable and "Scheduled on Laptop" in chips[0].toolTip()

    with qtbot.waitSignal(shop_tab.message) as said:
        qtbot.mouseClick(shop_tab.status.move_here, Qt.MouseButton.LeftButton)
    assert said.args[0].startswith("Asked Laptop to hand the post over")
    qtbot.waitUntil(lambda: shop_tab.status.jobs[seen.id].moving_here)
    row = _row(shop_tab, seen.id)
    assert shop_tab.status.table.item(row, 2).text() == "Moving here from Laptop"
    assert shop_tab.status.detail.text() == "Laptop hands it over at its next sync; until then it stays there."
    assert not shop_tab.status.move_here.isEnabled()  # asked once
    assert fake_shop.items == {}

    shop.sync()
    laptop.sync()
    shop.sync()
    shop_tab.reload()
    row = _row(shop_tab, seen.id)
    assert shop_tab.status.table.item(row, 2).text() == "Scheduled"
    assert shop_tab.status.cancel.isEnabled() and not shop_tab.status.move_here.isVisible()
    assert get_job(laptop.app.db, job.id).owner_name == "Shop PC"
    # Now the shop computer's own: Cancel by click works here.
    qtbot.mouseClick(shop_tab.status.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _only_job(shop).state == "cancelled")


def test_moving_a_post_that_started_publishing_is_refused_in_the_window(qtbot, computers, shop_tab) -> None:
    laptop, shop = computers
    job = _schedule_on_laptop(laptop, shop)
    Publisher(laptop.app).reschedule(job.id, utcnow() - timedelta(seconds=1))
    assert claim(laptop.app.db, job.id, now=utcnow()) is not None
    laptop.sync()
    shop.sync()
    shop_tab.reload()
    seen = _only_job(shop)
    _row(shop_tab, seen.id)
    assert shop_tab.status.table.item(_row(shop_tab, seen.id), 2).text() == "Publishing on Laptop"
    assert not shop_tab.status.move_here.isEnabled()
    with qtbot.waitSignal(shop_tab.message) as said:
        shop_tab.move_here(seen.id)  # what a click on a stale row would ask
    assert "being published right now" in said.args[0]


def test_jobs_list_shows_the_computer_and_jobs_move_hands_a_post_over(cli, computers, fake_shop) -> None:
    laptop, shop = computers
    job = _schedule_on_laptop(laptop, shop)
    on_shop = ("--data-dir", str(shop.app.data_dir), "jobs")
    listed = cli(*on_shop, "list")
    assert listed.code == 0 and "COMPUTER" in listed.out and "Scheduled  Thu" in listed.out
    assert listed.out.splitlines()[1].rstrip().endswith("IST  Laptop")
    seen = _only_job(shop)

    moved = cli(*on_shop, "move", str(seen.id))
    assert moved.code == 0, moved.err
    assert moved.out.startswith(f"Asked Laptop to hand job #{seen.id}") and "sellerdesk sync now" in moved.out
    assert "Laptop → this computer" in cli(*on_shop, "list").out
    assert "  computer: Laptop → this computer" in cli(*on_shop, "show", str(seen.id)).out.splitlines()
    shop.sync()
    laptop.sync()
    shop.sync()
    (mine,) = json.loads(cli(*on_shop, "list", "--json").out)
    assert (mine["owner_name"], mine["moving_to"], mine["state"]) == (None, None, "scheduled")
    (theirs,) = json.loads(cli("--data-dir", str(laptop.app.data_dir), "jobs", "list", "--json").out)
    assert theirs["id"] == job.id and theirs["owner_name"] == "Shop PC"
    again = cli(*on_shop, "move", str(seen.id))
    assert again.code != 0 and "already published from this computer" in again.err
    refused = cli("--data-dir", str(laptop.app.data_dir), "jobs", "cancel", str(job.id))
    assert refused.code != 0 and "scheduled on Shop PC" in refused.err and "sellerdesk jobs move" in refused.err


def test_a_move_asked_offline_after_the_owner_published_is_dropped(computers, fake_shop, run_publishing) -> None:
    laptop, shop = computers
    job = _schedule_on_laptop(laptop, shop)
    shop.network.online = False
    request_move(shop.app.db, _only_job(shop).id)  # asked on a computer without a connection…
    run_publishing(laptop)
    Publisher(laptop.app).reschedule(job.id, utcnow() - timedelta(seconds=1))  # …while the laptop posts it
    wait_for(lambda: get_job(laptop.app.db, job.id).state == "published", message="published from the laptop")
    laptop.sync()
    shop.network.online = True
    shop.sync()  # the request goes out, the post comes back published: the request is withdrawn
    laptop.sync()
    shop.sync()
    laptop.sync()
    seen = _only_job(shop)
    assert (seen.state, seen.owner_name, seen.moving_to) == ("published", "Laptop", None)
    mine = get_job(laptop.app.db, job.id)
    assert mine.owned_here and mine.moving_to is None and len(fake_shop.items) == 1


def test_a_restore_that_lost_the_hand_over_leaves_one_owner_and_no_request(computers, server, fake_shop,
                                                                            run_publishing, tmp_path) -> None:
    laptop, shop = computers
    job = _schedule_on_laptop(laptop, shop)
    shop_id = _only_job(shop).id
    request_move(shop.app.db, shop_id)
    shop.sync()
    server.stop()  # the operator's backup, holding the request and the post still on the laptop
    shutil.copytree(server.root, tmp_path / "backup")
    server.start()
    laptop.sync()  # hands it over
    shop.sync()  # takes it and withdraws the request
    server.stop()  # the service goes back to the backup
    shutil.rmtree(server.root)
    shutil.copytree(tmp_path / "backup", server.root)
    server.start()

    for device in (laptop, shop, laptop, shop):
        device.sync()
    assert get_job(laptop.app.db, job.id).owner_name == "Shop PC" and _only_job(shop).owned_here
    with sqlite3.connect(server.root / "server.db") as service:
        heads = dict(service.execute("SELECT kind, deleted FROM sync_heads WHERE kind IN ('publish_job', 'job_move')"))
    assert heads == {"publish_job": 0, "job_move": 1}  # the lost withdrawal was sent again
    run_publishing(laptop)
    run_publishing(shop)
    Publisher(shop.app).reschedule(shop_id, utcnow() - timedelta(seconds=1))
    wait_for(lambda: _only_job(shop).state == "published", message="published from the shop computer")
    time.sleep(0.6)
    assert len(fake_shop.items) == 1 and get_job(laptop.app.db, job.id).state == "scheduled"


def test_a_conflict_over_a_post_names_its_computer_not_its_device_id() -> None:
    mine = {"platform": FAKE, "state": "scheduled", "owner_device": "5d0c2a4e-0000-4000-8000-000000000001",
            "owner_name": "Laptop"}
    conflict = ConflictView("c1", "publish_job", "Post", mine, {**mine, "owner_device": "5d0c2a4e-0000-4000-8000-"
                                                                "000000000002", "owner_name": "Shop PC"},
                            "Laptop", utcnow(), local_only=False)
    differences = {name: (a, b) for name, a, b in conflict.differences()}
    assert differences["owner_name"] == ("Laptop", "Shop PC") and "owner_device" not in differences

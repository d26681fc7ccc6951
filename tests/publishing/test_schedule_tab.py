"""The Schedule tab: the calendar shows posts, dragging one reschedules it, the wizard makes jobs (and flags a post
after a sign-in ends), the status list follows jobs live and acts on them, and the window's publishing stops with
the window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QMessageBox, QWizard

from core.app import App
from core.platforms.connections import platform_status, record_expiry
from core.publishing.jobs import claim, create_job, get_job, list_jobs, move
from core.publishing.timezones import format_local, seller_zone
from desktop.schedule.calendar import platform_colour
from desktop.schedule.tab import ScheduleTab
from tests.platforms.conftest import add_product
from tests.publishing.schedule_tabs import shown_tab

FAKE = ("fakegram",)
KOLKATA = seller_zone("Asia/Kolkata")


@pytest.fixture
def tab(qtbot, app: App, fake_platform, make_publisher) -> Iterator[ScheduleTab]:
    fake_platform()
    yield from shown_tab(qtbot, app, make_publisher(app, start=False))


def _tomorrow_at(hour: int, minute: int) -> datetime:
    local = datetime.now(KOLKATA) + timedelta(days=1)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0).astimezone(UTC)


def _chips(tab: ScheduleTab) -> list:
    return [chip for cell in tab.calendar.cells for chip in cell.chips]


def test_the_calendar_shows_scheduled_and_published_posts_in_platform_colours(qtbot, app: App, tab) -> None:
    planned = create_job(app.db, add_product(app, platforms=FAKE, sku="A", title="Brass diya"), "fakegram",
                         at=_tomorrow_at(18, 30))
    done = create_job(app.db, add_product(app, platforms=FAKE, sku="B", title="Jute bag"), "fakegram",
                      at=datetime.now(UTC) - timedelta(minutes=5))
    claim(app.db, done.id, now=datetime.now(UTC))
    move(app.db, done.id, "published", "done", remote_id="1", published_at=datetime.now(UTC))
    tab.reload()
    qtbot.waitUntil(lambda: len(_chips(tab)) == 2)
    texts = sorted(chip.text() for chip in _chips(tab))
    assert any(t.startswith("18:30 Brass diya") for t in texts) and any(t.startswith("✓ ") for t in texts)
    assert all(platform_colour("fakegram") in chip.styleSheet() for chip in _chips(tab))
    assert tab.status.table.rowCount() == 2
    assert "Fakegram" in tab.calendar.legend.text()
    assert planned.id in tab.status.jobs


def test_dropping_a_post_on_another_day_or_hour_reschedules_it(qtbot, app: App, tab) -> None:
    job = create_job(app.db, add_product(app, platforms=FAKE), "fakegram", at=_tomorrow_at(18, 30))
    tab.reload()
    qtbot.waitUntil(lambda: len(_chips(tab)) == 1)
    target = (datetime.now(KOLKATA) + timedelta(days=4)).date()
    tab.calendar.drop_job(job.id, target, None)  # what dropping a chip on a day cell does
    expected = datetime(target.year, target.month, target.day, 18, 30, tzinfo=KOLKATA).astimezone(UTC)
    qtbot.waitUntil(lambda: get_job(app.db, job.id).scheduled_at == expected)
    tab.calendar.set_mode("week")
    tab.calendar.drop_job(job.id, target, 9)  # an hour slot in the week view: 09:30 the same day
    qtbot.waitUntil(lambda: get_job(app.db, job.id).scheduled_at == expected - timedelta(hours=9))
    with qtbot.waitSignal(tab.message) as said:
        tab.calendar.drop_job(job.id, datetime.now(KOLKATA).date() - timedelta(days=2), None)
    assert "already passed" in said.args[0]


def test_the_wizard_makes_a_job_per_product_and_platform(qtbot, app: App, tab) -> None:
    products = [add_product(app, platforms=FAKE, sku=f"S{n}", title=f"Mug {n}") for n in range(2)]
    wizard = tab.new_post(products)
    assert wizard.products.isComplete() and wizard.platforms.isComplete()
    platforms = [wizard.platforms.items.item(i).text() for i in range(wizard.platforms.items.count())]
    assert any(p.startswith("Fakegram — connected") for p in platforms)
    wizard.next()
    wizard.next()
    wizard.when.best.setChecked(True)
    wizard.next()
    review = wizard.review.summary.text()
    assert review.startswith("2 posts: 2 product(s) on Fakegram.") and "best time" in review
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: len(list_jobs(app.db)) == 2)
    jobs = list_jobs(app.db)
    assert {j.state for j in jobs} == {"scheduled"} and all(j.scheduled_at > datetime.now(UTC) for j in jobs)  # type: ignore[operator]


def test_clicking_new_post_opens_the_wizard_with_nothing_chosen(qtbot, app: App, tab) -> None:
    add_product(app, platforms=FAKE, sku="C", title="Clicked mug")
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)  # clicked(bool) once crashed the wizard
    wizard = tab.wizard
    assert wizard is not None and wizard.isVisible()
    assert wizard.request().product_ids == [] and not wizard.products.isComplete()
    wizard.reject()


def test_posts_going_out_show_live_and_notify(qtbot, app: App, tab) -> None:
    product = add_product(app, platforms=FAKE)
    with qtbot.waitSignal(tab.message, timeout=10_000, check_params_cb=lambda t: t.startswith("Published")):
        tab.publisher.schedule([product], FAKE, "now")
    qtbot.waitUntil(lambda: tab.status.table.rowCount() == 1 and tab.status.table.item(0, 2).text() == "Published")


def test_retry_and_cancel_from_the_status_list(qtbot, app: App, tab) -> None:
    failed = create_job(app.db, add_product(app, platforms=FAKE, sku="F", title="Failing"), "fakegram",
                        at=datetime.now(UTC))
    claim(app.db, failed.id, now=datetime.now(UTC))
    move(app.db, failed.id, "failed", "refused", last_error="Fakegram: refused it.", next_step="Fix it.")
    later = create_job(app.db, add_product(app, platforms=FAKE, sku="L", title="Later"), "fakegram",
                       at=_tomorrow_at(10, 0))
    tab.reload()
    qtbot.waitUntil(lambda: tab.status.table.rowCount() == 2)
    tab.status.select(failed.id)
    assert tab.status.retry.isEnabled() and "Fakegram: refused it. Fix it." in tab.status.detail.text()
    tab.status.retry.click()
    qtbot.waitUntil(lambda: get_job(app.db, failed.id).state == "published", timeout=10_000)
    tab.status.select(later.id)
    assert not tab.status.retry.isEnabled() and tab.status.cancel.isEnabled()
    tab.status.cancel.click()
    qtbot.waitUntil(lambda: get_job(app.db, later.id).state == "cancelled")


def test_the_window_runs_publishing_and_stops_it_when_closed(qtbot, app: App) -> None:
    from desktop.main_window import MainWindow

    app.settings.set("general.first_run_done", True)
    window = MainWindow(app)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.schedule.publisher.is_runner)
    assert window.tabs.tabText(window.tabs.indexOf(window.schedule)) == "Schedule"
    window.close()
    assert not window.schedule.publisher.is_runner


def test_the_wizard_tells_the_seller_when_a_sign_in_ends_before_the_post(qtbot, app: App, tab) -> None:
    ends = datetime.now(UTC) + timedelta(days=1)
    record_expiry(app.db, "fakegram", ends)
    assert platform_status(app.db, "fakegram").state == "expiring"
    product = add_product(app, platforms=("fakegram",), sku="LATE", title="Late mug")
    wizard = tab.new_post([product])
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    at = (datetime.now(KOLKATA) + timedelta(days=3)).replace(hour=19, minute=0, second=0, microsecond=0)
    wizard.when.moment.setDateTime(QDateTime.fromString(at.strftime("%Y-%m-%dT%H:%M"), Qt.DateFormat.ISODate))
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.notes_box is not None and tab.notes_box.isVisible(), timeout=10_000)
    box = tab.notes_box
    assert box is not None and box.text().startswith("Scheduled 1 post.")
    assert (f"Fakegram's sign-in ends on {format_local(ends, KOLKATA)}, before this post at "
            f"{format_local(at, KOLKATA)}: reconnect Fakegram before then") in box.text()
    assert [j.state for j in list_jobs(app.db)] == ["scheduled"]
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisible())

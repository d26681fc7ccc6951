"""The job state machine: legal moves only, every move stored, one open job per product and platform."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from core.app import App
from core.db.models import PublishJob
from core.errors import ValidationError
from core.listings.store import record_publish
from core.publishing.jobs import claim, create_job, job_events, move
from core.publishing.states import STATES, TRANSITIONS, IllegalTransition, check_transition
from tests.platforms.conftest import add_product

LATER = datetime(2026, 12, 5, 13, 0, tzinfo=UTC)


def test_only_listed_moves_are_legal() -> None:
    for current in STATES:
        for wanted in STATES:
            if wanted in TRANSITIONS[current]:
                check_transition(1, current, wanted)
            else:
                with pytest.raises(IllegalTransition):
                    check_transition(1, current, wanted)
    # Nothing is published without having been claimed as "publishing" first.
    assert [s for s in STATES if "published" in TRANSITIONS[s]] == ["publishing"]
    assert TRANSITIONS["published"] == TRANSITIONS["cancelled"] == frozenset()


def test_illegal_moves_say_why_in_the_sellers_words(app: App) -> None:
    job = create_job(app.db, add_product(app), "etsy", at=LATER)
    claim(app.db, job.id, now=LATER)
    with pytest.raises(IllegalTransition, match=f"Job #{job.id} cannot be made cancelled: it is being published"):
        move(app.db, job.id, "cancelled", "cancel")
    move(app.db, job.id, "published", "done", remote_id="1")
    with pytest.raises(IllegalTransition, match="it is already published"):
        move(app.db, job.id, "scheduled", "again")


def test_every_move_is_stored_with_its_reason(app: App) -> None:
    job = create_job(app.db, add_product(app), "etsy", at=LATER, message="scheduled for Saturday")
    assert claim(app.db, job.id, now=LATER) is not None
    assert claim(app.db, job.id, now=LATER) is None  # a second worker (or process) cannot take it too
    move(app.db, job.id, "failed", "Etsy refused it", last_error="refused")
    events = job_events(app.db, job.id)
    assert [(e.from_state, e.to_state, e.message) for e in events] == [
        ("draft", "scheduled", "scheduled for Saturday"), ("scheduled", "publishing", "attempt 1 started"),
        ("publishing", "failed", "Etsy refused it")]


def test_scheduling_a_pair_again_moves_its_job_instead_of_doubling_it(app: App) -> None:
    product_id = add_product(app)
    first = create_job(app.db, product_id, "etsy", at=LATER)
    second = create_job(app.db, product_id, "etsy", at=LATER + timedelta(days=1))
    assert second.id == first.id and second.scheduled_at == LATER + timedelta(days=1)
    assert second.idempotency_key == first.idempotency_key  # the same post, so the same key on the platform
    claim(app.db, first.id, now=LATER)
    with pytest.raises(IllegalTransition, match="being published right now"):
        create_job(app.db, product_id, "etsy", at=LATER)
    move(app.db, first.id, "published", "done", remote_id="9", remote_url="https://etsy.example/9",
         then=lambda session, view: record_publish(session, view, "9", "https://etsy.example/9", LATER))
    with pytest.raises(ValidationError, match=r"already on Etsy \(https://etsy.example/9\)") as refused:
        create_job(app.db, product_id, "etsy", at=LATER)
    assert "reach the Etsy listing by themselves" in (refused.value.hint or "")


def test_the_database_itself_refuses_a_second_open_job(app: App) -> None:
    product_id = add_product(app)
    create_job(app.db, product_id, "shopify", at=LATER)
    with pytest.raises(IntegrityError), app.db.session() as session:
        session.add(PublishJob(product_id=product_id, platform="shopify", state="scheduled", idempotency_key="x"))


def test_a_declared_publishing_setting_overrides_the_data_file(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    import core.publishing.config as config
    import core.settings as settings
    from core.settings import SettingSpec

    assert config.load_config(app.settings).grace_minutes == 30.0  # resources/publishing/queue.json
    declared = {**settings.schema(), "publishing.grace_minutes": SettingSpec(
        "publishing.grace_minutes", "float", 30.0, "Grace window for missed posts, in minutes.")}
    monkeypatch.setattr(settings, "schema", lambda: declared)
    monkeypatch.setattr(config, "schema", lambda: declared)
    app.settings.set("publishing.grace_minutes", "90")
    assert config.load_config(app.settings).grace_minutes == 90.0


def test_a_social_post_is_posted_again_only_when_asked(app: App) -> None:
    from core.publishing.jobs import Planned, create_jobs

    product_id = add_product(app, platforms=("facebook",))
    first = create_job(app.db, product_id, "facebook", at=LATER)
    claim(app.db, first.id, now=LATER)
    move(app.db, first.id, "published", "done", remote_id="1_2",
         then=lambda session, view: record_publish(session, view, "1_2", "https://facebook.example/1_2", LATER))
    with pytest.raises(ValidationError) as refused:
        create_job(app.db, product_id, "facebook", at=LATER)  # never by accident
    assert "Post again" in (refused.value.hint or "") and "listings repost" in (refused.value.hint or "")
    (again,) = create_jobs(app.db, [Planned(product_id, "facebook", LATER, repost=True)], now=LATER)
    assert not isinstance(again, Exception) and again.id != first.id and again.action == "publish"
    # An Etsy listing is updated in place: asking to post it again changes nothing.
    etsy = add_product(app, platforms=("etsy",), sku="E-2")
    job = create_job(app.db, etsy, "etsy", at=LATER)
    claim(app.db, job.id, now=LATER)
    move(app.db, job.id, "published", "done", remote_id="9",
         then=lambda session, view: record_publish(session, view, "9", None, LATER))
    (refusal,) = create_jobs(app.db, [Planned(etsy, "etsy", LATER, repost=True)], now=LATER)
    assert isinstance(refusal, ValidationError)

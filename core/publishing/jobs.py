"""Publish jobs in the database: creating them, moving them through the state machine, reading them back.

Every move is one committed transaction holding both the new state and a PublishJobEvent saying why, so the
stored history is what happened, in order, even after a crash. Claims are compare-and-set updates: two workers,
or two SellerDesk processes, can never both take the same job.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.db.database import Database
from core.db.models import Listing, Product, PublishJob, PublishJobEvent
from core.db.types import utcnow
from core.errors import NotFound, SellerDeskError, StorageError, ValidationError
from core.i18n import N_, _
from core.platforms.specs import display_name, get_spec
from core.publishing.rivals import held_back
from core.publishing.states import OPEN_STATES, SELLER_MOVABLE, State, check_transition
from core.sync.moves import mine, owned_here
from core.sync.state import device_if_known

PRIORITY_SCHEDULED = 0
PRIORITY_FOLLOW_UP = 50  # keeping live listings true (stock, take-downs, edits) goes before new scheduled posts
PRIORITY_NOW = 100  # publish-now and the seller's retries jump the queue

#: How a job that is not a first publish names itself in messages ("Take-down of #3 'Mug' on Etsy").
# How messages name a job, by its action (a first post: no action named).
LABELS: dict[str, str] = {
    "publish": N_("#{id} '{title}' on {platform}"), "update": N_("Update of #{id} '{title}' on {platform}"),
    "stock": N_("Stock of #{id} '{title}' on {platform}"),
    "take_down": N_("Take-down of #{id} '{title}' on {platform}"),
    "relist": N_("Relisting of #{id} '{title}' on {platform}"),
}


@dataclass(frozen=True)
class JobView:
    """One publish job as plain data (for the GUI, the CLI and the queue)."""

    id: int
    product_id: int
    product_title: str
    platform: str
    state: State
    scheduled_at: datetime | None
    retry_at: datetime | None
    priority: int
    attempts: int
    idempotency_key: str
    remote_id: str | None
    remote_url: str | None
    last_error: str | None
    next_step: str | None
    note: str | None
    outcome_unknown: bool
    started_at: datetime | None
    published_at: datetime | None
    updated_at: datetime
    action: str = "publish"
    listing_id: int | None = None
    #: The computer that publishes it, when that is another of the seller's computers (None: this one).
    owner_name: str | None = None
    #: A move to another computer asked for and not done yet: the computer it goes to (see core.sync.moves).
    moving_to: str | None = None
    #: This computer asked for the move (else the owner was asked by ``moving_to``).
    moving_here: bool = False
    #: Why this first post is held back: the same product goes to the same platform from another post (see
    #: core.publishing.rivals); None when it goes out as scheduled. Shown as its note too.
    held_back: str | None = None
    #: The note as stored (``note`` shows ``held_back`` instead while it is held).
    stored_note: str | None = None

    @property
    def owned_here(self) -> bool:
        """Whether this computer publishes it (else it is shown read-only, as "scheduled on …")."""
        return self.owner_name is None

    @property
    def due(self) -> datetime | None:
        """When the next automatic attempt is due: a pending retry or check, else the seller's chosen time."""
        return self.retry_at or self.scheduled_at

    @property
    def label(self) -> str:
        """How messages name the job: ``#12 'Blue mug' on Etsy``."""
        title = self.product_title if len(self.product_title) <= 50 else self.product_title[:49] + "…"
        return _(LABELS.get(self.action, LABELS["publish"])).format(id=self.product_id, title=title,
                                                                   platform=display_name(self.platform))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (times in ISO 8601 UTC; ``note`` as shown, not ``stored_note``)."""
        data = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "stored_note"}
        for key, value in data.items():
            if isinstance(value, datetime):
                data[key] = value.isoformat()
        return data


@dataclass(frozen=True)
class EventView:
    """One stored transition of a job."""

    at: datetime
    from_state: str
    to_state: str
    message: str


def _view(job: PublishJob, title: str, me: str | None, held: str | None = None) -> JobView:
    moving_here = job.move_to is not None and job.move_to == me
    return JobView(
        id=job.id, product_id=job.product_id, product_title=title, platform=job.platform,
        state=job.state,  # type: ignore[arg-type]
        scheduled_at=job.scheduled_at, retry_at=job.retry_at, priority=job.priority, attempts=job.attempts,
        idempotency_key=job.idempotency_key,
        remote_id=job.remote_id, remote_url=job.remote_url, last_error=job.last_error, next_step=job.next_step,
        note=held or job.note, outcome_unknown=job.outcome_unknown, started_at=job.started_at,
        published_at=job.published_at, updated_at=job.updated_at, action=job.action, listing_id=job.listing_id,
        owner_name=None if owned_here(job, me) else job.owner_name or _("another computer"),
        moving_to=None if job.move_to is None else ("this computer" if moving_here else job.move_to_name),
        moving_here=moving_here, held_back=held, stored_note=job.note,
    )


def _held(session: Session, job: PublishJob, me: str | None) -> str | None:
    """Why ``job`` is held back (None: it is not)."""
    if job.action != "publish" or job.listing_id is not None:
        return None
    return held_back(session, me, job.product_id, job.platform).get(job.id)


def _load(session: Session, job_id: int) -> tuple[PublishJob, str]:
    row = session.execute(select(PublishJob, Product.title).join(Product, Product.id == PublishJob.product_id)
                          .where(PublishJob.id == job_id)).first()
    if row is None:
        raise NotFound(_("There is no publish job #{id}.").format(id=job_id),
                       hint=_("See the jobs with: sellerdesk jobs list"))
    return row[0], row[1]


def _record(session: Session, job: PublishJob, before: str, message: str, now: datetime) -> None:
    session.add(PublishJobEvent(job_id=job.id, at=now, from_state=before, to_state=job.state, message=message))


def get_job(db: Database, job_id: int) -> JobView:
    """The job ``job_id`` (NotFound if there is none)."""
    with db.session() as session:
        job, title = _load(session, job_id)
        me = _me(session)
        return _view(job, title, me, _held(session, job, me))


def _me(session: Session) -> str | None:
    return device_if_known(session.connection())


def list_jobs(db: Database, *, states: Iterable[str] | None = None, platform: str | None = None,
              ids: Iterable[int] | None = None, mine_only: bool = False) -> list[JobView]:
    """Jobs in time order (when they went out, else when they are planned), optionally only some states, one
    platform, some ids, or (``mine_only``) only those this computer publishes."""
    query = select(PublishJob, Product.title).join(Product, Product.id == PublishJob.product_id)
    if states is not None:
        query = query.where(PublishJob.state.in_(list(states)))
    if platform is not None:
        query = query.where(PublishJob.platform == platform)
    if ids is not None:
        query = query.where(PublishJob.id.in_(list(ids)))
    with db.session() as session:
        me = _me(session)
        if mine_only:
            query = query.where(mine(me))
        held = held_back(session, me)
        views = [_view(job, title, me, held.get(job.id))
                 for job, title in session.execute(query.order_by(PublishJob.id))]
    return sorted(views, key=lambda v: (v.published_at or v.scheduled_at or v.updated_at, v.id))


def job_events(db: Database, job_id: int) -> list[EventView]:
    """Every stored transition of ``job_id``, oldest first."""
    with db.session() as session:
        _load(session, job_id)
        rows = session.scalars(select(PublishJobEvent).where(PublishJobEvent.job_id == job_id)
                               .order_by(PublishJobEvent.id))
        return [EventView(e.at, e.from_state, e.to_state, e.message) for e in rows]


def _cas_move(session: Session, job_id: int, to: State, message: str, now: datetime,
              expect: Iterable[str] | None, **fields: Any) -> JobView:
    # Compare-and-set on the state read: a claim or another process moving the job in between makes the update
    # touch nothing, and the move is re-checked against the state the job really has now.
    me = _me(session)
    for _try in range(10):
        job, title = _load(session, job_id)
        before = job.state
        if not owned_here(job, me):
            raise _elsewhere(_view(job, title, me))
        check_transition(job.id, before, to, expect)
        result = session.execute(update(PublishJob).where(PublishJob.id == job_id, PublishJob.state == before,
                                                          mine(me))
                                 .values(state=to, updated_at=now, **fields))
        session.expire_all()
        if result.rowcount == 1:  # type: ignore[attr-defined]
            job, title = _load(session, job_id)
            _record(session, job, before, message, now)
            session.flush()
            return _view(job, title, me, _held(session, job, me))
    raise StorageError(_("Publish job #{id} kept changing while SellerDesk tried to update it.").format(id=job_id),
                       hint=_("Try again in a moment."))


def _elsewhere(job: JobView) -> ValidationError:
    """Refusing to change a post another computer publishes."""
    return ValidationError(_("{post} is scheduled on {computer}: only that computer changes it.").format(
        post=job.label, computer=job.owner_name), field="job", hint=_(
            "To publish it from this computer instead, move it here first (Move to this computer, or: sellerdesk "
            "jobs move {number}).").format(number=job.id))


def _schedule(session: Session, product_id: int, platform: str, at: datetime, priority: int, message: str,
              now: datetime, repost: bool = False) -> JobView:
    product = session.get(Product, product_id)
    if product is None or product.deleted_at is not None:
        raise NotFound(_("There is no product #{id}.").format(id=product_id),
                       hint=_("See the products with: sellerdesk products list"))
    jobs = session.scalars(select(PublishJob).where(PublishJob.product_id == product_id,
                                                    PublishJob.platform == platform,
                                                    PublishJob.action == "publish")).all()
    live = session.scalars(select(Listing).where(Listing.product_id == product_id, Listing.platform == platform,
                                                 Listing.state.in_(("live", "sold_out")))
                           .order_by(Listing.id.desc())).first()
    if live is not None and not (repost and get_spec(platform).capabilities.posts):
        raise _already_live(product, live)
    me = _me(session)
    # This computer's own open post first: another computer's (synced) one is only changed on that computer.
    open_job = next((j for j in sorted(jobs, key=lambda j: not owned_here(j, me)) if j.state in OPEN_STATES), None)
    if open_job is None:
        # The partial unique index refuses a second open job even if another process races this one here.
        open_job = PublishJob(product_id=product_id, platform=platform, state="draft", attempts=0,
                              idempotency_key=secrets.token_hex(16), priority=priority)
        session.add(open_job)
        session.flush()
    return _cas_move(session, open_job.id, "scheduled", message or "scheduled", now, SELLER_MOVABLE,
                     scheduled_at=at, retry_at=None, priority=priority, next_step=None, note=None)


def _already_live(product: Product, live: Listing) -> ValidationError:
    name = display_name(live.platform)
    where = f" ({live.url})" if live.url else ""
    if get_spec(live.platform).capabilities.posts:
        hint = _("To post it on {platform} again (a promotion, a new price), use Post again… in the Listings window "
                 "(or: sellerdesk listings repost {id}).").format(platform=name, id=live.id)
    else:
        hint = _("Changes to the product reach the {platform} listing by themselves; see it with: "
                 "sellerdesk listings show {id}").format(platform=name, id=live.id)
    return ValidationError(_("#{id} '{title}' is already on {platform}{where}.").format(
        id=product.id, title=product.title, platform=name, where=where), field="platform", hint=hint)


def create_job(db: Database, product_id: int, platform: str, *, at: datetime, priority: int = PRIORITY_SCHEDULED,
               message: str = "", now: datetime | None = None) -> JobView:
    """Schedule ``product_id`` on ``platform`` at ``at``; an open job for the pair is rescheduled, never doubled.

    Refuses a product that is already published there, or is being published right now.
    """
    with db.session() as session:
        return _schedule(session, product_id, platform, at, priority, message, now or utcnow())


@dataclass(frozen=True)
class Planned:
    """One job to make in a batch."""

    product_id: int
    platform: str
    at: datetime
    priority: int = PRIORITY_SCHEDULED
    message: str = ""
    repost: bool = False  # post again on a social platform although an earlier post of the product is live


def create_jobs(db: Database, planned: Sequence[Planned], *, now: datetime) -> list[JobView | SellerDeskError]:
    """create_job for many pairs in one transaction (a bulk action stays quick); each pair's refusal is returned in
    its place instead of stopping the others."""
    outcomes: list[JobView | SellerDeskError] = []
    with db.session() as session:
        for item in planned:
            try:
                outcomes.append(_schedule(session, item.product_id, item.platform, item.at, item.priority,
                                          item.message, now, item.repost))
            except SellerDeskError as exc:  # refused before anything of this pair was written
                outcomes.append(exc)
    return outcomes


def move(db: Database, job_id: int, to: State, message: str, *, now: datetime | None = None,
         expect: Iterable[str] | None = None, then: Callable[[Session, JobView], None] | None = None,
         **fields: Any) -> JobView:
    """Move job ``job_id`` to ``to``, setting ``fields``; IllegalTransition if its state cannot go there, or is not
    one of ``expect`` (the states the caller means to move it from). ``then(session, job)`` writes what goes with
    the move (e.g. the listing a publish made) in the same transaction: both are stored, or neither."""
    with db.session() as session:
        view = _cas_move(session, job_id, to, message, now or utcnow(), expect, **fields)
        if then is not None:
            then(session, view)
        return view


def claim(db: Database, job_id: int, *, now: datetime, checking: bool = False) -> JobView | None:
    """Take job ``job_id`` for one attempt (→ publishing, committed before anything is sent), or None if it is no
    longer waiting (cancelled, rescheduled, taken by another worker or process).

    ``checking`` claims a needs-attention job whose last outcome is unknown, to look for it on the platform.
    """
    source: Sequence[str] = ("needs_attention",) if checking else ("scheduled",)
    with db.session() as session:
        me = _me(session)
    # Only the computer that owns a job ever attempts it; a hand-over (core.sync.moves) and this claim are both
    # compare-and-set updates, so one of them finds the job already changed.
    condition = [PublishJob.id == job_id, PublishJob.state.in_(source), mine(me)]
    if checking:
        condition.append(PublishJob.outcome_unknown.is_(True))
    with db.session() as session:
        # Checked in the claim's own transaction (which holds the write lock): a post another computer sends, or
        # already sent, that reached this one by sync is never sent a second time from here (core.publishing.rivals).
        job = session.get(PublishJob, job_id)
        if job is not None and not checking and _held(session, job, me) is not None:
            return None
        result = session.execute(update(PublishJob).where(*condition).values(
            state="publishing", attempts=PublishJob.attempts + 1, started_at=now, note=None, next_step=None,
            updated_at=now))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        job, title = _load(session, job_id)
        _record(session, job, source[0], _("checking the platform for the earlier attempt") if checking
                else _("attempt {number} started").format(number=job.attempts), now)
        session.flush()
        return _view(job, title, me)


def note(db: Database, job_ids: Iterable[int], text: str | None) -> None:
    """Set the live status note of waiting jobs (e.g. "waiting for network"); their state does not change (nor
    does a job that has that note already)."""
    with db.session() as session:
        session.execute(update(PublishJob).where(PublishJob.id.in_(list(job_ids)), PublishJob.state == "scheduled",
                                                 PublishJob.note.is_distinct_from(text))
                        .values(note=text))


def schedule_follow_up(session: Session, listing: Listing, action: str, now: datetime, message: str) -> JobView | None:
    """Make (or re-aim) the one open follow-up job of ``listing`` to do ``action`` now; None while an attempt of it
    is under way (the listing is checked again when that attempt ends)."""
    job = session.scalars(select(PublishJob).where(PublishJob.listing_id == listing.id,
                                                   PublishJob.state.in_(list(OPEN_STATES)))).first()
    if job is not None and job.state == "publishing":
        return None
    if job is None:
        job = PublishJob(product_id=listing.product_id, platform=listing.platform, state="draft", attempts=0,
                         idempotency_key=secrets.token_hex(16), priority=PRIORITY_FOLLOW_UP, action=action,
                         listing_id=listing.id)
        session.add(job)
        session.flush()
    elif job.state == "scheduled" and job.action == action:
        return _view(*_load(session, job.id), _me(session))
    return _cas_move(session, job.id, "scheduled", message, now, SELLER_MOVABLE, action=action, scheduled_at=now,
                     retry_at=None, priority=PRIORITY_FOLLOW_UP, next_step=None, note=None, last_error=None,
                     outcome_unknown=False, attempts=0)


def cancel_follow_up(session: Session, listing: Listing, now: datetime, message: str) -> JobView | None:
    """Cancel the waiting follow-up job of ``listing`` that is no longer needed (the product changed back)."""
    job = session.scalars(select(PublishJob).where(PublishJob.listing_id == listing.id,
                                                   PublishJob.state.in_(list(SELLER_MOVABLE)))).first()
    return None if job is None else _cas_move(session, job.id, "cancelled", message, now, SELLER_MOVABLE,
                                              retry_at=None, note=None)

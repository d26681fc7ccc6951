"""Which computer publishes a synced post, and moving it to another one safely.

Every computer shows every scheduled post; only its owner (``PublishJob.owner_device``, None meaning this computer)
ever attempts it, so two computers online never post it twice. Moving it is a hand-over the owner does itself:

1. The computer that wants the post writes a move request (a ``job_move`` record only it writes) and notes it on its
   read-only copy (``move_to``); it still does not publish.
2. The owner, on receiving the request, hands the job over only while it is not being published and has no
   unknown outcome, in one compare-and-set update that also excludes its own claim (core.publishing.jobs.claim):
   from then on it never attempts the job. A job already publishing or done is never handed over.
3. The new owner starts only once the owner's hand-over reaches it; it then withdraws its request.

So the old owner always stops before the new one starts. An owner that is offline (or closed) hands over when it
next syncs; until then the post stays with it and shows "moving to …" on both.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from core.db.database import Database
from core.db.models import PublishJob, PublishJobEvent
from core.db.types import utcnow
from core.errors import NotFound, ValidationError
from core.i18n import _
from core.publishing.states import SELLER_MOVABLE
from core.sync.outbox import enqueue
from core.sync.records import MOVE
from core.sync.state import device_if_known, here
from server.client_models import RecordVersion

_REQUESTS = uuid.UUID("5d0c2a4e-8a77-4a4f-9e3b-2f1c7b3e9a10")
#: States a post can be moved from: not while it is being published, and never once it went out or was cancelled.
MOVABLE = frozenset(SELLER_MOVABLE)


def request_id(job_sync_id: str, device: str) -> str:
    """The one move request ``device`` can have for the job (so asking twice is one request)."""
    return str(uuid.uuid5(_REQUESTS, f"{job_sync_id}:{device}"))


def mine(me: str | None) -> ColumnElement[bool]:
    """The jobs this computer (device ``me``) owns, and so may publish or change."""
    if me is None:  # never synced: every job is this computer's
        return PublishJob.owner_device.is_(None)
    return or_(PublishJob.owner_device.is_(None), PublishJob.owner_device == me)


def owned_here(job: PublishJob, me: str | None) -> bool:
    """Whether this computer (device ``me``) owns ``job``."""
    return job.owner_device is None or job.owner_device == me


def why_not_movable(job: PublishJob) -> str | None:
    """Why ``job`` cannot change computers now, in the seller's words (None: it can)."""
    if job.state == "publishing":
        return _("it is being published right now")
    if job.state == "published":
        return _("it is already published")
    if job.state == "cancelled":
        return _("it was cancelled")
    if job.outcome_unknown or job.state not in MOVABLE:
        return _("its last attempt may have gone out; the computer that has it checks the platform first")
    return None


def request_move(db: Database, job_id: int) -> str:
    """Ask the computer that owns job ``job_id`` to hand it to this one; returns that computer's name.

    Nothing is published here until the owner has handed the job over (see the module's description).
    """
    with db.session() as session:
        conn = session.connection()
        me, name = here(conn)
        job = session.get(PublishJob, job_id)
        if job is None:
            raise NotFound(_("There is no publish job #{number}.").format(number=job_id),
                           hint=_("See the jobs with: sellerdesk jobs list"))
        if owned_here(job, me):
            raise ValidationError(_("Job #{number} is already published from this computer.").format(number=job_id),
                                  field="job")
        owner = job.owner_name or _("another computer")
        reason = why_not_movable(job)
        if reason is not None:
            raise ValidationError(_("Job #{number} cannot be moved from {computer}: {reason}.").format(
                number=job_id, computer=owner, reason=reason), field="job")
        if job.move_to != me:
            job.move_to, job.move_to_name = me, name  # local columns: nothing of the job itself is sent
            enqueue(conn, MOVE, request_id(job.sync_id, me), _request(job, me), utcnow())
        return owner


def _request(job: PublishJob, me: str) -> dict[str, Any]:
    """The move request for ``job`` from this computer (``me``) to its current owner, as the service stores it."""
    return {"job": job.sync_id, "from_device": job.owner_device, "to_device": me, "to_name": job.move_to_name}


def apply_move(session: Session, record: RecordVersion) -> Literal["applied", "ignored"]:
    """Take note of another computer's move request (or its withdrawal) for a job this computer owns; the hand-over
    itself happens in :func:`settle`, whose writes are sent."""
    me = device_if_known(session.connection())
    if record.deleted:
        for job in session.scalars(select(PublishJob).where(PublishJob.move_to.is_not(None), mine(me))):
            if job.move_to != me and request_id(job.sync_id, str(job.move_to)) == record.id:
                job.move_to = job.move_to_name = None
        return "applied"
    data: dict[str, Any] = record.data
    asked = session.scalar(select(PublishJob).where(PublishJob.sync_id == data.get("job")))
    if asked is None or not owned_here(asked, me) or data.get("from_device") != me \
            or data.get("to_device") in (None, me):
        return "ignored"  # not (or no longer) this computer's to give
    asked.move_to, asked.move_to_name = str(data["to_device"]), str(data.get("to_name") or _("another computer"))[:100]
    return "applied"


def settle(db: Database) -> tuple[int, int]:
    """Hand over the jobs other computers asked for that can go now, and withdraw this computer's requests that
    are answered (the job is here now, or went out or started on its owner). Returns (handed over, arrived)."""
    handed = arrived = 0
    with db.session() as session:
        conn = session.connection()
        me = device_if_known(conn)
        if me is None:
            return 0, 0
        now = utcnow()
        for job in session.scalars(select(PublishJob).where(PublishJob.move_to.is_not(None))).all():
            if job.move_to == me:
                if owned_here(job, me) or why_not_movable(job) is not None:
                    arrived += owned_here(job, me)
                    job.move_to = job.move_to_name = None
                    enqueue(conn, MOVE, request_id(job.sync_id, me), None, now)
                else:  # still waiting: queued again only if the service lacks it (e.g. lost in a restore)
                    enqueue(conn, MOVE, request_id(job.sync_id, me), _request(job, me), now)
                continue
            if not owned_here(job, me) or job.state in ("published", "cancelled"):  # no longer this one's to give
                job.move_to = job.move_to_name = None
                continue
            # Compare-and-set against the publishing claim: a job claimed in between is not handed over.
            result = session.execute(
                update(PublishJob).where(PublishJob.id == job.id, PublishJob.state.in_(MOVABLE),
                                         PublishJob.outcome_unknown.is_(False), mine(me))
                .values(owner_device=job.move_to, owner_name=job.move_to_name, move_to=None, move_to_name=None,
                        retry_at=None, note=None, updated_at=now)
                .execution_options(synchronize_session="fetch"))
            if result.rowcount == 1:  # type: ignore[attr-defined]
                handed += 1
                session.add(PublishJobEvent(job_id=job.id, at=now, from_state=job.state, to_state=job.state,
                                            message=_("moved to {computer}, which publishes it from now on")
                                            .format(computer=job.owner_name)))
    return handed, arrived

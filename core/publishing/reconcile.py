"""What SellerDesk does at start (and after the computer slept) so that nothing is lost, doubled or silently late.

- A job still "publishing" belonged to a SellerDesk that stopped mid-attempt (crash, kill, power cut). Whether the
  listing exists is unknown, so the job needs attention and is checked on the platform at once; it is never simply
  sent again.
- A scheduled job whose time passed while SellerDesk was closed goes out now if it is late by no more than the
  grace window; otherwise the seller decides (publish now or reschedule), since a late post can be worse than none.
  Follow-ups of live listings (stock, take-downs, updates) always go: a late correction beats a wrong listing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.db.database import Database
from core.i18n import N_, _
from core.platforms.specs import display_name
from core.publishing.jobs import JobView, list_jobs, move, note
from core.publishing.rivals import HELD_PAST_ITS_TIME

MISSED_CLOSED = N_("Missed its time while SellerDesk was closed: publish now or reschedule")
MISSED_ASLEEP = N_("Missed its time while the computer was asleep: publish now or reschedule")


@dataclass
class StartPlan:
    """The jobs sorted at start: to attempt now, to check now, to put on the schedule, and those the seller decides."""

    run_now: list[JobView] = field(default_factory=list)
    check_now: list[JobView] = field(default_factory=list)
    later: list[JobView] = field(default_factory=list)
    missed: list[JobView] = field(default_factory=list)
    interrupted: list[JobView] = field(default_factory=list)


def recover_interrupted(db: Database, now: datetime) -> list[JobView]:
    """Move every job left "publishing" by a stopped SellerDesk to needs-attention with an immediate check."""
    recovered = []
    for job in list_jobs(db, states=["publishing"], mine_only=True):  # another computer's attempt is its own
        name = display_name(job.platform)
        recovered.append(move(
            db, job.id, "needs_attention", _("SellerDesk stopped during the attempt: the outcome is unknown"),
            now=now, expect=("publishing",), outcome_unknown=True, retry_at=now,
            next_step=_("SellerDesk stopped while publishing this. It looks on {platform} for the listing before "
                        "anything is sent again; do not post it by hand.").format(platform=name)))
    return recovered


def mark_missed(db: Database, job_id: int, now: datetime, step: str) -> JobView:
    """Park a scheduled job whose time passed beyond the grace window until the seller decides."""
    return move(db, job_id, "needs_attention", _("missed its time"), now=now, expect=("scheduled",), next_step=_(step),
                retry_at=None, note=None)


def plan_start(db: Database, now: datetime, grace: timedelta) -> StartPlan:
    """Recover interrupted attempts, then sort every waiting job by what happens to it now (see the module doc)."""
    plan = StartPlan(interrupted=recover_interrupted(db, now))
    for job in list_jobs(db, states=["scheduled", "needs_attention"], mine_only=True):
        due = job.due
        if job.state == "needs_attention":
            if job.outcome_unknown and due is not None:
                (plan.check_now if due <= now else plan.later).append(job)
            continue
        if due is None or due > now:
            plan.later.append(job)
        elif job.held_back is not None:  # waits for another computer's post, not missed (core.publishing.rivals)
            if job.stored_note != HELD_PAST_ITS_TIME:
                note(db, [job.id], HELD_PAST_ITS_TIME)
        elif now - due <= grace or job.action != "publish" or job.note == HELD_PAST_ITS_TIME:
            # A late follow-up (stock, take-down, update) is still wanted: the listing is wrong until it goes; so is
            # a post released from being held back after its time.
            plan.run_now.append(job)
        else:
            plan.missed.append(mark_missed(db, job.id, now, MISSED_CLOSED))
    return plan

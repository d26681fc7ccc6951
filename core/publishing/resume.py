"""Jobs paused for the seller go on by themselves once the seller has connected the platform again.

A job stops in needs attention, marked WAITING_FOR_SELLER, when the platform wants the seller: the sign-in has
expired, or a portal shows a CAPTCHA, an OTP or a page SellerDesk does not know. Connecting again (window or
``sellerdesk platforms connect``) is the seller's answer, so it puts those jobs back in the queue, due now and
ahead of scheduled work. They go out through the ordinary attempt, which looks on the platform for an earlier
attempt's listing before sending anything: the duplicate guard is the same as for Retry.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from core.db.types import utcnow
from core.i18n import N_, _
from core.platforms.specs import display_name
from core.publishing.jobs import PRIORITY_NOW, JobView, list_jobs, move
from core.publishing.states import IllegalTransition

if TYPE_CHECKING:
    from core.app import App

#: The note of a job paused until the seller connects its platform again (stored in English, as a marker).
WAITING_FOR_SELLER = N_("paused until you connect the platform again")


def resume_paused(app: App, platform: str, *, now: datetime | None = None) -> list[JobView]:
    """Put ``platform``'s jobs paused for the seller back in the queue, due now; the jobs moved."""
    moment = now or utcnow()
    resumed = []
    for job in list_jobs(app.db, states=["needs_attention"], platform=platform):
        if job.note != WAITING_FOR_SELLER or job.outcome_unknown:
            continue
        try:
            resumed.append(move(app.db, job.id, "scheduled",
                                _("{platform} was connected again: back in the queue").format(
                                    platform=display_name(platform)), now=moment,
                                expect=("needs_attention",), retry_at=moment, priority=PRIORITY_NOW, note=None,
                                next_step=None))
        except IllegalTransition:
            continue  # the seller (or another SellerDesk) moved it in the meantime
    return resumed


def resumed_text(jobs: list[JobView]) -> str:
    """How the window and the CLI tell the seller about the jobs resume_paused moved ("" for none)."""
    if not jobs:
        return ""
    if len(jobs) == 1:
        return _("{post}, paused until you connected, is back in the queue.").format(post=jobs[0].label)
    return _("{count} posts paused until you connected are back in the queue.").format(count=len(jobs))

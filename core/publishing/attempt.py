"""One attempt at one job: claim it (committed as "publishing" before anything is sent), look on the platform first
when an earlier attempt may have done something, publish, and store what happened with a next step.

Only temporary failures are retried by themselves (with backoff and jitter; a rate limit waits as long as the
platform asked). An unanswered publish is never sent again unchecked: the job needs attention until SellerDesk
has looked for the listing on the platform.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core.errors import SellerDeskError
from core.i18n import N_, _, format_duration, format_when
from core.listings.actions import perform
from core.listings.store import record_publish
from core.platforms.base import ListingResult, Platform
from core.platforms.errors import (
    AuthExpired,
    ContentRejected,
    OutcomeUnknown,
    PlatformError,
    RateLimited,
    TransientFailure,
)
from core.platforms.publish import VariantSource, build_listing_request, publish_listing
from core.platforms.specs import display_name
from core.publishing.config import PublishingConfig
from core.publishing.events import Observers
from core.publishing.jobs import JobView, claim, move
from core.publishing.queue import Hold, LaneSignal, Offline, Probe, Reconnect, WorkItem
from core.publishing.resume import WAITING_FOR_SELLER

if TYPE_CHECKING:
    from core.app import App

log = logging.getLogger(__name__)

WAITING_FOR_NETWORK = N_("waiting for network")  # the stored note (compared): translated where shown


def note_text(note: str | None) -> str | None:
    """A job's note as the seller reads it (the network and sign-in notes are stored in English, as markers)."""
    return _(note) if note in (WAITING_FOR_NETWORK, WAITING_FOR_SELLER) else note


@dataclass
class AttemptContext:
    """What every attempt works with. ``plan(job)`` puts a job's next automatic attempt on the schedule."""

    app: App
    clock: Callable[[], datetime]
    config: PublishingConfig
    zone: ZoneInfo
    observers: Observers
    plan: Callable[[JobView], None]
    probe: Probe
    variants: VariantSource | None = None
    rng: random.Random = field(default_factory=random.Random)

    def local(self, moment: datetime) -> str:
        """A time of day as the seller reads it (dates are added when it is not today)."""
        local = moment.astimezone(self.zone)
        today = self.clock().astimezone(self.zone).date()
        if local.date() == today:
            return f"{local:%H:%M}"
        return _("{time} on {day}").format(time=f"{local:%H:%M}", day=format_when(local, "dd MMM"))


def run_attempt(ctx: AttemptContext, item: WorkItem, platform: Platform) -> LaneSignal | None:
    """Attempt ``item``'s job on ``platform`` and store the outcome; tells the lane to hold or wait when it must."""
    job = claim(ctx.app.db, item.job_id, now=ctx.clock(), checking=item.checking)
    if job is None:
        return None  # cancelled, rescheduled, or taken by another worker or SellerDesk in the meantime
    ctx.observers.job(job, f"{job.label}: {_('publishing') if job.action == 'publish' else _('sending')}…")
    try:
        if job.action == "publish":
            result = _publish(ctx, job, platform)
        else:
            done = perform(ctx.app, job, platform, _variants(ctx), ctx.clock())
    except PlatformError as exc:
        return _platform_failure(ctx, job, platform, exc)
    except SellerDeskError as exc:
        _finish(ctx, job, "failed", str(exc), last_error=exc.message,
                next_step=(exc.hint or _("Fix it, then press Retry.")) + " " + _("(or: sellerdesk jobs retry {id})")
                .format(id=job.id))
    except Exception as exc:
        log.exception("publishing %s failed unexpectedly", job.label)
        kind = type(exc).__name__
        _finish(ctx, job, "failed", _("unexpected error ({kind})").format(kind=kind),
                last_error=_("{job}: an unexpected error stopped the attempt ({kind}).").format(job=job.label,
                                                                                                kind=kind),
                next_step=_("Press Retry; if it happens again, the details are in {folder}.").format(
                    folder=ctx.app.logs_dir))
    else:
        now = ctx.clock()
        if job.action == "publish":
            _finish(ctx, job, "published", _("published: {where}").format(where=result.url or result.remote_id),
                    then=lambda session, view: record_publish(session, view, result.remote_id, result.url, now),
                    remote_id=result.remote_id, remote_url=result.url, published_at=now, outcome_unknown=False,
                    last_error=None, next_step=None, retry_at=None, note=None)
        else:
            _finish(ctx, job, "published", done.message, then=done.record, published_at=now, outcome_unknown=False,
                    last_error=None, next_step=None, retry_at=None, note=None)
    return None


def _variants(ctx: AttemptContext) -> VariantSource:
    return ctx.variants if ctx.variants is not None else ctx.app.image_store


def _publish(ctx: AttemptContext, job: JobView, platform: Platform) -> ListingResult:
    variants = _variants(ctx)
    existing = None
    # After any earlier attempt the platform may hold a listing (or half of one): find it and finish it, never
    # make a second. The first attempt has nothing to find and skips the extra requests.
    if job.outcome_unknown or job.attempts > 1:
        request = build_listing_request(ctx.app.db, job.product_id, job.platform, variants,
                                        idempotency_key=job.idempotency_key)
        existing = platform.find_existing(request)
        found = (_("found the listing of the earlier attempt ({id}, {state}); finishing it").format(
                     id=existing.remote_id, state=existing.state)
                 if existing is not None else _("no listing of an earlier attempt was found; sending it"))
        ctx.observers.job(job, f"{job.label}: {found}")
        log.info("%s: %s", job.label, found)
    return publish_listing(ctx.app, job.product_id, job.platform, existing=existing,
                           idempotency_key=job.idempotency_key, variants=variants, target=platform)


def _finish(ctx: AttemptContext, job: JobView, to: str, message: str,
            then: Callable[[Session, JobView], None] | None = None, **fields: object) -> JobView:
    view = move(ctx.app.db, job.id, to, message, now=ctx.clock(), expect=("publishing",),  # type: ignore[arg-type]
                then=then, **fields)
    ctx.observers.job(view, f"{view.label}: {message}")
    return view


def _platform_failure(ctx: AttemptContext, job: JobView, platform: Platform, exc: PlatformError) -> LaneSignal | None:
    now = ctx.clock()
    name = display_name(job.platform)
    then_retry = _("Then press Retry (or: sellerdesk jobs retry {id}).").format(id=job.id)
    if isinstance(exc, RateLimited | TransientFailure) and job.attempts >= ctx.config.max_attempts:
        _finish(ctx, job, "failed", _("gave up after {count} attempts").format(count=job.attempts),
                last_error=str(exc), retry_at=None, note=None,
                next_step=_("{platform} kept failing ({problem}). Press Retry (or: sellerdesk jobs retry {id}) when "
                            "it works again.").format(platform=name, problem=exc.problem, id=job.id))
        return None
    if isinstance(exc, RateLimited):
        wait = max(exc.retry_after, 1.0)
        at = now + timedelta(seconds=wait)
        view = _finish(ctx, job, "scheduled", _("{platform} asked to wait {wait}").format(
                           platform=name, wait=format_duration(wait)), last_error=str(exc), retry_at=at,
                       note=_("{platform} asked SellerDesk to slow down; trying again at {time}").format(
                           platform=name, time=ctx.local(at)))
        ctx.plan(view)
        return Hold(wait)
    if isinstance(exc, TransientFailure):
        if not ctx.probe(platform):
            _finish(ctx, job, "scheduled", _("{platform} cannot be reached: {waiting}").format(
                        platform=name, waiting=_(WAITING_FOR_NETWORK)), last_error=str(exc),
                    retry_at=None, note=WAITING_FOR_NETWORK)
            return Offline()
        at = now + timedelta(seconds=ctx.config.backoff(job.attempts, ctx.rng.random()))
        view = _finish(ctx, job, "scheduled", _("temporary failure; retry at {time}").format(time=at.isoformat()),
                       last_error=str(exc), retry_at=at,
                       note=_("{problem}; trying again at {time} (attempt {number} of {count})").format(
                           problem=exc.problem, time=ctx.local(at), number=job.attempts + 1,
                           count=ctx.config.max_attempts))
        ctx.plan(view)
        return None
    if isinstance(exc, OutcomeUnknown):
        at = now + timedelta(seconds=ctx.config.check_after_seconds)
        view = _finish(ctx, job, "needs_attention", _("no answer: the outcome is unknown"), last_error=str(exc),
                       outcome_unknown=True, retry_at=at,
                       next_step=_("{platform} did not answer, so the listing may or may not exist. SellerDesk looks "
                                   "for it on {platform} at {time} before anything is sent again; do not post it "
                                   "by hand.").format(platform=name, time=ctx.local(at)))
        ctx.plan(view)
        return None
    if isinstance(exc, AuthExpired | ContentRejected):
        # A sign-in or a check only the seller can answer: connecting again puts the job back (core.publishing.resume).
        _finish(ctx, job, "needs_attention", exc.problem, last_error=exc.message, retry_at=None,
                note=WAITING_FOR_SELLER if isinstance(exc, AuthExpired) else None,
                next_step=f"{exc.hint or _('Fix it.')} " + (
                    _("The post then goes out by itself.") if isinstance(exc, AuthExpired) else then_retry))
        return Reconnect() if isinstance(exc, AuthExpired) else None
    hint = exc.hint or _("Check the listing on {platform}.").format(platform=name)
    _finish(ctx, job, "failed", exc.problem, last_error=exc.message, retry_at=None, next_step=f"{hint} {then_retry}")
    return None

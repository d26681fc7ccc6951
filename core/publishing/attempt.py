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
    describe_duration,
)
from core.platforms.publish import VariantSource, build_listing_request, publish_listing
from core.platforms.specs import display_name
from core.publishing.config import PublishingConfig
from core.publishing.events import Observers
from core.publishing.jobs import JobView, claim, move
from core.publishing.queue import Hold, LaneSignal, Offline, Probe, WorkItem

if TYPE_CHECKING:
    from core.app import App

log = logging.getLogger(__name__)

WAITING_FOR_NETWORK = "waiting for network"


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
        return f"{local:%H:%M}" if local.date() == today else f"{local:%H:%M} on {local:%d %b}"


def run_attempt(ctx: AttemptContext, item: WorkItem, platform: Platform) -> LaneSignal | None:
    """Attempt ``item``'s job on ``platform`` and store the outcome; tells the lane to hold or wait when it must."""
    job = claim(ctx.app.db, item.job_id, now=ctx.clock(), checking=item.checking)
    if job is None:
        return None  # cancelled, rescheduled, or taken by another worker or SellerDesk in the meantime
    ctx.observers.job(job, f"{job.label}: {'publishing' if job.action == 'publish' else 'sending'}…")
    try:
        if job.action == "publish":
            result = _publish(ctx, job, platform)
        else:
            done = perform(ctx.app, job, platform, _variants(ctx), ctx.clock())
    except PlatformError as exc:
        return _platform_failure(ctx, job, platform, exc)
    except SellerDeskError as exc:
        _finish(ctx, job, "failed", str(exc), last_error=exc.message,
                next_step=(exc.hint or "Fix it, then press Retry.") + f" (or: sellerdesk jobs retry {job.id})")
    except Exception as exc:
        log.exception("publishing %s failed unexpectedly", job.label)
        _finish(ctx, job, "failed", f"unexpected error ({type(exc).__name__})",
                last_error=f"{job.label}: an unexpected error stopped the attempt ({type(exc).__name__}).",
                next_step=f"Press Retry; if it happens again, the details are in {ctx.app.logs_dir}.")
    else:
        now = ctx.clock()
        if job.action == "publish":
            _finish(ctx, job, "published", f"published: {result.url or result.remote_id}",
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
        found = (f"found the listing of the earlier attempt ({existing.remote_id}, {existing.state}); finishing it"
                 if existing is not None else "no listing of an earlier attempt was found; sending it")
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
    retry_hint = f"Press Retry (or: sellerdesk jobs retry {job.id})."
    if isinstance(exc, RateLimited | TransientFailure) and job.attempts >= ctx.config.max_attempts:
        _finish(ctx, job, "failed", f"gave up after {job.attempts} attempts", last_error=str(exc), retry_at=None,
                note=None, next_step=f"{name} kept failing ({exc.problem}). {retry_hint[:-1]} when it works again.")
        return None
    if isinstance(exc, RateLimited):
        wait = max(exc.retry_after, 1.0)
        at = now + timedelta(seconds=wait)
        view = _finish(ctx, job, "scheduled", f"{name} asked to wait {describe_duration(wait)}", last_error=str(exc),
                       retry_at=at, note=f"{name} asked SellerDesk to slow down; trying again at {ctx.local(at)}")
        ctx.plan(view)
        return Hold(wait)
    if isinstance(exc, TransientFailure):
        if not ctx.probe(platform):
            _finish(ctx, job, "scheduled", f"{name} cannot be reached: {WAITING_FOR_NETWORK}", last_error=str(exc),
                    retry_at=None, note=WAITING_FOR_NETWORK)
            return Offline()
        at = now + timedelta(seconds=ctx.config.backoff(job.attempts, ctx.rng.random()))
        view = _finish(ctx, job, "scheduled", f"temporary failure; retry at {at.isoformat()}", last_error=str(exc),
                       retry_at=at, note=f"{exc.problem}; trying again at {ctx.local(at)} "
                                         f"(attempt {job.attempts + 1} of {ctx.config.max_attempts})")
        ctx.plan(view)
        return None
    if isinstance(exc, OutcomeUnknown):
        at = now + timedelta(seconds=ctx.config.check_after_seconds)
        view = _finish(ctx, job, "needs_attention", "no answer: the outcome is unknown", last_error=str(exc),
                       outcome_unknown=True, retry_at=at,
                       next_step=f"{name} did not answer, so the listing may or may not exist. SellerDesk looks for "
                                 f"it on {name} at {ctx.local(at)} before anything is sent again; do not post it "
                                 "by hand.")
        ctx.plan(view)
        return None
    if isinstance(exc, AuthExpired | ContentRejected):
        _finish(ctx, job, "needs_attention", exc.problem, last_error=exc.message, retry_at=None,
                next_step=f"{exc.hint or 'Fix it.'} Then {retry_hint[0].lower()}{retry_hint[1:]}")
        return None
    _finish(ctx, job, "failed", exc.problem, last_error=exc.message, retry_at=None,
            next_step=f"{exc.hint or f'Check the listing on {name}.'} Then {retry_hint[0].lower()}{retry_hint[1:]}")
    return None

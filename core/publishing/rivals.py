"""One first post of a product per platform across the seller's computers.

Two computers can each schedule the same product on the same platform before they sync. Once they have synced,
both hold both posts, and both decide the same way which one goes out: a post being published (or checked after
an unknown outcome) first, then the one scheduled first (its ``created_at``), then the smaller owner device id, then
the smaller sync id. Every other open first post of the pair is held back: it stays as it is, with a plain reason,
and is never claimed; cancelling the post that goes out (on its computer) lets the next one go. A post already
published from another computer holds back an open one that was scheduled before it went out (on a platform of
listings, any open one: a second listing is never wanted), so a computer that learns of it late does not post again.

Nothing here writes: the decision is made from the synced rows each time it is needed (the views and the claim),
so it follows every change the next round brings. Only the publishing runner notes, on a held-back post whose time
passes, that it was held then (:data:`HELD_PAST_ITS_TIME`): released later, it goes out at once instead of being
counted as missed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from core.db.models import PublishJob
from core.i18n import N_, _
from core.platforms.specs import all_specs
from core.publishing.states import OPEN_STATES

HELD_PAST_ITS_TIME = N_("Its time came while it was held back: it goes out as soon as the other post is cancelled")


@dataclass(frozen=True)
class _Post:
    id: int
    state: str
    created_at: datetime
    owner: str  # the device id of the computer that publishes it ("" before this computer ever synced)
    sync_id: str
    owner_name: str | None
    published_at: datetime | None
    started: bool  # being published, or its last attempt's outcome is unknown: it may be out already

    @property
    def rank(self) -> tuple[bool, datetime, str, str]:
        return not self.started, self.created_at, self.owner, self.sync_id


def _first_posts() -> list[ColumnElement[bool]]:
    return [PublishJob.action == "publish", PublishJob.listing_id.is_(None), PublishJob.state != "cancelled"]


def held_back(session: Session, me: str | None, product_id: int | None = None,
              platform: str | None = None) -> dict[int, str]:
    """Why each held-back first post is held back, by job id (only ``product_id`` on ``platform`` when given)."""
    crowded = select(PublishJob.product_id, PublishJob.platform).where(*_first_posts())
    if product_id is not None and platform is not None:
        crowded = crowded.where(PublishJob.product_id == product_id, PublishJob.platform == platform)
    pairs = crowded.group_by(PublishJob.product_id, PublishJob.platform).having(func.count() > 1).subquery()
    rows = session.execute(
        select(PublishJob.id, PublishJob.product_id, PublishJob.platform, PublishJob.state, PublishJob.created_at,
               PublishJob.owner_device, PublishJob.sync_id, PublishJob.owner_name, PublishJob.published_at,
               PublishJob.outcome_unknown)
        .join(pairs, and_(PublishJob.product_id == pairs.c.product_id, PublishJob.platform == pairs.c.platform))
        .where(*_first_posts()))
    groups: dict[tuple[int, str], list[_Post]] = defaultdict(list)
    for row in rows:
        groups[(row.product_id, row.platform)].append(_Post(
            row.id, row.state, row.created_at, row.owner_device or me or "", row.sync_id or "", row.owner_name,
            row.published_at, row.state == "publishing" or bool(row.outcome_unknown)))
    reasons: dict[int, str] = {}
    for (_product, name), posts in groups.items():
        reasons.update(_decide(posts, _posts_again(name), me or ""))
    return reasons


def _posts_again(platform: str) -> bool:
    """Whether ``platform`` takes posts (a product may be posted there again on purpose) rather than listings."""
    spec = all_specs().get(platform)  # None: a platform of a newer SellerDesk, synced here; treated as listings
    return spec is not None and spec.capabilities.posts


def _decide(posts: list[_Post], posts_again: bool, me: str) -> dict[int, str]:
    reasons: dict[int, str] = {}
    going: list[_Post] = []
    for post in posts:
        if post.state not in OPEN_STATES:
            continue
        live = None if post.started else next((
            other for other in posts if other.state == "published" and other.owner != post.owner
            and (not posts_again or other.published_at is None or other.published_at >= post.created_at)), None)
        if live is None:
            going.append(post)
        else:
            reasons[post.id] = _("Already published from {computer}; this post is held back so it does not go out "
                                 "twice.").format(computer=_computer(live, me))
    if going:
        first = min(going, key=lambda post: post.rank)
        for post in going:
            if post is not first and not post.started:
                reasons[post.id] = _("Also scheduled on {computer}; that post goes out instead.").format(
                    computer=_computer(first, me))
    return reasons


def _computer(post: _Post, me: str) -> str:
    if post.owner == me:
        return _("this computer")
    return post.owner_name or _("another computer")

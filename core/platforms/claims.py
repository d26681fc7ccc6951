"""Whose listing is it: reconciliation never takes a listing SellerDesk has already recorded for another product.

Facebook, Instagram and Pinterest keep no key of SellerDesk's on a post, so after an unanswered attempt the post is
looked for by its exact text. Two products may share that text (one description for two colours), so a post found
that way is accepted only if no other product's publish job already names it as its own.
"""

from __future__ import annotations

from sqlalchemy import select

from core.db.database import Database
from core.db.models import PublishJob


def taken_by_another(db: Database, platform: str, product_id: int, remote_id: str) -> bool:
    """Whether ``remote_id`` on ``platform`` is recorded as the listing of a product other than ``product_id``."""
    with db.session() as session:
        return session.scalar(select(PublishJob.id).where(
            PublishJob.platform == platform, PublishJob.remote_id == remote_id,
            PublishJob.product_id != product_id).limit(1)) is not None

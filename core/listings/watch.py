"""Noticing that a listed product changed: any flush that touches a product's facts, photos or copy flags its
listings for a check, in the same transaction as the change itself.

So an edit from the window, the CLI, a CSV import or the sync service is never missed, and a crash between the edit
and the follow-up job loses nothing: the flag is committed with the edit, and the publishing runner acts on it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, event, inspect, update
from sqlalchemy.orm import Mapper, Session, object_session

from core.db.models import ContentDraft, Listing, Product, ProductImage

_FLAGGED = "listings.flagged"
# The facts a listing shows; a change to anything else of a product (its updated_at, sync id) needs no check.
_PRODUCT_FACTS = ("title", "description", "price", "currency", "quantity", "sku", "status", "deleted_at",
                  "attributes", "category")


def _flag(target: Any, product_id: int | None) -> None:
    session = object_session(target)
    if session is not None and product_id is not None:
        session.info.setdefault(_FLAGGED, set()).add(product_id)


def _product_changed(_mapper: Mapper[Any], _conn: Connection, target: Product) -> None:
    state = inspect(target)
    if any(state.attrs[name].history.has_changes() for name in _PRODUCT_FACTS):
        _flag(target, target.id)


def _child_changed(_mapper: Mapper[Any], _conn: Connection, target: ProductImage | ContentDraft) -> None:
    _flag(target, target.product_id)


def _after_flush(session: Session, _context: Any) -> None:
    product_ids = session.info.pop(_FLAGGED, None)
    if product_ids:
        session.connection().execute(update(Listing).where(Listing.product_id.in_(sorted(product_ids)))
                                     .values(check_needed=True))


event.listen(Product, "after_update", _product_changed)
for _child in (ProductImage, ContentDraft):
    event.listen(_child, "after_insert", _child_changed)
    event.listen(_child, "after_update", _child_changed)
    event.listen(_child, "after_delete", _child_changed)
event.listen(Session, "after_flush", _after_flush)
event.listen(Session, "after_soft_rollback", lambda session, _previous: session.info.pop(_FLAGGED, None))

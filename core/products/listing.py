"""Fast product listings for the CLI's ``--json`` and the desktop's table (tens of thousands of rows)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, Select, String, exists, func, or_, select, type_coerce

from core.db.database import Database
from core.db.models import ContentDraft, Product, ProductImage, PublishJob
from core.db.types import money_text, utc_iso
from core.errors import ValidationError

SORTS = ("id", "title", "price", "updated", "quantity", "sku", "status")
ROW_KEYS = ("id", "title", "price", "currency", "quantity", "sku", "category", "status", "updated_at", "images")

_p = Product.__table__.c


def _filtered(query: Select[Any], search: str, status: str | None, platform: str | None) -> Select[Any]:
    query = query.where(_p.deleted_at.is_(None))
    if search.strip():
        # SQLite's LIKE already ignores ASCII case; ilike's lower() on every row would double the cost.
        like = "%" + search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(_p.title.like(like, escape="\\"), _p.sku.like(like, escape="\\"),
                                _p.category.like(like, escape="\\")))
    if status:
        query = query.where(_p.status == status)
    if platform:
        on_platform = or_(
            exists().where(ContentDraft.product_id == _p.id, ContentDraft.platform == platform),
            exists().where(PublishJob.product_id == _p.id, PublishJob.platform == platform),
        )
        query = query.where(on_platform)
    return query


def _ordered(query: Select[Any], sort: str, descending: bool) -> Select[Any]:
    columns = {"id": _p.id, "title": _p.title, "price": _p.price, "updated": _p.updated_at, "quantity": _p.quantity,
               "sku": _p.sku, "status": _p.status}
    if sort not in columns:
        raise ValidationError(f"Cannot sort by {sort!r}.", hint=f"Use one of: {', '.join(SORTS)}.")
    column = columns[sort]
    return query.order_by(column.desc() if descending else column, _p.id.desc() if descending else _p.id)


def _rows_query() -> Select[Any]:
    counts = select(ProductImage.product_id, func.count().label("n")).group_by(ProductImage.product_id).subquery()
    # Price and time come back raw and are formatted by money_text/utc_iso: the per-row Decimal and datetime
    # conversions cost more than the query for 10,000 rows.
    return select(
        _p.id, _p.title, type_coerce(_p.price, BigInteger), _p.currency, _p.quantity, _p.sku, _p.category,
        _p.status, type_coerce(_p.updated_at, String), func.coalesce(counts.c.n, 0).label("images"),
    ).outerjoin(counts, counts.c.product_id == _p.id)


def _as_dicts(rows: Sequence[Any]) -> list[dict[str, Any]]:
    # Plain tuples and zip: attribute access on 10,000 Row objects costs more than the query itself.
    return [
        dict(zip(ROW_KEYS, (id_, title, money_text(price), currency, qty, sku, category, status, utc_iso(updated),
                            n), strict=True))
        for id_, title, price, currency, qty, sku, category, status, updated, n in rows
    ]


def list_products(
    db: Database,
    *,
    search: str = "",
    status: str | None = None,
    platform: str | None = None,
    sort: str = "id",
    descending: bool = False,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Live products as JSON-ready rows (id, title, price, currency, quantity, sku, category, status, images)."""
    query = _ordered(_filtered(_rows_query(), search, status, platform), sort, descending)
    if limit:
        query = query.limit(limit)
    with db.engine.connect() as conn:
        return _as_dicts(conn.execute(query).all())


def product_ids(
    db: Database,
    *,
    search: str = "",
    status: str | None = None,
    platform: str | None = None,
    sort: str = "id",
    descending: bool = False,
) -> list[int]:
    """Only the ids of matching products, in order: what a lazy table model holds."""
    query = _ordered(_filtered(select(_p.id), search, status, platform), sort, descending)
    with db.engine.connect() as conn:
        return list(conn.execute(query).scalars().all())


def product_rows(db: Database, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The listing rows of ``ids`` (the ones a view is about to show), keyed by id."""
    if not ids:
        return {}
    with db.engine.connect() as conn:
        rows = conn.execute(_rows_query().where(_p.id.in_(list(ids)))).all()
    return {row["id"]: row for row in _as_dicts(rows)}


def cover_images(db: Database, ids: Sequence[int]) -> dict[int, str]:
    """The first photo (sha256) of each of ``ids`` that has photos: what a product's thumbnail shows."""
    if not ids:
        return {}
    first = (
        select(ProductImage.product_id, func.min(ProductImage.position).label("position"))
        .where(ProductImage.product_id.in_(list(ids)))
        .group_by(ProductImage.product_id)
        .subquery()
    )
    query = select(ProductImage.product_id, ProductImage.sha256).join(
        first, (first.c.product_id == ProductImage.product_id) & (first.c.position == ProductImage.position)
    )
    with db.engine.connect() as conn:
        return {product_id: sha for product_id, sha in conn.execute(query).all()}

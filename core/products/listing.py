"""Fast product listings for the CLI's ``--json`` and the desktop's table (tens of thousands of rows).

Plain SQL on a :class:`core.db.reads.Reads` (the Database, or a read-only sqlite3 connection): the window's first
frame lists products before SQLAlchemy is imported. The statements follow the tables of core.db.models and are
assembled from constant fragments only (noqa: S608); every value is a ``?`` parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.db.reads import Reads, money_text, utc_iso
from core.errors import ValidationError
from core.i18n import _

SORTS = ("id", "title", "price", "updated", "quantity", "sku", "status")
ROW_KEYS = ("id", "title", "price", "currency", "quantity", "sku", "category", "status", "updated_at", "images")
_COLUMNS = {"id": "id", "title": "title", "price": "price", "updated": "updated_at", "quantity": "quantity",
            "sku": "sku", "status": "status"}
# Price and time come back raw and are formatted by money_text/utc_iso: the per-row Decimal and datetime conversions
# cost more than the query for 10,000 rows.
_ROWS = ("SELECT p.id, p.title, p.price, p.currency, p.quantity, p.sku, p.category, p.status, p.updated_at, "
         "(SELECT count(*) FROM product_images i WHERE i.product_id = p.id) FROM products p")


def _where(search: str, status: str | None, platform: str | None) -> tuple[str, list[Any]]:
    clauses, params = ["p.deleted_at IS NULL"], []
    if search.strip():
        # SQLite's LIKE already ignores ASCII case; lower() on every row would double the cost.
        like = "%" + search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append("(p.title LIKE ? ESCAPE '\\' OR p.sku LIKE ? ESCAPE '\\' OR p.category LIKE ? ESCAPE '\\')")
        params += [like, like, like]
    if status:
        clauses.append("p.status = ?")
        params.append(status)
    if platform:
        clauses.append("(EXISTS (SELECT 1 FROM content_drafts d WHERE d.product_id = p.id AND d.platform = ?) OR "
                       "EXISTS (SELECT 1 FROM publish_jobs j WHERE j.product_id = p.id AND j.platform = ?))")
        params += [platform, platform]
    return " WHERE " + " AND ".join(clauses), params


def _order(sort: str, descending: bool) -> str:
    if sort not in _COLUMNS:
        raise ValidationError(_("Cannot sort by {sort}.").format(sort=repr(sort)),
                              hint=_("Use one of: {choices}.").format(choices=", ".join(SORTS)))
    way = " DESC" if descending else ""
    return f" ORDER BY p.{_COLUMNS[sort]}{way}, p.id{way}"


def _as_dicts(rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    # Plain tuples and zip: attribute access on 10,000 Row objects costs more than the query itself.
    return [
        dict(zip(ROW_KEYS, (id_, title, money_text(price), currency, qty, sku, category, status, utc_iso(updated),
                            n), strict=True))
        for id_, title, price, currency, qty, sku, category, status, updated, n in rows
    ]


def list_products(
    db: Reads,
    *,
    search: str = "",
    status: str | None = None,
    platform: str | None = None,
    sort: str = "id",
    descending: bool = False,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Live products as JSON-ready rows (id, title, price, currency, quantity, sku, category, status, images)."""
    where, params = _where(search, status, platform)
    sql = _ROWS + where + _order(sort, descending)
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return _as_dicts(db.rows(sql, params))


def product_ids(
    db: Reads,
    *,
    search: str = "",
    status: str | None = None,
    platform: str | None = None,
    sort: str = "id",
    descending: bool = False,
) -> list[int]:
    """Only the ids of matching products, in order: what a lazy table model holds."""
    where, params = _where(search, status, platform)
    sql = "SELECT p.id FROM products p" + where + _order(sort, descending)  # noqa: S608
    return [row[0] for row in db.rows(sql, params)]


def _marks(ids: Sequence[int]) -> str:
    return ", ".join("?" * len(ids))


def product_rows(db: Reads, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The listing rows of ``ids`` (the ones a view is about to show), keyed by id."""
    if not ids:
        return {}
    rows = db.rows(f"{_ROWS} WHERE p.id IN ({_marks(ids)})", list(ids))
    return {row["id"]: row for row in _as_dicts(rows)}


def cover_images(db: Reads, ids: Sequence[int]) -> dict[int, str]:
    """The first photo (sha256) of each of ``ids`` that has photos: what a product's thumbnail shows."""
    if not ids:
        return {}
    rows = db.rows("SELECT i.product_id, i.sha256 FROM product_images i JOIN (SELECT product_id, min(position) AS "  # noqa: S608
                   f"position FROM product_images WHERE product_id IN ({_marks(ids)}) GROUP BY product_id) f "
                   "ON f.product_id = i.product_id AND f.position = i.position", list(ids))
    return {product_id: sha for product_id, sha in rows}

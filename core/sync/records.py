"""The synced record kinds: which columns travel, and how a local row becomes the JSON the service stores.

A child row (photo, copy, publish job) names its product by the product's ``sync_id`` (key ``product``), never by
the local integer id, which means nothing on another computer. Columns that only make sense on the computer that
wrote them (a publish job's live note, retry time and attempt counter) stay local.

A publish job travels with the computer that owns it (``owner_device``/``owner_name``; a local job without one is
this computer's): every computer shows it, only the owner publishes it (core.sync.moves hands it over). Follow-up
jobs of a listing (update, stock, take-down) stay local, as listings do.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, func, select

from core.db.models import ContentDraft, Product, ProductImage, PublishJob
from core.db.types import Money, UTCDateTime

PARENT_KEY = "product"
SETTING = "setting"
DELETED_HASH = "deleted"
_CHUNK = 500


@dataclass(frozen=True)
class Kind:
    """One synced table: its name on the service, its model and the columns that travel."""

    name: str
    model: type[Any]
    fields: tuple[str, ...]
    child: bool = False
    only: tuple[str, str] | None = None  # (column, value): only such rows travel

    @property
    def table(self) -> Table:
        """The model's table."""
        table: Table = self.model.__table__
        return table

    def encode(self, field: str, value: Any) -> Any:
        """A column value as JSON (money as a decimal string, times as ISO 8601 UTC)."""
        if value is None:
            return None
        column_type = self.table.c[field].type
        if isinstance(column_type, Money):
            return str(value)
        if isinstance(column_type, UTCDateTime):
            return value.isoformat()
        return value

    def decode(self, field: str, value: Any) -> Any:
        """A JSON value back as the column's Python value."""
        if value is None:
            return None
        column_type = self.table.c[field].type
        if isinstance(column_type, Money):
            return Decimal(str(value))
        if isinstance(column_type, UTCDateTime):
            return datetime.fromisoformat(str(value))
        return value


PRODUCT = Kind("product", Product, ("title", "description", "price", "currency", "quantity", "sku", "category",
                                    "attributes", "status", "language", "deleted_at", "created_at", "cost_price",
                                    "mrp", "net_quantity", "weight_grams", "country_of_origin", "hsn_code",
                                    "gst_percent", "legal"))
IMAGE = Kind("product_image", ProductImage, ("sha256", "original_name", "position", "width", "height", "format",
                                             "focal_x", "focal_y", "alt_text", "created_at"), child=True)
# approved_facts (the product facts an approval was given for) travels with the status, so another computer shows
# the same approval as stale or not; a record from a desktop without these fields keeps the local values.
DRAFT = Kind("content_draft", ContentDraft, ("platform", "title", "description", "bullets", "hashtags", "tags",
                                             "seo_title", "seo_description", "status", "approved_facts", "source",
                                             "model", "language", "edited_by_seller", "created_at"), child=True)
JOB = Kind("publish_job", PublishJob, ("platform", "state", "scheduled_at", "priority", "idempotency_key",
                                       "remote_id", "remote_url", "last_error", "next_step", "outcome_unknown",
                                       "published_at", "created_at", "owner_device", "owner_name"), child=True,
           only=("action", "publish"))
OWNER_FIELDS = ("owner_device", "owner_name")
# A request to move a job to another computer (core.sync.moves): written only by the computer asking for it.
MOVE = "job_move"

KINDS: dict[str, Kind] = {kind.name: kind for kind in (PRODUCT, IMAGE, DRAFT, JOB)}
BY_MODEL: dict[type[Any], Kind] = {kind.model: kind for kind in KINDS.values()}
# Parents before children when applying, so a photo always finds its product.
APPLY_ORDER: dict[str, int] = {SETTING: 0, "product": 1, "product_image": 2, "content_draft": 3, "publish_job": 4,
                               MOVE: 5}
CLOSED_JOB_STATES = ("published", "cancelled")


@dataclass(frozen=True)
class LocalRecord:
    """A synced row as it would travel: local id, global id and JSON data."""

    id: int
    sync_id: str
    data: dict[str, Any]


def data_hash(data: dict[str, Any] | None) -> str:
    """A stable fingerprint of a record's content (``None``: deleted)."""
    if data is None:
        return DELETED_HASH
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def read_records(conn: Connection, kind: Kind, ids: Iterable[int] | None = None) -> list[LocalRecord]:
    """Rows of ``kind`` (those with ``ids``, or all) as they would be pushed; rows gone since are left out."""
    table = kind.table
    columns = [table.c.id, table.c.sync_id, *(table.c[name] for name in kind.fields)]
    products = PRODUCT.table
    query = (select(*columns, products.c.sync_id.label("parent_ref"))
             .join(products, products.c.id == table.c.product_id) if kind.child else select(*columns))
    if kind.only is not None:
        query = query.where(table.c[kind.only[0]] == kind.only[1])
    owner: tuple[str, str] | None = None
    from core.sync.state import here  # here: core.sync.state needs the models, whose loading imports this module
    chunks: list[list[int] | None] = [None]
    if ids is not None:
        wanted = sorted(set(ids))
        chunks = [wanted[start:start + _CHUNK] for start in range(0, len(wanted), _CHUNK)]
    records: list[LocalRecord] = []
    for chunk in chunks:
        chosen = query if chunk is None else query.where(table.c.id.in_(chunk))
        for row in conn.execute(chosen.order_by(table.c.id)).mappings():
            data = {name: kind.encode(name, row[name]) for name in kind.fields}
            if kind.child:
                data[PARENT_KEY] = row["parent_ref"]
            if kind is JOB and data["owner_device"] is None:  # this computer's own job: named as such
                owner = owner or here(conn)
                data.update(zip(OWNER_FIELDS, owner, strict=True))
            records.append(LocalRecord(row["id"], row["sync_id"], data))
    return records


def natural_key(kind: Kind, values: dict[str, Any]) -> list[ColumnElement[bool]] | None:
    """Conditions finding another row that the local unique indexes would not allow beside one with ``values``
    (decoded column values, ``product_id`` resolved): the same live SKU, a second copy for one platform, a second
    open job for one platform from one computer; or the same picture twice on one product. None when ``values``
    cannot clash."""
    model = kind.model
    if kind is IMAGE:
        return [model.product_id == values["product_id"], model.sha256 == values.get("sha256")]
    if kind is PRODUCT:
        if values.get("sku") is None or values.get("deleted_at") is not None:
            return None
        return [model.sku == values["sku"], model.deleted_at.is_(None)]
    if kind is DRAFT:
        return [model.product_id == values["product_id"], model.platform == values["platform"]]
    if kind is JOB:
        if values.get("state") in CLOSED_JOB_STATES:
            return None
        # One computer's open post per pair: another computer's is kept beside it (core.publishing.rivals).
        return [model.product_id == values["product_id"], model.platform == values["platform"],
                model.state.not_in(CLOSED_JOB_STATES), model.action == "publish",
                func.coalesce(model.owner_device, "") == (values.get("owner_device") or "")]
    return None


def same_content(kind: Kind, mine: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """Whether two records say the same thing to the seller (creation time, photo order and file name aside)."""
    ignored = {"created_at", PARENT_KEY} | ({"position", "original_name"} if kind is IMAGE else set())
    return {k: v for k, v in mine.items() if k not in ignored} == {k: v for k, v in theirs.items()
                                                                   if k not in ignored}

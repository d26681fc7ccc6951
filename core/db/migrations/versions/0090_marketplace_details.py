"""product marketplace details: MRP, net quantity, weight, country of origin, HSN, GST % and the Legal Metrology
names and addresses as product fields, moved out of the attributes that held them

Revision ID: 0090
Revises: 0080
Create Date: 2026-12-03 04:30:00
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from alembic import op

import core.db.types

revision = "0090"
down_revision = "0080"
branch_labels = None
depends_on = None

def _columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("mrp", core.db.types.Money(), nullable=True),
        sa.Column("net_quantity", sa.String(200), nullable=True),
        sa.Column("weight_grams", sa.Integer(), nullable=True),
        sa.Column("country_of_origin", sa.String(100), nullable=True),
        sa.Column("hsn_code", sa.String(8), nullable=True),
        sa.Column("gst_percent", core.db.types.Money(), nullable=True),
        sa.Column("legal", sa.JSON(), nullable=True),
    ]


def upgrade() -> None:
    # ADD COLUMN, not a batch copy: copying would drop the partial unique index on live SKUs.
    for column in _columns():
        op.add_column("products", column)
    _move_attributes(op.get_bind())


def _products() -> sa.TableClause:
    return sa.table("products", sa.column("id", sa.Integer()), sa.column("attributes", sa.JSON()),
                    sa.column("currency", sa.String()), sa.column("title", sa.String()),
                    sa.column("description", sa.Text()), sa.column("price", core.db.types.Money()),
                    sa.column("category", sa.String()), sa.column("quantity", sa.Integer()),
                    *(sa.column(c.name, c.type) for c in _columns()))


def _move_attributes(bind: sa.Connection) -> None:
    """Attributes named like a marketplace field (hsn_code, gst_rate, weight_g, mrp, manufacturer_name, …) become
    that field; a value the field would refuse stays an attribute, so nothing is lost. Copy approved against the
    old attributes keeps its approval (the facts did not change, only where they are kept)."""
    from core.content.drafts import facts_fingerprint
    from core.errors import ValidationError
    from core.products import marketplace as M

    products = _products()
    drafts = sa.table("content_drafts", sa.column("product_id", sa.Integer()),
                      sa.column("approved_facts", sa.String()))
    for row in bind.execute(sa.select(products)).mappings().all():
        moved, rest = M.split_attributes(row["attributes"] or {})
        if not moved:
            continue
        values: dict[str, Any] = {}
        legal: dict[str, str] = {}
        for key, raw in moved.items():
            try:
                if key in M.LEGAL_KEYS:
                    legal.update(M.parse_legal({key: raw}))
                else:
                    values.update(M.parse_details({key: raw}, row["currency"]))
            except ValidationError:
                rest[next(k for k in row["attributes"] if M.ATTRIBUTE_KEYS.get(str(k).strip().lower()) == key)] = raw
        values.update(attributes=rest, legal=legal or None)
        before = facts_fingerprint(SimpleNamespace(**row))  # type: ignore[arg-type]
        after = facts_fingerprint(SimpleNamespace(**{**row, "attributes": rest}))  # type: ignore[arg-type]
        bind.execute(products.update().where(products.c.id == row["id"]).values(**values))
        bind.execute(drafts.update().where(drafts.c.product_id == row["id"], drafts.c.approved_facts == before)
                     .values(approved_facts=after))


def downgrade() -> None:
    # The details go back into the attributes under the names 0080's portal files read, so nothing is lost.
    from core.products import marketplace as M

    products = _products()
    names = {"weight_grams": "weight_g", "gst_percent": "gst_rate"}
    bind = op.get_bind()
    for row in bind.execute(sa.select(products)).mappings().all():
        given = {names.get(k, k): v for k, v in M.given_details(SimpleNamespace(**row)).items()}
        if given:
            bind.execute(products.update().where(products.c.id == row["id"])
                         .values(attributes={**(row["attributes"] or {}), **given}))
    with op.batch_alter_table("products") as batch:
        for column in reversed(_columns()):
            batch.drop_column(column.name)

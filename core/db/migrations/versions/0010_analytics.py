"""analytics: rate cards, ad spend, currency rates, and daily totals of sales and engagement kept by triggers

Revision ID: 0010
Revises: 0003
Create Date: 2026-11-26 10:00:00

A summary of a year (100,000 sales, 50,000 snapshots) must take under 200 ms. Grouping raw rows by the seller's
local day makes SQLite sort every row, and engagement needs each snapshot's difference from the one before; both
cost more than the budget. So triggers file each sale and snapshot under its local day as it is written, whoever
writes it, and a summary reads a few thousand daily rows. The local day comes from analytics_zone (UTC offsets of
the seller's time zone); it starts as India's, and core.analytics.rollup rebuilds everything for another zone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.db.types

# The SQL below is assembled from constant table and column names (noqa: S608), never from data.

revision = "0010"
down_revision = "0003"
branch_labels = None
depends_on = None

COUNTERS = ["likes", "comments", "shares", "saves", "reach", "impressions", "clicks"]


def _day(instant: str) -> str:
    """SQL for the local day of a stored UTC time (cut to whole seconds: SQLite rounds fractions up)."""
    offset = f"SELECT modifier FROM analytics_zone WHERE since <= {instant} ORDER BY since DESC LIMIT 1"  # noqa: S608
    return f"date(substr({instant}, 1, 19), ({offset}))"


def _sale_upsert(row: str, sign: str) -> str:
    amount = f"(CASE WHEN {row}.kind = 'refund' THEN abs({row}.amount) ELSE {row}.amount END)"
    quantity = f"(CASE WHEN {row}.kind = 'refund' THEN abs({row}.quantity) ELSE {row}.quantity END)"
    return f"""
    INSERT INTO sales_daily (day, platform, currency, kind, events, amount, quantity, fees, amount_no_fees,
                             quantity_no_fees)
    VALUES ({_day(row + '.occurred_at')}, {row}.platform, {row}.currency, {row}.kind, {sign}1, {sign}{amount},
            {sign}{quantity}, {sign}{row}.fees, {sign}(CASE WHEN {row}.fees = 0 THEN {amount} ELSE 0 END),
            {sign}(CASE WHEN {row}.fees = 0 THEN {quantity} ELSE 0 END))
    ON CONFLICT (day, platform, currency, kind) DO UPDATE SET
        events = events + excluded.events, amount = amount + excluded.amount, quantity = quantity + excluded.quantity,
        fees = fees + excluded.fees, amount_no_fees = amount_no_fees + excluded.amount_no_fees,
        quantity_no_fees = quantity_no_fees + excluded.quantity_no_fees;"""  # noqa: S608


def _neighbour(row: str, before: bool) -> str:
    """The snapshot of the same post just before (or after) ``row``, in (taken_at, id) order, never ``row``."""
    cmp, order = ("<", "DESC") if before else (">", "ASC")
    same_post = f"platform = {row}.platform AND remote_id = {row}.remote_id AND id != {row}.id"
    beyond = f"(taken_at {cmp} {row}.taken_at OR (taken_at = {row}.taken_at AND id {cmp} {row}.id))"
    where = f"WHERE {same_post} AND {beyond} ORDER BY taken_at {order}, id {order} LIMIT 1"
    return f"(SELECT * FROM engagement_snapshots {where})"  # noqa: S608


def _engagement_upsert(row: str, sign: str) -> str:
    """Add (sign '+') or take away (sign '-') ``row``'s snapshot: it gains over the one before it, and the one
    after it then gains over it instead of over the one before."""
    columns = ", ".join(COUNTERS)
    update = ", ".join(f"{c} = {c} + excluded.{c}" for c in COUNTERS)
    own = ", ".join(f"{sign}({row}.{c} - coalesce(prev.{c}, 0))" for c in COUNTERS)
    nxt = ", ".join(f"{sign}(coalesce(prev.{c}, 0) - {row}.{c})" for c in COUNTERS)
    return f"""
    INSERT INTO engagement_daily (day, platform, {columns})
    SELECT {_day(row + '.taken_at')}, {row}.platform, {own}
    FROM (SELECT 1) AS one LEFT JOIN {_neighbour(row, True)} AS prev
    WHERE true ON CONFLICT (day, platform) DO UPDATE SET {update};
    INSERT INTO engagement_daily (day, platform, {columns})
    SELECT {_day('nxt.taken_at')}, {row}.platform, {nxt}
    FROM {_neighbour(row, False)} AS nxt LEFT JOIN {_neighbour(row, True)} AS prev
    WHERE true ON CONFLICT (day, platform) DO UPDATE SET {update};"""  # noqa: S608


TRIGGERS = {
    "analytics_sale_insert": f"AFTER INSERT ON sale_events BEGIN {_sale_upsert('NEW', '+')} END",
    "analytics_sale_delete": f"AFTER DELETE ON sale_events BEGIN {_sale_upsert('OLD', '-')} END",
    "analytics_sale_update": "AFTER UPDATE OF platform, currency, kind, occurred_at, amount, quantity, fees "
                             f"ON sale_events BEGIN {_sale_upsert('OLD', '-')} {_sale_upsert('NEW', '+')} END",
    "analytics_snapshot_insert": f"AFTER INSERT ON engagement_snapshots BEGIN {_engagement_upsert('NEW', '+')} END",
    "analytics_snapshot_delete": f"AFTER DELETE ON engagement_snapshots BEGIN {_engagement_upsert('OLD', '-')} END",
    "analytics_snapshot_update": f"AFTER UPDATE OF platform, remote_id, taken_at, {', '.join(COUNTERS)} "
                                 f"ON engagement_snapshots BEGIN {_engagement_upsert('OLD', '-')} "
                                 f"{_engagement_upsert('NEW', '+')} END",
}

_BACKFILL_SALES = f"""
INSERT INTO sales_daily (day, platform, currency, kind, events, amount, quantity, fees, amount_no_fees,
                         quantity_no_fees)
SELECT day, platform, currency, kind, count(*), sum(amount), sum(quantity), sum(fees),
       sum(CASE WHEN fees = 0 THEN amount ELSE 0 END), sum(CASE WHEN fees = 0 THEN quantity ELSE 0 END)
FROM (SELECT {_day('occurred_at')} AS day, platform, currency, kind, fees,
             CASE WHEN kind = 'refund' THEN abs(amount) ELSE amount END AS amount,
             CASE WHEN kind = 'refund' THEN abs(quantity) ELSE quantity END AS quantity FROM sale_events)
GROUP BY day, platform, currency, kind"""  # noqa: S608

_BACKFILL_ENGAGEMENT = f"""
INSERT INTO engagement_daily (day, platform, {', '.join(COUNTERS)})
SELECT {_day('taken_at')} AS day, platform, {', '.join(f'sum({c})' for c in COUNTERS)}
FROM (SELECT platform, taken_at, {', '.join(f'{c} - coalesce(lag({c}) OVER post, 0) AS {c}' for c in COUNTERS)}
      FROM engagement_snapshots WINDOW post AS (PARTITION BY platform, remote_id ORDER BY taken_at, id))
GROUP BY day, platform"""  # noqa: S608


def upgrade() -> None:
    op.create_table(
        "platform_costs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=30), nullable=False),
        sa.Column("commission_percent", core.db.types.Money(), nullable=False),
        sa.Column("listing_fee", core.db.types.Money(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_at", core.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform"),
    )
    op.create_table(
        "ad_spend",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=30), nullable=False),
        sa.Column("spent_on", sa.Date(), nullable=False),
        sa.Column("amount", core.db.types.Money(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", core.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ad_spend", schema=None) as batch_op:
        batch_op.create_index("ix_ad_spend_day", ["spent_on", "platform"], unique=False)
    op.create_table(
        "currency_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("base", sa.String(length=3), nullable=False),
        sa.Column("rate", sa.String(length=40), nullable=False),
        sa.Column("created_at", core.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("currency", "base"),
    )
    op.create_table(
        "analytics_zone",
        sa.Column("since", sa.String(length=19), nullable=False),
        sa.Column("modifier", sa.String(length=20), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("since"),
    )
    op.create_table(
        "sales_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("platform", sa.String(length=30), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("amount", core.db.types.Money(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("fees", core.db.types.Money(), nullable=False),
        sa.Column("amount_no_fees", core.db.types.Money(), nullable=False),
        sa.Column("quantity_no_fees", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "platform", "currency", "kind"),
    )
    op.create_table(
        "engagement_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("platform", sa.String(length=30), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTERS),
        sa.PrimaryKeyConstraint("day", "platform"),
    )
    with op.batch_alter_table("sale_events", schema=None) as batch_op:
        batch_op.create_index("ix_sale_events_products",
                              ["product_id", "currency", "kind", "occurred_at", "amount", "quantity"], unique=False)
    # India's time, the default of general.timezone; a summary in another zone rebuilds the daily totals.
    op.execute("INSERT INTO analytics_zone (since, modifier, zone) "
               "VALUES ('0001-01-01 00:00:00', '+330 minutes', 'Asia/Kolkata')")
    op.execute(_BACKFILL_SALES)
    op.execute(_BACKFILL_ENGAGEMENT)
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("sale_events", schema=None) as batch_op:
        batch_op.drop_index("ix_sale_events_products")
    for table in ("engagement_daily", "sales_daily", "analytics_zone", "currency_rates"):
        op.drop_table(table)
    with op.batch_alter_table("ad_spend", schema=None) as batch_op:
        batch_op.drop_index("ix_ad_spend_day")
    op.drop_table("ad_spend")
    op.drop_table("platform_costs")

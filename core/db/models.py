"""The local database's tables (SQLAlchemy 2.0 typed models).

Schema changes go through a new Alembic revision in core/db/migrations/versions, never by editing the first one.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core.db.crypto import EncryptedText
from core.db.types import Money, UTCDateTime, utcnow


class Base(DeclarativeBase):
    """Declarative base of every SellerDesk table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(), Decimal: Money(), dict[str, Any]: JSON, list[str]: JSON,
    }


def new_sync_id() -> str:
    """A fresh global record id: two computers' local integer ids clash, these never do.

    ``sync_id`` columns are NULL-able in SQL only because SQLite cannot add a NOT NULL column to a filled table
    without copying it; every insert gets one and revision 0050 gave one to every older row.
    """
    return str(uuid.uuid4())


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Product(Timestamped, Base):
    """Something the seller sells: the facts every platform's listing is made from."""

    __tablename__ = "products"
    __table_args__ = (
        Index("ix_products_title", "title"),
        Index("ix_products_updated", "updated_at"),
        # Covers every column the product list filters on, so a search scans this index, not the descriptions.
        Index("ix_products_listing", "updated_at", "id", "deleted_at", "title", "sku", "category", "status"),
        # A deleted product keeps its SKU for undo, but no longer blocks a new product from using it.
        Index("uq_products_live_sku", "sku", unique=True, sqlite_where=text("deleted_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    quantity: Mapped[int] = mapped_column(default=1)
    sku: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(200), default="")
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    language: Mapped[str] = mapped_column(String(10), default="en")
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)
    sync_id: Mapped[str] = mapped_column(String(36), default=new_sync_id, nullable=True, unique=True, index=True)
    cost_price: Mapped[Decimal | None] = mapped_column(default=None)  # one item's cost to the seller; None: unknown
    # Marketplace details (core/products/marketplace.py): Legal Metrology facts, weight, HSN and GST; None: not given.
    mrp: Mapped[Decimal | None] = mapped_column(default=None)
    net_quantity: Mapped[str | None] = mapped_column(String(200), default=None)
    weight_grams: Mapped[int | None] = mapped_column(default=None)
    country_of_origin: Mapped[str | None] = mapped_column(String(100), default=None)
    hsn_code: Mapped[str | None] = mapped_column(String(8), default=None)
    gst_percent: Mapped[Decimal | None] = mapped_column(default=None)
    legal: Mapped[dict[str, Any] | None] = mapped_column(default=None)  # manufacturer/packer/importer name, address

    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="ProductImage.position"
    )
    drafts: Mapped[list[ContentDraft]] = relationship(back_populates="product", cascade="all, delete-orphan")


class ProductImage(Base):
    """A photo of a product, kept once in the content-addressed image store (by sha256)."""

    __tablename__ = "product_images"
    __table_args__ = (Index("ix_product_images_product", "product_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(255), default="")
    position: Mapped[int] = mapped_column(default=0)
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    format: Mapped[str] = mapped_column(String(10), default="")
    focal_x: Mapped[float] = mapped_column(default=0.5)
    focal_y: Mapped[float] = mapped_column(default=0.5)
    alt_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sync_id: Mapped[str] = mapped_column(String(36), default=new_sync_id, nullable=True, unique=True, index=True)

    product: Mapped[Product] = relationship(back_populates="images")


class ContentDraft(Timestamped, Base):
    """One platform's copy of one product, as written by Gemini, the offline writer or the seller."""

    __tablename__ = "content_drafts"
    __table_args__ = (UniqueConstraint("product_id", "platform"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    bullets: Mapped[list[str]] = mapped_column(default=list)
    hashtags: Mapped[list[str]] = mapped_column(default=list)
    tags: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | approved | rejected
    source: Mapped[str] = mapped_column(String(20), default="manual")  # gemini | offline | manual
    model: Mapped[str | None] = mapped_column(String(100), default=None)
    language: Mapped[str] = mapped_column(String(10), default="en")
    edited_by_seller: Mapped[bool] = mapped_column(default=False)
    sync_id: Mapped[str] = mapped_column(String(36), default=new_sync_id, nullable=True, unique=True, index=True)
    # A web shop's search-engine listing (Shopify SEO title and meta description).
    seo_title: Mapped[str] = mapped_column(Text, default="", server_default="")
    seo_description: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Fingerprint of the product facts the seller approved this copy against (stale once they change).
    approved_facts: Mapped[str | None] = mapped_column(String(64), default=None)

    product: Mapped[Product] = relationship(back_populates="drafts")


class PlatformConnection(Timestamped, Base):
    """A seller's link to one platform. Tokens are never here: they live in the OS keychain."""

    __tablename__ = "platform_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(30), unique=True)
    # Who the seller is on the platform: encrypted at rest (core/db/crypto.py).
    account_name: Mapped[str] = mapped_column(EncryptedText, default="")
    account_id: Mapped[str] = mapped_column(EncryptedText, default="")
    status: Mapped[str] = mapped_column(String(30), default="not_connected")
    enabled: Mapped[bool] = mapped_column(default=True)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    preferences: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # When sales and engagement were last fetched from the platform (core.listings.polling).
    sales_checked_at: Mapped[datetime | None] = mapped_column(default=None)
    engagement_checked_at: Mapped[datetime | None] = mapped_column(default=None)


class PublishJob(Timestamped, Base):
    """Publishing one product to one platform, with its state machine's current state."""

    __tablename__ = "publish_jobs"
    __table_args__ = (
        Index("ix_publish_jobs_state_due", "state", "scheduled_at"),
        # At most one publish job per product and platform is still going somewhere (a second one would be a
        # duplicate post), and at most one follow-up job (update, stock, take-down) per listing. Per computer: two
        # computers' posts of one product, scheduled before they synced, are both kept, and one of them is held
        # back (core.publishing.rivals).
        Index("uq_publish_jobs_open", "product_id", "platform", text("coalesce(listing_id, 0)"),
              text("coalesce(owner_device, '')"), unique=True,
              sqlite_where=text("state NOT IN ('published', 'cancelled')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(30), default="draft")
    scheduled_at: Mapped[datetime | None] = mapped_column(default=None)
    priority: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    remote_id: Mapped[str | None] = mapped_column(String(255), default=None)
    remote_url: Mapped[str | None] = mapped_column(Text, default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    next_step: Mapped[str | None] = mapped_column(Text, default=None)
    # -- publishing (issue 8) --
    # The next automatic attempt (backoff, rate limit, outcome check); scheduled_at stays the seller's chosen time.
    retry_at: Mapped[datetime | None] = mapped_column(default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)  # live status, e.g. "waiting for network"
    # An attempt was sent and no answer came (or SellerDesk stopped mid-attempt): look on the platform first.
    outcome_unknown: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    sync_id: Mapped[str] = mapped_column(String(36), default=new_sync_id, nullable=True, unique=True, index=True)
    # -- after publishing (issue 24) --
    # publish | update | stock | take_down | relist; every action but publish works on ``listing_id``.
    action: Mapped[str] = mapped_column(String(20), default="publish", server_default="publish")
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), default=None)
    # -- schedules on every computer (issue 25) --
    # The computer that publishes the job: its sync device id and name (None: this computer). Only that computer
    # ever attempts it; the others show it read-only. ``move_to`` is a move asked for and not yet done (the
    # computer that asked, by id and name): the owner hands the job over once it is not being published.
    owner_device: Mapped[str | None] = mapped_column(String(36), default=None)
    owner_name: Mapped[str | None] = mapped_column(String(100), default=None)
    move_to: Mapped[str | None] = mapped_column(String(36), default=None)
    move_to_name: Mapped[str | None] = mapped_column(String(100), default=None)

    events: Mapped[list[PublishJobEvent]] = relationship(
        back_populates="job", cascade="all, delete-orphan", order_by="PublishJobEvent.id")


class PublishJobEvent(Base):
    """One stored transition of a publish job: from which state to which, when, and why."""

    __tablename__ = "publish_job_events"
    __table_args__ = (Index("ix_publish_job_events_job", "job_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("publish_jobs.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    from_state: Mapped[str] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    message: Mapped[str] = mapped_column(Text, default="")

    job: Mapped[PublishJob] = relationship(back_populates="events")


class Listing(Timestamped, Base):
    """A product on one platform, made by a publish job: where it lives, its state, and what SellerDesk last sent.

    ``sent_*`` are compared with the product to know what is out of date; ``check_needed`` is set in the same
    transaction as any change to the product, its photos or its copy (core.listings.watch), so nothing is missed.
    """

    __tablename__ = "listings"
    __table_args__ = (
        UniqueConstraint("platform", "remote_id"),
        Index("ix_listings_product", "product_id", "platform"),
        Index("ix_listings_check", "check_needed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(30))
    remote_id: Mapped[str] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(Text, default=None)
    # live | sold_out (deactivated at zero stock) | taken_down | not_removable (a post the platform keeps)
    state: Mapped[str] = mapped_column(String(20), default="live")
    # What waits for the seller: "update" (ask-me mode) or "repost" (a social post whose product changed).
    pending: Mapped[str | None] = mapped_column(String(20), default=None)
    sent_price: Mapped[Decimal]
    sent_quantity: Mapped[int] = mapped_column(default=0)
    sent_copy: Mapped[str] = mapped_column(String(64), default="")
    check_needed: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text, default=None)  # the last outcome, in the seller's words
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    job_id: Mapped[int | None] = mapped_column(default=None)  # the publish job that made it (no FK: no cycle)
    engagement_error: Mapped[str | None] = mapped_column(Text, default=None)


class SaleEvent(Base):
    """A sale (or a lead) on one platform; (platform, external_id) makes re-imports idempotent."""

    __tablename__ = "sale_events"
    __table_args__ = (
        UniqueConstraint("platform", "external_id"),
        Index("ix_sale_events_when", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(30))
    external_id: Mapped[str] = mapped_column(String(255))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"))
    quantity: Mapped[int] = mapped_column(default=1)
    amount: Mapped[Decimal]
    fees: Mapped[Decimal] = mapped_column(default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3))
    occurred_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(20), default="sale")  # sale | lead | refund
    buyer: Mapped[str | None] = mapped_column(EncryptedText, default=None)  # personal data: encrypted at rest
    # Whether this sale (or refund) has been taken off (or added back to) the product's stock count.
    stock_applied: Mapped[bool] = mapped_column(default=False, server_default=text("0"))


class EngagementSnapshot(Base):
    """How one post was doing at one moment (likes, comments, shares, reach...)."""

    __tablename__ = "engagement_snapshots"
    __table_args__ = (Index("ix_engagement_post_time", "platform", "remote_id", "taken_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(30))
    remote_id: Mapped[str] = mapped_column(String(255))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("publish_jobs.id", ondelete="SET NULL"))
    taken_at: Mapped[datetime]
    likes: Mapped[int] = mapped_column(default=0)
    comments: Mapped[int] = mapped_column(default=0)
    shares: Mapped[int] = mapped_column(default=0)
    saves: Mapped[int] = mapped_column(default=0)
    reach: Mapped[int] = mapped_column(default=0)
    impressions: Mapped[int] = mapped_column(default=0)
    clicks: Mapped[int] = mapped_column(default=0)


class AuditEvent(Base):
    """An entry in the audit log: secret access, publish, export, deletion."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(50))
    subject: Mapped[str] = mapped_column(String(255), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)



# -- analytics ---------------------------------------------------------------------------------------------

# Top products: grouping by product reads this index in order, so SQLite neither sorts nor touches the table.
Index("ix_sale_events_products", SaleEvent.product_id, SaleEvent.currency, SaleEvent.kind, SaleEvent.occurred_at,
      SaleEvent.amount, SaleEvent.quantity)
# Sales not yet taken off stock (core.listings.stock): few at any time, looked for every few seconds.
Index("ix_sale_events_unapplied", SaleEvent.id, sqlite_where=text("stock_applied = 0"))


class PlatformCost(Timestamped, Base):
    """A platform's rate card as the seller enters it: commission on sales and a listing fee per unit sold.

    It estimates the fees of sales whose platform reported none (hand entries, CSV imports without fees).
    """

    __tablename__ = "platform_costs"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(30), unique=True)
    commission_percent: Mapped[Decimal] = mapped_column(default=Decimal(0))
    listing_fee: Mapped[Decimal] = mapped_column(default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3))


class AdSpend(Base):
    """Money the seller spent promoting on one platform, on one of the seller's local days."""

    __tablename__ = "ad_spend"
    __table_args__ = (Index("ix_ad_spend_day", "spent_on", "platform"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(30))
    spent_on: Mapped[date]
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CurrencyRate(Timestamped, Base):
    """The seller's own rate for showing ``currency`` amounts in ``base``: 1 currency = rate base."""

    __tablename__ = "currency_rates"
    __table_args__ = (UniqueConstraint("currency", "base"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    base: Mapped[str] = mapped_column(String(3))
    # Decimal text, not Money: a rate such as 1 INR = 0.011983 USD needs more than four decimal places.
    rate: Mapped[str] = mapped_column(String(40))


class AnalyticsZone(Base):
    """The seller's time zone as UTC offsets from ``since`` on (SQLite modifiers such as '+330 minutes').

    Triggers read it to file every sale and snapshot under its local day; core.analytics.rollup rewrites it
    (and the daily totals) when general.timezone changes.
    """

    __tablename__ = "analytics_zone"

    since: Mapped[str] = mapped_column(String(19), primary_key=True)  # UTC, 'YYYY-MM-DD HH:MM:SS'
    modifier: Mapped[str] = mapped_column(String(20))
    zone: Mapped[str] = mapped_column(String(64))


class SalesDaily(Base):
    """Sales per local day, platform, currency and kind, kept up to date by triggers on sale_events.

    Refunds are counted as positive amounts (platforms report them with either sign). ``*_no_fees`` add up
    the sales whose platform reported no fees: the rate card in platform_costs estimates theirs.
    """

    __tablename__ = "sales_daily"

    day: Mapped[date] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(30), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    events: Mapped[int] = mapped_column(default=0)
    amount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    quantity: Mapped[int] = mapped_column(default=0)
    fees: Mapped[Decimal] = mapped_column(default=Decimal(0))
    amount_no_fees: Mapped[Decimal] = mapped_column(default=Decimal(0))
    quantity_no_fees: Mapped[int] = mapped_column(default=0)


class EngagementDaily(Base):
    """Engagement gained per local day and platform, kept up to date by triggers on engagement_snapshots.

    Snapshots hold running totals; each one adds what its post gained since the post's previous snapshot.
    """

    __tablename__ = "engagement_daily"

    day: Mapped[date] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(30), primary_key=True)
    likes: Mapped[int] = mapped_column(default=0)
    comments: Mapped[int] = mapped_column(default=0)
    shares: Mapped[int] = mapped_column(default=0)
    saves: Mapped[int] = mapped_column(default=0)
    reach: Mapped[int] = mapped_column(default=0)
    impressions: Mapped[int] = mapped_column(default=0)
    clicks: Mapped[int] = mapped_column(default=0)


# -- sync (issue 11) -------------------------------------------------------------------------------------------


class SyncOutboxEntry(Base):
    """A committed local change waiting for the sync service. ``change_id`` goes with it on every try, so a retried
    push is applied once; once ``sent`` its content is frozen and later edits queue behind it."""

    __tablename__ = "sync_outbox"
    __table_args__ = (Index("ix_sync_outbox_record", "sync_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    sync_id: Mapped[str] = mapped_column(String(36))
    change_id: Mapped[str] = mapped_column(String(36), unique=True)
    deleted: Mapped[bool] = mapped_column(default=False)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent: Mapped[bool] = mapped_column(default=False)


class SyncRecord(Base):
    """What this computer knows of a record on the service: its version there and a hash of that version's data."""

    __tablename__ = "sync_records"

    sync_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(default=0)
    data_hash: Mapped[str] = mapped_column(String(64), default="")


class SyncConflict(Base):
    """Two edits of one record that met: ``mine`` lost the race and waits here for the seller, beside ``theirs``
    (the record as it stands). ``local_only``: found on this computer (two records claimed one SKU or one
    platform's copy), so the service knows nothing of it."""

    __tablename__ = "sync_conflicts"

    conflict_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    sync_id: Mapped[str] = mapped_column(String(36), index=True)
    mine_data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    mine_deleted: Mapped[bool] = mapped_column(default=False)
    mine_device: Mapped[str] = mapped_column(String(100), default="")
    theirs_data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    theirs_deleted: Mapped[bool] = mapped_column(default=False)
    theirs_version: Mapped[int] = mapped_column(default=0)
    local_only: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncState(Base):
    """Small facts of this data dir's sync: device id, signed-in email, cursor, last round's outcome."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


# Every flush of a synced table records its change in the outbox, whichever code path made it; every change to a
# listed product flags its listings for a check.
import core.listings.watch  # noqa: E402
import core.sync.capture  # noqa: E402, F401

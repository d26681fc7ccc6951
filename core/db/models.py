"""The local database's tables (SQLAlchemy 2.0 typed models).

Schema changes go through a new Alembic revision in core/db/migrations/versions, never by editing the first one.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core.db.types import Money, UTCDateTime, utcnow


class Base(DeclarativeBase):
    """Declarative base of every SellerDesk table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(), Decimal: Money(), dict[str, Any]: JSON, list[str]: JSON,
    }


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

    product: Mapped[Product] = relationship(back_populates="drafts")


class PlatformConnection(Timestamped, Base):
    """A seller's link to one platform. Tokens are never here: they live in the OS keychain."""

    __tablename__ = "platform_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(30), unique=True)
    account_name: Mapped[str] = mapped_column(String(255), default="")
    account_id: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(30), default="not_connected")
    enabled: Mapped[bool] = mapped_column(default=True)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    preferences: Mapped[dict[str, Any]] = mapped_column(default=dict)


class PublishJob(Timestamped, Base):
    """Publishing one product to one platform, with its state machine's current state."""

    __tablename__ = "publish_jobs"
    __table_args__ = (Index("ix_publish_jobs_state_due", "state", "scheduled_at"),)

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
    buyer: Mapped[str | None] = mapped_column(Text, default=None)


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

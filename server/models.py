"""The service's tables (SQLAlchemy 2.0), separate from the desktop's. Every row of seller data names its account.

Schema changes go through a new Alembic revision in server/migrations/versions; a test compares the two.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL wants BIGINT for tables that grow forever.
BigId = BigInteger().with_variant(Integer(), "sqlite")
JsonData = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes, stored as naive UTC so SQLite and PostgreSQL compare them the same way."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Aware → naive UTC; a naive value is a bug, not something to guess about."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; the service stores only aware times")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Naive UTC from the database → aware."""
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the service's tables."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JsonData}


class Account(Base):
    """A seller's account. ``sync_seq`` is the last sequence number handed to one of its changes; ``sync_epoch``
    changes when the service is restored from a backup (``python -m server.admin after-restore``), so every device
    compares afresh."""

    __tablename__ = "accounts"
    # Never reuse a deleted account's id on SQLite: storage paths and logs name accounts by id.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    sync_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    sync_epoch: Mapped[str] = mapped_column(String(32), default="", server_default="")
    # Bytes of synced versions and kept conflicts (photos and media are summed from their own rows).
    sync_bytes: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # The unresolved conflicts, and a number that moves whenever their list as devices see it changes (a conflict
    # kept or settled, a record with one written, a device renamed): the list's ETag, without reading the list.
    open_conflicts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    conflicts_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # The oldest version the list's changes can be told since (settled conflicts before it were pruned): a device
    # holding an older tag is sent the whole list.
    conflicts_floor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    disabled_at: Mapped[datetime | None] = mapped_column(default=None)  # set by an operator: no sign-in, no sync
    # When the owner opened the link in the confirmation email; None: may sign in, may not sync (if verifying).
    email_verified_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Device(Base):
    """One of the seller's computers, named by a UUID the desktop makes once and keeps."""

    __tablename__ = "devices"
    __table_args__ = (UniqueConstraint("account_id", "device_uid"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    device_uid: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuthSession(Base):
    """A sign-in on one device: the family its rotating refresh tokens belong to. Revoking it ends them all."""

    __tablename__ = "auth_sessions"
    __table_args__ = (Index("ix_auth_sessions_account", "account_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_reason: Mapped[str | None] = mapped_column(String(40), default=None)


class RefreshToken(Base):
    """One refresh token of a session, kept only as its SHA-256. ``used_at`` set = rotated; reuse is theft."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (Index("ix_refresh_tokens_session", "session_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("auth_sessions.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class EmailToken(Base):
    """A single-use token sent by email (``purpose`` "verify" or "reset"), kept only as its SHA-256."""

    __tablename__ = "email_tokens"
    __table_args__ = (Index("ix_email_tokens_account", "account_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class RateEvent(Base):
    """One counted event (a failed login, a registration) under a key such as ``login-ip:203.0.113.5``."""

    __tablename__ = "rate_events"
    __table_args__ = (Index("ix_rate_events_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncHead(Base):
    """The current version of one synced record, for the version check of the next push."""

    __tablename__ = "sync_heads"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean)
    head_seq: Mapped[int] = mapped_column(BigInteger)


class SyncChange(Base):
    """One accepted version of one record: the log devices pull from, in ``seq`` order."""

    __tablename__ = "sync_changes"
    __table_args__ = (
        UniqueConstraint("account_id", "change_id"),
        Index("ix_sync_changes_superseded", "account_id", "superseded_at"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    change_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean)
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(default=None)
    size: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # counted in accounts.sync_bytes


class SyncConflict(Base):
    """A push that lost: its content is kept here until the seller picks which side to keep."""

    __tablename__ = "sync_conflicts"
    __table_args__ = (
        UniqueConstraint("account_id", "change_id"),
        Index("ix_sync_conflicts_open", "account_id", "resolved_at"),
        Index("ix_sync_conflicts_record", "account_id", "record_id"),  # a push: do its records have open ones?
        Index("ix_sync_conflicts_listed", "account_id", "listed_version"),  # what changed since a device's tag
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    change_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36))
    base_version: Mapped[int] = mapped_column(Integer)
    server_version: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean)
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolution: Mapped[str | None] = mapped_column(String(20), default=None)
    size: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # counted in accounts.sync_bytes
    # The account's conflicts_version when this conflict, as devices see it, last changed (kept, settled, its
    # record written, its computer renamed or removed): GET /v1/sync/conflicts?since= sends only those after a tag.
    listed_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class Blob(Base):
    """A photo's bytes in the account's backup, named by their SHA-256 (uploaded once)."""

    __tablename__ = "blobs"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MediaItem(Base):
    """An image variant on public view at an unguessable URL until ``expires_at`` (only its hash is kept)."""

    __tablename__ = "media_items"
    __table_args__ = (
        Index("ix_media_items_account", "account_id"),
        Index("ix_media_items_expires", "expires_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class OAuthFlow(Base):
    """A sign-in with a provider in progress: where to send the seller's browser back, and with which state."""

    __tablename__ = "oauth_flows"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(20))
    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    redirect_uri: Mapped[str] = mapped_column(Text)
    client_state: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class OAuthHandoff(Base):
    """Provider tokens waiting (encrypted) for the desktop to redeem its one-time code."""

    __tablename__ = "oauth_handoffs"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(20))
    sealed_tokens: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime]

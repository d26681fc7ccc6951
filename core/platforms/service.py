"""Platform operations the GUI, the CLI and the queue call: connect, test, disconnect, choices, sales import."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from core.analytics.engagement import COUNTERS as ENGAGEMENT_COUNTERS
from core.db.models import AuditEvent, EngagementSnapshot, Listing
from core.db.types import utcnow
from core.platforms.base import ConnectOptions, Platform, PreferenceField
from core.platforms.connections import (
    PlatformStatus,
    get_preferences,
    mark_needs_attention,
    platform_status,
    record_connected,
    record_disconnected,
    set_preferences,
)
from core.platforms.errors import AuthExpired

if TYPE_CHECKING:
    from core.app import App

DEFAULT_SALES_DAYS = 30


@contextmanager
def _opened(app: App, name: str, target: Platform | None) -> Iterator[Platform]:
    if target is not None:
        yield target
        return
    from core.platforms.registry import open_platform

    platform = open_platform(app, name)
    try:
        yield platform
    finally:
        platform.close()


def _audit(app: App, kind: str, subject: str, detail: dict[str, Any] | None = None) -> None:
    with app.db.session() as session:
        session.add(AuditEvent(kind=kind, subject=subject, detail=detail or {}))


def connect_platform(app: App, name: str, options: ConnectOptions, *, target: Platform | None = None,
                     ) -> PlatformStatus:
    """Connect ``name`` (browser sign-in or pasted token, as the platform needs) and record who it is."""
    with _opened(app, name, target) as platform:
        info = platform.connect(options)
    record_connected(app.db, name, info.account_name, info.account_id, info.expires_at, info.preferences)
    _audit(app, "platform.connect", name, {"account": info.account_name})
    return platform_status(app.db, name)


def verify_connection(app: App, name: str, *, target: Platform | None = None) -> PlatformStatus:
    """Check that ``name`` still accepts SellerDesk; a refusal marks it as needing attention and is raised."""
    with _opened(app, name, target) as platform:
        try:
            info = platform.check_connection()
        except AuthExpired:
            mark_needs_attention(app.db, name)
            raise
    current = platform_status(app.db, name)
    record_connected(app.db, name, info.account_name, info.account_id, info.expires_at or current.expires_at,
                     info.preferences)
    return platform_status(app.db, name)


def disconnect_platform(app: App, name: str, *, target: Platform | None = None) -> PlatformStatus:
    """Forget ``name``'s credentials; the seller's choices stay for when they reconnect."""
    with _opened(app, name, target) as platform:
        platform.disconnect()
    record_disconnected(app.db, name)
    _audit(app, "platform.disconnect", name)
    return platform_status(app.db, name)


def preference_fields(app: App, name: str, *, target: Platform | None = None) -> list[PreferenceField]:
    """The choices the seller makes for ``name`` (with the options the platform offers)."""
    with _opened(app, name, target) as platform:
        return platform.preference_fields()


def save_preferences(app: App, name: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Store the seller's choices for ``name`` (a None value removes one); returns all of them."""
    return set_preferences(app.db, name, values)


def current_preferences(app: App, name: str) -> dict[str, Any]:
    """The stored choices for ``name``."""
    return get_preferences(app.db, name)


@dataclass(frozen=True)
class SalesImport:
    """What an import found: sales new to the database, and sales already there."""

    platform: str
    new: int
    known: int


def import_sales(app: App, name: str, *, since: datetime | None = None, target: Platform | None = None,
                 ) -> SalesImport:
    """Fetch ``name``'s sales since ``since`` into SaleEvent rows; importing again adds nothing twice."""
    from core.platforms.specs import get_spec

    days = int(get_spec(name).extra.get("sales_window_days", DEFAULT_SALES_DAYS))
    start = since or utcnow() - timedelta(days=days)
    with _opened(app, name, target) as platform:
        sales = platform.fetch_sales(start)
    from core.analytics.sales import SaleRecord
    from core.analytics.sales import import_sales as store_sales

    with app.db.session() as session:
        by_listing = {rid: pid for rid, pid in session.execute(
            select(Listing.remote_id, Listing.product_id).where(Listing.platform == name))}
    # One writer for sales: a sale seen before is stored once, and corrected if the platform changed its figures
    # (e.g. fees settled after the order).
    report = store_sales(app.db, [
        SaleRecord(platform=name, external_id=sale.external_id, occurred_at=sale.occurred_at, amount=sale.amount,
                   currency=sale.currency, quantity=sale.quantity, fees=sale.fees, product_sku=sale.sku,
                   product_id=by_listing.get(sale.remote_listing_id or ""), kind=sale.kind)
        for sale in sales
    ])
    new = report.added
    return SalesImport(name, new, report.updated + report.unchanged)


def import_engagement(app: App, name: str, remote_ids: list[str], *, target: Platform | None = None) -> int:
    """Record a snapshot of how each listing is doing; returns the number of snapshots stored."""
    with _opened(app, name, target) as platform:
        figures = platform.fetch_engagement(remote_ids)
    with app.db.session() as session:
        for f in figures:
            counts = {c: getattr(f, c) for c in ENGAGEMENT_COUNTERS}
            if f.unavailable:
                # Snapshots are running totals: a figure the platform withheld keeps its last known value (a gain
                # of nothing), never a drop to 0.
                last = session.scalars(select(EngagementSnapshot).where(
                    EngagementSnapshot.platform == name, EngagementSnapshot.remote_id == f.remote_id)
                    .order_by(EngagementSnapshot.taken_at.desc())).first()
                counts.update({c: getattr(last, c) if last is not None else 0 for c in f.unavailable})
            session.add(EngagementSnapshot(platform=name, remote_id=f.remote_id, taken_at=f.taken_at, **counts))
            session.execute(update(Listing).where(Listing.platform == name, Listing.remote_id == f.remote_id)
                            .values(engagement_error=f.problem))
    return len(figures)

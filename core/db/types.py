"""Column types that keep money exact and times in UTC on SQLite."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

MONEY_SCALE = 10_000  # four decimal places: exact for every ISO 4217 currency and for per-unit fees


class Money(TypeDecorator[Decimal]):
    """A Decimal amount stored as an integer count of 1/10,000 units: exact, sortable, no float drift."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value) * MONEY_SCALE
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than four decimal places")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return plain_decimal(Decimal(int(value)).scaleb(-4))


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes, stored as naive UTC (SQLite has no time zones) and returned aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; SellerDesk stores only aware times")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def money_text(stored: int) -> str:
    """The text of a stored Money value without building a Decimal (fast path for big listings).

    Equal to ``str(plain_decimal(...))`` of the value Money reads back: 12_995_000 → "1299.5".
    """
    whole, part = divmod(abs(stored), MONEY_SCALE)
    sign = "-" if stored < 0 else ""
    return f"{sign}{whole}" if part == 0 else f"{sign}{whole}.{part:04d}".rstrip("0")


def utc_iso(stored: str) -> str:
    """ISO 8601 text of a stored UTCDateTime (SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff", always UTC).

    Equal to ``.isoformat()`` of the aware datetime UTCDateTime reads back.
    """
    day, _, clock = stored.partition(" ")
    if clock.endswith(".000000"):
        clock = clock[:-7]
    return f"{day}T{clock}+00:00"


def plain_decimal(amount: Decimal) -> Decimal:
    """``amount`` without trailing zeros and never in exponent form (1299.50 → 1299.5, 100.00 → 100)."""
    amount = amount.normalize()
    # normalize() turns 100 into 1E+2; keep plain digits for display and JSON.
    return amount.quantize(Decimal(1)) if amount.as_tuple().exponent > 0 else amount  # type: ignore[operator]


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)

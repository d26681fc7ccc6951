"""The seller's own currency rates: amounts in other currencies are shown converted only at a rate the seller set.

Without a rate, a currency's figures stay apart; SellerDesk never adds rupees to dollars on its own.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from core.db.database import Database
from core.db.models import CurrencyRate
from core.db.types import utcnow
from core.errors import ValidationError
from core.i18n import _


def parse_rate(raw: str | Decimal) -> Decimal:
    """A positive rate such as 83.25 or 0.011983."""
    try:
        rate = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationError(_("The rate {value} is not a number.").format(value=repr(raw)), field="rate",
                              hint=_("Write it like 83.25.")) from None
    if not rate.is_finite() or rate <= 0:
        raise ValidationError(_("A rate must be more than zero."), field="rate")
    return rate


def set_rate(db: Database, currency: str, rate: Decimal, base: str) -> Decimal:
    """From now on show ``currency`` amounts in ``base`` at 1 ``currency`` = ``rate`` ``base``."""
    from core.products.fields import parse_currency

    code, base_code = parse_currency(currency), parse_currency(base)
    if code == base_code:
        raise ValidationError(_("{currency} needs no rate to itself.").format(currency=code), field="currency")
    rate = parse_rate(rate)
    with db.session() as session:
        row = session.scalars(select(CurrencyRate).where(CurrencyRate.currency == code,
                                                         CurrencyRate.base == base_code)).first()
        if row is None:
            session.add(CurrencyRate(currency=code, base=base_code, rate=str(rate)))
        else:
            row.rate = str(rate)
            row.updated_at = utcnow()
    return rate


def remove_rate(db: Database, currency: str, base: str) -> bool:
    """Stop converting ``currency`` into ``base``; True if there was a rate."""
    with db.session() as session:
        row = session.scalars(select(CurrencyRate).where(CurrencyRate.currency == currency.upper(),
                                                         CurrencyRate.base == base.upper())).first()
        if row is None:
            return False
        session.delete(row)
        return True


def rates_to(db: Database, base: str) -> dict[str, Decimal]:
    """Every rate the seller set into ``base``, by currency."""
    with db.session() as session:
        return {r.currency: Decimal(r.rate) for r in session.scalars(
            select(CurrencyRate).where(CurrencyRate.base == base.upper()).order_by(CurrencyRate.currency))}

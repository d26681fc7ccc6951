"""What selling on each platform costs: the seller's rate cards (commission %, listing fee) and ad spend.

A sale's own fees (as its platform reported them) are used when there are any; the rate card estimates the fees of
the others: commission on what was sold less what was refunded, plus the listing fee for every unit sold (a
listing is renewed, and paid for, with each sale; a refund does not give that back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core.analytics.sales import field_word, parse_platform
from core.db.database import Database
from core.db.models import AdSpend, PlatformCost
from core.db.types import utcnow
from core.errors import ValidationError
from core.i18n import _

MAX_COMMISSION = Decimal(100)


@dataclass(frozen=True)
class RateCard:
    """One platform's rate card."""

    platform: str
    commission_percent: Decimal
    listing_fee: Decimal
    currency: str

    def to_json(self) -> dict[str, Any]:
        """JSON-ready fields (Decimals as strings)."""
        return {"platform": self.platform, "commission_percent": str(self.commission_percent),
                "listing_fee": str(self.listing_fee), "currency": self.currency}


@dataclass(frozen=True)
class AdSpendEntry:
    """Money spent on ads on one platform on one local day."""

    id: int
    platform: str
    spent_on: date
    amount: Decimal
    currency: str
    note: str

    def to_json(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {"id": self.id, "platform": self.platform, "spent_on": self.spent_on.isoformat(),
                "amount": str(self.amount), "currency": self.currency, "note": self.note}


def parse_percent(raw: str) -> Decimal:
    """A commission typed by a person: ``6.5``, ``6.5%`` or `` 12 ``."""
    from decimal import InvalidOperation

    try:
        return Decimal(str(raw).strip().rstrip("%").strip())
    except InvalidOperation:
        raise ValidationError(_("The commission {value} is not a number.").format(value=repr(raw)),
                              field="commission_percent",
                              hint=_("Write it like 6.5 (per cent of each sale).")) from None


def set_rate_card(db: Database, platform: str, *, commission_percent: Decimal | None = None,
                  listing_fee: Decimal | None = None, currency: str) -> RateCard:
    """Create or change ``platform``'s rate card; a figure left as None keeps its stored value (or 0)."""
    from core.products.fields import parse_currency

    name = parse_platform(platform)
    code = parse_currency(currency)
    if commission_percent is not None and not 0 <= commission_percent <= MAX_COMMISSION:
        raise ValidationError(_("A commission of {percent}% is not possible.").format(percent=commission_percent),
                              field="commission_percent", hint=_("Give a percentage between 0 and 100, e.g. 6.5."))
    if listing_fee is not None and listing_fee < 0:
        raise ValidationError(_("The listing fee cannot be negative."), field="listing_fee")
    for label, value in ((_("commission"), commission_percent), (field_word("listing fee"), listing_fee)):
        if value is not None and value != value.quantize(Decimal("0.0001")):
            raise ValidationError(_("The {field} {value} has more than four decimal places.").format(
                field=label, value=value))
    with db.session() as session:
        card = session.scalars(select(PlatformCost).where(PlatformCost.platform == name)).first()
        if card is None:
            card = PlatformCost(platform=name, commission_percent=Decimal(0), listing_fee=Decimal(0), currency=code)
            session.add(card)
        if commission_percent is not None:
            card.commission_percent = commission_percent
        if listing_fee is not None:
            card.listing_fee = listing_fee
        card.currency = code
        card.updated_at = utcnow()
        session.flush()
        return RateCard(card.platform, card.commission_percent, card.listing_fee, card.currency)


def rate_cards(db: Database) -> dict[str, RateCard]:
    """Every platform's rate card, by platform."""
    with db.session() as session:
        return {c.platform: RateCard(c.platform, c.commission_percent, c.listing_fee, c.currency)
                for c in session.scalars(select(PlatformCost).order_by(PlatformCost.platform))}


def add_ad_spend(db: Database, platform: str, amount: Decimal, currency: str, spent_on: date,
                 note: str = "") -> AdSpendEntry:
    """Record money spent on ads on ``platform`` on the local day ``spent_on``."""
    from core.products.fields import parse_currency

    name = parse_platform(platform)
    code = parse_currency(currency)
    if amount <= 0:
        raise ValidationError(_("Ad spend must be more than zero."), field="amount")
    with db.session() as session:
        entry = AdSpend(platform=name, spent_on=spent_on, amount=amount, currency=code, note=note.strip())
        session.add(entry)
        session.flush()
        return AdSpendEntry(entry.id, name, spent_on, amount, code, entry.note)


def ad_spend(db: Database, start: date | None = None, end: date | None = None) -> list[AdSpendEntry]:
    """Ad spend entries from ``start`` to ``end`` (both included; None means no limit), oldest first."""
    query = select(AdSpend).order_by(AdSpend.spent_on, AdSpend.id)
    if start is not None:
        query = query.where(AdSpend.spent_on >= start)
    if end is not None:
        query = query.where(AdSpend.spent_on <= end)
    with db.session() as session:
        return [AdSpendEntry(e.id, e.platform, e.spent_on, e.amount, e.currency, e.note)
                for e in session.scalars(query)]


def estimated_fees(card: RateCard | None, amount_no_fees: Decimal, units_no_fees: int) -> tuple[Decimal, Decimal]:
    """The rate card's commission (in the sales' currency) and listing fees (in the card's currency)."""
    if card is None:
        return Decimal(0), Decimal(0)
    return amount_no_fees * card.commission_percent / 100, card.listing_fee * units_no_fees


def remove_ad_spend(db: Database, entry_id: int) -> AdSpendEntry:
    """Delete the ad spend entry ``entry_id`` (entered twice, or by mistake); NotFound if there is none."""
    from core.errors import NotFound

    with db.session() as session:
        entry = session.get(AdSpend, entry_id)
        if entry is None:
            raise NotFound(_("There is no ad spend entry {number}.").format(number=entry_id),
                           hint=_("'sellerdesk analytics costs list' shows them with their numbers."))
        gone = AdSpendEntry(entry.id, entry.platform, entry.spent_on, entry.amount, entry.currency, entry.note)
        session.delete(entry)
        return gone

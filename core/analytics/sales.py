"""Sales in: from platform connectors (SaleRecord), typed in by the seller, or read from CSV; never counted twice.

(platform, external_id) identifies a sale. Importing the same sale again changes nothing, or corrects it when the
platform now reports other figures (fees settled later, a changed quantity). Sales typed in by hand get an id made
from their content, so a form sent twice, or a CSV imported twice, still counts once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, tuple_
from sqlalchemy.orm import Session

from core.db.database import Database
from core.db.models import Product, SaleEvent, SalesDaily
from core.errors import Cancelled, ValidationError
from core.i18n import N_, _

KINDS = ("sale", "refund", "lead")
MAX_AMOUNT = Decimal("100000000000")  # ten thousand crore: a typo, not a sale
MAX_QUANTITY = 1_000_000
_BATCH = 400  # rows per look-up of existing sales (SQLite allows 32,766 bound values; two per row)
_PLATFORM_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,29}$")
_AMOUNT_RE = re.compile(r"^-?(?:\d{1,3}(?:,\d{2,3})+|\d+)(?:\.\d+)?$")
_SYMBOLS_RE = re.compile(r"^(?:₹|Rs\.?|INR|US\$|\$|€|£|USD|EUR|GBP)", re.IGNORECASE)
_TABLE = cast(Table, SaleEvent.__table__)
_COMPARED = ("product_id", "quantity", "amount", "fees", "currency", "occurred_at", "kind", "buyer")


@dataclass(frozen=True)
class SaleRecord:
    """One sale, refund or lead as a connector, the CSV reader or the sale form hands it over.

    ``amount`` is what the buyer paid for the whole line (not per unit); refunds may be given with either sign.
    ``product_id`` or ``product_sku`` links it to a product; without either it still counts for its platform.
    """

    platform: str
    external_id: str
    occurred_at: datetime
    amount: Decimal
    currency: str
    quantity: int = 1
    fees: Decimal = Decimal(0)
    product_sku: str | None = None
    product_id: int | None = None
    kind: str = "sale"
    buyer: str | None = None


@dataclass
class SaleProblem:
    """A record that was not stored, and why (``line`` is the CSV line, or the record's position from 1)."""

    line: int
    field: str | None
    message: str


@dataclass
class SalesImport:
    """What an import did: sales new to the database, corrected, already known, and refused."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    unlinked: int = 0  # stored, but with no product SellerDesk knows
    problems: list[SaleProblem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready counts and problems."""
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "unlinked": self.unlinked,
                "problems": [{"line": p.line, "field": p.field, "message": p.message} for p in self.problems]}


def parse_platform(raw: Any) -> str:
    """A platform name as stored: lower case, e.g. etsy, meesho, offline, whatsapp, walk-in."""
    name = "-".join(str(raw or "").strip().lower().split())
    if not _PLATFORM_RE.match(name):
        raise ValidationError(
            _("{name} is not a platform name.").format(name=repr(raw)), field="platform",
            hint=_("Use up to 30 letters, digits, '-', '_' or '.', e.g. etsy, offline, whatsapp."),
        )
    return name


def parse_kind(raw: Any) -> str:
    """sale, refund or lead (empty means sale)."""
    kind = str(raw or "sale").strip().lower()
    if kind not in KINDS:
        raise ValidationError(_("The kind {kind} must be one of: {kinds}.").format(
            kind=repr(raw), kinds=", ".join(KINDS)), field="kind")
    return kind


def parse_amount(raw: Any, currency: str, field: str = "amount") -> Decimal:
    """A money amount typed by a person (₹1,23,456.50, 499, Rs. 1,299) with no more decimals than ``currency``."""
    if isinstance(raw, Decimal):
        amount = raw
    else:
        text = _SYMBOLS_RE.sub("", str(raw if raw is not None else "").strip().replace(" ", ""))
        if not _AMOUNT_RE.match(text):
            raise ValidationError(_("The {field} {value} is not an amount.").format(field=field_word(field),
                                                                                    value=repr(raw)),
                                  field=field, hint=_("Write it like 499 or 1,299.50."))
        amount = Decimal(text.replace(",", ""))
    from babel.numbers import get_currency_precision

    digits = get_currency_precision(currency)
    if -amount.as_tuple().exponent > digits:  # type: ignore[operator]
        raise ValidationError(_("The {field} {value} has more decimals than {currency} allows ({digits}).").format(
            field=field_word(field), value=raw, currency=currency, digits=digits), field=field)
    return amount


_FIELD_WORDS = {"amount": N_("amount"), "fees": N_("fees"), "listing fee": N_("listing fee"),
                "ad spend": N_("ad spend")}


def field_word(field: str) -> str:
    """A money field as the seller calls it, in the interface language."""
    return _(_FIELD_WORDS[field]) if field in _FIELD_WORDS else field


def parse_quantity(raw: Any) -> int:
    """A whole number of units, 0 (a lead) or more; empty means 1."""
    text = str(raw if raw is not None else "").strip() or "1"
    try:
        quantity = int(text)
    except ValueError:
        raise ValidationError(_("The quantity {quantity} is not a whole number.").format(quantity=repr(raw)),
                              field="quantity") from None
    if not 0 <= quantity <= MAX_QUANTITY:
        raise ValidationError(_("The quantity {quantity} must be between 0 and {most}.").format(
            quantity=quantity, most=f"{MAX_QUANTITY:,}"), field="quantity")
    return quantity


def hand_external_id(record: SaleRecord, occurrence: int = 0) -> str:
    """A stable id for a sale entered by hand: the same facts give the same id, so a repeat is not a new sale.

    The facts are compared as stored (platform in lower case, the product by id once :func:`link_products` has
    looked its SKU up). ``occurrence`` tells apart identical lines of one CSV file (two walk-in buyers at once).
    """
    facts = "|".join(str(part) for part in (
        "-".join(record.platform.strip().lower().split()), record.occurred_at.astimezone(UTC).isoformat(),
        record.product_id if record.product_id is not None else (record.product_sku or "").strip(),
        record.quantity, Decimal(record.amount).normalize(), record.currency.strip().upper(),
        Decimal(record.fees).normalize(), record.kind.strip().lower(), " ".join((record.buyer or "").split()),
        occurrence,
    ))
    return "hand-" + hashlib.sha256(facts.encode("utf-8")).hexdigest()[:24]


def link_products(db: Database, records: Sequence[SaleRecord]) -> list[SaleRecord]:
    """``records`` with the product id filled in wherever their SKU names a known product."""
    with db.session() as session:
        by_sku, _known = _product_ids(session, records)
    linked = []
    for record in records:
        sku = (record.product_sku or "").strip()
        linked.append(replace(record, product_id=by_sku[sku]) if record.product_id is None and sku in by_sku
                      else record)
    return linked


def _check(record: SaleRecord) -> dict[str, Any]:
    """The record as column values, or ValidationError saying what is wrong with it."""
    from core.products.fields import parse_currency

    platform = parse_platform(record.platform)
    external_id = str(record.external_id or "").strip()
    if not external_id or len(external_id) > 255:
        raise ValidationError(_("The sale has no order id (or one over 255 characters)."), field="external_id")
    if not isinstance(record.occurred_at, datetime) or record.occurred_at.tzinfo is None:
        raise ValidationError("The sale's time has no time zone.", field="occurred_at",
                              hint="Connectors pass aware datetimes (UTC or with an offset).")
    kind = parse_kind(record.kind)
    currency = parse_currency(record.currency)
    try:
        amount, fees = Decimal(record.amount), Decimal(record.fees)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(_("The amount or fees are not numbers."), field="amount") from None
    quantity = int(record.quantity)
    if kind == "refund":  # platforms report refunds as negative or positive amounts; stored positive
        amount, quantity = abs(amount), abs(quantity)
    for name, value in (("amount", amount), ("fees", fees)):
        if not value.is_finite() or value < 0 or value >= MAX_AMOUNT:
            raise ValidationError(_("The {field} {value} is out of range.").format(field=field_word(name), value=value),
                                  field=name)
        if value != value.quantize(Decimal("0.0001")):
            raise ValidationError(_("The {field} {value} has more than four decimal places.").format(
                field=field_word(name), value=value), field=name)
    if not 0 <= quantity <= MAX_QUANTITY:
        raise ValidationError(_("The quantity {quantity} is out of range.").format(quantity=quantity),
                              field="quantity")
    buyer = " ".join(str(record.buyer).split())[:500] if record.buyer else None
    return {"platform": platform, "external_id": external_id, "occurred_at": record.occurred_at, "kind": kind,
            "currency": currency, "amount": amount, "fees": fees, "quantity": quantity, "buyer": buyer}


def _product_ids(session: Session, records: Sequence[SaleRecord]) -> tuple[dict[str, int], set[int]]:
    skus = sorted({r.product_sku.strip() for r in records if r.product_sku and r.product_sku.strip()})
    ids = sorted({r.product_id for r in records if r.product_id is not None})
    by_sku: dict[str, int] = {}
    known: set[int] = set()
    for start in range(0, len(skus), _BATCH):
        for sku, product_id in session.execute(select(Product.sku, Product.id).where(
                Product.sku.in_(skus[start:start + _BATCH]), Product.deleted_at.is_(None))):
            if sku is not None:
                by_sku[sku] = product_id
    for start in range(0, len(ids), _BATCH):
        known.update(session.scalars(select(Product.id).where(Product.id.in_(ids[start:start + _BATCH]))))
    return by_sku, known


def _link(record: SaleRecord, by_sku: dict[str, int], known: set[int]) -> int | None:
    if record.product_id is not None:
        if record.product_id not in known:
            raise ValidationError(_("There is no product #{id}.").format(id=record.product_id), field="product_id")
        return record.product_id
    sku = (record.product_sku or "").strip()
    if sku:
        if sku not in by_sku:
            raise ValidationError(_("No product has the SKU {sku}.").format(sku=repr(sku)), field="sku",
                                  hint=_("Add the product first, or fix the SKU."))
        return by_sku[sku]
    return None


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def import_sales(db: Database, records: Iterable[SaleRecord], *, require_product: bool = False,
                 lines: Sequence[int] | None = None, progress: Callable[[int, int], None] | None = None,
                 cancel: Callable[[], bool] | None = None) -> SalesImport:
    """Store sales (connectors call this); a sale already stored is kept once and corrected if it changed.

    With ``require_product`` (the seller's own entries) a sale must name a product SellerDesk knows; otherwise
    (platform imports) an unknown SKU stores the sale unlinked, because the money was still made.
    ``lines`` numbers the records in problems (CSV line numbers); by default they count from 1.
    ``progress(done, total)`` hears after each batch of sales; ``cancel`` (asked before each batch) stops with
    Cancelled, and since every sale is stored in one transaction, none of them is.
    """
    records = list(records)
    report = SalesImport()
    with db.session() as session:
        by_sku, known = _product_ids(session, records)
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for index, record in enumerate(records):
            line = lines[index] if lines is not None else index + 1
            try:
                row = _check(record)
                try:
                    row["product_id"] = _link(record, by_sku, known)
                except ValidationError:
                    if require_product:
                        raise
                    row["product_id"] = None
                if row["product_id"] is None and require_product:
                    raise ValidationError(_("The sale names no product."), field="sku",
                                          hint=_("Give the product's SKU or id."))
            except ValidationError as exc:
                report.problems.append(SaleProblem(line, exc.field, str(exc)))
                continue
            key = (row["platform"], row["external_id"])
            if key in rows:
                report.unchanged += 1  # the same sale twice in one import: the later line wins
            rows[key] = row
        done = 0
        for chunk in _chunks(list(rows.items()), _BATCH):
            if cancel is not None and cancel():
                raise Cancelled("The sales import was cancelled; no sales were added.")
            _store(session, dict(chunk), report)
            done += len(chunk)
            if progress is not None:
                progress(done, len(rows))
    return report


def _store(session: Session, rows: dict[tuple[str, str], dict[str, Any]], report: SalesImport) -> None:
    existing = {
        (r.platform, r.external_id): r
        for r in session.execute(select(SaleEvent.id, SaleEvent.platform, SaleEvent.external_id,
                                        *(getattr(SaleEvent, c) for c in _COMPARED))
                                 .where(tuple_(SaleEvent.platform, SaleEvent.external_id).in_(list(rows))))
    }
    new, changed = [], []
    for key, row in rows.items():
        old = existing.get(key)
        if old is None:
            new.append(row)
            report.unlinked += row["product_id"] is None
            continue
        if row["product_id"] is None:
            row["product_id"] = old.product_id  # a connector that cannot link keeps the link the seller made
        report.unlinked += row["product_id"] is None
        if any(getattr(old, c) != row[c] for c in _COMPARED):
            changed.append({"sale_id": old.id, **{c: row[c] for c in _COMPARED}})
        else:
            report.unchanged += 1
    if new:
        # Core, not ORM, insert: one executemany for the whole batch (the ORM splits it wherever a value is None).
        session.execute(insert(_TABLE), new)
        report.added += len(new)
    if changed:
        session.execute(_TABLE.update().where(_TABLE.c.id == bindparam("sale_id")), changed)
        report.updated += len(changed)


def record_sale(db: Database, record: SaleRecord) -> tuple[str, bool]:
    """Store one sale the seller typed in; returns its id and whether it is new (False: already recorded).

    An empty ``external_id`` gets a stable one from the sale's facts; the sale must name a known product.
    """
    if not record.external_id:
        record = link_products(db, [record])[0]
        record = replace(record, external_id=hand_external_id(record))
    report = import_sales(db, [record], require_product=True)
    if report.problems:
        problem = report.problems[0]
        raise ValidationError(problem.message, field=problem.field)
    return record.external_id, report.added == 1


@dataclass(frozen=True)
class ProductChoice:
    """A product the seller can record a sale of."""

    id: int
    title: str
    sku: str | None
    price: Decimal
    currency: str


def sale_choices(db: Database) -> tuple[list[ProductChoice], list[str]]:
    """Live products (by title) and the platforms sales were recorded on, for the sale form."""
    with db.session() as session:
        products = [ProductChoice(*row) for row in session.execute(
            select(Product.id, Product.title, Product.sku, Product.price, Product.currency)
            .where(Product.deleted_at.is_(None)).order_by(Product.title, Product.id))]
        platforms = list(session.scalars(select(SalesDaily.platform).distinct().order_by(SalesDaily.platform)))
    return products, platforms

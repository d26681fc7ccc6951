"""Product records: create, read, change, delete (with undo), as plain data for the CLI and the window."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db.database import Database
from core.db.models import Product, ProductImage
from core.db.types import utcnow
from core.errors import NotFound, SellerDeskError, ValidationError
from core.i18n import N_, _
from core.products import fields as F
from core.products import marketplace as M

if TYPE_CHECKING:  # Pillow loads only when photos are really handled
    from core.images.store import ImageStore, StoredImage

NO_PRICE = Decimal(0)  # a draft's price before the seller gives one; nothing is listed at it


@dataclass
class ProductInput:
    """Validated product facts, ready to store. Build it with :func:`product_input`."""

    title: str
    price: Decimal
    currency: str
    description: str = ""
    quantity: int = 1
    sku: str | None = None
    category: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    status: str = "draft"
    language: str = "en"
    cost_price: Decimal | None = None  # what one item costs the seller; None: not known
    # Marketplace details (core/products/marketplace.py); None: not given.
    mrp: Decimal | None = None
    net_quantity: str | None = None
    weight_grams: int | None = None
    country_of_origin: str | None = None
    hsn_code: str | None = None
    gst_percent: Decimal | None = None
    legal: dict[str, str] = field(default_factory=dict)


@dataclass
class ImageView:
    """A product photo as shown to the seller."""

    id: int
    sha256: str
    original_name: str
    position: int
    width: int
    height: int
    format: str
    focal_x: float
    focal_y: float


@dataclass
class ProductView:
    """A product as plain data (no database session attached)."""

    id: int
    title: str
    price: Decimal
    currency: str
    quantity: int
    sku: str | None
    category: str
    status: str
    language: str
    description: str
    attributes: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    images: list[ImageView] = field(default_factory=list)
    cost_price: Decimal | None = None
    mrp: Decimal | None = None
    net_quantity: str | None = None
    weight_grams: int | None = None
    country_of_origin: str | None = None
    hsn_code: str | None = None
    gst_percent: Decimal | None = None
    legal: dict[str, str] = field(default_factory=dict)

    def details(self) -> dict[str, str]:
        """The marketplace details as display text, every field present ("" when not given)."""
        return M.as_text(asdict(self))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (prices as strings so no precision is lost)."""
        data = asdict(self)
        data["price"] = str(self.price)
        for name in ("cost_price", "mrp", "gst_percent"):
            data[name] = None if data[name] is None else str(data[name])
        data["created_at"] = self.created_at.isoformat()
        data["updated_at"] = self.updated_at.isoformat()
        return data


def product_input(values: dict[str, Any], *, default_currency: str = "INR") -> ProductInput:
    """Check raw values (strings from the CLI, CSV or a form) and return a ProductInput, or raise ValidationError.

    A draft may wait for its price (none given is kept as 0, "no price yet"); anything else needs one.
    """
    currency = F.parse_currency(values.get("currency") or default_currency)
    status = F.parse_choice(values.get("status") or "draft", "status", F.STATUSES)
    price = _price(values.get("price"), currency, status)
    details = M.parse_details(values, currency)
    details["legal"] = M.parse_legal(details.get("legal") or {})
    M.check_mrp(details.get("mrp"), price)
    return ProductInput(
        title=F.parse_title(values.get("title")),
        price=price,
        currency=currency,
        description=F.parse_description(values.get("description")),
        quantity=F.parse_quantity(values["quantity"]) if values.get("quantity") not in (None, "") else 1,
        sku=F.parse_sku(values.get("sku")),
        category=F.parse_category(values.get("category")),
        attributes=F.parse_attributes(values.get("attributes")),
        status=status,
        language=F.parse_choice(values.get("language") or "en", "language", F.LANGUAGES),
        cost_price=F.parse_cost(values.get("cost_price"), currency),
        **details,
    )


def _price(raw: Any, currency: str, status: str) -> Decimal:
    # No price at all (not 0, which is a slip) lets a draft wait for one; nothing else may.
    if raw is None or str(raw).strip() == "":
        if status == "draft":
            return NO_PRICE
        raise ValidationError(_("A {status} product needs a price.").format(status=_(_STATUS_WORDS[status])),
                              field="price", hint=_("Enter what one costs a buyer, or keep the product as a draft."))
    return F.parse_price(raw, currency)


_STATUS_WORDS = {"ready": N_("ready"), "archived": N_("archived")}  # a draft may wait for its price

_PARSERS: dict[str, Callable[[Any], Any]] = {
    "title": F.parse_title,
    "description": F.parse_description,
    "quantity": F.parse_quantity,
    "sku": F.parse_sku,
    "category": F.parse_category,
    "attributes": F.parse_attributes,
    "status": lambda v: F.parse_choice(v, "status", F.STATUSES),
    "language": lambda v: F.parse_choice(v, "language", F.LANGUAGES),
}


def product_view(product: Product) -> ProductView:
    """``product`` (with its photos) as plain data."""
    return ProductView(
        id=product.id,
        title=product.title,
        price=product.price,
        currency=product.currency,
        quantity=product.quantity,
        sku=product.sku,
        category=product.category,
        status=product.status,
        language=product.language,
        description=product.description,
        attributes=dict(product.attributes),
        created_at=product.created_at,
        updated_at=product.updated_at,
        cost_price=product.cost_price,
        mrp=product.mrp, net_quantity=product.net_quantity, weight_grams=product.weight_grams,
        country_of_origin=product.country_of_origin, hsn_code=product.hsn_code, gst_percent=product.gst_percent,
        legal=dict(product.legal or {}),
        images=[
            ImageView(i.id, i.sha256, i.original_name, i.position, i.width, i.height, i.format, i.focal_x, i.focal_y)
            for i in product.images
        ],
    )


def live_product(session: Session, product_id: int) -> Product:
    """The product ``product_id`` in ``session``; NotFound if it does not exist or is in the bin."""
    product = session.get(Product, product_id)
    if product is None or product.deleted_at is not None:
        raise NotFound(_("There is no product with id {id}.").format(id=product_id),
                       hint=_("'sellerdesk products list' shows them."))
    return product


def _sku_taken(sku: str | None) -> ValidationError:
    return ValidationError(_("Another product already has SKU {sku}.").format(sku=repr(sku)), field="sku",
                           hint=_("Give each product its own SKU."))


def store_photos(store: ImageStore, paths: Sequence[Path]) -> list[StoredImage]:
    """Check and keep each photo in the image store; the first bad one is refused with its name and reason,
    and then none of them is kept (a refused product leaves no photo, nor where it was taken, behind)."""
    return store.add_all(paths)


def image_rows(stored: Sequence[StoredImage], first_position: int) -> list[ProductImage]:
    """Database rows for photos already in the store, numbered from ``first_position``."""
    return [
        ProductImage(sha256=s.sha256, original_name=s.original_name, position=first_position + i,
                     width=s.width, height=s.height, format=s.format)
        for i, s in enumerate(stored)
    ]


def create_product(
    db: Database, data: ProductInput, *, images: Sequence[Path] = (), store: ImageStore | None = None
) -> ProductView:
    """Store a new product (with its photos, all checked before anything is saved) and return it."""
    stored = store_photos(store, images) if images and store is not None else []
    try:
        with db.session() as session:
            product = Product(**asdict(data))
            product.images = image_rows(stored, 0)
            session.add(product)
            session.flush()
            return product_view(product)
    except IntegrityError:
        _discard_unused(db, store, stored)
        raise _sku_taken(data.sku) from None
    except BaseException:
        _discard_unused(db, store, stored)
        raise


def _discard_unused(db: Database, store: ImageStore | None, stored: Sequence[StoredImage]) -> None:
    # A refused product must not leave its photos (and the place they were taken) behind in the store.
    if store is None or not stored:
        return
    from sqlalchemy import select

    try:
        with db.session() as session:
            used = set(session.scalars(select(ProductImage.sha256).where(
                ProductImage.sha256.in_([s.sha256 for s in stored]))))
    except SellerDeskError:
        return  # the database cannot say which photos are used: keep them (the daily purge looks again)
    for photo in stored:
        if photo.sha256 not in used:
            store.discard(photo.sha256)


def get_product(db: Database, product_id: int) -> ProductView:
    """One product with its photos; NotFound if it does not exist or is deleted."""
    with db.session() as session:
        return product_view(live_product(session, product_id))


def update_product(db: Database, product_id: int, changes: dict[str, Any]) -> ProductView:
    """Apply raw field changes (validated here); price and currency are checked together.

    ``cost_price`` given as an empty string clears the cost (not known); None leaves it as it is.
    """
    try:
        with db.session() as session:
            product = live_product(session, product_id)
            if "currency" in changes and changes["currency"] is not None:
                product.currency = F.parse_currency(changes["currency"])
            status = F.parse_choice(changes.get("status") or product.status, "status", F.STATUSES)
            if "price" in changes and changes["price"] is not None:
                product.price = _price(changes["price"], product.currency, status)
            elif status != "draft" and product.price == NO_PRICE:
                product.price = _price("", product.currency, status)  # refused: only a draft waits for a price
            if "cost_price" in changes and changes["cost_price"] is not None:
                product.cost_price = F.parse_cost(changes["cost_price"], product.currency)
            for name, parse in _PARSERS.items():
                if name in changes and changes[name] is not None:
                    setattr(product, name, parse(changes[name]))
            _apply_details(product, changes)
            session.flush()
            return product_view(product)
    except IntegrityError:
        raise _sku_taken(changes.get("sku")) from None


def _apply_details(product: Product, changes: dict[str, Any]) -> None:
    # A marketplace field given as "" is cleared; one not given (None) stays as it is.
    details = M.parse_details(changes, product.currency)
    if "legal" in details:
        details["legal"] = M.parse_legal({**(product.legal or {}), **details["legal"]})
    for name, value in details.items():
        setattr(product, name, value)
    M.check_mrp(product.mrp, product.price)


def delete_product(db: Database, product_id: int) -> ProductView:
    """Move a product to the bin (restorable with :func:`restore_product`)."""
    with db.session() as session:
        product = live_product(session, product_id)
        product.deleted_at = utcnow()
        return product_view(product)


def restore_product(db: Database, product_id: int) -> ProductView:
    """Bring a deleted product back."""
    try:
        with db.session() as session:
            product = session.get(Product, product_id)
            if product is None or product.deleted_at is None:
                raise NotFound(_("There is no deleted product with id {id}.").format(id=product_id))
            product.deleted_at = None
            session.flush()
            return product_view(product)
    except IntegrityError:
        raise ValidationError(_("Product {id} cannot come back with its SKU: another product uses it now.").format(
            id=product_id), field="sku") from None

"""A product's photos: add, remove, reorder, and the focal point crops are centred on."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from core.db.database import Database
from core.db.models import ProductImage
from core.errors import Cancelled, NotFound, ValidationError
from core.i18n import _
from core.products.service import ProductView, image_rows, live_product, product_view, store_photos

if TYPE_CHECKING:
    from core.images.store import ImageStore, StoredImage

MAX_PHOTOS = 20  # Etsy's limit, the highest of the platforms; others take the first N


def add_photos(db: Database, store: ImageStore, product_id: int, paths: Sequence[Path], *,
               progress: Callable[[int, int, str], None] | None = None,
               cancel: threading.Event | None = None) -> ProductView:
    """Add photos to the end of a product's list; all are checked before any is added, duplicates are skipped.

    Each photo is checked and stored in turn (a second or so for a phone photo): ``progress(done, total, name)``
    hears after each, and ``cancel``, once set, stops before the next with ``Cancelled`` and none added.
    """
    stored: list[StoredImage] = []
    try:
        for done, path in enumerate(paths):
            if cancel is not None and cancel.is_set():
                raise Cancelled(_("Adding photos was cancelled after {done} of {total}; none were added.").format(
                    done=done, total=len(paths)))
            stored.extend(store_photos(store, [path]))
            if progress is not None:
                progress(done + 1, len(paths), path.name)
        return _attach(db, product_id, stored)
    except BaseException:
        store.forget_fresh(stored)  # originals are kept only once the product holds them
        raise


def _attach(db: Database, product_id: int, stored: Sequence[StoredImage]) -> ProductView:
    with db.session() as session:
        product = live_product(session, product_id)
        known = {image.sha256 for image in product.images}
        fresh = []
        for item in stored:
            if item.sha256 not in known:
                known.add(item.sha256)
                fresh.append(item)
        if len(product.images) + len(fresh) > MAX_PHOTOS:
            raise ValidationError(
                _("A product can have at most {most} photos; this one has {count}.").format(
                    most=MAX_PHOTOS, count=len(product.images)),
                field="images", hint=_("Remove some photos first."),
            )
        start = max((i.position for i in product.images), default=-1) + 1
        product.images.extend(image_rows(fresh, start))
        session.flush()
        return product_view(product)


def _image(product_images: list[ProductImage], image_id: int, product_id: int) -> ProductImage:
    for image in product_images:
        if image.id == image_id:
            return image
    raise NotFound(_("Product {id} has no photo {photo}.").format(id=product_id, photo=image_id))


def remove_photo(db: Database, product_id: int, image_id: int) -> ProductView:
    """Take a photo off a product (the stored original stays, other products may use it)."""
    with db.session() as session:
        product = live_product(session, product_id)
        product.images.remove(_image(product.images, image_id, product_id))
        for position, image in enumerate(product.images):
            image.position = position
        session.flush()
        return product_view(product)


def reorder_photos(db: Database, product_id: int, image_ids: Sequence[int]) -> ProductView:
    """Put the product's photos in the order of ``image_ids`` (the first is the cover)."""
    with db.session() as session:
        product = live_product(session, product_id)
        if sorted(image_ids) != sorted(i.id for i in product.images):
            raise ValidationError(_("The new photo order must list each of the product's photos once."),
                                  field="images")
        for position, image_id in enumerate(image_ids):
            _image(product.images, image_id, product_id).position = position
        session.flush()
        session.expire(product, ["images"])
        return product_view(product)


def set_focal_point(db: Database, product_id: int, image_id: int, x: float, y: float) -> ProductView:
    """Where crops should centre on this photo (0..1 from the left and top)."""
    if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
        raise ValidationError(_("The focal point must lie inside the photo."), field="focal")
    with db.session() as session:
        product = live_product(session, product_id)
        image = _image(product.images, image_id, product_id)
        image.focal_x, image.focal_y = x, y
        return product_view(product)


# Names cameras and phones give photos: they say nothing about the product.
_CAMERA_NAME = re.compile(r"^(img|dsc|dscn|pxl|photo|image|whatsapp image|screenshot|screen shot|mvimg|p|dji)?"
                          r"[\s_-]*[\d\s_.:-]*(at [\d.\s]+(am|pm)?)?$", re.IGNORECASE)
UNTITLED = "New product"


def title_from_photos(paths: Sequence[Path]) -> str:
    """A first title for a product made from photos: the first photo's name when a person gave it one
    (``brass-diya_gold.jpg`` → ``Brass diya gold``), else "New product"."""
    for path in paths:
        words = " ".join(re.sub(r"[_\-.]+", " ", path.stem).split())
        if words and not _CAMERA_NAME.match(words) and any(ch.isalpha() for ch in words):
            return words[0].upper() + words[1:]
    return UNTITLED


def create_from_photos(db: Database, store: ImageStore, paths: Sequence[Path], *, currency: str,
                       language: str = "en") -> ProductView:
    """A new draft product with ``paths`` as its photos (all checked before anything is kept), no price yet and a
    first title from the photos' names, for the seller to name and price."""
    from core.products import fields as F
    from core.products.service import NO_PRICE, ProductInput, create_product

    if not paths:
        raise ValidationError(_("Choose at least one photo."), field="images")
    if len(paths) > MAX_PHOTOS:
        raise ValidationError(_("{count} photos is more than one product can have ({most}).").format(
            count=len(paths), most=MAX_PHOTOS), field="images", hint=_("Choose the best ones of one product."))
    data = ProductInput(title=title_from_photos(paths), price=NO_PRICE, currency=F.parse_currency(currency),
                        language=F.parse_choice(language, "language", F.LANGUAGES))
    return create_product(db, data, images=paths, store=store)

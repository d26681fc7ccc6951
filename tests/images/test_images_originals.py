"""Originals are kept only once a product holds them; pictures are written with ordinary permissions."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from core.app import App
from core.errors import Cancelled
from core.images.errors import ImageRejected
from core.images.store import ImageStore
from core.products.photos import add_photos
from core.products.service import create_product, product_input
from tests.images.photos import encode, exif, scene

Write = Callable[[str, bytes], Path]


def originals(store: ImageStore) -> list[Path]:
    folder = store.root / "originals"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_refused_product_leaves_no_original_behind(app: App, write: Write) -> None:
    good = write("good.jpg", encode(scene(800, 600), "JPEG", exif=exif(1, gps=True)))
    bad = write("bad.jpg", b"%PDF-1.7 not a photo")
    with pytest.raises(ImageRejected, match=r"bad\.jpg"):
        create_product(app.db, product_input({"title": "Mug", "price": "100"}), images=[good, bad],
                       store=app.image_store)
    assert originals(app.image_store) == []  # the good photo (and where it was taken) is not kept


def test_a_photo_another_product_uses_stays_when_a_batch_is_refused(app: App, write: Write) -> None:
    good = write("good.jpg", encode(scene(800, 600), "JPEG"))
    create_product(app.db, product_input({"title": "Mug", "price": "100"}), images=[good], store=app.image_store)
    kept = originals(app.image_store)
    with pytest.raises(ImageRejected):
        app.image_store.add_all([good, write("bad.jpg", b"")])
    assert originals(app.image_store) == kept


def test_cancelled_or_refused_additions_keep_nothing(app: App, write: Write) -> None:
    product = create_product(app.db, product_input({"title": "Mug", "price": "100"}))
    photos = [write(f"p{i}.jpg", encode(scene(400, 300, seed=i), "JPEG")) for i in range(3)]
    cancel = threading.Event()

    def progress(done: int, total: int, name: str) -> None:
        if done == 2:
            cancel.set()

    with pytest.raises(Cancelled):
        add_photos(app.db, app.image_store, product.id, photos, progress=progress, cancel=cancel)
    assert originals(app.image_store) == []
    with pytest.raises(ImageRejected):
        add_photos(app.db, app.image_store, product.id, [photos[0], write("bad.jpg", b"GIF89a broken")])
    assert originals(app.image_store) == []
    added = add_photos(app.db, app.image_store, product.id, photos)
    assert len(added.images) == 3 and len(originals(app.image_store)) == 3


def test_pictures_and_originals_get_ordinary_permissions(app: App, write: Write) -> None:
    old = os.umask(0o022)
    try:
        stored = app.image_store.add(write("p.jpg", encode(scene(400, 300), "JPEG")))
        (variant,) = app.image_store.variants(stored.sha256, ["thumbnail"])
    finally:
        os.umask(old)
    for path in (stored.path, variant.path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path.name  # not 0600, the temporary file's mode

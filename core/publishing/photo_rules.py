"""Photo rules checked before posts are queued: a portal's review refuses a listing whose pictures break them, days
later; the seller hears it while the photo can still be changed.

Today one rule: the product must fill a share of the picture (Snapdeal: 75 %, the preset's ``min_fill``). The
platform's pictures are made now, exactly as the publish will send them (and kept for it), and a note names each
photo in which the product still fills too little after core.images has cropped as close as it can.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select

from core.db.models import ProductImage
from core.errors import SellerDeskError
from core.i18n import _
from core.images.fill import is_fill_note
from core.images.notes import shown
from core.images.presets import load_presets
from core.platforms.specs import get_spec
from core.publishing.jobs import JobView

if TYPE_CHECKING:
    from core.app import App


def flag_unfilled_photos(app: App, jobs: Sequence[JobView]) -> list[str]:
    """A note per photo of each job's product in which the product fills less of the platform's picture than the
    platform asks (only platforms with such a rule are looked at); a photo that cannot be made is named too."""
    presets = load_presets()
    notes: list[str] = []
    for job in jobs:
        preset = presets.get(job.platform)
        if preset is None or not preset.min_fill:
            continue
        with app.db.session() as session:
            photos = [(i.sha256, (i.focal_x, i.focal_y)) for i in session.scalars(
                select(ProductImage).where(ProductImage.product_id == job.product_id)
                .order_by(ProductImage.position))]
        for number, (sha256, focal) in enumerate(photos[:get_spec(job.platform).capabilities.max_images], 1):
            try:
                variant = app.image_store.variants(sha256, [job.platform], focal)[0]
            except SellerDeskError as exc:  # the publish would refuse it too: say so now
                notes.append(_("{product}, photo {n}: {problem}").format(product=job.label, n=number,
                                                                          problem=exc.message))
                continue
            notes.extend(_("{product}, photo {n}: {problem}.").format(product=job.label, n=number, problem=shown(note))
                         for note in variant.notes if is_fill_note(note))
    return notes

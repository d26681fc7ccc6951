"""A platform picture's notes (a preview's ⚠ warnings): made and stored in English (beside the cached picture, so the
cache holds one language), shown in the interface language.

Every note is one of the templates below filled with :func:`note`; :func:`shown` finds the template a stored
sentence was made from and gives it translated, with the same values. A sentence no template made (one stored by
an older version) is shown as stored.
"""

from __future__ import annotations

import re
from functools import cache

from core.i18n import N_, _

TOO_SMALL = N_("{photo} is too small for {platform}: {size} pixels is enlarged {scale}× and will look soft (use a "
               "photo of at least {need})")
PADDED_WHITE = N_("{platform}: cropping to its shape would cut the product, so the picture is padded with white")
PADDED_BLUR = N_("{platform}: cropping to its shape would cut the product, so the picture is padded with a blurred "
                 "extension of the photo")
TOO_FEW_BYTES = N_("{platform} asks for at least {wanted} KB; this photo makes {made} KB without being enlarged (a "
                   "larger or more detailed photo reaches it)")
FILL_WOULD_CUT = N_("{platform} asks for the product to fill at least {wanted} % of the picture; in this photo it "
                    "fills {share} %, and a closer crop would cut the product (it is too long for the picture's "
                    "shape). Photograph the product so it suits a square picture")
FILL_WOULD_BLUR = N_("{platform} asks for the product to fill at least {wanted} % of the picture; in this photo it "
                     "fills {share} %, and a closer crop would blow the photo up more than {limit}× (it would look "
                     "soft). Take the photo closer to the product, or use a larger photo")
TEMPLATES = (TOO_SMALL, PADDED_WHITE, PADDED_BLUR, TOO_FEW_BYTES, FILL_WOULD_CUT, FILL_WOULD_BLUR)
_FIELD = re.compile(r"\{(\w+)\}")


def note(template: str, **values: object) -> str:
    """The note as stored: ``template`` (one of TEMPLATES) in English, filled with ``values``."""
    assert template in TEMPLATES, template
    return template.format(**values)


@cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = _FIELD.split(template)  # literal, name, literal, name, ..., literal
    # A photo's file name may hold any words: it takes all it can, the other values (numbers, a platform) the least.
    return re.compile("".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+{'' if part == 'photo' else '?'})"
                              for i, part in enumerate(parts)))


def shown(stored: str) -> str:
    """The stored note ``stored`` in the interface language (as stored when no template made it)."""
    for template in TEMPLATES:
        found = _pattern(template).fullmatch(stored)
        if found is not None:
            return _(template).format(**found.groupdict())
    return stored

"""Sample inputs shared by the listing-copy tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.content.models import ProductFacts

# Two tiny "JPEGs": real magic bytes, distinct content, so the stand-in can prove both arrived intact.
JPEG_A = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00thumb-a\xff\xd9"
JPEG_B = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00thumb-b\x00\x01\x02\xff\xd9"


def sample_facts(**overrides: Any) -> ProductFacts:
    """A realistic product (brass jhumkas, INR); keyword arguments override fields."""
    base: dict[str, Any] = {
        "title": "Brass Jhumka Earrings",
        "description": "Lightweight brass jhumkas with a hand-polished gold finish and tiny bells.",
        "price": Decimal("1499"),
        "currency": "INR",
        "category": "Jewellery",
        "attributes": {"Colour": "Gold", "Material": "Brass"},
        "quantity": 3,
        "sku": "JH-001",
        "language": "en",
        "tone": "friendly",
        "image_jpegs": [JPEG_A, JPEG_B],
    }
    base.update(overrides)
    return ProductFacts(**base)


class Sleeps(list[float]):
    """Records the back-off waits a writer asked for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)

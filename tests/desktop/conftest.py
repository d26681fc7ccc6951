"""Desktop test set-up: real photos to drop into the editor."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw


@pytest.fixture
def photos(tmp_path: Path) -> list[Path]:
    """Three real phone-like JPEGs of different shapes."""
    paths = []
    for n, (size, colour) in enumerate([((1600, 1200), (200, 120, 40)), ((1200, 1600), (40, 120, 200)),
                                        ((1500, 1500), (90, 160, 90))]):
        image = Image.new("RGB", size, colour)
        ImageDraw.Draw(image).ellipse((300, 300, 900, 900), fill=(240, 220, 120))
        path = tmp_path / f"photo{n}.jpg"
        image.save(path, quality=90)
        paths.append(path)
    return paths

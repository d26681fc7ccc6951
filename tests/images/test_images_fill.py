"""Snapdeal's rule that the product fills at least 75 % of the picture: a product small in its photo is cropped
closer (never cut, the 20 px margin kept); a photo that cannot give it is reported in plain words, in the notes
the previews and the CLI show. Every picture is generated and measured by its pixels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from core.images.errors import PresetsInvalid
from core.images.fill import is_fill_note
from core.images.presets import Preset, load_presets
from core.images.variants import render
from tests.images.photos import decode, encode
from tests.images.test_images_commands import sellerdesk

PRODUCT = (40, 90, 150)


def photo(size: tuple[int, int], box: tuple[int, int, int, int], *, noise: float = 3.0) -> bytes:
    """A product (a blue rounded block) on a light, slightly noisy table, as a phone would take it."""
    rng = np.random.default_rng(5)
    table = np.full((size[1], size[0], 3), 226.0) + rng.normal(0, noise, (size[1], size[0], 3))
    image = Image.fromarray(np.clip(table, 0, 255).astype(np.uint8))
    ImageDraw.Draw(image).rounded_rectangle(box, radius=min(box[2] - box[0], box[3] - box[1]) // 8, fill=PRODUCT)
    return encode(image, "JPEG", quality=92)


def product_pixels(data: bytes) -> np.ndarray:
    pixels = np.asarray(decode(data), dtype=np.int16)
    return (abs(pixels[..., 0] - PRODUCT[0]) < 40) & (abs(pixels[..., 2] - PRODUCT[2]) < 40) & (pixels[..., 1] < 140)


def measured(data: bytes) -> tuple[float, tuple[int, int, int, int], int]:
    """The share of the picture's width or height the product spans, its pixel box and its pixel count."""
    mask = product_pixels(data)
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
    share = max((box[2] - box[0]) / mask.shape[1], (box[3] - box[1]) / mask.shape[0])
    return share, box, int(mask.sum())


@pytest.fixture(scope="module")
def snapdeal() -> Preset:
    return load_presets()["snapdeal"]


def test_a_small_product_is_cropped_closer_until_it_fills_three_quarters(snapdeal: Preset) -> None:
    # A 12 MP photo of a product in its middle: fitted whole, it would span 34 % of Snapdeal's picture.
    made = render(photo((4000, 3000), (1500, 800, 2500, 2200)), "mug.jpg", [snapdeal])[0]
    share, box, count = measured(made.data)
    assert share >= 0.75
    width, height = decode(made.data).size
    assert min(box[0], box[1], width - box[2], height - box[3]) >= 20  # whole, with Snapdeal's margin
    # Whole: the product's area is all there (1000 x 1400 photo pixels at the picture's scale).
    scale = (box[3] - box[1]) / 1400
    assert count == pytest.approx(1000 * 1400 * scale * scale * 0.985, rel=0.03)  # rounded corners: ~1.5 % less
    assert not any(is_fill_note(n) for n in made.notes) and not any("enlarged" in n for n in made.notes)


def test_a_product_that_already_fills_the_frame_is_left_as_it_was(snapdeal: Preset) -> None:
    made = render(photo((2000, 2000), (150, 200, 1850, 1800)), "rug.jpg", [snapdeal])[0]
    assert made.layout is not None and made.layout.box == (0.0, 0.0, 2000.0, 2000.0)  # the whole photo, fitted
    assert measured(made.data)[0] == pytest.approx(1700 / 2000 * 1040 / 1080, abs=0.01)
    assert made.notes == ()


def test_a_tall_product_filling_the_height_counts_as_filling(snapdeal: Preset) -> None:
    # A bottle standing the photo's full height: narrow, but it spans the picture top to bottom.
    made = render(photo((3000, 2000), (1400, 60, 1600, 1940)), "bottle.jpg", [snapdeal])[0]
    share, box, _count = measured(made.data)
    assert share >= 0.75 and (box[3] - box[1]) > 3 * (box[2] - box[0])
    assert not any(is_fill_note(n) for n in made.notes)


def test_a_photo_too_small_to_crop_closer_is_reported_plainly(snapdeal: Preset) -> None:
    # 800x600 with a 90 px product: filling 75 % would blow the photo up about 9x.
    made = render(photo((800, 600), (355, 255, 445, 345)), "charm.jpg", [snapdeal])[0]
    share = measured(made.data)[0]
    notes = [n for n in made.notes if is_fill_note(n)]
    assert share < 0.75 and len(notes) == 1
    assert notes[0].startswith("Snapdeal asks for the product to fill at least 75 % of the picture; in this photo "
                               f"it fills {round(share * 100)} %")
    assert "blow the photo up more than 1.5×" in notes[0] and "Take the photo closer to the product" in notes[0]
    layout = made.layout
    assert layout is not None and layout.scale <= 1.5 + 1e-6  # never blown up past the limit to fill


def test_platforms_without_the_rule_are_not_cropped(snapdeal: Preset) -> None:
    meesho = load_presets()["meesho"]
    made = render(photo((4000, 3000), (1500, 800, 2500, 2200)), "mug.jpg", [meesho, snapdeal])
    assert made[0].layout is not None and made[0].layout.box == (0.0, 0.0, 4000.0, 3000.0)
    assert measured(made[0].data)[0] < 0.45 and measured(made[1].data)[0] >= 0.75


@pytest.mark.parametrize("value", [1.0, -0.1, "75%", True])
def test_a_bad_min_fill_in_the_preset_file_is_named(tmp_path: Path, value: object) -> None:
    document = json.loads((Path(__file__).parents[2] / "resources/images/presets.json").read_text())
    document["presets"]["snapdeal"]["min_fill"] = value
    path = tmp_path / "presets.json"
    path.write_text(json.dumps(document))
    with pytest.raises(PresetsInvalid, match="preset 'snapdeal': 'min_fill' must be a share from 0 to below 1"):
        load_presets(path)


def test_the_cli_shows_the_fill_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "charm.jpg"
    source.write_bytes(photo((800, 600), (355, 255, 445, 345)))
    code = sellerdesk(tmp_path, "images", "variants", str(source), "--platform", "snapdeal", "--out",
                      str(tmp_path / "o"))
    out = capsys.readouterr().out
    assert code == 0
    assert "note: Snapdeal asks for the product to fill at least 75 % of the picture; in this photo it fills" in out

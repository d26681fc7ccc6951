"""`sellerdesk images variants` as a seller or a script would use it."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image, ImageDraw

from core.images.commands import register
from core.images.errors import UnknownPreset
from tests.images.photos import encode, scene

Write = Callable[[str, bytes], Path]


def sellerdesk(tmp_path: Path, *argv: str) -> int:
    """Parse and run like the real CLI: a root parser with --json, the images group registered on it."""
    parser = argparse.ArgumentParser(prog="sellerdesk")
    parser.add_argument("--json", action="store_true")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    ctx = SimpleNamespace(data_dir=tmp_path / "data", json=args.json, settings={"images.padding": "white"})
    code: int = args.handler(args, ctx)
    return code


def test_json_output_lists_every_picture(
    tmp_path: Path, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = write("saree.jpg", encode(scene(900, 600), "JPEG"))
    out = tmp_path / "out"
    code = sellerdesk(
        tmp_path, "images", "variants", str(photo), "--platform", "all", "--out", str(out), "--json"
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["made"] == 8 and report["refused"] == 0
    (item,) = report["files"]
    assert item["ok"] and item["error"] is None
    instagram = next(v for v in item["variants"] if v["platform"] == "instagram")
    assert (instagram["width"], instagram["height"], instagram["format"]) == (1080, 1350, "JPEG")
    assert Path(instagram["path"]) == out / "saree-instagram.jpg"
    assert instagram["bytes"] == (out / "saree-instagram.jpg").stat().st_size


def test_json_flag_before_the_command_works_too(
    tmp_path: Path, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = write("a.jpg", encode(scene(400, 300), "JPEG"))
    sellerdesk(
        tmp_path,
        "--json",
        "images",
        "variants",
        str(photo),
        "--platform",
        "thumbnail",
        "--out",
        str(tmp_path),
    )
    assert json.loads(capsys.readouterr().out)["made"] == 1


def test_human_output_and_a_refused_file(
    tmp_path: Path, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write("mug.jpg", encode(scene(900, 600), "JPEG"))
    bad = write("mug-notes.jpg", b"handle is chipped")
    code = sellerdesk(
        tmp_path, "images", "variants", str(good), str(bad),
        "--platform", "etsy", "--platform", "pinterest", "--focal", "0.3,0.5", "--out", str(tmp_path / "o"),
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1  # a script can tell something needs the seller's attention
    assert "mug-notes.jpg is not a picture SellerDesk can read (it looks like a text file)" in captured.err
    assert "pinterest   1000×1500" in captured.out and "etsy         900×600" in captured.out
    assert "Made 2 pictures from 1 photo" in captured.out and "1 refused" in captured.out


def test_unknown_platform_is_a_sellerdesk_error(tmp_path: Path, write: Write) -> None:
    photo = write("a.jpg", encode(scene(400, 300), "JPEG"))
    with pytest.raises(UnknownPreset):
        sellerdesk(tmp_path, "images", "variants", str(photo), "--platform", "orkut", "--out", str(tmp_path))


@pytest.mark.parametrize("focal", ["middle", "1.5,0.5"])
def test_a_bad_focal_point_is_a_usage_error(
    tmp_path: Path, focal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        sellerdesk(
            tmp_path, "images", "variants", "a.jpg", "--platform", "etsy", "--out", "o", "--focal", focal
        )
    assert caught.value.code == 2
    assert "--focal" in capsys.readouterr().err


def test_one_picture_is_one_picture_and_notes_are_shown(
    tmp_path: Path, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    tiny = write("tiny.png", encode(scene(300, 200), "PNG"))
    code = sellerdesk(tmp_path, "images", "variants", str(tiny), "--platform", "meesho", "--out", str(tmp_path / "o"))
    out = capsys.readouterr().out
    assert code == 0
    assert "Made 1 picture from 1 photo in" in out
    assert "note: tiny.png is too small for Meesho: 300×200 pixels is enlarged 4.0×" in out


def test_padding_can_be_chosen_per_run(tmp_path: Path, write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    tall = Image.new("RGB", (600, 1800), (200, 205, 210))
    ImageDraw.Draw(tall).rectangle((220, 100, 380, 1700), fill=(30, 80, 40))
    photo = write("bottle.jpg", encode(tall, "JPEG", quality=92))
    for padding in ("white", "blur"):
        sellerdesk(tmp_path, "images", "variants", str(photo), "--platform", "pinterest",
                   "--padding", padding, "--out", str(tmp_path / padding), "--json")  # fmt: skip
        (variant,) = json.loads(capsys.readouterr().out)["files"][0]["variants"]
        assert f"padded with {'white' if padding == 'white' else 'a blurred extension'}" in variant["notes"][0]
    white = Image.open(tmp_path / "white" / "bottle-pinterest.jpg").getpixel((10, 750))
    blurred = Image.open(tmp_path / "blur" / "bottle-pinterest.jpg").getpixel((10, 750))
    assert min(white) > 250 and max(blurred) < 235  # the blurred extension carries the photo's grey


def test_a_full_disk_ends_with_a_summary_of_what_was_not_made(
    tmp_path: Path, write: Write, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.images import output

    def full(path: Path, data: bytes, *, durable: bool = True) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output, "atomic_write_bytes", full)
    photos = [str(write(f"p{i}.jpg", encode(scene(400, 300, seed=i), "JPEG"))) for i in range(3)]
    code = sellerdesk(tmp_path, "images", "variants", *photos, "--platform", "etsy", "--out", str(tmp_path / "o"))
    captured = capsys.readouterr()
    assert code == 1
    assert "Not made: Could not write" in captured.err and "No space left on device" in captured.err
    assert "Stopped: pictures could not be written, so 3 photos were not made (p0.jpg, p1.jpg, p2.jpg)" in captured.err
    assert "Made 0 pictures from 0 photos" in captured.out


def test_making_pictures_never_loads_the_database_code(tmp_path: Path, write: Write) -> None:
    photo = write("a.jpg", encode(scene(400, 300), "JPEG"))
    code = (
        "import sys\n"
        "from core.cli import main\n"
        f"status = main(['--data-dir', {str(tmp_path / 'data')!r}, 'images', 'variants', {str(photo)!r},"
        f" '--platform', 'thumbnail', '--out', {str(tmp_path / 'o')!r}])\n"
        "print(status, any(name.startswith('sqlalchemy') for name in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "0 False"

"""`sellerdesk images variants` as a seller or a script would use it."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

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
    ctx = SimpleNamespace(data_dir=tmp_path / "data", json=args.json)
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

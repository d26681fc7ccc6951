"""`sellerdesk images ...`: the image pipeline on the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Protocol

from core.cli import json_parent, print_json
from core.images.batch import FileResult, make_variants
from core.images.presets import Focal


class Context(Protocol):
    """What the CLI hands every handler."""

    data_dir: Path
    json: bool


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `images` command group (with `variants`) to the CLI's subparsers."""
    images = subparsers.add_parser("images", help="prepare product photos for each platform")
    commands = images.add_subparsers(dest="images_command", metavar="COMMAND", required=True)
    variants = commands.add_parser(
        "variants",
        parents=[json_parent()],
        help="make each platform's picture from photos",
        description="Check each photo and write one picture per platform to --out, "
        "named <photo>-<platform>.jpg, sized and compressed to that platform's rules, without metadata.",
    )
    variants.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="photos (JPEG, PNG, WebP, HEIC, GIF)"
    )
    variants.add_argument(
        "--platform",
        action="append",
        required=True,
        metavar="NAME",
        help="a preset from resources/images/presets.json (instagram, etsy, meesho, thumbnail, ...) "
        "or 'all' for every platform; repeat for several",
    )
    variants.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the pictures")
    variants.add_argument(
        "--focal",
        type=_focal,
        metavar="X,Y",
        help="point to keep in view when cropping, as fractions of width and height (0.5,0.5 is the centre)",
    )
    variants.set_defaults(handler=run_variants)


def run_variants(args: argparse.Namespace, ctx: Context) -> int:
    """Make the pictures; print what was made (or JSON). Exit status 1 if any photo was refused."""
    as_json = ctx.json
    show_progress = not as_json and sys.stderr.isatty()

    def progress(done: int, total: int, path: Path) -> None:
        print(f"[{done}/{total}] {path.name}", file=sys.stderr, flush=True)

    # Ctrl+C needs no cancel flag here: make_variants drops the photos not yet started on the way out.
    results = make_variants(
        args.paths, args.platform, args.out, progress if show_progress else None, focal=args.focal
    )
    if as_json:
        print_json(_as_json(results))
    else:
        _print_human(results, args.out)
    return 0 if all(result.ok for result in results) else 1


def _focal(text: str) -> Focal:
    # ArgumentTypeError: argparse then reports it like any other bad option value (usage line, exit 2).
    try:
        x, y = (float(part) for part in text.split(","))
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"'{text}' is not a point; give X,Y such as 0.5,0.3") from err
    if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
        raise argparse.ArgumentTypeError(f"'{text}' is outside the photo; use fractions from 0 to 1")
    return (x, y)


def _as_json(results: list[FileResult]) -> dict[str, Any]:
    return {
        "files": [
            {
                "source": str(result.source),
                "ok": result.ok,
                "error": result.error,
                "reason": result.reason,
                "variants": [
                    {
                        "platform": v.preset,
                        "path": str(v.path),
                        "width": v.width,
                        "height": v.height,
                        "bytes": v.bytes,
                        "format": v.format,
                    }
                    for v in result.variants
                ],
            }
            for result in results
        ],
        "made": sum(len(result.variants) for result in results),
        "refused": sum(not result.ok for result in results),
    }


def _print_human(results: list[FileResult], out_dir: Path) -> None:
    for result in results:
        if not result.ok:
            print(f"Refused: {result.error}", file=sys.stderr)
            continue
        print(result.source.name)
        for v in result.variants:
            print(f"  {v.preset:<10} {v.width:>5}×{v.height:<5} {v.bytes / 1000:>7,.0f} KB  {v.path}")
    made = sum(len(result.variants) for result in results)
    good = sum(result.ok for result in results)
    refused = len(results) - good
    summary = f"Made {made} pictures from {good} photo{'s' if good != 1 else ''} in {out_dir}"
    print(summary + (f"; {refused} refused." if refused else "."))

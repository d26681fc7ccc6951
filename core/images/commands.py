"""`sellerdesk images ...`: the image pipeline on the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Protocol

from core.cli import PHOTOS, counted, json_parent, print_json
from core.i18n import N_, _
from core.images.batch import FileResult, make_variants
from core.images.notes import shown
from core.images.presets import FILLS, Focal


class SettingsReader(Protocol):
    """The settings, as far as these commands read them."""

    def get(self, key: str) -> Any:
        """The effective value of a setting."""
        ...


class Context(Protocol):
    """What the CLI hands every handler."""

    data_dir: Path
    json: bool
    settings: SettingsReader


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
    variants.add_argument(
        "--padding",
        choices=FILLS,
        help="how to pad a picture whose crop would cut the product: white, or blur (a blurred extension of "
        "the photo); default: the images.padding setting. Marketplaces that ask for white always get white",
    )
    variants.set_defaults(handler=run_variants)


def run_variants(args: argparse.Namespace, ctx: Context) -> int:
    """Make the pictures; print what was made (or JSON). Exit status 1 if any photo was refused."""
    as_json = ctx.json
    show_progress = not as_json and sys.stderr.isatty()

    def progress(done: int, total: int, path: Path) -> None:
        print(f"[{done}/{total}] {path.name}", file=sys.stderr, flush=True)

    # Ctrl+C needs no cancel flag here: make_variants drops the photos not yet started on the way out.
    fill = args.padding or ctx.settings.get("images.padding")
    unique = list(dict.fromkeys(args.paths))
    results = make_variants(
        unique, args.platform, args.out, progress if show_progress else None, focal=args.focal, fill=fill
    )
    done = {result.source for result in results}
    not_made = [path for path in unique if path not in done]
    if as_json:
        print_json(_as_json(results, not_made))
    else:
        _print_human(results, not_made, args.out)
    return 0 if all(result.ok for result in results) and not not_made else 1


def _focal(text: str) -> Focal:
    # ArgumentTypeError: argparse then reports it like any other bad option value (usage line, exit 2).
    try:
        x, y = (float(part) for part in text.split(","))
    except ValueError as err:
        raise argparse.ArgumentTypeError(_("{value} is not a point; give X,Y such as 0.5,0.3").format(
            value=f"'{text}'")) from err
    if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
        raise argparse.ArgumentTypeError(_("{value} is outside the photo; use fractions from 0 to 1").format(
            value=f"'{text}'"))
    return (x, y)


def _as_json(results: list[FileResult], not_made: list[Path]) -> dict[str, Any]:
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
                        "notes": list(v.notes),
                    }
                    for v in result.variants
                ],
            }
            for result in results
        ],
        "made": sum(len(result.variants) for result in results),
        "refused": sum(not result.ok for result in results),
        "not_started": [str(path) for path in not_made],
    }


def _print_human(results: list[FileResult], not_made: list[Path], out_dir: Path) -> None:
    for result in results:
        if not result.ok:
            said = _("Not made: {error}") if result.reason == "storage" else _("Refused: {error}")
            print(said.format(error=result.error), file=sys.stderr)
            continue
        print(result.source.name)
        for v in result.variants:
            print(f"  {v.preset:<10} {v.width:>5}×{v.height:<5} {v.bytes / 1000:>7,.0f} KB  {v.path}")
            for note in v.notes:
                print("             " + _("note: {note}").format(note=shown(note)))
    made = sum(len(result.variants) for result in results)
    good = sum(result.ok for result in results)
    refused = sum(not result.ok and result.reason != "storage" for result in results)
    summary = _("Made {pictures} from {photos} in {folder}; {refused} refused.") if refused else \
        _("Made {pictures} from {photos} in {folder}.")
    print(summary.format(pictures=counted(made, N_("{count} picture"), N_("{count} pictures")),
                         photos=counted(good, *PHOTOS), folder=out_dir, refused=refused))
    stopped = [result for result in results if result.reason == "storage"]
    if stopped:
        waiting = [result.source for result in stopped] + not_made
        names = ", ".join(path.name for path in waiting[:5]) + (", …" if len(waiting) > 5 else "")
        stopped_text = _("Stopped: pictures could not be written, so {photos} was not made ({names}). Free some "
                         "space or choose another --out folder, then run the command again for those.") \
            if len(waiting) == 1 else \
            _("Stopped: pictures could not be written, so {photos} were not made ({names}). Free some space or "
              "choose another --out folder, then run the command again for those.")
        print(stopped_text.format(photos=counted(len(waiting), *PHOTOS), names=names), file=sys.stderr)

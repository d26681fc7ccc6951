"""Per-platform image presets, read from resources/images/presets.json.

Numbers drift (see shared/platform-facts.md), so every size, limit and quality lives in the data file;
this module only reads and checks it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.images.errors import PresetsInvalid, UnknownPreset
from core.paths import resources_dir

# Part of every preset's cache key: bump it when a change to the rendering code alters output pixels,
# so cached variants made by older code are regenerated.
RENDER_VERSION = 2

MODES = ("fit", "crop", "focal")
CANVASES = ("fixed", "photo")
PADDINGS = ("white", "seller")
FILLS = ("white", "blur")
FORMATS = ("JPEG",)
_NAME = re.compile(r"^[a-z0-9_]+$")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")

Focal = tuple[float, float]


@dataclass(frozen=True)
class Limits:
    """A platform's hard rules for the output picture (None: no rule)."""

    min_width: int | None = None
    max_width: int | None = None
    min_height: int | None = None
    min_aspect: float | None = None
    max_aspect: float | None = None


@dataclass(frozen=True)
class Preset:
    """How to make one platform's picture from a seller's photo."""

    name: str
    label: str
    kind: str
    mode: str
    width: int | None
    height: int | None
    long_edge: int | None
    margin: int
    format: str
    quality: int
    max_bytes: int
    background: tuple[int, int, int]
    limits: Limits
    definition: str  # canonical JSON of the entry; its hash keys the variant cache
    canvas: str = "fixed"  # "photo": the photo's own aspect, brought inside limits.min/max_aspect
    size_is_maximum: bool = False  # the size is an upper bound: a smaller photo is sent at its own size
    padding: str = "white"  # "seller": padding follows the seller's choice (white or a blurred extension)
    min_bytes: int = 0
    as_of: str = ""
    min_fill: float = 0.0  # the share of the picture's width or height the product must span (0: no rule)

    @property
    def extension(self) -> str:
        """File extension for this preset's output format."""
        return {"JPEG": "jpg"}[self.format]

    def uses_focal(self, focal: Focal | None) -> bool:
        """True when the seller's focal point changes this preset's output."""
        return self.mode == "focal" and focal is not None

    def fill_for(self, fill: str) -> str:
        """How this preset pads, given the seller's choice: marketplaces that ask for white always get white."""
        return fill if self.padding == "seller" else "white"

    def cache_key(self, focal: Focal | None, fill: str = "white") -> str:
        """Short hash of everything that decides this preset's pixels for a given source."""
        parts = [self.definition, str(RENDER_VERSION), self.fill_for(fill)]
        if self.uses_focal(focal):
            assert focal is not None
            parts.append(f"{focal[0]:.4f},{focal[1]:.4f}")
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


def presets_path() -> Path:
    """Where the shipped preset file lives."""
    return resources_dir() / "images" / "presets.json"


def load_presets(path: Path | None = None) -> dict[str, Preset]:
    """Read and check the preset file; raises PresetsInvalid naming the first bad value."""
    path = path or presets_path()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise PresetsInvalid(f"{path} is missing") from err
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PresetsInvalid(f"{path.name} cannot be read ({err})") from err
    entries = document.get("presets") if isinstance(document, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise PresetsInvalid(f"{path.name} has no 'presets' table")
    return {name: _parse(name, entry) for name, entry in entries.items()}


def resolve(names: Sequence[str], presets: Mapping[str, Preset]) -> list[Preset]:
    """Turn platform names (or 'all' for every platform preset) into presets, in the order given."""
    chosen: dict[str, Preset] = {}
    for name in names:
        key = name.strip().lower()
        if key == "all":
            chosen.update((p.name, p) for p in presets.values() if p.kind == "platform")
        elif key in presets:
            chosen[key] = presets[key]
        else:
            raise UnknownPreset(name, sorted(presets))
    return list(chosen.values())


class _Entry:
    """One preset's JSON object, read so that every complaint names the preset and the key."""

    def __init__(self, name: str, raw: Any) -> None:
        self.name = name
        if not _NAME.match(name):
            raise self.bad("names may use only a-z, 0-9 and _")
        if not isinstance(raw, dict):
            raise self.bad("must be a JSON object")
        self.raw: dict[str, Any] = raw

    def bad(self, problem: str) -> PresetsInvalid:
        return PresetsInvalid(f"preset '{self.name}': {problem}")

    def whole(self, key: str, lowest: int, highest: int) -> int:
        value = self.raw.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not lowest <= value <= highest:
            raise self.bad(f"'{key}' must be a whole number from {lowest} to {highest}")
        return value

    def optional_whole(self, key: str, lowest: int, highest: int) -> int | None:
        return self.whole(key, lowest, highest) if key in self.raw else None

    def flag(self, key: str) -> bool:
        value = self.raw.get(key, False)
        if not isinstance(value, bool):
            raise self.bad(f"'{key}' must be true or false")
        return value

    def choice(self, key: str, options: tuple[str, ...], default: str | None = None) -> str:
        value = self.raw.get(key, default)
        if value not in options:
            raise self.bad(f"'{key}' must be one of {', '.join(options)}")
        return str(value)


def _parse(name: str, raw: Any) -> Preset:
    entry = _Entry(name, raw)
    sized = "width" in entry.raw or "height" in entry.raw
    if sized == ("long_edge" in entry.raw):
        raise entry.bad("give either width and height, or long_edge")
    width = entry.whole("width", 16, 8000) if sized else None
    height = entry.whole("height", 16, 8000) if sized else None
    long_edge = None if sized else entry.whole("long_edge", 16, 8000)
    mode = entry.choice("mode", MODES if sized else ("fit",))
    margin = entry.optional_whole("margin", 0, 1000) or 0
    if width is not None and height is not None and 2 * margin >= min(width, height):
        raise entry.bad("'margin' leaves no room for the picture")
    background = entry.raw.get("background", "#FFFFFF")
    if not isinstance(background, str) or not _COLOUR.match(background):
        raise entry.bad("'background' must be a colour like #FFFFFF")
    limits = _parse_limits(entry)
    canvas = entry.choice("canvas", CANVASES if sized else ("fixed",), "fixed")
    if canvas == "photo" and (limits.min_aspect is None or limits.max_aspect is None):
        raise entry.bad("'canvas': 'photo' needs limits.min_aspect and limits.max_aspect")
    max_bytes = entry.whole("max_bytes", 10_000, 1_000_000_000)
    min_bytes = entry.optional_whole("min_bytes", 0, max_bytes) or 0
    min_fill = entry.raw.get("min_fill", 0.0)
    if not isinstance(min_fill, (int, float)) or isinstance(min_fill, bool) or not 0 <= min_fill < 1:
        raise entry.bad("'min_fill' must be a share from 0 to below 1, like 0.75")
    as_of = entry.raw.get("as_of", "")
    if not isinstance(as_of, str):
        raise entry.bad("'as_of' must be a date like 2026-11")
    nominal_width = width if width is not None else long_edge
    assert nominal_width is not None
    if limits.min_width is not None and nominal_width < limits.min_width:
        raise entry.bad(f"width {nominal_width} is below the platform minimum {limits.min_width}")
    if limits.max_width is not None and nominal_width > limits.max_width:
        raise entry.bad(f"width {nominal_width} is above the platform maximum {limits.max_width}")
    if width is not None and height is not None:
        aspect = width / height
        if (limits.min_aspect is not None and aspect < limits.min_aspect) or (
            limits.max_aspect is not None and aspect > limits.max_aspect
        ):
            raise entry.bad(f"{width}x{height} breaks the platform's aspect-ratio rule")
    return Preset(
        name=name,
        label=str(entry.raw.get("label", name)),
        kind=entry.choice("kind", ("platform", "app")),
        mode=mode,
        width=width,
        height=height,
        long_edge=long_edge,
        margin=margin,
        format=entry.choice("format", FORMATS),
        quality=entry.whole("quality", 30, 95),
        max_bytes=max_bytes,
        background=(int(background[1:3], 16), int(background[3:5], 16), int(background[5:7], 16)),
        limits=limits,
        definition=json.dumps(entry.raw, sort_keys=True, separators=(",", ":")),
        canvas=canvas,
        size_is_maximum=long_edge is not None or entry.flag("size_is_maximum"),
        padding=entry.choice("padding", PADDINGS, "white"),
        min_bytes=min_bytes,
        as_of=as_of,
        min_fill=float(min_fill),
    )


def _parse_limits(entry: _Entry) -> Limits:
    raw = entry.raw.get("limits", {})
    keys = {"min_width", "max_width", "min_height", "min_aspect", "max_aspect"}
    if not isinstance(raw, dict) or set(raw) - keys:
        raise entry.bad("'limits' may hold only " + ", ".join(sorted(keys)))
    for key, value in raw.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            raise entry.bad(f"limits.{key} must be a positive number")
    return Limits(
        min_width=int(raw["min_width"]) if "min_width" in raw else None,
        max_width=int(raw["max_width"]) if "max_width" in raw else None,
        min_height=int(raw["min_height"]) if "min_height" in raw else None,
        min_aspect=float(raw["min_aspect"]) if "min_aspect" in raw else None,
        max_aspect=float(raw["max_aspect"]) if "max_aspect" in raw else None,
    )

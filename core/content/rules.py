"""Platform copy rules, loaded from resources/content/rules.json (numbers live in data, not code)."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.content.models import PLATFORMS, PlatformCopy
from core.errors import StorageError
from core.paths import resources_dir

CONTENT_DIR = "content"


def content_resource(*parts: str) -> Path:
    """Path of a bundled data file under ``resources/content/``."""
    return resources_dir().joinpath(CONTENT_DIR, *parts)


def load_json_resource(*parts: str) -> Any:
    """Read a bundled JSON data file, or explain which one is missing or damaged."""
    path = content_resource(*parts)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StorageError(
            f"The bundled data file {path} cannot be read ({exc}).",
            hint="Reinstall SellerDesk; the installation is incomplete or damaged.",
        ) from exc


@dataclass(frozen=True)
class CharClass:
    """Characters allowed in a list item: Unicode general categories (by prefix) plus extra characters."""

    categories: tuple[str, ...]
    extra: str
    describe: str

    def allows(self, char: str) -> bool:
        """True if ``char`` belongs to this class."""
        return char in self.extra or unicodedata.category(char).startswith(self.categories)


@dataclass(frozen=True)
class FieldRule:
    """Limits of one field on one platform; ``None`` means no such limit."""

    required: bool = False
    max_chars: int | None = None
    max_items: int | None = None
    item_max_chars: int | None = None
    at_most_once: tuple[str, ...] = ()
    no_emoji: bool = False
    item_chars: CharClass | None = None
    chars: CharClass | None = None  # characters a text field may hold (Etsy's title pattern)
    source: str = ""
    checked: str = ""  # when the limit was last checked against its source (YYYY-MM-DD)


@dataclass(frozen=True)
class CaptionRule:
    """The text a platform actually posts, assembled from several fields, and its own limits."""

    parts: tuple[str, ...]
    max_chars: int
    max_hashtags: int | None = None
    max_mentions: int | None = None
    source: str = ""
    checked: str = ""


@dataclass(frozen=True)
class CaptionFormat:
    """How fields are joined into a caption."""

    separator: str
    bullet_prefix: str
    hashtag_separator: str


@dataclass(frozen=True)
class PlatformRules:
    """Everything copy generation must respect for one platform."""

    name: str
    label: str
    fields: dict[str, FieldRule]
    caption: CaptionRule | None
    caption_format: CaptionFormat
    # Copy languages the platform can take; another language is written in the first of these instead.
    languages: tuple[str, ...] = ()

    def copy_language(self, wanted: str) -> str:
        """The language this platform's copy is written in when the seller asked for ``wanted``."""
        return wanted if not self.languages or wanted in self.languages else self.languages[0]

    def uses(self, field_name: str) -> bool:
        """True if the platform shows this field (others are left empty)."""
        return field_name in self.fields


@dataclass(frozen=True)
class Rules:
    """Rules of every platform."""

    platforms: dict[str, PlatformRules]

    def platform(self, name: str) -> PlatformRules:
        """Rules of one platform; a name not in the rules file is a packaging bug, so it raises KeyError."""
        return self.platforms[name]


def _char_class(raw: dict[str, Any] | None) -> CharClass | None:
    return CharClass(tuple(raw["categories"]), raw["extra"], raw["describe"]) if raw else None


def _field_rule(raw: dict[str, Any]) -> FieldRule:
    return FieldRule(
        required=bool(raw.get("required", False)),
        max_chars=raw.get("max_chars"),
        max_items=raw.get("max_items"),
        item_max_chars=raw.get("item_max_chars"),
        at_most_once=tuple(raw.get("at_most_once", ())),
        no_emoji=bool(raw.get("no_emoji", False)),
        item_chars=_char_class(raw.get("item_chars")),
        chars=_char_class(raw.get("chars")),
        source=raw.get("source", ""),
        checked=raw.get("checked", ""),
    )


def parse_rules(data: dict[str, Any]) -> Rules:
    """Build ``Rules`` from the rules file's JSON; every platform SellerDesk knows must be described."""
    fmt = CaptionFormat(**data["caption_format"])
    platforms: dict[str, PlatformRules] = {}
    for name, raw in data["platforms"].items():
        cap = raw.get("caption")
        platforms[name] = PlatformRules(
            name=name,
            label=raw["label"],
            fields={key: _field_rule(value) for key, value in raw["fields"].items()},
            caption=CaptionRule(
                parts=tuple(cap["parts"]),
                max_chars=cap["max_chars"],
                max_hashtags=cap.get("max_hashtags"),
                max_mentions=cap.get("max_mentions"),
                source=cap.get("source", ""),
                checked=cap.get("checked", ""),
            )
            if cap
            else None,
            caption_format=fmt,
            languages=tuple(raw.get("languages", {}).get("accepts", ())),
        )
    missing = [p for p in PLATFORMS if p not in platforms]
    if missing:
        raise StorageError(f"The copy rules file describes no rules for {', '.join(missing)}.")
    return Rules(platforms)


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    """The bundled platform rules (read once per process)."""
    return parse_rules(load_json_resource("rules.json"))


def compose_caption(copy: PlatformCopy, rules: PlatformRules) -> str:
    """The text a caption platform posts: its parts (description, bullets, hashtags) joined as the rules say.

    Publishers must post exactly this string, since the caption limits were checked against it.
    """
    if rules.caption is None:
        return copy.description
    fmt = rules.caption_format
    pieces: list[str] = []
    for part in rules.caption.parts:
        if part == "description" and copy.description.strip():
            pieces.append(copy.description.strip())
        elif part == "bullets" and copy.bullets:
            pieces.append("\n".join(fmt.bullet_prefix + b for b in copy.bullets))
        elif part == "hashtags" and copy.hashtags:
            pieces.append(fmt.hashtag_separator.join(copy.hashtags))
    return fmt.separator.join(pieces)

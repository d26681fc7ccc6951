"""Platform data files (resources/platforms/<name>.json): what each platform is, can do and allows.

A new platform is a module plus one of these files; nothing else lists the platforms.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from core.errors import StorageError, ValidationError
from core.paths import resources_dir

PLATFORMS_DIR = "platforms"
Kind = Literal["api", "browser"]
ConnectMethod = Literal["oauth", "token", "browser_login"]


@dataclass(frozen=True)
class Capabilities:
    """What a platform supports; the queue and the GUI adapt to these instead of to platform names."""

    native_scheduling: bool = False
    max_images: int = 1
    needs_public_image_url: bool = False
    sales: bool = False
    engagement: bool = False
    inventory: bool = False
    #: a post, not a listing: a changed product is posted again (on the seller's word), never edited in place
    posts: bool = False
    #: SellerDesk can change a live listing's copy (not only its price and stock)
    edits_copy: bool = False


@dataclass(frozen=True)
class RateLimits:
    """Client-side limits: a token bucket (requests per second, burst) plus what the platform documents."""

    requests_per_second: float
    burst: int
    per_day: int | None = None
    day_recheck_seconds: float = 3600.0
    cost_restore_rate: float | None = None
    cost_bucket: float | None = None


@dataclass(frozen=True)
class PlatformSpec:
    """One platform's data file, checked."""

    name: str
    display_name: str
    kind: Kind
    module: str
    connect: ConnectMethod
    capabilities: Capabilities
    rate_limits: RateLimits
    concurrency: int
    auth: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def platforms_dir() -> Path:
    """Folder of the bundled platform data files."""
    return resources_dir() / PLATFORMS_DIR


def _spec_from(name: str, path: Path, raw: dict[str, Any]) -> PlatformSpec:
    known = {"about", "display_name", "kind", "module", "connect", "capabilities", "rate_limits", "concurrency", "auth"}
    try:
        limits = {k: v for k, v in raw["rate_limits"].items() if k != "source"}
        spec = PlatformSpec(
            name=name,
            display_name=str(raw["display_name"]),
            kind=raw["kind"],
            module=str(raw["module"]),
            connect=raw["connect"],
            capabilities=Capabilities(**raw["capabilities"]),
            rate_limits=RateLimits(**limits),
            concurrency=int(raw["concurrency"]),
            auth=dict(raw.get("auth", {})),
            extra={k: v for k, v in raw.items() if k not in known},
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise StorageError(
            f"The platform data file {path} is incomplete ({exc!r}).",
            hint="Undo the last edit to it or reinstall SellerDesk.",
        ) from exc
    if spec.kind not in ("api", "browser") or spec.connect not in ("oauth", "token", "browser_login"):
        raise StorageError(f"The platform data file {path} has an unknown kind or connect method.")
    if ":" not in spec.module or spec.concurrency < 1 or spec.rate_limits.requests_per_second <= 0:
        raise StorageError(f"The platform data file {path} has a bad module, concurrency or rate limit.")
    return spec


@lru_cache(maxsize=1)
def all_specs() -> dict[str, PlatformSpec]:
    """Every platform that has a data file, by name (the file's stem), in name order."""
    specs: dict[str, PlatformSpec] = {}
    for path in sorted(platforms_dir().glob("*.json")):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StorageError(
                f"The platform data file {path} cannot be read ({exc}).", hint="Reinstall SellerDesk."
            ) from exc
        specs[path.stem] = _spec_from(path.stem, path, raw)
    return specs


def get_spec(name: str) -> PlatformSpec:
    """The data file of platform ``name``; an unknown name is refused with the known ones."""
    try:
        return all_specs()[name]
    except KeyError:
        known = ", ".join(all_specs())
        raise ValidationError(f"There is no platform called {name!r}.", field="platform",
                              hint=f"Known platforms: {known}.") from None


def display_name(name: str) -> str:
    """The platform's name as sellers know it (``etsy`` → ``Etsy``); the key itself if there is no data file."""
    spec = all_specs().get(name)
    return spec.display_name if spec else name

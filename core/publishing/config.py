"""How the publishing queue behaves (grace window, retries, checks, probes): a data file, overridable by settings."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from core.errors import StorageError
from core.paths import resources_dir
from core.settings import schema

if TYPE_CHECKING:
    from core.settings import Settings

CONFIG_FILE = ("publishing", "queue.json")


@dataclass(frozen=True)
class PublishingConfig:
    """The queue's numbers (see resources/publishing/queue.json for why each has its value)."""

    grace_minutes: float = 30.0
    max_attempts: int = 6
    backoff_base_seconds: float = 30.0
    backoff_cap_seconds: float = 1800.0
    check_after_seconds: float = 120.0
    probe_interval_seconds: float = 30.0
    poll_seconds: float = 10.0
    stop_wait_seconds: float = 20.0

    @property
    def grace_seconds(self) -> float:
        """The grace window in seconds."""
        return self.grace_minutes * 60

    def backoff(self, attempt: int, jitter: float) -> float:
        """Seconds before retry number ``attempt`` (1 = first retry): exponential, capped, ``jitter`` in [0, 1]."""
        step = min(self.backoff_cap_seconds, self.backoff_base_seconds * 2 ** max(0, attempt - 1))
        return float(step / 2 + jitter * step / 2)


def load_config(settings: Settings | None = None, **overrides: Any) -> PublishingConfig:
    """The data file's values, then any ``publishing.<key>`` setting the schema declares, then ``overrides``."""
    path = resources_dir().joinpath(*CONFIG_FILE)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StorageError(f"The publishing data file {path} cannot be read ({exc}).",
                           hint="Reinstall SellerDesk.") from exc
    values: dict[str, Any] = {}
    declared = schema()
    for item in fields(PublishingConfig):
        kind = type(getattr(PublishingConfig, item.name))
        if item.name in raw:
            values[item.name] = kind(raw[item.name])
        if settings is not None and f"publishing.{item.name}" in declared:
            values[item.name] = kind(settings.get(f"publishing.{item.name}"))
    values.update(overrides)
    return PublishingConfig(**values)

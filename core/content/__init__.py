"""Listing copy: per-platform rules, validation, fitting, the offline writer, Gemini and the cache.

Plain Python (never Qt). The usual entry point is ``generate_copy``; ``GeminiWriter`` lives in
``core.content.gemini`` and is imported lazily here because the google-genai SDK is slow to import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.content.cache import CopyCache
from core.content.errors import (
    CopyError,
    CopyOverLimit,
    GeminiBadOutput,
    GeminiBlocked,
    GeminiKeyInvalid,
    GeminiNetworkError,
    GeminiRateLimited,
    GeminiRequestRejected,
    GeminiUnavailable,
    OfflineFallback,
)
from core.content.fit import fit, fit_report
from core.content.models import (
    LANGUAGES,
    PLATFORMS,
    FitChange,
    GenerationResult,
    PlatformCopy,
    ProductFacts,
    Violation,
)
from core.content.offline import write_offline
from core.content.rules import Rules, compose_caption, load_rules
from core.content.service import generate_copy, merge_regenerated
from core.content.validate import validate

if TYPE_CHECKING:
    from core.content.gemini import GeminiWriter

__all__ = [
    "LANGUAGES",
    "PLATFORMS",
    "CopyCache",
    "CopyError",
    "CopyOverLimit",
    "FitChange",
    "GeminiBadOutput",
    "GeminiBlocked",
    "GeminiKeyInvalid",
    "GeminiNetworkError",
    "GeminiRateLimited",
    "GeminiRequestRejected",
    "GeminiUnavailable",
    "GeminiWriter",
    "GenerationResult",
    "OfflineFallback",
    "PlatformCopy",
    "ProductFacts",
    "Rules",
    "Violation",
    "compose_caption",
    "fit",
    "fit_report",
    "generate_copy",
    "load_rules",
    "merge_regenerated",
    "validate",
    "write_offline",
]


def __getattr__(name: str) -> Any:
    if name == "GeminiWriter":
        from core.content.gemini import GeminiWriter

        return GeminiWriter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

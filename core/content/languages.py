"""Copy language per platform: the seller may want Hindi on Meesho and English on Etsy for the same product."""

from __future__ import annotations

from collections.abc import Sequence

from core.content.models import LANGUAGES, PLATFORMS, GenerationResult
from core.errors import ValidationError

SETTING = "content.platform_languages"


def parse_platform_languages(text: str) -> dict[str, str]:
    """``"meesho=hi, etsy=en"`` -> ``{"meesho": "hi", "etsy": "en"}``; a wrong name is refused plainly."""
    found: dict[str, str] = {}
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        platform, _, language = (p.strip().lower() for p in part.partition("="))
        if platform not in PLATFORMS or language not in LANGUAGES:
            raise ValidationError(
                f"The setting {SETTING} has {part.strip()!r}, which is not PLATFORM=LANGUAGE.",
                field=SETTING,
                hint=f"e.g. meesho=hi, etsy=en; platforms: {', '.join(PLATFORMS)}; languages: {', '.join(LANGUAGES)}.",
            )
        found[platform] = language
    return found


def language_groups(platforms: Sequence[str], product_language: str, chosen: dict[str, str],
                    override: str | None = None) -> dict[str, list[str]]:
    """Platforms grouped by the language their copy is written in: ``override`` (asked for this run) for all,
    else the seller's per-platform choice, else the product's language."""
    groups: dict[str, list[str]] = {}
    for platform in platforms:
        language = override or chosen.get(platform, product_language)
        groups.setdefault(language, []).append(platform)
    return groups


def merged(results: Sequence[GenerationResult]) -> GenerationResult:
    """One result for a product written in several languages (one writer run per language)."""
    first = results[0]
    out = GenerationResult(copies={}, writer=first.writer, model=first.model, from_cache=first.from_cache,
                           alt_texts=list(first.alt_texts))
    for result in results:
        out.copies.update(result.copies)
        out.fitted.extend(result.fitted)
        out.warnings.extend(result.warnings)
        out.attempts += result.attempts
        out.from_cache = out.from_cache and result.from_cache
        if result.writer == "gemini":
            out.writer, out.model = "gemini", result.model
        out.alt_texts = out.alt_texts or list(result.alt_texts)
        for key, value in result.usage.items():
            out.usage[key] = out.usage.get(key, 0) + value
    return out

"""The one entry point for listing copy: ``generate_copy`` (used by the GUI worker and the CLI alike)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from core.content.cache import CopyCache
from core.content.errors import CopyError, CopyOverLimit, OfflineFallback
from core.content.fit import fit_report
from core.content.models import PLATFORMS, GenerationResult, PlatformCopy, ProductFacts, Source
from core.content.offline import write_offline
from core.content.prompt import GeminiAnswer, copies_from_answer
from core.content.rules import Rules, load_rules
from core.errors import ValidationError
from core.i18n import _

if TYPE_CHECKING:
    # The SDK takes ~0.4 s to import; only callers that actually use Gemini should pay for it.
    from core.content.gemini import GeminiWriter


def _checked_platforms(platforms: Sequence[str]) -> list[str]:
    chosen = list(dict.fromkeys(p.strip().lower() for p in platforms))
    if not chosen:
        raise ValidationError(_("Choose at least one platform to write copy for."), field="platforms")
    unknown = [p for p in chosen if p not in PLATFORMS]
    if unknown:
        raise ValidationError(
            f"SellerDesk cannot write copy for {', '.join(unknown)}.",
            field="platforms",
            hint=f"Known platforms: {', '.join(PLATFORMS)}.",
        )
    # One canonical order, so the same selection always makes the same request (and the same cache key).
    return [p for p in PLATFORMS if p in chosen]


def _fitted(drafts: dict[str, PlatformCopy], writer: Source, rules: Rules) -> GenerationResult:
    result = GenerationResult(copies={}, writer=writer)
    for platform, draft in drafts.items():
        copy, changes = fit_report(draft, rules)
        result.copies[platform] = copy
        result.fitted.extend(changes)
        if writer == "gemini" and changes:
            result.warnings.append(
                CopyOverLimit(rules.platform(platform).label, [c.message for c in changes])
            )
    return result


def _ask_gemini(
    facts: ProductFacts, platforms: list[str], writer: GeminiWriter, cache: CopyCache | None, rules: Rules
) -> tuple[GeminiAnswer, bool]:
    request = writer.prepare(facts, platforms, rules)
    key = writer.cache_key(request)
    stored = cache.get(key) if cache is not None else None
    if stored is not None and isinstance(stored.get("data"), dict) and isinstance(stored.get("model"), str):
        alt = stored.get("alt_text")
        alt_texts = [str(a) for a in alt] if isinstance(alt, list) else []
        return GeminiAnswer(data=stored["data"], model=stored["model"], attempts=0, alt_texts=alt_texts), True
    answer = writer.send(request, rules)
    if cache is not None:
        cache.put(key, {"data": answer.data, "model": answer.model, "alt_text": answer.alt_texts})
    return answer, False


def generate_copy(
    facts: ProductFacts,
    platforms: Sequence[str],
    *,
    writer: GeminiWriter | None,
    cache: CopyCache | None,
    offline: bool,
    fallback: bool = True,
    rules: Rules | None = None,
) -> GenerationResult:
    """Write listing copy for ``facts`` on each of ``platforms``, fitted to every platform rule.

    With ``offline`` true or no ``writer`` the offline templates write it (no network). Otherwise Gemini
    writes all platforms in one request, reusing a cached answer for identical inputs. If Gemini fails for a
    passing reason (network, rate limit, server errors) and ``fallback`` is true, the offline writer takes
    over and the result says so in ``warnings``; other failures (bad key, blocked content, unusable answer)
    raise their ``CopyError`` so the seller can act on them. Slow (network): call it off the GUI thread.
    """
    chosen = _checked_platforms(platforms)
    rules = rules or load_rules()
    if offline or writer is None:
        return _fitted(write_offline(facts, chosen, rules), "offline", rules)
    try:
        answer, from_cache = _ask_gemini(facts, chosen, writer, cache, rules)
    except CopyError as err:
        if not (fallback and err.transient):
            raise
        result = _fitted(write_offline(facts, chosen, rules), "offline", rules)
        result.warnings.insert(0, OfflineFallback(err))
        return result
    result = _fitted(copies_from_answer(answer.data, facts.language, answer.model, rules), "gemini", rules)
    result.model = answer.model
    result.from_cache = from_cache
    result.attempts = answer.attempts
    result.usage = {} if from_cache else dict(answer.usage)
    result.alt_texts = list(answer.alt_texts)
    return result


def merge_regenerated(
    existing: PlatformCopy | None, edited_by_seller: bool, new: PlatformCopy, force: bool
) -> PlatformCopy:
    """The draft to keep after regenerating: nothing the seller edited (or approved) is overwritten unless
    they ask.

    A draft the seller edited or approved (``edited_by_seller``) stays exactly as it is (``force`` replaces it
    anyway); an untouched or missing draft is replaced by the new one.
    """
    if existing is None or force or not edited_by_seller:
        return new
    return existing

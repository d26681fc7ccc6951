"""Copy for many products at once: what a Gemini run would cost in tokens (shown before it starts), then one
product after another with progress, stopping cleanly between products when cancelled."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.content.budget import output_tokens
from core.content.cache import CopyCache
from core.content.drafts import DraftOutcome, all_platforms, gemini_writer, generate_drafts, product_facts
from core.content.errors import CopyCancelled
from core.content.rules import load_rules
from core.errors import SellerDeskError
from core.i18n import _

if TYPE_CHECKING:
    from core.app import App

# Gemini counts a small image as about this many input tokens, and text at about four characters a token.
IMAGE_TOKENS = 258
CHARS_PER_INPUT_TOKEN = 4

Progress = Callable[[int, int, str], None]  # done, total, what just happened


@dataclass
class BulkEstimate:
    """What a run over ``products`` would ask of Gemini; all zero when it writes offline."""

    products: int
    writer: str  # gemini | offline
    calls: int = 0  # products whose answer is not already cached
    input_tokens: int = 0
    output_tokens_at_most: int = 0

    def text(self) -> str:
        """One line for the seller."""
        if self.writer == "offline":
            return _("{products} products, written offline: no Gemini calls, no cost.").format(products=self.products)
        cached = self.products - self.calls
        calls = (_("1 Gemini call") if self.calls == 1 else _("{calls} Gemini calls").format(calls=self.calls))
        if cached:
            calls += " " + _("({cached} answered from the cache at no cost)").format(cached=cached)
        return _("{products} products: {calls}, about {input} input tokens and at most {output} output tokens "
                 "(thinking included). Split requests after a cut-off answer can add more.").format(
            products=self.products, calls=calls, input=f"{self.input_tokens:,}",
            output=f"{self.output_tokens_at_most:,}")


@dataclass
class BulkResult:
    """What a run did, product by product."""

    written: dict[int, DraftOutcome] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)
    cancelled: bool = False
    usage: dict[str, int] = field(default_factory=dict)


def estimate(app: App, product_ids: Sequence[int], platforms: Sequence[str] | None = None, *,
             offline: bool = False, language: str | None = None) -> BulkEstimate:
    """Tokens a run would use: prompt and photos in, the sized output budget out; cached answers cost nothing."""
    writer = None if offline else gemini_writer(app)
    if writer is None:
        return BulkEstimate(len(product_ids), "offline")
    chosen = list(platforms) if platforms else all_platforms()
    rules = load_rules()
    cache = CopyCache(app.data_dir / "cache")
    result = BulkEstimate(len(product_ids), "gemini")
    for product_id in product_ids:
        facts = product_facts(app, product_id, language)
        request = writer.prepare(facts, chosen, rules)
        if cache.get(writer.cache_key(request)) is not None:
            continue
        result.calls += 1
        result.input_tokens += len(request.prompt) // CHARS_PER_INPUT_TOKEN + IMAGE_TOKENS * len(request.images)
        result.output_tokens_at_most += output_tokens(request.platforms, facts.language, writer.thinking_level,
                                                      len(request.images), rules)
    return result


def generate_many(app: App, product_ids: Sequence[int], platforms: Sequence[str] | None = None, *,
                  offline: bool = False, force: bool = False, language: str | None = None,
                  cancel: threading.Event | None = None, progress: Progress | None = None) -> BulkResult:
    """Write copy for each product in turn; one product's failure is reported and the run goes on.

    ``cancel`` stops before the next product (and before the next Gemini call within one); what was written
    stays written. Slow with Gemini: call it off the GUI thread.
    """
    result = BulkResult()
    total = len(product_ids)
    for done, product_id in enumerate(product_ids, start=1):
        if cancel is not None and cancel.is_set():
            result.cancelled = True
            break
        try:
            outcome = generate_drafts(app, product_id, platforms, offline=offline, force=force, language=language,
                                      cancel=cancel)
        except CopyCancelled:
            result.cancelled = True
            break
        except SellerDeskError as exc:
            result.failed[product_id] = str(exc)
            note = f"product {product_id}: not written ({exc})"
        else:
            result.written[product_id] = outcome
            for key, value in outcome.usage.items():
                result.usage[key] = result.usage.get(key, 0) + value
            who = "Gemini" if outcome.writer == "gemini" else "the offline writer"
            note = f"product {product_id}: written by {who}"
        if progress is not None:
            progress(done, total, note)
    return result

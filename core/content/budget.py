"""How long each platform's copy should be, and how many output tokens a Gemini answer for a set of platforms
needs (thinking included), so the request neither starves (MAX_TOKENS) nor invites a novel."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from core.content.models import LIST_FIELDS
from core.content.rules import Rules, load_json_resource


@lru_cache(maxsize=1)
def _config() -> dict[str, Any]:
    data: dict[str, Any] = load_json_resource("gemini.json")
    return data


def targets(platform: str, rules: Rules) -> dict[str, int]:
    """Target length of each field the platform uses (characters for text, items for lists), never above its
    limit."""
    wanted: dict[str, int] = _config()["targets"].get(platform, {})
    out: dict[str, int] = {}
    for name, rule in rules.platform(platform).fields.items():
        if name not in wanted:
            continue
        limit = rule.max_items if name in LIST_FIELDS else rule.max_chars
        out[name] = min(wanted[name], limit) if limit is not None else wanted[name]
    return out


def output_tokens(platforms: Sequence[str], language: str, thinking_level: str, photos: int, rules: Rules) -> int:
    """The ``max_output_tokens`` for one request: thinking for the level, each platform's target lengths in
    tokens for the language, JSON overhead and alt text per photo, with headroom; capped at the model's maximum."""
    out = _config()["output"]
    per_token = float(out["chars_per_token"].get(language, out["chars_per_token"]["en"]))
    chars = 0
    for platform in platforms:
        for name, amount in targets(platform, rules).items():
            chars += amount * int(out["item_chars"][name]) if name in LIST_FIELDS else amount
    answer = chars / per_token + len(platforms) * int(out["json_overhead_tokens_per_platform"])
    answer += photos * int(out["alt_text_tokens_per_photo"])
    thinking = int(out["thinking_tokens"].get(thinking_level, out["thinking_tokens"][""]))
    return min(int(out["max_output_tokens"]), math.ceil((answer * float(out["headroom"])) + thinking))


def total_deadline() -> float:
    """Seconds one product's Gemini run may take in all (retries and split requests included)."""
    return float(_config()["total_deadline_s"])

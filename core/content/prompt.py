"""The Gemini request (prompt text and response schema) and the decoding of its JSON answer.

The wording lives in resources/content/prompts/; this module only fills it in from the facts and the rules.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from string import Template
from typing import Any

from core.content.attributes import is_code, is_internal_key
from core.content.budget import targets
from core.content.errors import GeminiBadOutput
from core.content.models import LIST_FIELDS, TEXT_FIELDS, Language, PlatformCopy, ProductFacts, stock_band
from core.content.offline import format_price
from core.content.rules import PlatformRules, Rules, content_resource, load_json_resource
from core.errors import StorageError
from core.i18n import _

PROMPT_FILE = "listing_copy.txt"


@dataclass(frozen=True)
class GeminiAnswer:
    """Gemini's decoded answer (per platform: field -> value), the model that wrote it, and the tries it took
    (0 when it came from the cache)."""

    data: dict[str, dict[str, Any]]
    model: str
    attempts: int
    usage: dict[str, int] = field(default_factory=dict)  # tokens billed: prompt, answer, thinking (0 if cached)
    alt_texts: list[str] = field(default_factory=list)  # one per photo sent, in order


@lru_cache(maxsize=1)
def prompt_template() -> str:
    """The prompt template text (part of the cache key: a reworded prompt is a new question)."""
    path = content_resource("prompts", PROMPT_FILE)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StorageError(
            f"The prompt template {path} cannot be read ({exc}).", hint="Reinstall SellerDesk."
        ) from exc


@lru_cache(maxsize=1)
def _phrases() -> dict[str, Any]:
    data: dict[str, Any] = load_json_resource("prompts", "phrases.json")
    return data


def facts_for_prompt(facts: ProductFacts) -> dict[str, Any]:
    """The facts as the model sees them (and the cache key hashes them): plain JSON, price pre-formatted."""
    return {
        "title": facts.title,
        "description": facts.description,
        "price": format_price(facts) if facts.price > 0 else "",
        "price_amount": str(facts.price),
        "currency": facts.currency.upper(),
        "category": facts.category,
        # Internal fields (HSN, GST, FSSAI, SKU, cost...) and codes are the seller's books, not copy.
        "attributes": {k: v for k, v in facts.attributes.items() if not is_internal_key(k) and not is_code(v)},
        "stock": stock_band(facts.quantity),  # never the count: copy saying "5 left" is wrong after a sale
    }


def _platform_limits(pr: PlatformRules, language: str) -> str:
    words = _phrases()["rules"]
    limits: list[str] = []
    if pr.copy_language(language) != language:
        limits.append(words["language"].format(language=_phrases()["languages"][pr.copy_language(language)]["name"]))
    for name, rule in pr.fields.items():
        if rule.max_chars is not None:
            limits.append(words["max_chars"].format(field=name, n=rule.max_chars))
        if rule.at_most_once:
            limits.append(words["at_most_once"].format(field=name, chars=" ".join(rule.at_most_once)))
        if rule.no_emoji:
            limits.append(words["no_emoji"].format(field=name))
        if rule.max_items is not None:
            limits.append(words["items"].format(field=name, n=rule.max_items))
        if rule.item_max_chars is not None:
            limits.append(words["item_max_chars"].format(field=name, n=rule.item_max_chars))
        if rule.item_chars is not None:
            limits.append(words["item_chars"].format(field=name, describe=rule.item_chars.describe))
    if pr.caption is not None:
        cap = pr.caption
        limits.append(words["caption"].format(parts=" + ".join(cap.parts), n=cap.max_chars))
        if cap.max_hashtags is not None:
            limits.append(words["caption_hashtags"].format(n=cap.max_hashtags))
        if cap.max_mentions is not None:
            limits.append(words["caption_mentions"].format(n=cap.max_mentions))
    unused = [f for f in TEXT_FIELDS + LIST_FIELDS if not pr.uses(f)]
    if unused:
        limits.append(words["unused"].format(fields=", ".join(unused)))
    return str(words["platform"].format(platform=pr.name, label=pr.label, limits="; ".join(limits)))


def render_prompt(facts: ProductFacts, platforms: Sequence[str], rules: Rules) -> str:
    """The full prompt text for one product and the selected platforms."""
    language = _phrases()["languages"][facts.language]
    return Template(prompt_template()).substitute(
        language_name=language["name"],
        language_rule=language["rule"],
        tone=facts.tone.strip() or "friendly",
        image_count=len(facts.image_jpegs),
        facts_json=json.dumps(facts_for_prompt(facts), ensure_ascii=False, indent=2),
        platform_rules="\n".join(_platform_limits(rules.platform(p), facts.language) for p in platforms),
    )


def alt_text_limit(rules: Rules) -> int:
    """The longest alt text a platform takes (Pinterest's pin alt_text limit, from the rules file)."""
    limits = load_json_resource("rules.json")["platforms"]["pinterest"]["publish_limits"]
    del rules  # the limit is a publish limit, kept beside the copy rules
    return int(limits["alt_text"]["max_chars"])


def response_schema(platforms: Sequence[str], rules: Rules, photos: int = 0) -> dict[str, Any]:
    """The JSON schema of the answer: one object per platform holding the fields that platform uses, and, when
    ``photos`` are attached, one alt text per photo."""
    properties: dict[str, Any] = {}
    for platform in platforms:
        pr = rules.platform(platform)
        fields: dict[str, Any] = {}
        aims = targets(platform, rules)
        for name, rule in pr.fields.items():
            if name in TEXT_FIELDS:
                fields[name] = {"type": "string"}
                if name in aims:
                    fields[name]["description"] = f"aim for about {aims[name]} characters"
                if rule.max_chars is not None:
                    fields[name]["maxLength"] = rule.max_chars
            else:
                item: dict[str, Any] = {"type": "string"}
                if rule.item_max_chars is not None:
                    item["maxLength"] = rule.item_max_chars
                fields[name] = {"type": "array", "items": item}
                if name in aims:
                    fields[name]["description"] = f"about {aims[name]} items"
                if rule.max_items is not None:
                    fields[name]["maxItems"] = rule.max_items
        properties[platform] = {"type": "object", "properties": fields, "required": list(fields)}
    required = list(platforms)
    if photos:
        properties["alt_text"] = {
            "type": "array", "minItems": photos, "maxItems": photos,
            "items": {"type": "string", "maxLength": alt_text_limit(rules)},
            "description": "one alt text per attached photo, in order: what the photo shows, in one sentence",
        }
        required.append("alt_text")
    return {"type": "object", "properties": properties, "required": required}


def decode_alt_text(text: str, photos: int) -> list[str]:
    """The alt texts of an answer (already known to be valid JSON), one per photo; [] when absent or unusable."""
    value = json.loads(text).get("alt_text") if photos else None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return []
    return [" ".join(v.split()) for v in value[:photos]]


def decode_answer(text: str, platforms: Sequence[str], rules: Rules) -> dict[str, dict[str, Any]]:
    """Parse and type-check the model's JSON; raises ``GeminiBadOutput`` saying what was wrong with it.

    Missing fields become empty (the validator then names them); a missing platform or a wrongly typed field
    makes the whole answer unusable.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise GeminiBadOutput(_("it was not valid JSON")) from None
    if not isinstance(data, dict):
        raise GeminiBadOutput(_("it was not a JSON object"))
    answer: dict[str, dict[str, Any]] = {}
    for platform in platforms:
        label = rules.platform(platform).label
        entry = data.get(platform)
        if not isinstance(entry, dict):
            raise GeminiBadOutput(_("it had no copy for {platform}").format(platform=label))
        clean: dict[str, Any] = {}
        for name in TEXT_FIELDS:
            value = entry.get(name, "")
            if not isinstance(value, str):
                raise GeminiBadOutput(_("the {platform} {field} was not text").format(platform=label, field=name))
            clean[name] = value
        for name in LIST_FIELDS:
            value = entry.get(name, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise GeminiBadOutput(_("the {platform} {field} were not a list of text").format(
                    platform=label, field=name))
            clean[name] = list(value)
        answer[platform] = clean
    return answer


def copies_from_answer(
    answer: dict[str, dict[str, Any]], language: Language, model: str, rules: Rules
) -> dict[str, PlatformCopy]:
    """Turn a decoded answer into (not yet fitted) drafts marked as Gemini's, each in its platform's language."""
    return {
        platform: PlatformCopy(platform=platform, source="gemini", model=model,
                               language=rules.platform(platform).copy_language(language),  # type: ignore[arg-type]
                               **fields)
        for platform, fields in answer.items()
    }

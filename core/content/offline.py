"""The offline writer: deterministic, template-based listing copy that needs no network and no API key.

Templates (resources/content/templates/<language>.json) and category keywords
(resources/content/keywords.json) are data; this module only fills them in from the product facts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from babel.numbers import format_currency

from core.content.hashtags import normalise_hashtag
from core.content.models import PlatformCopy, ProductFacts
from core.content.rules import Rules, load_json_resource

_PLACEHOLDER = re.compile(r"\{([a-z0-9_.]+)\}")
_WORD_SPLIT = re.compile(r"[^\w\u0900-\u097f-]+")
# Fields of a template line that are glue, not content: a line made only of these is dropped.
_GLUE_ONLY = re.compile(r"^[\s|,:;–—-]*$")
_SPACES = re.compile(r"[ \t]{2,}")
_MIN_DESCRIPTIVE = 3


@lru_cache(maxsize=4)
def _templates(language: str) -> dict[str, Any]:
    data: dict[str, Any] = load_json_resource("templates", f"{language}.json")
    return data


@lru_cache(maxsize=1)
def _categories() -> dict[str, Any]:
    data: dict[str, Any] = load_json_resource("keywords.json")["categories"]
    return data


def _words(text: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(text.casefold()) if w]


def _alias_hits(alias: str, words: list[str]) -> bool:
    alias_words = _words(alias)
    if len(alias_words) > 1:
        return f" {' '.join(alias_words)} " in f" {' '.join(words)} "
    return any(w in (alias_words[0], alias_words[0] + "s", alias_words[0] + "es") for w in words)


def category_keywords(facts: ProductFacts) -> dict[str, Any]:
    """The keyword entry (name, keywords, hashtags, benefits) for the product's category in its language.

    The seller's category is matched first, then the title; a product matching nothing gets the general entry.
    """
    cats = _categories()
    for text in (facts.category, facts.title):
        words = _words(text)
        for entry in cats.values():
            if any(_alias_hits(alias, words) for alias in entry["aliases"]):
                return dict(entry[facts.language])
    return dict(cats["default"][facts.language])


def format_price(facts: ProductFacts) -> str:
    """The price as a buyer in this language expects it (₹1,499.00; $12.50), via Babel's CLDR data."""
    tpl = _templates(facts.language)
    locale = tpl["locale_by_currency"].get(facts.currency.upper(), tpl["locale"])
    return str(format_currency(facts.price, facts.currency.upper(), locale=locale))


def _render(template: str, values: dict[str, str]) -> str:
    """Fill ``template``; a line whose placeholders are all empty is dropped, and leftover glue is tidied."""
    names = _PLACEHOLDER.findall(template)
    if names and not any(values.get(n, "").strip() for n in names):
        return ""
    text = _SPACES.sub(" ", _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), template)).strip()
    if "|" in template:
        # "Title |  | keyword" -> "Title | keyword" when a middle placeholder was empty.
        text = " | ".join(part.strip() for part in text.split("|") if part.strip())
    return "" if _GLUE_ONLY.match(text) else text


def _stock_line(facts: ProductFacts, tpl: dict[str, Any]) -> str:
    if facts.quantity <= 0:
        key = "none"
    elif facts.quantity == 1:
        key = "one"
    else:
        key = "few" if facts.quantity <= 5 else "many"
    return _render(tpl["stock"][key], {"quantity": str(facts.quantity)})


def _tone(facts: ProductFacts, tpl: dict[str, Any]) -> dict[str, str]:
    wanted = facts.tone.strip().casefold()
    for name, tone in tpl["tones"].items():
        if wanted == name or wanted in tone["aliases"]:
            return dict(tone)
    return dict(tpl["tones"][tpl["default_tone"]])


def _descriptive(facts: ProductFacts) -> list[str]:
    """Attribute values that mean something on their own ("Cotton", not the "M" of a size)."""
    return [v.strip() for v in facts.attributes.values() if len(v.strip()) >= _MIN_DESCRIPTIVE]


def _values(facts: ProductFacts, tpl: dict[str, Any], kw: dict[str, Any]) -> dict[str, str]:
    attrs = {k.strip(): v.strip() for k, v in facts.attributes.items() if k.strip() and v.strip()}
    title_folded = facts.title.casefold()
    keywords = [*kw["keywords"], "", "", ""]
    values: dict[str, str] = {
        "title": " ".join(facts.title.split()),
        "category": kw["name"],
        "description": facts.description.strip(),
        "details": tpl["list_separator"].join(
            _render(tpl["detail_format"], {"key": k, "value": v}) for k, v in attrs.items()
        ),
        # Attribute values already in the title would only repeat it.
        "values": " ".join(v for v in _descriptive(facts) if v.casefold() not in title_folded),
        "price": format_price(facts) if facts.price > 0 else "",
        "quantity": str(facts.quantity),
        "sku": facts.sku.strip(),
        "kw1": keywords[0],
        "kw2": keywords[1],
        "kw3": keywords[2],
        "stock": _stock_line(facts, tpl),
    }
    for name, line in tpl["lines"].items():
        values[f"lines.{name}"] = _render(line, values)
    tone = _tone(facts, tpl)
    values["opening"] = _render(tone["opening"], values)
    values["closing"] = _render(tone["closing"], values)
    return values


def _bullets(
    values: dict[str, str], facts: ProductFacts, tpl: dict[str, Any], kw: dict[str, Any]
) -> list[str]:
    details = [
        _render(tpl["detail_format"], {"key": k.strip(), "value": v.strip()})
        for k, v in facts.attributes.items()
        if k.strip() and v.strip()
    ]
    return details + list(kw["benefits"]) + ([values["stock"]] if values["stock"] else [])


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out


def _hashtags(facts: ProductFacts, kw: dict[str, Any]) -> list[str]:
    raw = [kw["name"], *kw["hashtags"], *_descriptive(facts), *kw["keywords"]]
    return _unique([normalise_hashtag(r) for r in raw])


def _tags(facts: ProductFacts, kw: dict[str, Any], max_chars: int | None) -> list[str]:
    raw = [*kw["keywords"], kw["name"], *_descriptive(facts), facts.category, facts.title]
    # Phrases too long for a tag are skipped here rather than cut down by the fitter.
    return _unique([t.strip() for t in raw if max_chars is None or len(t.strip()) <= max_chars])


def write_offline(facts: ProductFacts, platforms: Sequence[str], rules: Rules) -> dict[str, PlatformCopy]:
    """Draft copy for each platform from templates; only fields the platform uses are filled.

    The drafts are not yet fitted: ``generate_copy`` fits them and reports what was shortened.
    """
    tpl = _templates(facts.language)
    kw = category_keywords(facts)
    values = _values(facts, tpl, kw)
    drafts: dict[str, PlatformCopy] = {}
    for platform in platforms:
        pr = rules.platform(platform)
        ptpl = tpl["platforms"][platform]
        lines = (_render(line, values) for line in ptpl["description"])
        fields: dict[str, Any] = {
            "title": _render(ptpl.get("title", "{title}"), values),
            "description": ptpl.get("join", " ").join(line for line in lines if line),
            "bullets": _bullets(values, facts, tpl, kw),
            "hashtags": _hashtags(facts, kw),
            "tags": _tags(facts, kw, pr.fields["tags"].item_max_chars if pr.uses("tags") else None),
        }
        drafts[platform] = PlatformCopy(
            platform=platform,
            source="offline",
            model=None,
            language=facts.language,
            **{name: value for name, value in fields.items() if pr.uses(name)},
        )
    return drafts

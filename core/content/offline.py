"""The offline writer: listing copy from the product's own facts, with no network, no API key and no invention.

Every sentence is either the seller's own text or a neutral sentence from resources/content/templates/<language>.json
filled with product fields; which sentence is used depends on the facts the product has (a material not already in
the title, a colour, a category the seller chose) and, among equals, on a stable hash of the title, so different
products read differently. Category wording (resources/content/keywords.json) is used only when the seller's own
category names a known category: the title is never used to guess one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from babel.numbers import format_currency

from core.content.attributes import Attribute, by_meaning, read_attributes
from core.content.hashtags import normalise_hashtag
from core.content.models import PlatformCopy, ProductFacts, stock_band
from core.content.rules import PlatformRules, Rules, load_json_resource

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_CATEGORY_PARTS = re.compile(r"\s*[>/|,›»]\s*")
# The short name of a product ends at the first of these (a bracketed aside, a dash, a comma...).
_SHORT_END = re.compile(r"\s*(?:\(|\[|\||,|:|;| - | – | — )")
# ...and a long name also at "with"/"for" ('Jute Tote Bag with Cotton Handles' -> 'Jute Tote Bag').
_SHORT_LINK = re.compile(r"\s+(?:with|for|in|of|ke saath|ke liye|के साथ|के लिए)\s+", re.IGNORECASE)
_SHORT_WORDS = 4
_TITLE_VALUES = 3
_TAG_HASHTAG_MAX = 30


@lru_cache(maxsize=4)
def _templates(language: str) -> dict[str, Any]:
    data: dict[str, Any] = load_json_resource("templates", f"{language}.json")
    return data


@lru_cache(maxsize=1)
def _categories() -> dict[str, Any]:
    data: dict[str, Any] = load_json_resource("keywords.json")["categories"]
    return data


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def chosen_category(facts: ProductFacts) -> str | None:
    """The known category the seller's own category field names ('Home > Diyas' -> 'home_decor'), else None.

    Only the category field counts, part by part and whole (never a word inside the title or a longer name).
    """
    parts = [" ".join(p.casefold().split()) for p in _CATEGORY_PARTS.split(facts.category) if p.strip()]
    for part in reversed(parts):  # the most specific part first
        for name, entry in _categories().items():
            if any(_singular(part) == _singular(alias.casefold()) for alias in entry["aliases"]):
                return name
    return None


def category_keywords(facts: ProductFacts) -> dict[str, Any] | None:
    """The category wording (name, keywords, hashtags) in the copy's language, or None when the seller chose no
    known category."""
    name = chosen_category(facts)
    return dict(_categories()[name][facts.language]) if name else None


def format_price(facts: ProductFacts) -> str:
    """The price as a buyer in this language expects it (₹1,499.00; $12.50), via Babel's CLDR data."""
    tpl = _templates(facts.language)
    locale = tpl["locale_by_currency"].get(facts.currency.upper(), tpl["locale"])
    return str(format_currency(facts.price, facts.currency.upper(), locale=locale))


def short_name(title: str) -> str:
    """The product's name without asides: 'Mango Pickle (Aam ka Achar) 500 g' -> 'Mango Pickle'."""
    head = _SHORT_END.split(" ".join(title.split()), maxsplit=1)[0].strip() or " ".join(title.split())
    if len(head.split()) > _SHORT_WORDS:
        head = _SHORT_LINK.split(head, maxsplit=1)[0].strip() or head
    return head


def _pick(options: list[str], seed: str) -> str:
    digest = hashlib.sha256(seed.encode("utf-8", "surrogatepass")).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


def _fill(template: str, values: dict[str, str]) -> str:
    return " ".join(_PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), template).split())


def _new_to_title(attr: Attribute | None, facts: ProductFacts) -> str:
    """The attribute's value when it says something the title does not already say, else ''."""
    if attr is None or not attr.value:
        return ""
    title = facts.title.casefold()
    raw = str(facts.attributes.get(attr.key, "")).casefold().strip()
    return "" if attr.value.casefold() in title or (raw and raw in title) else attr.value


class _Writer:
    """Copy for one product in one language; each platform gets its own variant choices."""

    def __init__(self, facts: ProductFacts) -> None:
        self.facts = facts
        self.tpl = _templates(facts.language)
        self.attrs = read_attributes(facts)
        self.meaning = by_meaning(self.attrs)
        self.category = category_keywords(facts)
        self.title = " ".join(facts.title.split())
        self.values: dict[str, str] = {
            "title": self.title,
            "short": short_name(facts.title),
            "category": self.category["name"] if self.category else "",
            "material": _new_to_title(self.meaning.get("material"), facts),
            "colour": _new_to_title(self.meaning.get("colour"), facts),
            "details": self.tpl["list_separator"].join(a.phrase for a in self.attrs),
            "price": format_price(facts) if facts.price > 0 else "",
        }

    def _slot(self, slot: dict[str, list[str]], seed: str) -> str:
        """The first variant group whose facts this product has, one variant of it by the stable hash."""
        for key, options in slot.items():
            needs = [] if key in ("any", "plain") else key.split("_")
            if all(self.values.get(n) for n in needs) and all(
                self.values.get(n) for t in options[:1] for n in _PLACEHOLDER.findall(t)
            ):
                return _fill(_pick(options, f"{seed}|{key}|{self.title}"), self.values)
        return ""

    def _price_stock(self, seed: str) -> str:
        amount = stock_band(self.facts.quantity)
        key = f"price_{amount}" if self.values["price"] else amount
        return _fill(_pick(self.tpl["price_stock"][key], f"{seed}|{self.title}"), self.values)

    def _tone(self) -> dict[str, Any]:
        wanted = self.facts.tone.strip().casefold()
        for name, tone in self.tpl["tones"].items():
            if wanted == name or wanted in tone["aliases"]:
                return dict(tone)
        return dict(self.tpl["tones"][self.tpl["default_tone"]])

    def sentence(self, slot: str, platform: str) -> str:
        seed = f"{platform}|{slot}"
        if slot == "description":
            return self.facts.description.strip()
        if slot == "details":
            return self._slot(self.tpl["details"], seed) if self.attrs else ""
        if slot in ("price", "bulk"):
            return self._slot(self.tpl[slot], seed)
        if slot == "price_stock":
            return self._price_stock(seed)
        if slot == "closing":
            return _fill(_pick(self._tone()["closing"], f"{seed}|{self.title}"), self.values)
        return self._slot(self.tpl["intro"], seed)

    def title_for(self, parts: list[str], join: str) -> str:
        pieces: list[str] = []
        for part in parts:
            if part == "title":
                pieces.append(self.title)
            elif part == "values":
                values = [v for v in (_new_to_title(a, self.facts) for a in self.attrs if a.in_title) if v]
                if values:
                    pieces.append(self.tpl["values_separator"].join(values[:_TITLE_VALUES]))
            elif part == "category" and self.category:
                keyword = self.category["keywords"][0]
                if keyword.casefold() not in self.title.casefold():
                    pieces.append(keyword)
        return join.join(pieces)

    def bullets(self) -> list[str]:
        return [a.phrase for a in self.attrs]

    def hashtags(self) -> list[str]:
        raw = list(self.category["hashtags"]) if self.category else []
        raw += [a.value for a in self.attrs if a.hashtag]
        short = self.values["short"]
        if len(short) <= _TAG_HASHTAG_MAX and not any(c.isdigit() for c in short):
            raw.insert(0, "".join(w[:1].upper() + w[1:] for w in short.split()))
        return _unique([normalise_hashtag(r) for r in raw])

    def tags(self, max_chars: int | None) -> list[str]:
        raw = [self.title, self.values["short"]]
        raw += [a.value for a in self.attrs if (a.hashtag or a.in_title) and not any(c.isdigit() for c in a.value)]
        if self.category:
            raw += [*self.category["keywords"], self.category["name"]]
        # Phrases too long for a tag are left out here rather than cut down by the fitter.
        return _unique([t.strip() for t in raw if max_chars is None or len(t.strip()) <= max_chars])


def _hashtag_room(pr: PlatformRules) -> int | None:
    """How many hashtags the platform takes (its field and caption limits): the writer offers no more, so the
    seller is not told that some were cut."""
    rule = pr.fields.get("hashtags")
    limits = [n for n in (rule.max_items if rule else None, pr.caption.max_hashtags if pr.caption else None)
              if n is not None]
    return min(limits) if limits else None


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out


def write_offline(facts: ProductFacts, platforms: Sequence[str], rules: Rules) -> dict[str, PlatformCopy]:
    """Draft copy for each platform from the product's facts; only fields the platform uses are filled.

    The drafts are not yet fitted: ``generate_copy`` fits them and reports what was shortened.
    """
    writers: dict[str, _Writer] = {}
    drafts: dict[str, PlatformCopy] = {}
    for platform in platforms:
        pr = rules.platform(platform)
        # A platform that cannot take the seller's language (Etsy refuses Devanagari) gets its own.
        language = pr.copy_language(facts.language)
        if language not in writers:
            writers[language] = _Writer(facts if language == facts.language else replace(facts, language=language))  # type: ignore[arg-type]
        writer = writers[language]
        ptpl = writer.tpl["platforms"][platform]
        # Platforms with bullets show the attributes there; the description does not repeat them.
        plan = [s for s in ptpl["plan"] if not (s == "details" and pr.uses("bullets"))]
        sentences = _unique([writer.sentence(slot, platform) for slot in plan])
        fields: dict[str, Any] = {
            "title": writer.title_for(ptpl.get("title", ["title"]), ptpl.get("title_join", " | ")),
            "description": ptpl.get("join", " ").join(sentences),
            "bullets": writer.bullets(),
            "hashtags": writer.hashtags()[: _hashtag_room(pr)],
            "tags": writer.tags(pr.fields["tags"].item_max_chars if pr.uses("tags") else None),
            "seo_title": writer.title_for(ptpl.get("seo_title", ["title"]), " | "),
            "seo_description": " ".join(_unique([writer.sentence(slot, f"{platform}-seo")
                                                 for slot in ptpl.get("seo_plan", ["intro"])])),
        }
        drafts[platform] = PlatformCopy(
            platform=platform,
            source="offline",
            model=None,
            language=writer.facts.language,
            **{name: value for name, value in fields.items() if pr.uses(name)},
        )
    return drafts

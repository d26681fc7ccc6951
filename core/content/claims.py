"""The claim guard: copy may say "handmade", "organic", "pure silver"... only when a product field says so.

The claims are data (resources/content/claims.json, plus the seller's own claims.json in the data folder). The
guard reads every field of a draft, whoever wrote it, and flags each claim no product field backs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.content.attributes import is_code, is_internal_key, yes_no
from core.content.models import PlatformCopy, ProductFacts
from core.content.rules import load_json_resource
from core.content.validate import field_word
from core.errors import ValidationError
from core.fileio import atomic_write_text
from core.i18n import _

SELLER_FILE = "claims.json"


@dataclass(frozen=True)
class Claim:
    """A kind of claim: its wording in any copy language, and extra words that back it in product fields."""

    id: str
    label: str
    phrases: tuple[str, ...]
    backed_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClaimFlag:
    """An unbacked claim found in one field of one platform's copy."""

    platform: str
    field: str
    claim: str
    phrase: str
    message: str


def _pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted({p.casefold() for p in phrases if p.strip()}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in alternatives) + r")(?!\w)")


def _claim(raw: dict[str, Any]) -> Claim:
    return Claim(str(raw["id"]), str(raw.get("label", raw["id"])), tuple(raw.get("phrases", ())),
                 tuple(raw.get("backed_by", ())))


def load_claims(data_dir: Path | None = None) -> list[Claim]:
    """The bundled claims, with the seller's own list (``data_dir/claims.json``) added on top.

    A seller's entry with an existing id replaces it; ``"off": true`` switches a claim off.
    """
    claims = {c.id: c for c in (_claim(raw) for raw in load_json_resource("claims.json")["claims"])}
    path = data_dir / SELLER_FILE if data_dir is not None else None
    if path is not None and path.exists():
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))["claims"]
            for raw in entries:
                if raw.get("off"):
                    claims.pop(str(raw["id"]), None)
                else:
                    claims[str(raw["id"])] = _claim(raw)
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise ValidationError(_("Your claims list {path} cannot be read ({problem}).").format(
                path=path, problem=exc), hint=_("It must be JSON like {example}.").format(
                                      example='{"claims": [{"id": "vegan", "phrases": ["vegan"]}]}')) from exc
    return [c for c in claims.values() if c.phrases]


def _seller_entries(data_dir: Path) -> list[dict[str, Any]]:
    path = data_dir / SELLER_FILE
    if not path.exists():
        return []
    load_claims(data_dir)  # a damaged file is reported, never overwritten
    entries: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["claims"]
    return entries


def _save_seller_entries(data_dir: Path, entries: list[dict[str, Any]]) -> None:
    text = json.dumps({"claims": entries}, ensure_ascii=False, indent=2) + "\n"
    atomic_write_text(data_dir / SELLER_FILE, text)


def add_claim(data_dir: Path, claim_id: str, phrases: Iterable[str], label: str = "") -> Claim:
    """Add (or replace) a claim of the seller's own: copy saying one of ``phrases`` is flagged unless a product
    field says it too."""
    key = "_".join(claim_id.strip().lower().split())
    words = [" ".join(p.split()) for p in phrases if p.strip()]
    if not key or not words:
        raise ValidationError(_("A claim needs a name and at least one phrase."),
                              hint=_("e.g. {command}").format(
                                  command='sellerdesk content claims add vegan "vegan" "plant based"'))
    entries = [e for e in _seller_entries(data_dir) if e.get("id") != key]
    entries.append({"id": key, "label": label.strip() or key.replace("_", " "), "phrases": words})
    _save_seller_entries(data_dir, entries)
    return _claim(entries[-1])


def switch_claim(data_dir: Path, claim_id: str, on: bool) -> None:
    """Switch a claim off (no longer flagged) or back on."""
    known = {c.id for c in load_claims(data_dir)} | {str(e.get("id")) for e in _seller_entries(data_dir)}
    bundled = {str(raw["id"]) for raw in load_json_resource("claims.json")["claims"]}
    if claim_id not in known | bundled:
        raise ValidationError(_("There is no claim {id}.").format(id=repr(claim_id)),
                              hint=_("See them with: sellerdesk content claims"))
    entries = [e for e in _seller_entries(data_dir) if not (e.get("id") == claim_id and e.get("off"))]
    if not on:
        entries.append({"id": claim_id, "off": True})
    _save_seller_entries(data_dir, entries)


def claim_table(data_dir: Path) -> list[tuple[Claim, bool]]:
    """Every claim known, bundled and the seller's own, with whether it is checked (on)."""
    active = {c.id: c for c in load_claims(data_dir)}
    everything = {c.id: c for c in (_claim(raw) for raw in load_json_resource("claims.json")["claims"])}
    everything.update({str(e["id"]): _claim(e) for e in _seller_entries(data_dir) if e.get("phrases")})
    everything.update(active)
    return [(claim, claim.id in active) for claim in everything.values()]


def backing_text(facts: ProductFacts) -> str:
    """What the seller stated, folded for matching: title, description, category and attributes (an
    attribute answered 'no' backs nothing; internal fields and codes are not facts for buyers)."""
    parts = [facts.title, facts.description, facts.category]
    for key, value in facts.attributes.items():
        key, value = str(key), str(value)
        if is_internal_key(key) or is_code(value) or yes_no(value) is False:
            continue
        parts.append(f"{key.replace('_', ' ')} {value}")
    return " \n ".join(parts).casefold()


def _field_texts(copy: PlatformCopy) -> list[tuple[str, str]]:
    texts = [("title", copy.title), ("description", copy.description)]
    texts += [("bullets", b) for b in copy.bullets] + [("tags", t) for t in copy.tags]
    return texts


def _squashed(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def unbacked_claims(copy: PlatformCopy, facts: ProductFacts, claims: list[Claim], label: str = "") -> list[ClaimFlag]:
    """Each claim ``copy`` makes that no field of ``facts`` backs, once per claim and field."""
    backing = backing_text(facts)
    found: list[ClaimFlag] = []
    where = label or copy.platform
    for claim in claims:
        if _pattern([*claim.phrases, *claim.backed_by]).search(backing):
            continue
        pattern = _pattern(claim.phrases)
        squashed = [_squashed(p) for p in claim.phrases if _squashed(p)]
        hits: dict[str, str] = {}
        for name, text in _field_texts(copy):
            match = pattern.search(text.casefold())
            if match and name not in hits:
                hits[name] = match.group()
        for tag in copy.hashtags:
            body = _squashed(tag)
            phrase = next((p for p in squashed if p in body), None)
            if phrase and "hashtags" not in hits:
                hits["hashtags"] = tag
        for name, phrase in hits.items():
            said = _("{where} {field} says '{phrase}' ({claim}), but no product field says so. Remove it, or add "
                     "the fact to the product if it is true.").format(where=where, field=field_word(name),
                                                                     phrase=phrase, claim=_(claim.label))
            found.append(ClaimFlag(copy.platform, name, claim.id, phrase, said))
    return found


@dataclass(frozen=True)
class ClaimGuard:
    """The claims to look for and the product facts that may back them: checks any draft of that product."""

    facts: ProductFacts
    claims: tuple[Claim, ...]

    def check(self, copy: PlatformCopy, label: str = "") -> list[ClaimFlag]:
        """Every unbacked claim in ``copy``."""
        return unbacked_claims(copy, self.facts, list(self.claims), label)

"""A product's attributes read by meaning: labels in the copy's language, internal fields left out.

The data (meanings, their aliases and labels, yes/no words, the value glossary, the internal key words) lives in
resources/content/attributes.json; this module only applies it. ``read_attributes`` is what the offline writer
and the claim guard see of ``ProductFacts.attributes``: never an HSN, GST, FSSAI, SKU, barcode or cost field,
never a long digit code, never "veg: yes".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from core.content.models import ProductFacts
from core.content.rules import load_json_resource

_KEY_SEPARATORS = re.compile(r"[\s\-/.:]+")
_TOKENS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d[\d.,]*|\s+|.", re.UNICODE)
_LONGEST_PHRASE = 3  # glossary phrases have at most this many words


@dataclass(frozen=True)
class Attribute:
    """One attribute as copy shows it. ``meaning`` is the glossary id ('' when unknown); ``phrase`` is how it
    reads alone ("Material: brass", or "Vegetarian" for a yes/no fact)."""

    key: str
    meaning: str
    label: str
    value: str
    phrase: str
    in_title: bool = False
    hashtag: bool = False


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    data: dict[str, Any] = load_json_resource("attributes.json")
    return data


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    return {normal_key(alias): meaning for meaning, entry in _data()["meanings"].items()
            for alias in [meaning, *entry["aliases"]]}


def normal_key(key: str) -> str:
    """``"Net Weight"`` -> ``"net_weight"``: how attribute keys are compared."""
    return _KEY_SEPARATORS.sub("_", key.strip().casefold()).strip("_")


def is_internal_key(key: str) -> bool:
    """True for keys that are the seller's books (HSN, GST, FSSAI, SKU, barcode, cost...), never copy."""
    normal = normal_key(key)
    words = set(_data()["internal_words"])
    return normal in words or any(part in words for part in normal.split("_")) or normal.replace("_", "") in words


def is_code(value: str) -> bool:
    """True for a value that is a long number (licence, barcode): a code, whatever its key says."""
    digits = re.sub(r"[\s\-]", "", value)
    return digits.isdigit() and len(digits) >= int(_data()["code_digits"])


def yes_no(value: str) -> bool | None:
    """True/False for a yes/no answer in English, Hindi or Hinglish; None for anything else."""
    folded = value.strip().casefold()
    if folded in _data()["yes_words"]:
        return True
    if folded in _data()["no_words"]:
        return False
    return None


def translate(value: str, language: str) -> str:
    """``value`` in ``language`` through the glossary: the whole value if known, else word by word (longest
    phrase first). Numbers, units the glossary lacks and unknown words stay exactly as written."""
    glossary: dict[str, str] = _data()["glossary"].get(language, {})
    if not glossary:
        return value.strip()
    whole = glossary.get(" ".join(value.casefold().split()))
    if whole is not None:
        return whole
    tokens = _TOKENS.findall(value.strip())
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for span in range(_LONGEST_PHRASE * 2 - 1, 0, -2):  # word, space, word...: odd spans end on a word
            words = tokens[i : i + span]
            if len(words) < span or not words[-1].strip():
                continue
            hit = glossary.get(" ".join("".join(words).casefold().split()))
            if hit is not None and words[0].strip():
                out.append(hit)
                i += span
                break
        else:
            out.append(tokens[i])
            i += 1
    return "".join(out)


def _humanise(key: str) -> str:
    words = " ".join(normal_key(key).split("_"))
    return words[:1].upper() + words[1:] if words else key.strip()


def read_attributes(facts: ProductFacts) -> list[Attribute]:
    """The attributes copy may show, in the seller's order, labelled and translated for ``facts.language``.

    Internal fields, code-like values, empty values and a yes/no fact answered 'no' that has no wording of its
    own are left out.
    """
    language = facts.language
    out: list[Attribute] = []
    for raw_key, raw_value in facts.attributes.items():
        key, value = " ".join(str(raw_key).split()), " ".join(str(raw_value).split())
        if not key or not value or is_internal_key(key) or is_code(value):
            continue
        meaning = _aliases().get(normal_key(key), "")
        entry: dict[str, Any] = _data()["meanings"].get(meaning, {})
        answer = yes_no(value)
        if entry.get("flag"):
            wording = entry.get("yes" if answer else "no") if answer is not None else None
            if wording is None:
                continue
            out.append(Attribute(key, meaning, wording[language], "", wording[language]))
            continue
        label = entry["label"][language] if entry else _humanise(key)
        if answer is not None:
            # "Drainage hole: yes" reads as "Drainage hole"; a plain "no" is no selling point and is left out.
            if answer:
                out.append(Attribute(key, meaning, label, "", label))
            continue
        shown = translate(value, language)
        out.append(Attribute(key, meaning, label, shown, f"{label}: {shown}",
                             in_title=bool(entry.get("in_title")),
                             hashtag=bool(entry.get("hashtag")) and not any(c.isdigit() for c in value)))
    return out


def by_meaning(attributes: list[Attribute]) -> dict[str, Attribute]:
    """The first attribute of each known meaning."""
    found: dict[str, Attribute] = {}
    for attr in attributes:
        if attr.meaning and attr.meaning not in found:
            found[attr.meaning] = attr
    return found

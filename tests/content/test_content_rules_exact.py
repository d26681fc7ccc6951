"""Rules as exact as the platforms': Etsy's own character patterns, invisible characters, numbers the fitter
never changes, cuts at phrase boundaries, and a source and date for every limit."""

from __future__ import annotations

import json
import re
from pathlib import Path

from core.content.fit import fit, fit_report
from core.content.models import PlatformCopy
from core.content.rules import Rules, load_json_resource
from core.content.shorten import shorten
from core.content.validate import validate

SPEC = Path(__file__).parents[1] / "fakes" / "specs" / "etsy-v3-openapi-2021.json"


def _etsy_pattern(field: str) -> str:
    schema = json.loads(SPEC.read_text("utf-8"))["components"]["schemas"]["ShopListing"]["properties"][field]
    found = re.search(r"\(regex: (/.+?/u)\)", schema["description"])
    assert found, schema["description"]
    return found.group(1).replace("\\\\", "\\")


def test_etsy_character_classes_are_etsys_own_patterns() -> None:
    etsy = load_json_resource("rules.json")["platforms"]["etsy"]["fields"]
    for field, chars in (("title", etsy["title"]["chars"]), ("tags", etsy["tags"]["item_chars"])):
        pattern = _etsy_pattern(field)
        assert chars["etsy_pattern"] == pattern
        body = pattern.removeprefix("/[^").removesuffix("]/u")
        assert chars["categories"] == re.findall(r"\\p\{(\w+)\}", body)
        literal = re.sub(r"\\p\{\w+\}", "", body).replace("\\", "")
        assert set(chars["extra"]) == set(literal)


def test_etsy_refuses_what_its_patterns_refuse(rules: Rules) -> None:
    def rules_broken(**fields: object) -> set[tuple[str, str]]:
        copy = PlatformCopy("etsy", title="Brass diya", description="d", tags=["diya"]).with_fields(**fields)
        return {(v.field, v.rule) for v in validate(copy, rules)}

    assert rules_broken() == set()
    assert rules_broken(title="Brass diya | 92.5% silver + gold (2 pcs) ™") == set()
    for title in ("Brass diya ₹499", "Brass diya 🪔", "पीतल का दीया"):  # currency sign, emoji, vowel signs
        assert ("title", "chars") in rules_broken(title=title), title
    for tag in ("सूती साड़ी", "92.5 silver", "gift!"):
        assert ("tags", "item_chars") in rules_broken(tags=[tag]), tag


def test_invisible_characters_are_flagged_and_removed(rules: Rules) -> None:
    copy = PlatformCopy("facebook", description="Brass\u200b diya\u2060 with\u00ad bells\ufeff")
    (found,) = [v for v in validate(copy, rules) if v.rule == "invisible_character"]
    assert found.position == 5 and "U+200B ZERO WIDTH SPACE" in found.message
    assert fit(copy, rules).description == "Brass diya with bells"
    # Joiners that do work stay: an emoji family and a Devanagari half form.
    working = PlatformCopy("facebook", description="Family 👨\u200d👩\u200d👧 and क्\u200dष")
    assert not [v for v in validate(working, rules) if v.rule == "invisible_character"]
    assert fit(working, rules).description == working.description


def test_the_fitter_never_changes_a_number(rules: Rules) -> None:
    copy = PlatformCopy("etsy", title="Silver Jhumka 92.5 Sterling 🔔 | सूती Kids 4-5 years", description="d",
                        tags=["92.5 sterling silver", "4-5 years", "jhumka", "सूती"])
    fitted, changes = fit_report(copy, rules)
    assert fitted.title == "Silver Jhumka 92.5 Sterling | Kids 4-5 years"  # words dropped whole, never mutilated
    assert fitted.tags == ["4-5 years", "jhumka"]
    assert any(c.rule == "number" and "92.5 sterling silver" in c.message for c in changes)
    insta = fit(PlatformCopy("instagram", description="d", hashtags=["#4-5years", "#92.5silver", "#kidswear"]), rules)
    assert insta.hashtags == ["#kidswear"]


def test_cuts_end_at_a_phrase_boundary() -> None:
    text = "Block print cotton dupatta, mustard yellow hand block printed with natural dyes from Jaipur"
    assert shorten(text, 60) == "Block print cotton dupatta"
    assert shorten("Jhumka earrings in silver with tiny bells and a hook", 38) == "Jhumka earrings in silver"
    assert shorten("Kids kurta for 4-5 years in cotton", 20) == "Kids kurta"
    assert shorten("Silver 92.5 sterling jhumka", 12) == "Silver 92.5"  # a number is one word


def test_every_limit_has_a_source_and_a_date() -> None:
    date = re.compile(r"^20\d\d-\d\d-\d\d$")
    for name, entry in load_json_resource("rules.json")["platforms"].items():
        limits = [*entry["fields"].values(), *entry["publish_limits"].values()]
        limits += [entry["caption"]] if entry["caption"] else []
        limits += [entry["languages"]] if "languages" in entry else []
        for limit in limits:
            assert limit["source"].strip() and date.match(limit["checked"]), (name, limit)

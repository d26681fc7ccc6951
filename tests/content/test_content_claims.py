"""The claim guard: "handmade", "organic", "made in India"... only when a product field says so, whoever wrote it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from core.content.claims import load_claims, unbacked_claims
from core.content.models import PlatformCopy, ProductFacts
from core.content.prompt import facts_for_prompt
from core.errors import ValidationError
from tests.fakes.gemini import FakeGemini, ReceivedRequest, Scripted, _candidate_body, build_answer


def _claims_in(copy: PlatformCopy, facts: ProductFacts) -> set[str]:
    return {flag.claim for flag in unbacked_claims(copy, facts, load_claims())}


def test_claims_are_flagged_unless_a_field_backs_them(make_facts: Callable[..., ProductFacts]) -> None:
    copy = PlatformCopy("etsy", title="Handmade brass jhumkas, made in India",
                        description="100% natural. No artificial colours.", hashtags=["#HandmadeJewellery"],
                        tags=["waterproof"])
    plain = make_facts(description="Brass jhumkas.", attributes={"colour": "gold"})
    assert _claims_in(copy, plain) == {"handmade", "made_in_india", "natural", "no_artificial", "waterproof"}
    flags = unbacked_claims(copy, plain, load_claims(), "Etsy")
    assert {f.field for f in flags if f.claim == "handmade"} == {"title", "hashtags"}
    assert any(f.message.startswith("Etsy title says 'handmade'") for f in flags)
    backed = make_facts(description="Made by hand in Jaipur, India. Waterproof lacquer.",
                        attributes={"handmade": "yes", "ingredients": "natural dyes, no artificial colours"})
    assert _claims_in(copy, backed) == set()
    # An attribute answered "no" backs nothing.
    assert "handmade" in _claims_in(copy, make_facts(description="", attributes={"handmade": "no"}))


def test_hindi_and_hinglish_claims_are_found(make_facts: Callable[..., ProductFacts]) -> None:
    facts = make_facts(description="", attributes={})
    hindi = PlatformCopy("meesho", description="यह हस्तनिर्मित और शुद्ध चाँदी का है।", language="hi")
    assert _claims_in(hindi, facts) == {"handmade", "pure_metal"}
    hinglish = PlatformCopy("meesho", description="Yeh haath se bana hai.", language="hinglish")
    assert _claims_in(hinglish, facts) == {"handmade"}


def test_the_sellers_own_list_adds_and_switches_off(tmp_path: Path, make_facts: Callable[..., ProductFacts]) -> None:
    (tmp_path / "claims.json").write_text(json.dumps({"claims": [
        {"id": "vegan", "label": "vegan", "phrases": ["vegan"]}, {"id": "genuine", "off": True}]}), "utf-8")
    ids = {c.id for c in load_claims(tmp_path)}
    assert "vegan" in ids and "genuine" not in ids and "handmade" in ids
    (tmp_path / "claims.json").write_text("{not json", "utf-8")
    with pytest.raises(ValidationError, match="claims list"):
        load_claims(tmp_path)


def test_gemini_never_sees_internal_fields(make_facts: Callable[..., ProductFacts]) -> None:
    facts = make_facts(attributes={"material": "brass", "HSN code": "7117", "FSSAI": "22723017000123",
                                   "cost price": "400", "barcode": "8901234567890"}, sku="JH-1")
    shown = facts_for_prompt(facts)
    assert shown["attributes"] == {"material": "brass"} and "sku" not in shown


@pytest.fixture
def gemini(cli: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGemini]:
    with FakeGemini() as fake:
        monkeypatch.setenv("SELLERDESK_CONTENT__GEMINI_BASE_URL", fake.url)
        monkeypatch.setattr("sys.stdin", __import__("io").StringIO(fake.api_key + "\n"))
        assert cli("content", "set-key").code == 0
        yield fake


def _claiming(request: ReceivedRequest) -> Scripted:
    """A normal answer whose Etsy title claims 'Handmade' and whose Instagram caption says 'organic'."""
    answer = build_answer(request)
    answer["etsy"]["title"] = "Handmade " + answer["etsy"]["title"]
    answer["instagram"]["description"] += " Organic and lovely."
    return Scripted(200, _candidate_body(request, json.dumps(answer)))


def test_geminis_unbacked_claims_are_flagged_at_review(cli: Any, gemini: FakeGemini) -> None:
    added = cli("products", "add", "--json", "--title", "Jute basket", "--price", "650", "--attr", "material=jute")
    product_id = str(json.loads(added.out)["id"])
    gemini.script(_claiming)
    made = cli("content", "generate", product_id)
    assert made.code == 0, made.err
    assert "Etsy title says 'handmade'" in made.out and "Instagram description says 'organic'" in made.out
    check = cli("content", "check", product_id, "--json")
    assert check.code == 1
    assert {(p["platform"], p["rule"]) for p in json.loads(check.out)} == {("etsy", "unbacked_claim"),
                                                                          ("instagram", "unbacked_claim")}
    shown = json.loads(cli("content", "show", product_id, "--json", "--platform", "etsy").out)
    assert shown["etsy"]["unbacked_claims"][0]["claim"] == "handmade"
    # The seller states it: the flag goes.
    assert cli("products", "edit", product_id, "--attr", "handmade=yes", "--attr", "organic=yes").code == 0
    assert cli("content", "check", product_id).code == 0


def test_gemini_describes_photos_without_the_sellers_own_alt_text(cli: Any, gemini: FakeGemini, app: Any,
                                                                  tmp_path: Path) -> None:
    from PIL import Image
    from sqlalchemy import select

    from core.db.models import ProductImage

    photos = []
    for n in range(2):
        photos += ["--image", str(tmp_path / f"p{n}.jpg")]
        Image.new("RGB", (800, 600), (40 * n, 90, 160)).save(tmp_path / f"p{n}.jpg")
    added = cli("products", "add", "--json", "--title", "Jute basket", "--price", "650", *photos)
    product_id = json.loads(added.out)["id"]
    with app.db.session() as session:
        first = session.scalars(select(ProductImage).where(ProductImage.product_id == product_id)
                                .order_by(ProductImage.position)).first()
        first.alt_text = "My own words"
    made = cli("content", "generate", str(product_id))
    assert made.code == 0 and "Gemini described 1 photo" in made.out
    with app.db.session() as session:
        alts = [i.alt_text for i in session.scalars(select(ProductImage).where(
            ProductImage.product_id == product_id).order_by(ProductImage.position))]
    assert alts == ["My own words", "Photo 2 of Jute basket"]


def test_the_claim_list_from_the_command_line(cli: Any) -> None:
    shown = json.loads(cli("content", "claims", "--json").out)
    assert {"id": "handmade", "on": True}.items() <= next(c for c in shown if c["id"] == "handmade").items()
    assert cli("content", "claims", "add", "vegan", "vegan", "plant based").code == 0
    assert cli("content", "claims", "off", "genuine").code == 0
    table = {c["id"]: c for c in json.loads(cli("content", "claims", "--json").out)}
    assert table["vegan"]["phrases"] == ["vegan", "plant based"] and table["vegan"]["on"]
    assert not table["genuine"]["on"]
    assert cli("content", "claims", "on", "genuine").code == 0
    assert json.loads(cli("content", "claims", "--json").out)[-1]["id"] == "vegan"
    assert cli("content", "claims", "off", "nonsense").code != 0
    added = cli("products", "add", "--json", "--title", "Soap bar", "--price", "99")
    product_id = str(json.loads(added.out)["id"])
    cli("content", "generate", product_id, "--offline", "--platform", "etsy")
    assert cli("content", "edit", product_id, "etsy", "--field", "title", "--value", "Vegan soap bar").code == 0
    assert "says 'vegan'" in cli("content", "check", product_id).out

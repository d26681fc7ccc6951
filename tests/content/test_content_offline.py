"""The offline writer: usable, valid copy for every platform in English, Hindi and Hinglish, offline."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.content.models import PLATFORMS, ProductFacts
from core.content.offline import category_keywords, chosen_category, format_price, write_offline
from core.content.rules import Rules, compose_caption
from core.content.service import generate_copy
from core.content.validate import validate
from tests.content.strategies import messy_text

DEVANAGARI = re.compile("[\u0900-\u097f]")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("language", ["en", "hi", "hinglish"])
def test_every_platform_gets_valid_usable_copy(
    rules: Rules, make_facts: Callable[..., ProductFacts], language: str, no_network: None
) -> None:
    facts = make_facts(language=language)
    result = generate_copy(facts, PLATFORMS, writer=None, cache=None, offline=True)
    assert result.writer == "offline" and result.model is None
    assert set(result.copies) == set(PLATFORMS)
    for platform, copy in result.copies.items():
        pr = rules.platform(platform)
        assert validate(copy, rules) == [], platform
        # Etsy refuses Devanagari (its patterns exclude combining marks): its copy is English then.
        assert (copy.source, copy.language, copy.model) == ("offline", pr.copy_language(language), None)
        posted = compose_caption(copy, pr) if pr.caption else copy.title + " " + copy.description
        assert "Brass Jhumka" in posted, platform  # the product itself is named
        if pr.uses("title"):
            assert copy.title.startswith("Brass Jhumka Earrings")
        for name in ("bullets", "hashtags", "tags"):
            assert bool(getattr(copy, name)) == pr.uses(name), (platform, name)
    text = " ".join(c.description for c in result.copies.values())
    if language == "hi":
        assert DEVANAGARI.search(text) and "₹1,499.00" in text
    else:
        # Hinglish is Roman-script Hindi: no Devanagari unless the seller wrote it.
        assert not DEVANAGARI.search(text)
    if language == "hinglish":
        assert re.search(r"\b(hai|hain|ke liye|aur)\b", text)


def test_is_deterministic(rules: Rules, facts: ProductFacts) -> None:
    assert write_offline(facts, PLATFORMS, rules) == write_offline(facts, PLATFORMS, rules)


def test_uses_the_chosen_category_attributes_and_price(
    rules: Rules, make_facts: Callable[..., ProductFacts]
) -> None:
    etsy = generate_copy(make_facts(), ["etsy"], writer=None, cache=None, offline=True).copies["etsy"]
    assert "Gold" in etsy.tags and "indian jewellery" in etsy.tags  # the seller chose "Jewellery"
    assert not any("handmade" in t.casefold() for t in etsy.tags)  # nobody said it was
    assert etsy.bullets == ["Colour: Gold", "Material: Brass"]
    # The bullets carry the attributes: the description does not repeat them.
    assert "Colour: Gold" not in etsy.description
    insta = generate_copy(make_facts(), ["instagram"], writer=None, cache=None, offline=True).copies[
        "instagram"
    ]
    assert "₹1,499.00" in insta.description and "#jewellery" in insta.hashtags


@pytest.mark.parametrize(
    ("category", "title", "expected"),
    [
        ("Jewellery > Earrings", "Brass Jhumka Earrings", "jewellery"),
        ("Food > Pickles", "Mango Pickle in Mustard Oil", "food"),
        ("Home Decor", "Brass Key Ring Holder", "home_decor"),
        ("", "Mango Pickle in Mustard Oil", None),  # the title is never used to guess
        ("", "Table Top Terracotta Planter", None),
        ("Misc", "Widget", None),
        ("Springs", "Spring planter", None),  # a category must be a whole known name
    ],
)
def test_category_wording_only_from_the_sellers_category(
    make_facts: Callable[..., ProductFacts], category: str, title: str, expected: str | None
) -> None:
    facts = make_facts(category=category, title=title)
    assert chosen_category(facts) == expected
    if expected is None:
        assert category_keywords(facts) is None


@pytest.mark.parametrize(
    ("language", "currency", "amount", "expected"),
    [
        ("en", "INR", "150000", "₹1,50,000.00"),
        ("en", "USD", "12.5", "$12.50"),
        ("hi", "INR", "1499", "₹1,499.00"),
        ("hinglish", "INR", "99.9", "₹99.90"),
    ],
)
def test_price_is_formatted_for_the_locale(
    make_facts: Callable[..., ProductFacts], language: str, currency: str, amount: str, expected: str
) -> None:
    assert format_price(make_facts(language=language, currency=currency, price=Decimal(amount))) == expected


def test_tone_changes_the_words(rules: Rules, make_facts: Callable[..., ProductFacts]) -> None:
    closings = {
        tone: write_offline(make_facts(tone=tone), ["facebook"], rules)["facebook"].description.split("\n")[-1]
        for tone in ("friendly", "premium", "luxury", "playful", "professional", "unheard-of")
    }
    assert closings["premium"] == closings["luxury"]  # an alias
    assert closings["unheard-of"] == closings["friendly"]  # the default
    assert len({closings[t] for t in ("friendly", "premium", "playful", "professional")}) == 4


product_facts = st.builds(
    ProductFacts,
    title=messy_text.filter(lambda t: t.strip() != ""),
    description=messy_text,
    price=st.decimals(min_value=0, max_value=10**7, places=2),
    currency=st.sampled_from(["INR", "USD", "EUR", "GBP"]),
    category=st.one_of(st.sampled_from(["Jewellery", "saree", "Home decor", "toys", "food", ""]), messy_text),
    attributes=st.dictionaries(messy_text, messy_text, max_size=5),
    quantity=st.integers(min_value=0, max_value=500),
    sku=messy_text,
    language=st.sampled_from(["en", "hi", "hinglish"]),
    tone=st.sampled_from(["friendly", "premium", "playful", "professional", "weird"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(product_facts)
def test_any_facts_give_copy_that_passes_the_validator(rules: Rules, facts: Any) -> None:
    result = generate_copy(facts, PLATFORMS, writer=None, cache=None, offline=True)
    for copy in result.copies.values():
        # "required" can only fail when the seller's own title has no usable word at all.
        assert [v for v in validate(copy, rules) if v.rule != "required"] == []

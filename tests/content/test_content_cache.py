"""The answer cache: the same question is not paid for twice, and a changed question is asked again."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from core.content.cache import CopyCache
from core.content.models import ProductFacts
from core.content.rules import Rules
from core.content.service import generate_copy
from tests.fakes.gemini import FakeGemini


def test_round_trip_and_miss(tmp_path: Path) -> None:
    cache = CopyCache(tmp_path / "cache")
    assert cache.get("k") is None
    cache.put("k", {"data": {"etsy": {"title": "झुमका 👍🏽"}}, "model": "m"})
    assert CopyCache(tmp_path / "cache").get("k") == {"data": {"etsy": {"title": "झुमका 👍🏽"}}, "model": "m"}


def test_damaged_cache_file_is_a_miss_not_a_failure(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = CopyCache(tmp_path)
    cache.path.write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="core.content.cache"):
        assert cache.get("k") is None
        cache.put("k", {"data": {}, "model": "m"})
    assert "unreadable" in caplog.text and "not writable" in caplog.text


def test_second_identical_request_is_served_from_the_cache(
    tmp_path: Path, facts: ProductFacts, fake_gemini: FakeGemini, make_writer: Callable[..., Any]
) -> None:
    cache = CopyCache(tmp_path)
    first = generate_copy(facts, ["etsy", "instagram"], writer=make_writer(), cache=cache, offline=False)
    second = generate_copy(facts, ["instagram", "etsy"], writer=make_writer(), cache=cache, offline=False)
    assert len(fake_gemini.requests) == 1
    assert (first.from_cache, second.from_cache) == (False, True)
    assert (second.writer, second.model, second.attempts) == ("gemini", first.model, 0)
    assert second.copies == first.copies


@pytest.mark.parametrize(
    "change",
    [
        {"facts": {"price": 1599}},
        {"facts": {"tone": "premium"}},
        {"facts": {"language": "hi"}},
        {"facts": {"image_jpegs": [b"\xff\xd8other"]}},
        {"writer": {"model": "gemini-3.6-flash"}},
        {"writer": {"temperature": 0.2}},
        {"platforms": ["etsy"]},
    ],
)
def test_any_change_of_input_asks_again(
    tmp_path: Path,
    rules: Rules,
    facts: ProductFacts,
    make_writer: Callable[..., Any],
    change: dict[str, Any],
) -> None:
    from decimal import Decimal

    platforms = ["etsy", "instagram"]
    writer = make_writer()
    base_key = writer.cache_key(writer.prepare(facts, platforms, rules))
    assert base_key == make_writer().cache_key(make_writer().prepare(facts, platforms, rules))
    new_facts = facts
    if "facts" in change:
        fields = {k: Decimal(v) if k == "price" else v for k, v in change["facts"].items()}
        new_facts = replace(facts, **fields)
    new_writer = make_writer(**change.get("writer", {}))
    new_platforms = change.get("platforms", platforms)
    assert new_writer.cache_key(new_writer.prepare(new_facts, new_platforms, rules)) != base_key

"""Gemini tuned to Google's Gemini 3 guidance, through the real google-genai SDK and the local stand-in:
temperature 1.0 and a thinking level, an output budget sized to the platforms, MAX_TOKENS answered by asking
again per platform group, one deadline for the whole run, token usage recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.content import errors
from core.content.cache import CopyCache
from core.content.models import PLATFORMS, ProductFacts
from core.content.service import generate_copy
from tests.fakes.gemini import FakeGemini

Writer = Callable[..., Any]


def _run(facts: ProductFacts, writer: Any, platforms: tuple[str, ...] = PLATFORMS, **kw: Any) -> Any:
    return generate_copy(facts, platforms, writer=writer, cache=kw.pop("cache", None), offline=False, **kw)


def _asked(request: Any) -> set[str]:
    return set(request.schema["properties"]) - {"alt_text"}


def test_defaults_follow_googles_gemini_3_guidance(facts: ProductFacts, fake_gemini: FakeGemini,
                                                   make_writer: Writer) -> None:
    from core.content.gemini import GeminiWriter

    writer = GeminiWriter(api_key=fake_gemini.api_key, model="gemini-3.5-flash", base_url=fake_gemini.url)
    assert (writer.temperature, writer.thinking_level) == (1.0, "low")
    _run(facts, writer, ("etsy",))
    config = fake_gemini.requests[0].generation_config
    thinking = config.get("thinkingConfig") or config.get("thinking_config")
    # (The SDK writes the nested field in proto JSON's snake_case form; the API reads both spellings.)
    assert config["temperature"] == 1.0 and thinking in ({"thinkingLevel": "LOW"}, {"thinking_level": "LOW"})
    schema = fake_gemini.requests[0].schema["properties"]["etsy"]["properties"]
    assert schema["description"]["description"] == "aim for about 1200 characters"
    assert schema["tags"]["description"] == "about 13 items"


def test_the_output_budget_grows_with_platforms_and_script(make_facts: Callable[..., ProductFacts],
                                                           fake_gemini: FakeGemini, make_writer: Writer) -> None:
    writer = make_writer(thinking_level="low")
    _run(make_facts(), writer, ("etsy",))
    _run(make_facts(), writer)
    _run(make_facts(language="hi"), writer)
    one, eight, hindi = (r.generation_config["maxOutputTokens"] for r in fake_gemini.requests)
    assert 2048 < one < eight < hindi <= 65536
    _run(make_facts(), make_writer(thinking_level="high"), ("etsy",))
    assert fake_gemini.requests[-1].generation_config["maxOutputTokens"] == one + (8192 - 2048)


def test_max_tokens_asks_again_per_platform_group(facts: ProductFacts, fake_gemini: FakeGemini,
                                                  make_writer: Writer) -> None:
    fake_gemini.script(FakeGemini.truncated())
    result = _run(facts, make_writer())
    assert result.writer == "gemini" and set(result.copies) == set(PLATFORMS) and not result.warnings
    first, *halves = fake_gemini.requests
    assert _asked(first) == set(PLATFORMS) and len(halves) == 2
    assert _asked(halves[0]) | _asked(halves[1]) == set(PLATFORMS) and not _asked(halves[0]) & _asked(halves[1])
    assert result.attempts == 3


def test_a_single_platform_cut_off_falls_back_offline(facts: ProductFacts, fake_gemini: FakeGemini,
                                                      make_writer: Writer) -> None:
    fake_gemini.script(*[FakeGemini.truncated()] * 2)
    result = _run(facts, make_writer(), ("etsy", "shopify"))
    # Both platforms, then Etsy alone, cut off again: Shopify is not paid for, as the offline writer takes over.
    assert [_asked(r) for r in fake_gemini.requests] == [{"etsy", "shopify"}, {"etsy"}]
    assert result.writer == "offline"
    (warning,) = result.warnings
    assert isinstance(warning, errors.OfflineFallback) and "MAX_TOKENS" in str(warning)


def test_one_deadline_for_the_whole_run(facts: ProductFacts, fake_gemini: FakeGemini, make_writer: Writer,
                                        sleeps: list[float]) -> None:
    # Google asks for a 30 s wait; a 10 s deadline does not allow it: no wait, no second (paid) call.
    fake_gemini.script(FakeGemini.rate_limited("30s"))
    result = _run(facts, make_writer(deadline=10.0))
    assert len(fake_gemini.requests) == 1 and sleeps == []
    assert result.writer == "offline" and "did not finish within 10 seconds" in str(result.warnings[0])
    # Each try waits only as long as the deadline leaves: a slow answer is given up at the deadline.
    fake_gemini.script(FakeGemini.slow(5))
    result = _run(facts, make_writer(deadline=2.0, timeout=30.0))
    assert result.writer == "offline" and isinstance(result.warnings[0], errors.OfflineFallback)


def test_token_usage_is_recorded_and_a_cached_answer_costs_nothing(facts: ProductFacts, fake_gemini: FakeGemini,
                                                                   make_writer: Writer, tmp_path: Any) -> None:
    cache = CopyCache(tmp_path)
    paid = _run(facts, make_writer(), cache=cache)
    assert paid.usage["prompt"] == 812 and paid.usage["answer"] > 0 and "thinking" in paid.usage
    again = _run(facts, make_writer(), cache=cache)
    assert again.from_cache and again.usage == {} and len(fake_gemini.requests) == 1


def test_alt_text_for_every_photo(facts: ProductFacts, fake_gemini: FakeGemini, make_writer: Writer,
                                  tmp_path: Any) -> None:
    cache = CopyCache(tmp_path)
    result = _run(facts, make_writer(), cache=cache)
    alt = fake_gemini.requests[0].schema["properties"]["alt_text"]
    # (The SDK sends the schema in proto JSON's snake_case.)
    assert (alt["min_items"], alt["max_items"], alt["items"]["max_length"]) == (2, 2, 500)  # two photos sent
    assert result.alt_texts == ["Photo 1 of Brass Jhumka Earrings", "Photo 2 of Brass Jhumka Earrings"]
    assert _run(facts, make_writer(), cache=cache).alt_texts == result.alt_texts  # kept with the cached answer
    # Split after MAX_TOKENS: the photos are described once, by the first half.
    fake_gemini.script(FakeGemini.truncated())
    split = _run(facts, make_writer(temperature=0.9))
    first_half, second_half = fake_gemini.requests[-2:]
    assert "alt_text" in first_half.schema["properties"] and "alt_text" not in second_half.schema["properties"]
    assert split.alt_texts == result.alt_texts

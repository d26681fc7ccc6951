"""The Gemini path end to end: the real google-genai SDK against the stand-in in tests/fakes/gemini.py."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from typing import Any

import pytest

from core.content import errors
from core.content.models import PLATFORMS, ProductFacts
from core.content.rules import Rules
from core.content.service import generate_copy
from core.content.validate import validate
from tests.content.samples import JPEG_A, JPEG_B, Sleeps
from tests.fakes.gemini import FakeGemini, Scripted

Writer = Callable[..., Any]


def run(facts: ProductFacts, writer: Any, platforms: tuple[str, ...] = PLATFORMS, **kw: Any) -> Any:
    return generate_copy(facts, platforms, writer=writer, cache=None, offline=False, **kw)


def test_one_multimodal_request_writes_every_platform(
    rules: Rules, facts: ProductFacts, fake_gemini: FakeGemini, make_writer: Writer
) -> None:
    result = run(facts, make_writer())
    assert len(fake_gemini.requests) == 1
    sent = fake_gemini.requests[0]
    assert sent.path == "/v1beta/models/gemini-3.5-flash:generateContent"
    assert sent.headers["x-goog-api-key"] == fake_gemini.api_key
    assert sent.images == [("image/jpeg", JPEG_A), ("image/jpeg", JPEG_B)]
    assert "Brass Jhumka Earrings" in sent.texts[0] and "₹1,499.00" in sent.texts[0]
    config = sent.generation_config
    assert config["responseMimeType"] == "application/json" and config["temperature"] == 0.6
    assert set(sent.schema["properties"]) == {*PLATFORMS, "alt_text"}  # and one alt text per photo
    assert result.writer == "gemini" and result.model == "gemini-3.5-flash" and result.attempts == 1
    assert not result.from_cache and result.warnings == []
    for platform, copy in result.copies.items():
        assert validate(copy, rules) == [], platform
        assert (copy.source, copy.model, copy.language) == ("gemini", "gemini-3.5-flash", "en")
    # The stand-in wrote from the facts it was sent, so the copy is about this product.
    assert result.copies["etsy"].title.startswith("Brass Jhumka Earrings")
    assert "Gold" in result.copies["etsy"].tags


def test_rate_limit_is_retried_with_google_retry_delay(
    facts: ProductFacts, fake_gemini: FakeGemini, make_writer: Writer, sleeps: Sleeps
) -> None:
    fake_gemini.script(FakeGemini.rate_limited("2s"), FakeGemini.server_error(503))
    result = run(facts, make_writer())
    assert result.writer == "gemini" and result.attempts == 3
    assert len(fake_gemini.requests) == 3
    assert len(sleeps) == 2
    assert 2.0 <= sleeps[0] <= 3.0  # Google asked for 2 s; jitter adds up to 1 s
    assert 2.0 <= sleeps[1] <= 3.0  # second back-off step (2 s) + jitter


def test_rate_limit_gives_up_after_bounded_attempts(
    facts: ProductFacts, fake_gemini: FakeGemini, make_writer: Writer, sleeps: Sleeps
) -> None:
    fake_gemini.script(*[FakeGemini.rate_limited("0s")] * 10)
    with pytest.raises(errors.GeminiRateLimited) as caught:
        run(facts, make_writer(max_attempts=4), fallback=False)
    assert str(caught.value) == (
        "Gemini is rate-limiting this API key (quota used up); gave up after 4 attempts. Wait a minute and "
        "try again, check your quota in Google AI Studio, or draft the copy offline."
    )
    assert len(fake_gemini.requests) == 4
    assert len(sleeps) == 3
    assert sleeps == sorted(sleeps) and sleeps[0] < 2.0 < sleeps[2]  # exponential: ~1, ~2, ~4 s (+ jitter)


def test_server_errors_fall_back_to_offline_and_say_so(
    rules: Rules, facts: ProductFacts, fake_gemini: FakeGemini, make_writer: Writer
) -> None:
    fake_gemini.script(*[FakeGemini.server_error(500)] * 3)
    result = run(facts, make_writer(max_attempts=3))
    assert result.writer == "offline" and len(fake_gemini.requests) == 3
    assert all(c.source == "offline" and validate(c, rules) == [] for c in result.copies.values())
    [warning] = result.warnings
    assert isinstance(warning, errors.OfflineFallback)
    assert result.messages()[0] == (
        "Drafted offline from templates because Gemini could not write this copy: Gemini's servers are "
        "failing (HTTP 500); gave up after 3 attempts. The offline draft is ready to review; try Gemini "
        "again later to compare."
    )


def test_network_failure_falls_back_or_raises(
    facts: ProductFacts, make_writer: Writer, sleeps: Sleeps
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{sock.getsockname()[1]}"  # nothing listens here
    writer = make_writer(base_url=dead_url, max_attempts=2)
    result = run(facts, writer)
    assert result.writer == "offline" and len(sleeps) == 1
    assert "Could not reach Gemini (ConnectError); gave up after 2 attempts." in result.messages()[0]
    with pytest.raises(errors.GeminiNetworkError, match="Check the internet connection"):
        run(facts, writer, fallback=False)


def test_time_out_is_a_network_error(
    facts: ProductFacts, fake_gemini: FakeGemini, make_writer: Writer
) -> None:
    fake_gemini.script(FakeGemini.slow(5))
    with pytest.raises(errors.GeminiNetworkError, match=r"Could not reach Gemini \(ReadTimeout\)"):
        run(facts, make_writer(timeout=0.3, max_attempts=1), fallback=False)


def test_invalid_key_is_not_retried_and_never_falls_back(
    facts: ProductFacts, fake_gemini: FakeGemini, make_writer: Writer, sleeps: Sleeps
) -> None:
    with pytest.raises(errors.GeminiKeyInvalid) as caught:
        run(facts, make_writer(api_key="AIzaWRONG-key-000000000000000000000"))
    assert str(caught.value) == (
        "Gemini refused the API key (HTTP 400 API_KEY_INVALID). Paste a valid key from Google AI Studio in "
        "Settings > AI copy, or draft the copy offline."
    )
    assert len(fake_gemini.requests) == 1 and sleeps == []


def test_empty_key_is_refused_before_any_request(
    facts: ProductFacts, fake_gemini: FakeGemini, make_writer: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_API_KEY", fake_gemini.api_key)  # must not be picked up instead
    with pytest.raises(errors.GeminiKeyInvalid, match=r"refused the API key \(no API key was given\)"):
        run(facts, make_writer(api_key="  "))
    assert fake_gemini.requests == []


def test_permission_denied_is_a_key_problem(
    facts: ProductFacts, fake_gemini: FakeGemini, make_writer: Writer
) -> None:
    fake_gemini.script(FakeGemini.error(403, "PERMISSION_DENIED", "The caller does not have permission"))
    with pytest.raises(errors.GeminiKeyInvalid, match=r"\(HTTP 403 PERMISSION_DENIED\)"):
        run(facts, make_writer())


def test_unknown_model_names_the_setting(facts: ProductFacts, make_writer: Writer) -> None:
    fake = FakeGemini(models={"gemini-3.5-flash"})
    with fake, pytest.raises(errors.GeminiRequestRejected) as caught:
        run(facts, make_writer(api_key=fake.api_key, base_url=fake.url, model="gemini-0-nope"))
    assert "models/gemini-0-nope is not found for API version v1beta" in str(caught.value)
    assert "content.gemini_model" in str(caught.value)


@pytest.mark.parametrize(
    ("reply", "expected_type", "expected_message"),
    [
        (FakeGemini.prompt_blocked("PROHIBITED_CONTENT"), errors.GeminiBlocked,
         "Gemini's safety filter blocked copy for 'Brass Jhumka Earrings' (reason: PROHIBITED_CONTENT). "
         "Reword the product's title or description, check its photos, or draft the copy offline."),
        (FakeGemini.finish_safety(), errors.GeminiBlocked,
         "Gemini's safety filter blocked copy for 'Brass Jhumka Earrings' (reason: SAFETY). Reword the "
         "product's title or description, check its photos, or draft the copy offline."),
        (FakeGemini.malformed_json(), errors.GeminiBadOutput,
         "Gemini's answer could not be used: it was not valid JSON. Try again (answers vary), select fewer "
         "platforms at once, or draft the copy offline."),
    ],
)  # fmt: skip
def test_unusable_answers_raise_a_clear_error_even_with_fallback(
    facts: ProductFacts,
    fake_gemini: FakeGemini,
    make_writer: Writer,
    reply: Any,
    expected_type: type,
    expected_message: str,
) -> None:
    fake_gemini.script(reply)
    with pytest.raises(expected_type) as caught:
        run(facts, make_writer(), fallback=True)
    assert str(caught.value) == expected_message
    assert len(fake_gemini.requests) == 1


def test_answer_missing_a_platform_is_unusable(
    facts: ProductFacts, fake_gemini: FakeGemini, make_writer: Writer
) -> None:
    only_etsy = {
        "candidates": [{"content": {"parts": [{"text": '{"etsy": {"title": "x"}}'}]}, "finishReason": "STOP"}]
    }
    fake_gemini.script(lambda req: Scripted(200, only_etsy))
    with pytest.raises(errors.GeminiBadOutput, match="it had no copy for Facebook"):
        run(facts, make_writer(), ("etsy", "facebook"))


def test_over_limit_answer_is_fitted_and_reported(
    rules: Rules, facts: ProductFacts, fake_gemini: FakeGemini, make_writer: Writer
) -> None:
    fake_gemini.script(FakeGemini.over_limit())
    result = run(facts, make_writer())
    assert result.writer == "gemini"
    assert all(validate(c, rules) == [] for c in result.copies.values())
    over = [w for w in result.warnings if isinstance(w, errors.CopyOverLimit)]
    assert len(over) == len(PLATFORMS)
    etsy = next(str(w) for w in over if "Etsy" in str(w))
    assert etsy.startswith(
        "Gemini's Etsy copy did not fit Etsy's rules and was adjusted. Etsy title shortened from"
    )
    assert "(limit 140)" in etsy and etsy.endswith("Read the draft before approving it.")
    assert {c.platform for c in result.fitted} == set(PLATFORMS)


def test_the_key_is_never_logged_or_shown(
    facts: ProductFacts, fake_gemini: FakeGemini, make_writer: Writer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    writer = make_writer()
    fake_gemini.script(FakeGemini.rate_limited("0s"), FakeGemini.server_error())
    run(facts, writer)
    fake_gemini.script(FakeGemini.invalid_key())
    with pytest.raises(errors.GeminiKeyInvalid) as caught:
        run(facts, writer)
    assert fake_gemini.api_key not in caplog.text
    assert fake_gemini.api_key not in str(caught.value) and fake_gemini.api_key not in repr(writer)
    assert "retry 1 of 3" in caplog.text  # the retries themselves are logged

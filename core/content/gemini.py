"""Gemini, through the google-genai SDK: one multimodal request per product for every selected platform.

Retries (429 and 5xx, with exponential backoff and jitter) are ours, not the SDK's, so they are bounded,
counted and testable with an injected ``sleep``. The API key is only ever handed to the SDK: it is never
logged, never put in a message and never part of ``repr``.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from core.content.budget import output_tokens, total_deadline
from core.content.errors import (
    CopyError,
    GeminiBadOutput,
    GeminiBlocked,
    GeminiDeadline,
    GeminiKeyInvalid,
    GeminiNetworkError,
    GeminiRateLimited,
    GeminiRequestRejected,
    GeminiTruncated,
    GeminiUnavailable,
)
from core.content.models import ProductFacts
from core.content.prompt import (
    GeminiAnswer,
    decode_alt_text,
    decode_answer,
    facts_for_prompt,
    prompt_template,
    render_prompt,
    response_schema,
)
from core.content.rules import Rules, load_json_resource
from core.i18n import _

log = logging.getLogger(__name__)

_BLOCKING_FINISH = {"SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION", "IMAGE_SAFETY"}


def _transport_errors() -> tuple[type[Exception], ...]:
    # google-genai 3.x sends through httpx2 (a fork of httpx with its own exception classes); older versions
    # and a GOOGLE_GENAI_HTTP_CLIENT=httpx override use httpx. Connection failures of either are network
    # errors.
    found: list[type[Exception]] = []
    for name in ("httpx", "httpx2"):
        try:
            found.append(importlib.import_module(name).TransportError)
        except ImportError:
            continue
    return tuple(found)


_TRANSPORT_ERRORS = _transport_errors()


@lru_cache(maxsize=1)
def gemini_config() -> dict[str, Any]:
    """The fixed parts of talking to Gemini (API version, retry policy, output cap) from resources."""
    data: dict[str, Any] = load_json_resource("gemini.json")
    return data


@dataclass(frozen=True)
class CopyRequest:
    """Everything one Gemini call sends, prepared up front so it can be hashed for the cache."""

    facts: ProductFacts
    platforms: tuple[str, ...]
    prompt: str
    schema: dict[str, Any]
    images: tuple[bytes, ...]


def _enum_name(value: object) -> str:
    return str(getattr(value, "value", value) or "")


def _error_details(exc: genai_errors.APIError) -> list[dict[str, Any]]:
    """The google.rpc detail objects (ErrorInfo, RetryInfo, ...) of an error body."""
    body = exc.details.get("error", exc.details) if isinstance(exc.details, dict) else {}
    items = body.get("details", []) if isinstance(body, dict) else []
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _retry_delay_hint(exc: genai_errors.APIError) -> float:
    """Google's own RetryInfo.retryDelay ("7s") from a 429 body, or 0."""
    for item in _error_details(exc):
        delay = item.get("retryDelay")
        if isinstance(delay, str) and delay.endswith("s"):
            try:
                return float(delay[:-1])
            except ValueError:
                return 0.0
    return 0.0


def _error_reason(exc: genai_errors.APIError) -> str:
    """google.rpc.ErrorInfo.reason (e.g. API_KEY_INVALID) from an error body, or ''."""
    return next(
        (str(item["reason"]) for item in _error_details(exc) if isinstance(item.get("reason"), str)), ""
    )


def _is_key_problem(exc: genai_errors.APIError) -> bool:
    if exc.code in (401, 403):
        return True
    return exc.code == 400 and (_error_reason(exc).startswith("API_KEY") or "API key" in (exc.message or ""))


def _usage(response: types.GenerateContentResponse) -> dict[str, int]:
    """Tokens the call was billed for: prompt, answer and thinking."""
    meta = response.usage_metadata
    return {
        "prompt": int(meta.prompt_token_count or 0) if meta else 0,
        "answer": int(meta.candidates_token_count or 0) if meta else 0,
        "thinking": int(meta.thoughts_token_count or 0) if meta else 0,
    }


class GeminiWriter:
    """Writes listing copy with Gemini. Model, temperature, thinking level and base URL come from the seller's
    settings; the defaults follow Google's Gemini 3 guidance (temperature 1.0; a low thinking level for a task
    that needs little reasoning)."""

    def __init__(
        self,
        api_key: str,
        model: str,
        base_url: str | None = None,
        temperature: float = 1.0,
        timeout: float = 60.0,
        *,
        thinking_level: str = "low",
        deadline: float | None = None,
        max_attempts: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self._api_key = api_key
        self.model = model
        self.base_url = base_url or None
        self.temperature = temperature
        self.thinking_level = thinking_level.strip().lower()
        self.timeout = timeout
        self.deadline = deadline if deadline is not None else total_deadline()
        self._clock = clock
        self._ends_at = 0.0
        self._retry = dict(gemini_config()["retry"])
        self.max_attempts = max_attempts or int(self._retry["max_attempts"])
        self._sleep = sleep
        self._rng = rng or random.Random()

    def __repr__(self) -> str:
        return (f"GeminiWriter(model={self.model!r}, base_url={self.base_url!r}, temperature={self.temperature}, "
                f"thinking_level={self.thinking_level!r})")

    def prepare(self, facts: ProductFacts, platforms: Sequence[str], rules: Rules, *,
                alt_text: bool = True) -> CopyRequest:
        """Build the request for one product and the selected platforms (nothing is sent yet); with photos
        and ``alt_text``, it also asks for one alt text per photo."""
        images = tuple(facts.image_jpegs[: int(gemini_config()["max_images"])])
        return CopyRequest(
            facts=facts,
            platforms=tuple(platforms),
            prompt=render_prompt(facts, platforms, rules),
            schema=response_schema(platforms, rules, len(images) if alt_text else 0),
            images=images,
        )

    def cache_key(self, request: CopyRequest) -> str:
        """sha256 of everything that shapes the answer: model, prompt template and text, schema, facts, image
        hashes, platforms, language, tone and temperature."""
        facts = request.facts
        material = {
            "model": self.model,
            "template": prompt_template(),
            "prompt": request.prompt,
            "schema": request.schema,
            "facts": facts_for_prompt(facts),
            "images": [hashlib.sha256(img).hexdigest() for img in request.images],
            "platforms": sorted(request.platforms),
            "language": facts.language,
            "tone": facts.tone,
            "temperature": self.temperature,
            "thinking_level": self.thinking_level,
        }
        blob = json.dumps(material, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()

    def send(self, request: CopyRequest, rules: Rules) -> GeminiAnswer:
        """Make the Gemini call (retrying 429/5xx/network failures) and decode its answer.

        An answer cut off at the output limit (MAX_TOKENS) is asked again in two halves of the platforms, down
        to one platform; only then is it given up (``GeminiTruncated``, so the offline writer takes over). The
        whole run, retries and halves included, ends at the deadline (``GeminiDeadline``). Raises a
        ``CopyError`` subclass whose message tells the seller what happened and what to do.
        """
        if not self._api_key.strip():
            # An empty key would make the SDK fall back to GOOGLE_API_KEY from the environment; refuse it.
            raise GeminiKeyInvalid(_("no API key was given"))
        self._ends_at = self._clock() + self.deadline
        options = types.HttpOptions(base_url=self.base_url, api_version=gemini_config()["api_version"],
                                    timeout=int(self.timeout * 1000))
        with genai.Client(api_key=self._api_key, http_options=options) as client:
            return self._send_split(client, request, rules)

    def _send_split(self, client: genai.Client, request: CopyRequest, rules: Rules) -> GeminiAnswer:
        try:
            return self._send_one(client, request, rules)
        except GeminiTruncated:
            if len(request.platforms) == 1:
                raise
            half = len(request.platforms) // 2
            log.info("Gemini answer cut off at MAX_TOKENS for %d platforms; asking in two halves",
                     len(request.platforms))
            asks_alt = "alt_text" in request.schema["properties"]
            answers = [self._send_split(client, self.prepare(request.facts, group, rules,
                                                             alt_text=asks_alt and index == 0), rules)
                       for index, group in enumerate((request.platforms[:half], request.platforms[half:]))]
            usage = {k: sum(a.usage.get(k, 0) for a in answers) for k in answers[0].usage}
            return GeminiAnswer(data={**answers[0].data, **answers[1].data}, model=answers[0].model,
                                attempts=sum(a.attempts for a in answers) + 1, usage=usage,
                                alt_texts=answers[0].alt_texts)

    def _send_one(self, client: genai.Client, request: CopyRequest, rules: Rules) -> GeminiAnswer:
        contents: list[Any] = [request.prompt]
        contents += [types.Part.from_bytes(data=img, mime_type="image/jpeg") for img in request.images]
        budget = output_tokens(request.platforms, request.facts.language, self.thinking_level,
                               len(request.images), rules)
        response, attempts = self._call_with_retries(client, contents, request.schema, budget)
        text = self._answer_text(response, request.facts)
        data = decode_answer(text, request.platforms, rules)
        photos = len(request.images) if "alt_text" in request.schema["properties"] else 0
        return GeminiAnswer(data=data, model=response.model_version or self.model, attempts=attempts,
                            usage=_usage(response), alt_texts=decode_alt_text(text, photos))

    def _config(self, schema: dict[str, Any], budget: int) -> types.GenerateContentConfig:
        remaining = self._ends_at - self._clock()
        if remaining < 1:
            raise GeminiDeadline(self.deadline)
        return types.GenerateContentConfig(
            response_mime_type="application/json",
            response_schema=schema,
            temperature=self.temperature,
            max_output_tokens=budget,
            thinking_config=types.ThinkingConfig(thinking_level=self.thinking_level.upper())  # type: ignore[arg-type]
            if self.thinking_level else None,
            http_options=types.HttpOptions(timeout=int(min(self.timeout, remaining) * 1000)),
        )

    def _delay(self, attempt: int, hint: float) -> float:
        base = float(self._retry["initial_delay_s"]) * float(self._retry["multiplier"]) ** (attempt - 1)
        wait = max(base, hint) + self._rng.uniform(0, float(self._retry["jitter_s"]))
        return float(min(wait, float(self._retry["max_delay_s"])))

    def _call_with_retries(
        self, client: genai.Client, contents: list[Any], schema: dict[str, Any], budget: int
    ) -> tuple[types.GenerateContentResponse, int]:
        attempt = 0
        error: CopyError
        while True:
            attempt += 1
            hint = 0.0
            config = self._config(schema, budget)  # each try gets what is left of the deadline
            try:
                response = client.models.generate_content(model=self.model, contents=contents, config=config)
                return response, attempt
            except genai_errors.APIError as exc:
                if exc.code == 429:
                    error, hint = GeminiRateLimited(attempt), _retry_delay_hint(exc)
                elif exc.code >= 500 or exc.code == 408:
                    error = GeminiUnavailable(exc.code, attempt)
                elif _is_key_problem(exc):
                    raise GeminiKeyInvalid(
                        f"HTTP {exc.code} {_error_reason(exc) or exc.status or ''}".strip()
                    ) from None
                else:
                    raise GeminiRequestRejected(
                        exc.code, exc.message or exc.status or _("no reason given")
                    ) from None
            except _TRANSPORT_ERRORS as exc:
                error = GeminiNetworkError(type(exc).__name__, attempt)
            if attempt >= self.max_attempts:
                raise error
            delay = self._delay(attempt, hint)
            if self._clock() + delay + 1 > self._ends_at:
                raise GeminiDeadline(self.deadline) from error
            log.info(
                "Gemini call failed (%s); retry %d of %d in %.1f s",
                type(error).__name__,
                attempt,
                self.max_attempts - 1,
                delay,
            )
            self._sleep(delay)

    def _answer_text(self, response: types.GenerateContentResponse, facts: ProductFacts) -> str:
        feedback = response.prompt_feedback
        if feedback is not None and feedback.block_reason is not None:
            raise GeminiBlocked(_enum_name(feedback.block_reason), facts.title)
        if not response.candidates:
            raise GeminiBadOutput(_("it was empty"))
        candidate = response.candidates[0]
        finish = _enum_name(candidate.finish_reason)
        if finish in _BLOCKING_FINISH:
            raise GeminiBlocked(finish, facts.title)
        parts = candidate.content.parts if candidate.content and candidate.content.parts else []
        text = "".join(p.text for p in parts if p.text and not p.thought)
        if finish == "MAX_TOKENS":
            raise GeminiTruncated(
                _("it was cut off at Gemini's output limit (MAX_TOKENS) before the JSON was complete")
            )
        if not text.strip():
            raise GeminiBadOutput(_("it was empty"))
        return text

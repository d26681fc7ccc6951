"""Fixtures for the listing-copy tests: rules, sample facts, the Gemini stand-in and writers pointed at it."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from core.content.models import ProductFacts
from core.content.rules import Rules, load_rules
from tests.content.samples import Sleeps, sample_facts
from tests.fakes.gemini import FakeGemini


@pytest.fixture(scope="session")
def rules() -> Rules:
    return load_rules()


@pytest.fixture
def make_facts() -> Callable[..., ProductFacts]:
    """Sample product facts; keyword arguments override fields."""
    return sample_facts


@pytest.fixture
def facts() -> ProductFacts:
    return sample_facts()


@pytest.fixture
def fake_gemini() -> Iterator[FakeGemini]:
    with FakeGemini() as fake:
        yield fake


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_writer(fake_gemini: FakeGemini, sleeps: Sleeps) -> Callable[..., Any]:
    """Build a real GeminiWriter aimed at the stand-in; keyword arguments override the defaults."""
    from core.content.gemini import GeminiWriter

    def build(**overrides: Any) -> GeminiWriter:
        options: dict[str, Any] = {
            "api_key": fake_gemini.api_key,
            "model": "gemini-3.5-flash",
            "base_url": fake_gemini.url,
            "temperature": 0.6,
            "timeout": 10.0,
            "sleep": sleeps,
            "rng": random.Random(7),
        }
        options.update(overrides)
        return GeminiWriter(**options)

    return build

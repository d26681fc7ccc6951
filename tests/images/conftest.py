"""Fixtures for the image tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core.images.presets import Preset, load_presets


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, bytes], Path]:
    """Write bytes to a file in tmp_path and return its path."""

    def _write(name: str, data: bytes) -> Path:
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    return _write


@pytest.fixture(scope="session")
def presets() -> dict[str, Preset]:
    """The presets shipped in resources/images/presets.json."""
    return load_presets()


@pytest.fixture
def custom_presets(tmp_path: Path) -> Callable[..., dict[str, Preset]]:
    """Load presets from a JSON file written for the test (the same parser as the shipped file)."""
    counter = iter(range(1_000_000))

    def _make(**entries: dict[str, Any]) -> dict[str, Preset]:
        path = tmp_path / f"presets-{next(counter)}.json"
        path.write_text(json.dumps({"presets": entries}), encoding="utf-8")
        return load_presets(path)

    return _make

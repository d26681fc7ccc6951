"""Copy for many products: a token estimate before a Gemini run, progress, failures reported, cancel."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from core.content.bulk import estimate, generate_many
from core.content.drafts import list_drafts
from tests.fakes.gemini import FakeGemini


def _products(cli: Any, count: int) -> list[str]:
    ids = []
    for n in range(count):
        added = cli("products", "add", "--json", "--title", f"Brass diya {n}", "--price", str(100 + n),
                    "--attr", "material=brass")
        ids.append(str(json.loads(added.out)["id"]))
    return ids


def test_offline_run_with_progress_and_a_failure(cli: Any) -> None:
    ids = _products(cli, 3)
    run = cli("content", "generate-many", *ids, "999", "--offline")
    assert run.code == 1  # product 999 does not exist: named, and the others are written
    assert "written offline: no Gemini calls" in run.out
    assert f"[1/4] product {ids[0]}: written by the offline writer" in run.out
    assert "Copy written for 3 of 4 products" in run.out and "product 999:" in run.out
    everything = cli("content", "generate-many", "--all", "--offline", "--json")
    assert everything.code == 0 and json.loads(everything.out)["written"] == [int(i) for i in ids]
    assert cli("content", "generate-many").code != 0  # nothing named


@pytest.fixture
def gemini(cli: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGemini]:
    with FakeGemini() as fake:
        monkeypatch.setenv("SELLERDESK_CONTENT__GEMINI_BASE_URL", fake.url)
        monkeypatch.setattr("sys.stdin", io.StringIO(fake.api_key + "\n"))
        assert cli("content", "set-key").code == 0
        yield fake


def test_a_gemini_run_shows_its_estimate_and_waits_for_consent(cli: Any, gemini: FakeGemini,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _products(cli, 2)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    refused = cli("content", "generate-many", *ids)
    assert refused.code != 0 and "confirm it with --yes" in refused.err and gemini.requests == []
    assert "2 products: 2 Gemini calls, about" in refused.out and "output tokens" in refused.out
    ran = cli("content", "generate-many", *ids, "--yes")
    assert ran.code == 0 and len(gemini.requests) == 2 and "Gemini used" in ran.out
    again = cli("content", "generate-many", *ids, "--replace-edits")  # all cached: nothing to consent to
    assert again.code == 0 and "0 Gemini calls (2 answered from the cache at no cost)" in again.out
    assert len(gemini.requests) == 2


def test_cancel_stops_between_products(cli: Any, app: Any) -> None:
    ids = [int(i) for i in _products(cli, 3)]
    assert estimate(app, ids, offline=True).writer == "offline"
    cancel = threading.Event()
    seen: list[str] = []

    def progress(done: int, total: int, note: str) -> None:
        seen.append(note)
        cancel.set()  # the seller presses Cancel while the first product is being written

    result = generate_many(app, ids, offline=True, cancel=cancel, progress=progress)
    assert result.cancelled and list(result.written) == [ids[0]] and len(seen) == 1
    assert list_drafts(app.db, ids[1]) == {}  # untouched

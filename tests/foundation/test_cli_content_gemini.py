"""``sellerdesk content generate`` through the real google-genai SDK against the local Gemini stand-in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.fakes.gemini import FakeGemini


@pytest.fixture
def gemini(cli, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGemini]:
    with FakeGemini() as fake:
        monkeypatch.setenv("SELLERDESK_CONTENT__GEMINI_BASE_URL", fake.url)
        monkeypatch.setattr("sys.stdin", __import__("io").StringIO(fake.api_key + "\n"))
        assert cli("content", "set-key").code == 0
        yield fake


def _product_with_photos(cli, tmp_path: Path, count: int) -> int:
    args = []
    for n in range(count):
        path = tmp_path / f"p{n}.jpg"
        Image.new("RGB", (3000, 2000), (30 * n, 90, 160)).save(path, quality=92)
        args += ["--image", str(path)]
    result = cli("products", "add", "--json", "--title", "Handwoven jute basket", "--price", "650",
                 "--category", "Home", "--attr", "material=jute", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)["id"]


def test_gemini_writes_every_platform_from_small_photos(cli, gemini: FakeGemini, tmp_path: Path,
                                                         isolated_env: Path) -> None:
    product_id = _product_with_photos(cli, tmp_path, 4)
    result = cli("content", "generate", str(product_id), "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["writer"] == "gemini" and len(data["drafts"]) == 8
    assert all(d["source"] == "gemini" and d["violations"] == [] for d in data["drafts"].values())
    assert "jute" in data["drafts"]["etsy"]["title"].lower()

    (request,) = gemini.requests
    assert len(request.images) == 3  # the first three photos, not all four
    for mime, jpeg in request.images:
        assert mime == "image/jpeg" and len(jpeg) < 200_000  # small variants, never the originals
    # The key lives in the keychain only: not in the database, settings or logs.
    for path in isolated_env.rglob("*"):
        if path.is_file():
            assert gemini.api_key.encode() not in path.read_bytes(), path


def test_same_inputs_are_not_paid_for_twice(cli, gemini: FakeGemini, tmp_path: Path) -> None:
    product_id = _product_with_photos(cli, tmp_path, 1)
    cli("content", "generate", str(product_id), "--replace-edits")
    cli("content", "generate", str(product_id), "--replace-edits")
    assert len(gemini.requests) == 1


def test_bad_key_tells_the_seller_what_to_do(cli, gemini: FakeGemini, tmp_path: Path) -> None:
    product_id = _product_with_photos(cli, tmp_path, 1)
    gemini.script(FakeGemini.invalid_key())
    result = cli("content", "generate", str(product_id))
    assert result.code == 1
    assert "key" in result.err.lower() and result.err.count("\n") == 1
    assert cli("content", "show", str(product_id)).out.startswith("No copy yet")

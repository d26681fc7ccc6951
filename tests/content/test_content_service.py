"""generate_copy's contract with its callers, and the regeneration rule for seller-edited drafts."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from core.content.models import PlatformCopy, ProductFacts
from core.content.service import generate_copy, merge_regenerated
from core.errors import ValidationError
from tests.fakes.gemini import FakeGemini


def test_platforms_are_checked(facts: ProductFacts) -> None:
    with pytest.raises(ValidationError) as caught:
        generate_copy(facts, ["etsy", "myspace"], writer=None, cache=None, offline=True)
    assert caught.value.field == "platforms"
    assert str(caught.value).startswith(
        "SellerDesk cannot write copy for myspace. Known platforms: facebook,"
    )
    with pytest.raises(ValidationError, match="at least one platform"):
        generate_copy(facts, [], writer=None, cache=None, offline=True)
    result = generate_copy(facts, [" Etsy", "etsy"], writer=None, cache=None, offline=True)
    assert list(result.copies) == ["etsy"]


def test_offline_flag_never_calls_gemini(
    facts: ProductFacts, fake_gemini: FakeGemini, make_writer: Callable[..., Any]
) -> None:
    result = generate_copy(facts, ["etsy"], writer=make_writer(), cache=None, offline=True)
    assert result.writer == "offline" and fake_gemini.requests == []


def test_facts_are_checked() -> None:
    with pytest.raises(ValidationError) as caught:
        ProductFacts(title="Jhumka", language="fr")  # type: ignore[arg-type]
    assert caught.value.field == "language"
    with pytest.raises(ValidationError, match="needs a title"):
        ProductFacts(title="  ")


OLD = PlatformCopy("etsy", title="Seller's own title", source="gemini")
NEW = PlatformCopy("etsy", title="Fresh title", source="gemini")


@pytest.mark.parametrize(
    ("existing", "edited", "force", "kept"),
    [
        (None, False, False, NEW),
        (OLD, False, False, NEW),
        (OLD, True, False, OLD),
        (OLD, True, True, NEW),
    ],
)
def test_regeneration_never_overwrites_seller_edits_unless_forced(
    existing: PlatformCopy | None, edited: bool, force: bool, kept: PlatformCopy
) -> None:
    assert merge_regenerated(existing, edited, NEW, force) == kept


def test_core_content_never_imports_qt() -> None:
    code = (
        "import sys, core.content, core.content.gemini, core.content.service; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'desktop')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

"""Review from the command line: edit a field (or in $EDITOR), reject, unapprove; rewriting keeps approvals."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest


def _written(cli: Any) -> str:
    added = cli("products", "add", "--json", "--title", "Brass diya", "--price", "499", "--category", "Home decor",
                "--attr", "material=brass")
    product_id = str(json.loads(added.out)["id"])
    assert cli("content", "generate", product_id, "--offline").code == 0
    return product_id


def _draft(cli: Any, product_id: str, platform: str) -> dict[str, Any]:
    return json.loads(cli("content", "show", product_id, "--json", "--platform", platform).out)[platform]


def test_edit_a_field_reject_and_unapprove(cli: Any) -> None:
    product_id = _written(cli)
    edited = cli("content", "edit", product_id, "etsy", "--field", "tags", "--value", "brass diya, puja lamp")
    assert edited.code == 0, edited.err
    etsy = _draft(cli, product_id, "etsy")
    assert etsy["tags"] == ["brass diya", "puja lamp"] and etsy["edited_by_seller"] and etsy["status"] == "draft"
    assert cli("content", "edit", product_id, "etsy", "--field", "title", "--value", "Brass diya for puja").code == 0
    assert _draft(cli, product_id, "etsy")["title"] == "Brass diya for puja"
    unused = cli("content", "edit", product_id, "instagram", "--field", "title", "--value", "x")
    assert unused.code != 0 and "Instagram does not use title" in unused.err

    assert cli("content", "approve", product_id, "etsy").code == 0
    assert cli("content", "unapprove", product_id, "etsy").code == 0
    assert _draft(cli, product_id, "etsy")["status"] == "draft"
    assert cli("content", "reject", product_id, "meesho").code == 0
    assert _draft(cli, product_id, "meesho")["status"] == "rejected"


def test_edit_in_the_sellers_editor(cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    product_id = _written(cli)
    script = tmp_path / "editor.py"
    script.write_text("import sys\np = sys.argv[1]\nold = open(p, encoding='utf-8').read()\n"
                      "open(p, 'w', encoding='utf-8').write(old.upper())\n", "utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    before = _draft(cli, product_id, "shopify")["description"]
    assert cli("content", "edit", product_id, "shopify", "--field", "description").code == 0
    assert _draft(cli, product_id, "shopify")["description"] == before.upper()
    monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))
    failed = cli("content", "edit", product_id, "shopify", "--field", "description")
    assert failed.code != 0 and "could not be started" in failed.err
    assert _draft(cli, product_id, "shopify")["description"] == before.upper()  # nothing lost


def test_rewriting_never_silently_drops_an_approval(cli: Any) -> None:
    product_id = _written(cli)
    assert cli("content", "approve", product_id, "etsy").code == 0
    again = cli("content", "generate", product_id, "--offline")
    assert "Kept your own or approved copy for etsy" in again.out
    assert _draft(cli, product_id, "etsy")["status"] == "approved"
    forced = cli("content", "generate", product_id, "--offline", "--platform", "etsy", "--replace-edits")
    assert "Approval withdrawn for etsy" in forced.out
    assert _draft(cli, product_id, "etsy")["status"] == "draft"


def test_approval_goes_stale_when_the_product_changes(cli: Any) -> None:
    product_id = _written(cli)
    assert cli("content", "approve", product_id, "facebook").code == 0
    assert _draft(cli, product_id, "facebook")["stale"] == ""
    assert cli("products", "edit", product_id, "--price", "599").code == 0
    stale = _draft(cli, product_id, "facebook")
    assert stale["status"] == "approved" and "changed after this copy was approved" in stale["stale"]
    assert "Stale:" in cli("content", "show", product_id, "--platform", "facebook").out
    assert cli("content", "approve", product_id, "facebook").code == 0  # checked again: fresh
    assert _draft(cli, product_id, "facebook")["stale"] == ""


def test_a_sale_that_leaves_several_keeps_the_approval_and_selling_out_does_not(cli: Any) -> None:
    added = cli("products", "add", "--json", "--title", "Brass diya", "--price", "499", "--quantity", "5")
    product_id = str(json.loads(added.out)["id"])
    assert cli("content", "generate", product_id, "--offline").code == 0
    assert cli("content", "approve", product_id, "facebook").code == 0
    assert "5" not in _draft(cli, product_id, "facebook")["description"]  # copy never states the count
    assert cli("products", "edit", product_id, "--quantity", "4").code == 0
    assert _draft(cli, product_id, "facebook")["stale"] == ""  # still "in stock": the copy stays true
    assert cli("products", "edit", product_id, "--quantity", "0").code == 0
    assert "changed after this copy was approved" in _draft(cli, product_id, "facebook")["stale"]

def test_shopify_search_listing_is_written_and_editable(cli: Any) -> None:
    product_id = _written(cli)
    shopify = _draft(cli, product_id, "shopify")
    assert shopify["seo_title"].startswith("Brass diya") and 0 < len(shopify["seo_title"]) <= 70
    assert "Brass diya" in shopify["seo_description"] and len(shopify["seo_description"]) <= 320
    assert _draft(cli, product_id, "etsy")["seo_title"] == ""  # only a web shop has one
    too_long = cli("content", "edit", product_id, "shopify", "--field", "seo_title", "--value", "Brass " * 20)
    assert too_long.code == 0
    assert any(v["field"] == "seo_title" and v["rule"] == "max_chars"
               for v in _draft(cli, product_id, "shopify")["violations"])


def test_a_product_may_have_its_own_tone(cli: Any) -> None:
    ids = []
    for tone in ("", "playful"):
        extra = ["--attr", f"tone={tone}"] if tone else []
        added = cli("products", "add", "--json", "--title", "Brass diya", "--price", "499", *extra)
        ids.append(str(json.loads(added.out)["id"]))
        assert cli("content", "generate", ids[-1], "--offline", "--platform", "facebook").code == 0
    shop, playful = (_draft(cli, i, "facebook")["description"].split("\n")[-1] for i in ids)
    assert shop != playful and playful.endswith("!")  # the playful closings are exclamations
    playful_copy = _draft(cli, ids[1], "facebook")
    assert "tone" not in playful_copy["description"].casefold()
    assert not any("tone" in b.casefold() for b in playful_copy["bullets"])  # a setting, not a fact

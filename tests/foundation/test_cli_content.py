"""``sellerdesk content``: copy for all eight platforms from the command line, offline."""

from __future__ import annotations

import json

PLATFORMS = {"facebook", "instagram", "etsy", "pinterest", "shopify", "meesho", "snapdeal", "indiamart"}


def _product(cli, *extra: str) -> int:
    result = cli("products", "add", "--json", "--title", "Hand-block printed cotton kurta", "--price", "899",
                 "--category", "Clothing", "--attr", "fabric=cotton", "--attr", "size=M", *extra)
    assert result.code == 0, result.err
    return json.loads(result.out)["id"]


def test_offline_copy_for_all_platforms_is_valid(cli) -> None:
    product_id = _product(cli)
    result = cli("content", "generate", str(product_id), "--offline", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["writer"] == "offline" and set(data["drafts"]) == PLATFORMS
    for platform, draft in data["drafts"].items():
        assert draft["violations"] == [], platform
        assert draft["source"] == "offline"
    assert cli("content", "check", str(product_id)).out.startswith("All 8 platforms")


def test_hindi_copy_and_check_reports_violations(cli) -> None:
    product_id = _product(cli)
    assert cli("content", "generate", str(product_id), "--offline", "--language", "hi",
               "--platform", "meesho", "--platform", "etsy").code == 0
    shown = json.loads(cli("content", "show", str(product_id), "--json").out)
    assert set(shown) == {"meesho", "etsy"} and shown["meesho"]["language"] == "hi"
    assert any("\u0900" <= ch <= "\u097f" for ch in shown["meesho"]["description"])  # Devanagari
    # Etsy's patterns refuse Devanagari vowel signs: its copy is written in English, and passes.
    assert shown["etsy"]["language"] == "en" and shown["etsy"]["violations"] == []


def test_approve_refuses_broken_copy_with_a_reason(cli, app) -> None:
    from core.content.drafts import list_drafts, save_draft

    product_id = _product(cli)
    cli("content", "generate", str(product_id), "--offline", "--platform", "etsy")
    copy = list_drafts(app.db, product_id)["etsy"].copy()
    save_draft(app.db, product_id, "etsy", copy.with_fields(title="Brass & copper & silver: 100% + more + extra"))
    check = cli("content", "check", str(product_id))
    assert check.code == 1 and "etsy: title" in check.out
    refused = cli("content", "approve", str(product_id), "etsy")
    assert refused.code == 1 and "cannot be approved yet" in refused.err
    save_draft(app.db, product_id, "etsy", copy)
    assert cli("content", "approve", str(product_id), "etsy").code == 0


def test_unknown_product_and_no_key(cli) -> None:
    missing = cli("content", "generate", "99")
    assert missing.code == 1 and "no product with id 99" in missing.err
    product_id = _product(cli)
    # Without a stored key the offline writer is used, and the seller is told so.
    result = cli("content", "generate", str(product_id), "--platform", "instagram")
    assert result.code == 0 and "Written by the offline writer." in result.out

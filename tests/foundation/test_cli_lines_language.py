"""The CLI's own lines (what it did, what to do next, the labels of ``show``) in the interface language: with
general.language = hi a seller reads them in Hindi; ``--json`` and the English are unchanged."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from core.publishing.jobs import create_job
from tests.desktop.test_refusals_language import hindi_cli  # noqa: F401  (the fixture)
from tests.platforms.conftest import add_product


def test_products_lines_read_in_hindi(hindi_cli, cli, tmp_path) -> None:  # noqa: F811
    assert "अभी कोई प्रोडक्ट नहीं है। एक जोड़ें: sellerdesk products add" in hindi_cli("products", "list").out
    added = hindi_cli("products", "add", "--title", "Diya")
    assert "प्रोडक्ट #1 जोड़ा गया: Diya (यह ड्राफ़्ट है: लिस्ट करने से पहले --price से इसका दाम दें)" in added.out
    assert "प्रोडक्ट #1 सेव हुआ: Diya" in hindi_cli("products", "edit", "1", "--price", "99", "--sku", "D-1").out
    shown = hindi_cli("products", "show", "1").out
    assert "  दाम       99 INR   मात्रा 1   स्थिति draft" in shown and "  SKU       D-1" in shown, shown
    assert "#1 'Diya' को रीसायकल बिन में डाला गया।" in hindi_cli("products", "delete", "1", "--no-wait").out
    assert "#1 'Diya' वापस लाया गया" in hindi_cli("products", "restore", "1").out
    rows = tmp_path / "rows.csv"
    rows.write_text("sku;title;price\nD-1;Diya;99\nD-2;;5\n", encoding="utf-8")
    said = hindi_cli("products", "import", str(rows))
    assert "rows.csv के कॉलम सेमीकोलन से अलग किए गए हैं; इसे उसी तरह पढ़ा गया।" in said.out, said.out
    assert "rows.csv, पंक्ति 3: शीर्षक ख़ाली है।" in said.out and "(पंक्ति छोड़ी गई)" in said.out, said.out
    assert "0 नए प्रोडक्ट इम्पोर्ट हुए और 1 अपडेट हुए; 1 पंक्तियाँ छोड़ी गईं।" in said.out, said.out
    assert "1 प्रोडक्ट" in hindi_cli("products", "export", str(tmp_path / "out.csv")).out
    assert json.loads(hindi_cli("products", "show", "1", "--json").out)["title"] == "Diya"
    assert cli("config", "set", "general.language", "en").code == 0
    assert "Saved product #1: Diya" in cli("products", "edit", "1", "--price", "98").out


def test_publish_jobs_lines_read_in_hindi(hindi_cli, app) -> None:  # noqa: F811
    assert "अभी कोई प्रकाशन जॉब नहीं है।" in hindi_cli("jobs", "list").out
    job = create_job(app.db, add_product(app, platforms=("etsy",)), "etsy", at=datetime.now(UTC) + timedelta(days=1))
    shown = hindi_cli("jobs", "show", str(job.id)).out
    assert f"जॉब #{job.id}: " in shown and "  तय समय: " in shown and "इतिहास:" in shown, shown
    listed = hindi_cli("jobs", "list").out
    assert "तय समय पर" in listed, listed
    cancelled = hindi_cli("jobs", "cancel", str(job.id)).out
    assert f"जॉब #{job.id} (" in cancelled and ") रद्द किया गया।" in cancelled, cancelled


def test_platforms_and_sync_lines_read_in_hindi(hindi_cli) -> None:  # noqa: F811
    said = hindi_cli("platforms", "prefs", "etsy", "bad")
    assert said.code != 0 and "'bad' KEY=VALUE के रूप में नहीं है।" in said.err, said.err
    said = hindi_cli("platforms", "publish-catalog", "meesho", "--products", "x")
    assert "'x' 4,5,6 जैसी प्रोडक्ट id की सूची नहीं है।" in said.err, said.err
    said = hindi_cli("platforms", "connect", "shopify")
    assert "स्टोर का पता सेट नहीं है। चलाएँ: sellerdesk platforms connect shopify --shop" in said.err, said.err
    assert hindi_cli("sync", "conflicts").out == "कोई टकराव नहीं है।\n"
    assert "इस कंप्यूटर का नाम अब 'Shop PC' है।" in hindi_cli("sync", "rename", "Shop PC").out
    assert "साइन आउट हुआ। आपका डेटा इसी कंप्यूटर पर रहता है" in hindi_cli("sync", "signout").out


def test_listings_data_and_config_lines_read_in_hindi(hindi_cli, app, monkeypatch) -> None:  # noqa: F811
    import io

    assert "अभी कोई लिस्टिंग नहीं है" in hindi_cli("listings", "list").out
    assert "कोई भी जुड़ा हुआ प्लैटफ़ॉर्म बिक्री नहीं बताता।" in hindi_cli("sales", "sync").out
    said = hindi_cli("data", "delete-all")
    assert "सारा डेटा हटाने के लिए --yes ज़रूरी है। 30 दिन तक इसे" in said.err, said.err
    assert "general.theme फिर से डिफ़ॉल्ट (" in hindi_cli("config", "unset", "general.theme").out
    monkeypatch.setattr("sys.stdin", io.StringIO("indiaMartCrmKey123\n"))
    assert "IndiaMART CRM कुंजी " in hindi_cli("config", "set-secret", "indiamart:crm_key").out
    assert hindi_cli("config", "unset-secret", "indiamart:crm_key").out.endswith(" अब सेव नहीं है।\n")


def test_analytics_and_content_lines_read_in_hindi(hindi_cli) -> None:  # noqa: F811
    assert "इस अवधि में कोई बिक्री नहीं।" in hindi_cli("analytics", "summary").out
    assert "अभी कोई लागत नहीं है।" in hindi_cli("analytics", "costs", "list").out
    assert "कोई दर तय नहीं है:" in hindi_cli("analytics", "rates", "list").out
    assert "1 USD = 83 INR" in hindi_cli("analytics", "rates", "set", "USD", "83").out
    assert "USD अब INR में नहीं बदली जाती।" in hindi_cli("analytics", "rates", "remove", "USD").out
    assert hindi_cli("products", "add", "--title", "Diya", "--price", "99", "--sku", "D-1").code == 0
    sold = hindi_cli("analytics", "add-sale", "--platform", "offline", "--sku", "D-1", "--amount", "99",
                     "--order-id", "W-1")
    assert "दर्ज हुआ: बिक्री W-1।" in sold.out, sold.out
    summary = hindi_cli("analytics", "summary").out
    assert "आमदनी" in summary and "लागत मालूम नहीं" in summary and "तुलना" in summary, summary
    assert "अभी कोई कॉपी नहीं है। इससे लिखवाएँ: sellerdesk content generate 1" in hindi_cli("content", "show", "1").out
    said = hindi_cli("content", "generate-many")
    assert "जिन प्रोडक्ट की कॉपी लिखनी है उनके नाम दें, या --all दें।" in said.err, said.err


def test_photo_variants_lines_read_in_hindi(hindi_cli, tmp_path) -> None:  # noqa: F811
    from tests.images.photos import encode, scene

    tiny = tmp_path / "tiny.png"
    tiny.write_bytes(encode(scene(300, 200), "PNG"))
    (tmp_path / "notes.jpg").write_bytes(b"handle is chipped")
    said = hindi_cli("images", "variants", str(tiny), str(tmp_path / "notes.jpg"), "--platform", "meesho",
                     "--out", str(tmp_path / "o"))
    assert "1 फ़ोटो से 1 तस्वीर " in said.out and "में बनीं; 1 नामंज़ूर।" in said.out, said.out
    assert "नामंज़ूर: " in said.err, said.err

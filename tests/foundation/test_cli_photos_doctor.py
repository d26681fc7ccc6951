"""Products with photos through the CLI and CSV, and ``sellerdesk doctor``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image


@pytest.fixture
def jpeg(tmp_path: Path) -> Path:
    path = tmp_path / "lamp.jpg"
    Image.new("RGB", (800, 600), (180, 120, 60)).save(path)
    return path


def test_add_with_photo_and_bad_photo_refused_whole(cli, jpeg: Path, tmp_path: Path) -> None:
    added = cli("products", "add", "--json", "--title", "Lamp", "--price", "10", "--image", str(jpeg))
    assert added.code == 0, added.err
    assert json.loads(added.out)["images"][0]["width"] == 800

    fake = tmp_path / "photo.jpg"
    fake.write_text("not a picture at all")
    refused = cli("products", "add", "--title", "Other", "--price", "10", "--image", str(jpeg), "--image", str(fake))
    assert refused.code == 1 and "photo.jpg" in refused.err and refused.err.count("\n") == 1
    assert len(json.loads(cli("products", "list", "--json").out)) == 1


def test_csv_round_trip_carries_photos(cli, jpeg: Path, tmp_path: Path) -> None:
    cli("products", "add", "--title", "Lamp", "--price", "10", "--sku", "L1", "--image", str(jpeg))
    out = tmp_path / "export" / "shop.csv"
    out.parent.mkdir()
    assert cli("products", "export", str(out)).code == 0
    assert len(list((out.parent / "shop_photos").iterdir())) == 1

    other = tmp_path / "elsewhere"
    assert cli("--data-dir", str(other), "products", "import", str(out)).code == 0
    shown = json.loads(cli("--data-dir", str(other), "products", "show", "1", "--json").out)
    assert shown["sku"] == "L1" and len(shown["images"]) == 1
    # Importing the same file again updates by SKU and adds no duplicate photo.
    assert cli("--data-dir", str(other), "products", "import", str(out)).code == 0
    again = json.loads(cli("--data-dir", str(other), "products", "show", "1", "--json").out)
    assert len(again["images"]) == 1
    assert len(json.loads(cli("--data-dir", str(other), "products", "list", "--json").out)) == 1


def test_csv_photo_paths_cannot_escape_the_csv_folder(cli, jpeg: Path, tmp_path: Path) -> None:
    folder = tmp_path / "sheets"
    folder.mkdir()
    path = folder / "in.csv"
    path.write_text(f"title,price,images\nLamp,10,../{jpeg.name}\nBowl,20,{jpeg}\nCup,5,\n", encoding="utf-8")
    result = cli("products", "import", str(path))
    assert result.code == 1
    assert "line 2" in result.out and "outside the CSV's folder" in result.out
    assert "line 3" in result.out
    titles = [r["title"] for r in json.loads(cli("products", "list", "--json").out)]
    assert titles == ["Cup"]


def test_doctor_reports_each_check_and_how_to_fix(cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SELLERDESK_BROWSER__EXECUTABLE_PATH", str(tmp_path / "no-such-browser"))
    assert cli("products", "add", "--title", "Mug", "--price", "100").code == 0
    result = cli("doctor", "--json")
    checks = {c["name"]: c for c in json.loads(result.out)}
    assert set(checks) == {"data dir", "database", "keychain", "backups", "browser"}
    assert checks["data dir"]["ok"] and checks["keychain"]["ok"]
    assert "write, read and delete work" in checks["keychain"]["detail"]
    assert checks["backups"]["ok"]  # the first command of the day made one, as the window does
    for backup in (tmp_path / "data" / "backups").glob("daily-*.db"):
        backup.unlink()
    checks = {c["name"]: c for c in json.loads(cli("doctor", "--json").out)}
    assert not checks["backups"]["ok"] and "sellerdesk data backups" in checks["backups"]["fix"]
    assert cli("data", "backups").code == 0
    assert {c["name"]: c for c in json.loads(cli("doctor", "--json").out)}["backups"]["ok"]
    assert not checks["browser"]["ok"] and "browser.executable_path" in checks["browser"]["fix"]
    assert result.code == 1
    text = cli("doctor")
    assert "PROBLEM  browser" in text.out and "fix:" in text.out


def test_doctor_finds_a_damaged_database(cli, isolated_env: Path) -> None:
    isolated_env.mkdir(parents=True, exist_ok=True)
    (isolated_env / "sellerdesk.db").write_bytes(b"garbage" * 50)
    checks = {c["name"]: c for c in json.loads(cli("doctor", "--json").out)}
    assert not checks["database"]["ok"] and "damaged" in checks["database"]["detail"]

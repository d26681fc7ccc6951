"""The ``sellerdesk products`` commands, as a seller or a script uses them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PYTHON, python_subprocess_env


def _add(cli, *args: str) -> dict:
    result = cli("products", "add", "--json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_add_list_show_edit_round_trip(cli) -> None:
    lamp = _add(cli, "--title", "Brass diya lamp", "--price", "₹1,299.50", "--sku", "DIYA-1",
                "--category", "Home > Lighting", "--attr", "material=brass", "--attr", "colour=gold")
    assert lamp["price"] == "1299.5" and lamp["currency"] == "INR"
    assert lamp["attributes"] == {"material": "brass", "colour": "gold"}
    _add(cli, "--title", "Block-print cushion", "--price", "450", "--quantity", "12")

    rows = json.loads(cli("products", "list", "--json").out)
    assert [r["title"] for r in rows] == ["Brass diya lamp", "Block-print cushion"]
    assert json.loads(cli("--json", "products", "list", "--search", "diya").out)[0]["sku"] == "DIYA-1"

    edited = cli("products", "edit", str(lamp["id"]), "--price", "999", "--quantity", "3", "--json")
    assert edited.code == 0
    shown = json.loads(cli("products", "show", str(lamp["id"]), "--json").out)
    assert (shown["price"], shown["quantity"], shown["title"]) == ("999", 3, "Brass diya lamp")

    text = cli("products", "list")
    assert "Brass diya lamp" in text.out and "TITLE" in text.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--title", "", "--price", "10"], "The title is empty"),
        (["--title", "Cup", "--price", "ten"], "is not a number"),
        (["--title", "Cup", "--price", "-5"], "is not a number"),
        (["--title", "Cup", "--price", "0"], "more than zero"),
        (["--title", "Cup", "--price", "10.999"], "more decimals than INR"),
        (["--title", "Cup", "--price", "10", "--currency", "RUPEES"], "not a currency code"),
        (["--title", "Cup", "--price", "10", "--quantity", "lots"], "not a whole number"),
        (["--title", "Cup", "--price", "10", "--attr", "colourred"], "name=value"),
    ],
)
def test_bad_input_gives_one_line_and_nonzero_exit_and_stores_nothing(cli, args: list[str], message: str) -> None:
    result = cli("products", "add", *args)
    assert result.code == 1
    assert message in result.err
    assert result.err.startswith("sellerdesk: ") and result.err.count("\n") == 1
    assert json.loads(cli("products", "list", "--json").out) == []


def test_unknown_id_and_duplicate_sku_are_refused(cli) -> None:
    _add(cli, "--title", "Mug", "--price", "200", "--sku", "MUG")
    for args in (["show", "42"], ["edit", "42", "--price", "5"], ["delete", "42"]):
        result = cli("products", *args)
        assert result.code == 1 and "no product with id 42" in result.err
    dup = cli("products", "add", "--title", "Other mug", "--price", "10", "--sku", "MUG")
    assert dup.code == 1 and "already has SKU 'MUG'" in dup.err
    assert len(json.loads(cli("products", "list", "--json").out)) == 1


def test_delete_then_restore(cli) -> None:
    mug = _add(cli, "--title", "Mug", "--price", "200", "--sku", "MUG")
    deleted = cli("products", "delete", str(mug["id"]))
    assert deleted.code == 0 and f"restore {mug['id']}" in deleted.out
    assert json.loads(cli("products", "list", "--json").out) == []
    assert cli("products", "restore", str(mug["id"])).code == 0
    assert json.loads(cli("products", "list", "--json").out)[0]["sku"] == "MUG"


def test_deleted_product_frees_its_sku_but_restore_then_refuses(cli) -> None:
    mug = _add(cli, "--title", "Mug", "--price", "200", "--sku", "MUG")
    cli("products", "delete", str(mug["id"]))
    _add(cli, "--title", "New mug", "--price", "250", "--sku", "MUG")
    result = cli("products", "restore", str(mug["id"]))
    assert result.code == 1 and "another product uses it" in result.err


def test_csv_round_trip_keeps_every_field(cli, tmp_path: Path) -> None:
    _add(cli, "--title", "दीया (brass)", "--price", "1299.50", "--sku", "D-1", "--description",
         "Hand-made.\nTwo lines, \"quoted\", and commas.", "--attr", "material=brass", "--language", "hi")
    _add(cli, "--title", "Cushion", "--price", "12.5", "--currency", "USD", "--attr", "note=a;b=c")
    out = tmp_path / "catalogue.csv"
    assert cli("products", "export", str(out)).code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to show Hindi and ₹

    before = json.loads(cli("products", "list", "--json").out)
    other = tmp_path / "other"
    result = cli("--data-dir", str(other), "products", "import", str(out), "--json")
    assert result.code == 0, result.err
    assert len(json.loads(result.out)["created"]) == 2
    after = json.loads(cli("--data-dir", str(other), "products", "list", "--json").out)
    strip = lambda rows: [{k: v for k, v in r.items() if k != "updated_at"} for r in rows]  # noqa: E731
    assert strip(after) == strip(before)
    first = json.loads(cli("--data-dir", str(other), "products", "show", "1", "--json").out)
    assert first["description"] == "Hand-made.\nTwo lines, \"quoted\", and commas."
    assert first["language"] == "hi"
    second = json.loads(cli("--data-dir", str(other), "products", "show", "2", "--json").out)
    assert second["attributes"] == {"note": "a;b=c"}


def test_csv_import_updates_by_sku_and_reports_bad_rows_by_line(cli, tmp_path: Path) -> None:
    _add(cli, "--title", "Mug", "--price", "200", "--sku", "MUG")
    path = tmp_path / "in.csv"
    path.write_text(
        "Title,Price,SKU,Quantity\n"
        "Mug v2,250,MUG,4\n"
        ",100,,1\n"
        "Plate,abc,,1\n"
        "\n"
        "Bowl,99,BOWL,x\n"
        "Spoon,15,,2\n",
        encoding="utf-8",
    )
    result = cli("products", "import", str(path))
    assert result.code == 1
    assert "line 3: The title is empty" in result.out
    assert "line 4: The price 'abc' is not a number" in result.out
    assert "line 6: The quantity 'x'" in result.out
    assert "Imported 1 new and updated 1 products; skipped 3 rows." in result.out
    rows = {r["title"]: r for r in json.loads(cli("products", "list", "--json").out)}
    assert set(rows) == {"Mug v2", "Spoon"}
    assert rows["Mug v2"]["quantity"] == 4 and rows["Mug v2"]["price"] == "250"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,cost\nMug,10\n", "missing column(s) price, title and unknown column(s) name, cost"),
        ("title,price\nCafé,10\n".encode("cp1252"), "not UTF-8 text (first bad byte on line 2)"),
        (b"", "is empty"),
    ],
)
def test_csv_with_wrong_columns_or_encoding_is_refused_whole(cli, tmp_path: Path, content: bytes,
                                                             message: str) -> None:
    _add(cli, "--title", "Mug", "--price", "200")
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = cli("products", "import", str(path))
    assert result.code == 1 and message in result.err and result.err.count("\n") == 1
    assert len(json.loads(cli("products", "list", "--json").out)) == 1


def test_commands_do_not_load_qt(isolated_env: Path) -> None:
    code = (
        "import sys; from desktop.launch import main; rc = main(['products', 'list', '--json']);"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'desktop.main', 'PIL'))))"
    )
    proc = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True,
                          env=python_subprocess_env(isolated_env), timeout=60)
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_data_dir_option_and_environment(cli, tmp_path: Path, isolated_env: Path) -> None:
    explicit = tmp_path / "explicit"
    _add(cli, "--title", "Env mug", "--price", "1")
    assert cli("--data-dir", str(explicit), "products", "add", "--title", "Flag mug", "--price", "1").code == 0
    assert (explicit / "sellerdesk.db").exists() and (isolated_env / "sellerdesk.db").exists()
    assert [r["title"] for r in json.loads(cli("--data-dir", str(explicit), "products", "list", "--json").out)] \
        == ["Flag mug"]
    assert (explicit / "logs" / "sellerdesk.log").exists()


def test_log_file_is_json_lines_without_secrets(cli, isolated_env: Path) -> None:
    import logging

    from core.logs import redact

    cli("products", "show", "7")
    lines = (isolated_env / "logs" / "sellerdesk.log").read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[-1])
    assert entry["level"] == "WARNING" and "no product with id 7" in entry["message"]
    assert logging.getLogger().handlers == [h for h in logging.getLogger().handlers
                                            if not getattr(h, "_sellerdesk", False)]
    leaked = redact("key=AIzaSyA1234567890abcdefghijklmnop token shpat_0123456789abcdef0123 "
                    "Authorization: Bearer abc.def-ghi refresh_token=r1r2r3r4 password: hunter22")
    for secret in ["AIzaSyA1234567890", "shpat_0123", "abc.def-ghi", "r1r2r3r4", "hunter22"]:
        assert secret not in leaked


def test_a_closed_pipe_or_closed_stdin_ends_quietly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import os
    import subprocess
    import sys

    from core import cli
    from tests.conftest import python_subprocess_env

    data = tmp_path / "data"
    assert cli.main(["--data-dir", str(data), "products", "add", "--title", "Brass diya", "--price", "10"]) == 0
    capsys.readouterr()
    # `sellerdesk products list | head -0`: the reader is gone before anything is written.
    read_end, write_end = os.pipe()
    os.close(read_end)
    with os.fdopen(write_end, "w") as closed_pipe:
        monkeypatch.setattr(sys, "stdout", closed_pipe)
        code = cli.main(["--data-dir", str(data), "products", "list"])
    monkeypatch.undo()
    assert code == 141
    assert capsys.readouterr().err == ""
    # `sellerdesk platforms connect shopify < /dev/null`: nothing to read at the prompt (the store address is set,
    # since connect checks it before asking for anything).
    env = {**python_subprocess_env(data), "SELLERDESK_PLATFORMS__SHOPIFY__SHOP_DOMAIN": "claycorner.myshopify.com"}
    closed = subprocess.run([sys.executable, "-m", "core.cli", "platforms", "connect", "shopify"],
                            env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    assert closed.returncode == 1 and b"standard input is closed" in closed.stderr
    assert b"unexpected error" not in closed.stderr and b"Traceback" not in closed.stderr

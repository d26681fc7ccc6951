"""The CLI's tables are headed in the interface language, translated as they are printed; ``--json`` keeps its keys
(scripts read them) whatever the language."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from core.cli import HEADINGS
from core.i18n import use_language

ROOT = Path(__file__).resolve().parents[2]


def test_tables_read_in_hindi_and_json_keys_stay_the_same(cli) -> None:
    assert cli("products", "add", "--title", "Brass diya", "--price", "499", "--sku", "DIYA-1").code == 0
    english_table = cli("products", "list").out.splitlines()[0].split()
    english = json.loads(cli("products", "list", "--json").out)
    assert english_table == ["ID", "TITLE", "PRICE", "CURRENCY", "QUANTITY", "SKU", "STATUS", "IMAGES"]
    assert cli("config", "set", "general.language", "hi").code == 0
    try:
        table = cli("products", "list").out.splitlines()
        hindi = json.loads(cli("products", "list", "--json").out)
        settings = cli("config", "list").out.splitlines()[0].split()
    finally:
        use_language("en")
    assert table[0].split() == ["ID", "शीर्षक", "दाम", "मुद्रा", "मात्रा", "SKU", "स्थिति", "तस्वीरें"], table[0]
    assert "Brass diya" in table[1]
    assert settings == ["सेटिंग", "मान", "स्रोत", "विवरण"], settings
    assert hindi == english and set(hindi[0]) >= {"id", "title", "price", "currency", "quantity", "sku", "status"}


def test_every_table_the_cli_prints_has_a_translated_heading_for_each_column() -> None:
    used: set[str] = set()
    for path in (ROOT / "core").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lists = {node.targets[0].id: node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                 and isinstance(node.value, ast.List) and isinstance(node.targets[0], ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print_table":
                columns = node.args[1]
                columns = lists.get(columns.id, columns) if isinstance(columns, ast.Name) else columns
                assert isinstance(columns, ast.List), f"{path}:{node.lineno}: name the columns in a list"
                used |= {item.value for item in columns.elts if isinstance(item, ast.Constant)}
    assert used and not used - set(HEADINGS), f"columns without a heading: {sorted(used - set(HEADINGS))}"
    assert all(HEADINGS[column] == column.upper() for column in HEADINGS)  # English is unchanged

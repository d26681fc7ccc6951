"""README: "Nothing is sent anywhere unless you connect a platform, add a Gemini key, or sign in to the optional sync
service." Everyday commands on a shop with none of those run with every outgoing connection refused."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest


def test_everyday_commands_open_no_connection(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network use is not allowed in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: refuse(None, address))  # type: ignore[arg-type]
    catalogue = tmp_path / "catalogue.csv"
    catalogue.write_text("title,price,sku\nBowl,450,B-1\nCup,120,\n", encoding="utf-8")
    commands = [
        ["products", "add", "--title", "Mug", "--price", "300", "--sku", "M-1"],
        ["products", "import", str(catalogue)],
        ["products", "list"],
        ["products", "export", str(tmp_path / "out.csv")],
        ["analytics", "add-sale", "--platform", "offline", "--sku", "M-1", "--amount", "300", "--buyer", "Asha"],
        ["analytics", "summary"],
        ["content", "generate", "1", "--platform", "etsy"],
        ["data", "export", str(tmp_path / "all.zip")],
        ["data", "backups"],
        ["data", "purge"],
    ]
    for command in commands:
        result = cli(*command)
        assert result.code == 0, (command, result.err)
    assert attempts == []

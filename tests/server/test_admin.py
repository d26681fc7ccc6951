"""The operator's command line: list, disable and enable, export and delete accounts (python -m server.admin)."""

from __future__ import annotations

import json
import uuid
import zipfile
from pathlib import Path

import pytest
from fastapi import FastAPI

from server.admin import main
from server.client import SyncServiceClient
from server.client_models import NotSignedIn, ServiceError
from tests.fakes.mailbox import Mailbox, sign_up
from tests.server.conftest import PASSWORD, PUBLIC_URL, SECRET, open_http
from tests.server.test_sync import change, new_id

JPEG = b"\xff\xd8\xff\xe0" + b"\x42" * 3000


def _admin(monkeypatch: pytest.MonkeyPatch, db_url: str, media: Path, *argv: str) -> tuple[int, str]:
    for name, value in (("DATABASE_URL", db_url), ("SELLERDESK_SERVER_SECRET", SECRET),
                        ("SELLERDESK_SERVER_PUBLIC_URL", PUBLIC_URL), ("SELLERDESK_SERVER_MEDIA_DIR", str(media)),
                        ("SELLERDESK_SERVER_SMTP_HOST", "127.0.0.1"),
                        ("SELLERDESK_SERVER_MAIL_FROM", "sd@example.com")):
        monkeypatch.setenv(name, value)
    said: list[str] = []
    return main(list(argv), out=said.append), "\n".join(said)


def test_list_disable_enable_export_and_delete(app: FastAPI, db_url: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch, mailbox: Mailbox) -> None:
    media = app.state.services.config.media_dir
    with open_http(app) as http:
        seller = SyncServiceClient(PUBLIC_URL, http=http)
        sign_up(seller, http, mailbox, "seller@example.com", PASSWORD, uuid.uuid4(), "Laptop")
        pid = new_id()
        seller.push([change(pid, 0, title="Brass lamp")])
        sha = seller.upload_blob(JPEG, "image/jpeg")

        code, listing = _admin(monkeypatch, db_url, media, "accounts", "--json")
        rows = json.loads(listing)
        assert code == 0 and [(r["email"], r["devices"], r["disabled"]) for r in rows] == [
            ("seller@example.com", 1, False)]
        assert rows[0]["storage_bytes"] > len(JPEG)

        assert _admin(monkeypatch, db_url, media, "disable", "seller@example.com")[0] == 0
        with pytest.raises(NotSignedIn):
            seller.account()  # signed out everywhere at once
        refused = http.post("/v1/auth/login", json={"email": "seller@example.com", "password": PASSWORD,
                                                    "device_id": str(uuid.uuid4())})
        assert refused.status_code == 403 and refused.json()["error"] == "account_disabled"
        assert "disabled" in _admin(monkeypatch, db_url, media, "accounts")[1]
        _admin(monkeypatch, db_url, media, "enable", "seller@example.com")
        seller.login("seller@example.com", PASSWORD, uuid.uuid4())

        target = tmp_path / "seller.zip"
        code, said = _admin(monkeypatch, db_url, media, "export", "seller@example.com", str(target))
        assert code == 0 and said.startswith("1 records")
        with zipfile.ZipFile(target) as archive:
            exported = json.loads(archive.read("account.json"))
            assert archive.read(f"photos/{sha}") == JPEG
        assert [(r["id"], r["data"]["title"]) for r in exported["records"]] == [(pid, "Brass lamp")]

        assert _admin(monkeypatch, db_url, media, "delete", "seller@example.com")[0] == 1  # --yes is required
        assert _admin(monkeypatch, db_url, media, "delete", "seller@example.com", "--yes")[0] == 0
        with pytest.raises(ServiceError):
            seller.account()
        assert not any(media.glob("blobs/*/*/*"))
        assert _admin(monkeypatch, db_url, media, "disable", "nobody@example.com")[0] == 1

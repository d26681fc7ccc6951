"""A portal-driver part for the tests: an archive holding a stand-in node, and a manifest that records it."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

import core.components as components


@pytest.fixture
def driver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(archive, resources folder); the manifest's download address is the archive itself (a local file)."""
    monkeypatch.setenv(components.COMPONENTS_ENV, str(tmp_path / "components"))
    # Set, then removed: the test's end takes back whatever activate() sets meanwhile (a bare delenv of an unset
    # variable would record nothing, and the override would leak into every later Playwright test).
    monkeypatch.setenv(components.NODE_ENV, "")
    monkeypatch.delenv(components.NODE_ENV)
    node = tmp_path / "src" / "node"
    node.parent.mkdir()
    node.write_text("#!/bin/sh\necho v24.0.0\n", encoding="utf-8")
    archive = tmp_path / "SellerDesk-portal-driver-1.0.0-linux-x86_64.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(node, arcname="node")
    resources = tmp_path / "resources"
    resources.mkdir()
    components.write_manifest(resources, archive, str(archive), "v24.0.0")
    monkeypatch.setattr(components, "resources_dir", lambda: resources)
    return archive, resources


from tests.platforms.conftest import etsy_server  # noqa: E402, F401  (the Etsy stand-in fixture, for the background runner)

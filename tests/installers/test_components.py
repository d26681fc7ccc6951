"""The optional portal driver: added only when its SHA-256 matches the build's manifest, from a file or a download
(with progress and cancel), and then used by Playwright; anything else leaves nothing behind."""

from __future__ import annotations

import hashlib
import http.server
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import core.components as components
from core.cli import build_parser, run_command
from core.errors import Cancelled, ValidationError

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the stand-in node is a shell script")


def test_a_source_checkout_needs_no_driver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(components, "resources_dir", lambda: tmp_path)
    found = components.status()
    assert not found.needed and found.installed
    assert "ready" in found.describe()


def test_status_tells_the_seller_what_the_part_is_for(driver: tuple[Path, Path]) -> None:
    found = components.status()
    assert found.needed and not found.installed
    text = found.describe()
    assert "Meesho, Snapdeal and IndiaMART" in text and "sellerdesk components add portals" in text
    assert "MB download" in text


def test_adding_from_a_file_checks_the_hash_and_points_playwright_at_node(driver: tuple[Path, Path]) -> None:
    archive, _resources = driver
    node = components.install(str(archive))
    assert node.is_file() and os.access(node, os.X_OK)
    assert os.environ[components.NODE_ENV] == str(node)
    assert components.status().installed
    from playwright._impl._driver import compute_driver_executable

    assert compute_driver_executable()[0] == str(node)


def test_a_file_that_differs_from_the_manifest_is_refused_and_nothing_is_kept(driver: tuple[Path, Path],
                                                                            tmp_path: Path) -> None:
    archive, _resources = driver
    tampered = tmp_path / "tampered.tar.gz"
    tampered.write_bytes(archive.read_bytes() + b"\0")
    with pytest.raises(ValidationError, match="does not match this SellerDesk"):
        components.install(str(tampered))
    assert not components.status().installed
    assert list((tmp_path / "components").iterdir()) == []


def test_a_damaged_manifest_is_a_clear_error(driver: tuple[Path, Path]) -> None:
    _archive, resources = driver
    (resources / components.MANIFEST_FILE).write_text('{"file": "x", "url": "u", "sha256": "abc", "size": 1, '
                                                      '"node_version": "v1"}', encoding="utf-8")
    with pytest.raises(ValidationError, match="no valid SHA-256"):
        components.status()


@pytest.fixture
def served(driver: tuple[Path, Path]) -> Iterator[str]:
    """The archive on a local HTTP server (the release page's stand-in)."""
    archive, _resources = driver
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(archive.parent), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.RequestHandlerClass.log_message = lambda *a: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{archive.name}"
    server.shutdown()
    server.server_close()


def test_downloading_reports_progress_and_a_cancel_keeps_nothing(served: str, driver: tuple[Path, Path]) -> None:
    archive, _resources = driver
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        components.install(served, cancel=cancel)
    assert not components.status().installed
    seen: list[tuple[int, int]] = []
    node = components.install(served, progress=lambda done, total, _what: seen.append((done, total)))
    assert seen[-1] == (archive.stat().st_size, archive.stat().st_size)
    assert hashlib.sha256(node.read_bytes()).hexdigest()  # unpacked and readable
    assert components.status().node == node


def test_a_missing_download_says_so(driver: tuple[Path, Path], served: str) -> None:
    with pytest.raises(Exception, match="HTTP 404"):
        components.install(served + ".missing")
    assert not components.status().installed


def test_the_cli_lists_and_adds_the_part(driver: tuple[Path, Path], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    archive, _resources = driver

    def cli(*argv: str) -> int:
        args = ["--data-dir", str(tmp_path / "data"), *argv]
        return run_command(build_parser(args).parse_args(args))

    assert cli("components", "list") == 0
    assert "not added yet" in capsys.readouterr().out
    assert cli("components", "add", "portals", "--from", str(archive)) == 0
    out = capsys.readouterr().out
    assert "Meesho, Snapdeal and IndiaMART" in out and "SHA-256 checked" in out
    assert cli("--json", "components", "list") == 0
    assert '"installed": true' in capsys.readouterr().out
    assert cli("components", "add", "portals", "--from", str(tmp_path / "nothing.tar.gz")) == 0  # already there

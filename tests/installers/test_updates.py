"""Updates: the feed made by installers/update_feed.py is checked against the root the app trusts; a newer version is
downloaded with progress, staged, and put in place when asked; a feed signed by anyone else, or tampered with, is
refused and nothing changes."""

from __future__ import annotations

import http.server
import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "installers"))

import update_feed

from core.errors import SellerDeskError
from core.updates import Updater, platform_tag

PLATFORM = platform_tag()


def _bundle(folder: Path, version: str) -> Path:
    (folder / "_internal").mkdir(parents=True)
    (folder / "_internal" / f"lib-{version}.txt").write_text(version, encoding="utf-8")
    (folder / "SellerDesk").write_text(f"program {version}", encoding="utf-8")
    return folder


@pytest.fixture
def feed(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A feed with 0.1.0 and 0.2.0 for this system, served over HTTP; yields (trusted root, base URL)."""
    if PLATFORM not in update_feed.PLATFORMS:
        pytest.skip(f"no feed for {PLATFORM}")
    trusted = update_feed.init(tmp_path / "feed", tmp_path / "keys", tmp_path / "update-root.json")
    for version in ("0.1.0", "0.2.0"):
        packed = update_feed.pack(_bundle(tmp_path / f"b-{version}", version), tmp_path / f"{version}.tar.gz")
        update_feed.add(tmp_path / "feed", tmp_path / "keys", packed, version, PLATFORM)
    root = tmp_path / "feed" / PLATFORM

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield trusted, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _updater(tmp_path: Path, trusted: Path, url: str, current: str = "0.1.0") -> Updater:
    install = tmp_path / "install"
    if not install.exists():
        _bundle(install, current)
    return Updater(f"{url}/metadata", f"{url}/targets", install_dir=install, current=current, root=trusted,
                   work_dir=tmp_path / "work")


def test_a_newer_version_is_found_downloaded_staged_and_applied(feed: tuple[Path, str], tmp_path: Path) -> None:
    trusted, url = feed
    updater = _updater(tmp_path, trusted, url)
    found = updater.check()
    assert found is not None and found.version == "0.2.0" and found.size > 0
    seen: list[tuple[int, int]] = []
    staged = updater.download(progress=lambda done, total, _what: seen.append((done, total)))
    assert staged is not None and staged.version == "0.2.0" and seen and seen[-1][0] == seen[-1][1]
    install = tmp_path / "install"
    assert (install / "SellerDesk").read_text() == "program 0.1.0"  # nothing changes until it is applied
    assert updater.staged() == staged
    assert updater.apply() == "0.2.0"
    assert (install / "SellerDesk").read_text() == "program 0.2.0"
    assert sorted(p.name for p in (install / "_internal").iterdir()) == ["lib-0.2.0.txt"]  # old libraries gone
    assert updater.staged() is None and updater.apply() == ""


def test_the_newest_version_finds_nothing(feed: tuple[Path, str], tmp_path: Path) -> None:
    trusted, url = feed
    assert _updater(tmp_path, trusted, url, current="0.2.0").check() is None


def test_a_tampered_feed_is_refused_and_nothing_is_downloaded(feed: tuple[Path, str], tmp_path: Path) -> None:
    trusted, url = feed
    targets = tmp_path / "feed" / PLATFORM / "metadata" / "targets.json"
    signed = json.loads(targets.read_text(encoding="utf-8"))
    for info in signed["signed"]["targets"].values():
        info["length"] += 1  # a different archive, with the old signature
    targets.write_text(json.dumps(signed), encoding="utf-8")
    (tmp_path / "feed" / PLATFORM / "metadata" / "2.targets.json").unlink(missing_ok=True)
    updater = _updater(tmp_path, trusted, url)
    with pytest.raises(SellerDeskError, match="could not be checked"):
        updater.check()
    assert updater.staged() is None and not list((tmp_path / "work" / "downloads").iterdir())


def test_a_feed_signed_with_other_keys_is_refused(feed: tuple[Path, str], tmp_path: Path) -> None:
    _trusted, url = feed
    stranger = update_feed.init(tmp_path / "other-feed", tmp_path / "other-keys", tmp_path / "other-root.json")
    with pytest.raises(SellerDeskError, match="could not be checked"):
        _updater(tmp_path, stranger, url).check()


def test_a_checkout_says_it_updates_with_git(tmp_path: Path) -> None:
    updater = Updater("http://127.0.0.1:9/m", "http://127.0.0.1:9/t", work_dir=tmp_path)
    assert "checkout" in updater.unavailable()
    with pytest.raises(SellerDeskError, match="cannot update itself"):
        updater.check()


def test_the_window_finds_downloads_and_applies_the_update_when_it_closes(window, qtbot, feed: tuple[Path, str],
                                                                        tmp_path: Path) -> None:
    from desktop.updates import ACTION_TEXT

    trusted, url = feed
    window.updates.updater = _updater(tmp_path, trusted, url)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    next(a for a in help_menu.actions() if a.text() == ACTION_TEXT).trigger()
    qtbot.waitUntil(lambda: "SellerDesk 0.2.0 is ready" in window.statusBar().currentMessage(), timeout=30_000)
    assert (tmp_path / "install" / "SellerDesk").read_text() == "program 0.1.0"
    window.close()
    assert (tmp_path / "install" / "SellerDesk").read_text() == "program 0.2.0"


def test_the_command_line_checks_and_downloads(cli, feed: tuple[Path, str], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    trusted, url = feed
    updater = _updater(tmp_path, trusted, url)
    monkeypatch.setattr(Updater, "from_settings", classmethod(lambda _cls, _settings: updater))
    checked = cli("update", "check")
    assert checked.code == 0 and "SellerDesk 0.2.0 is available" in checked.out
    downloaded = cli("update", "download")
    assert downloaded.code == 0 and "is downloaded and checked" in downloaded.out
    applied = cli("update", "apply")
    assert applied.code == 0 and "SellerDesk 0.2.0 is in place" in applied.out
    assert (tmp_path / "install" / "SellerDesk").read_text() == "program 0.2.0"

"""The Windows and macOS jobs are complete but for the secrets: what the workflow and installer scripts must say
(they cannot run here, so what they say is checked; each assertion fails on the gap the release review found)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = yaml.safe_load((ROOT / ".github" / "workflows" / "installers.yml").read_text(encoding="utf-8"))
ISS = (ROOT / "installers" / "windows" / "sellerdesk.iss").read_text(encoding="utf-8")
DMG = (ROOT / "installers" / "macos" / "make_dmg.sh").read_text(encoding="utf-8")


def _section(name: str) -> str:
    match = re.search(rf"^\[{name}\]\n(.*?)(?=^\[|\Z)", ISS, re.S | re.M)
    assert match, name
    return match.group(1)


def _script(job: str) -> str:
    return "\n".join(str(step.get("run", "")) for step in WORKFLOW["jobs"][job]["steps"])


def test_windows_installer_runs_on_windows_10_x64_only_and_upgrades_cleanly() -> None:
    setup = _section("Setup")
    assert "MinVersion=10.0" in setup and "ArchitecturesAllowed=x64compatible" in setup
    assert 'Type: filesandordirs; Name: "{app}\\_internal"' in _section("InstallDelete")


def test_windows_installer_stays_per_user() -> None:
    setup = _section("Setup")
    assert "PrivilegesRequired=lowest" in setup and "PrivilegesRequiredOverridesAllowed" not in ISS
    assert "DefaultDirName={autopf}\\SellerDesk" in setup


def test_windows_installer_and_uninstaller_are_signed_when_the_certificate_is_there() -> None:
    signed = re.search(r"#ifdef Sign\n(.*?)#endif", _section("Setup"), re.S)
    assert signed and "SignTool=sellerdesk" in signed.group(1) and "SignedUninstaller=yes" in signed.group(1)


def test_a_silent_uninstall_never_stops_at_a_question_and_delete_data_clears_the_keychain() -> None:
    code = _section("Code")
    assert code.index("UninstallSilent()") < code.index("MsgBox(")
    assert "{param:DELETEDATA|0}" in code
    assert "data delete-all --yes" in code and "data purge --now" in code  # keychain entries go for good
    assert "background off" in _section("UninstallRun")


def test_macos_signs_each_binary_with_the_hardened_runtime_notarises_staples_and_asks_gatekeeper() -> None:
    assert "--deep --force" not in DMG and "codesign --deep" not in DMG
    assert "--options runtime --timestamp --entitlements" in DMG
    for step in ("xcrun notarytool submit", "--wait", "xcrun stapler staple", "spctl --assess"):
        assert step in DMG, step
    assert subprocess.run(["bash", "-n", str(ROOT / "installers" / "macos" / "make_dmg.sh")]).returncode == 0


def test_macos_builds_both_architectures_for_macos_13_and_later() -> None:
    assert set(WORKFLOW["jobs"]["macos"]["strategy"]["matrix"]["os"]) == {"macos-14", "macos-15-intel"}
    assert '"LSMinimumSystemVersion": "13.0"' in (ROOT / "build.spec").read_text(encoding="utf-8")


def test_the_workflow_signs_from_secrets_and_says_so_loudly_without_them() -> None:
    mac = _script("macos")
    for command in ("security create-keychain", "security import", "set-key-partition-list",
                    "notarytool store-credentials", "::warning::"):
        assert command in mac, command
    assert "security delete-keychain" in mac
    assert "::warning::" in _script("windows") and "FromBase64String" in _script("windows")
    text = (ROOT / ".github" / "workflows" / "installers.yml").read_text(encoding="utf-8")
    for secret in ("WINDOWS_CERTIFICATE", "WINDOWS_CERTIFICATE_PASSWORD", "MACOS_CERTIFICATE",
                   "MACOS_CERTIFICATE_PASSWORD", "MACOS_SIGN_IDENTITY", "MACOS_NOTARY_APPLE_ID",
                   "MACOS_NOTARY_TEAM_ID", "MACOS_NOTARY_PASSWORD"):
        assert f"secrets.{secret} }}" in text, secret
        assert f"`{secret}`" in (ROOT / "README.md").read_text(encoding="utf-8"), f"README names {secret}"


def test_linux_ci_runs_the_self_test_on_xcb_and_the_mutation_check() -> None:
    linux = _script("linux")
    assert "xvfb" in linux and "libxcb-cursor0" in linux and "gnome-keyring" in linux
    assert "python installers/build.py --installer" in linux
    assert "python installers/mutation_check.py dist/SellerDesk" in linux
    for job in ("windows", "macos"):
        assert "python installers/mutation_check.py dist/SellerDesk" in _script(job)


def test_a_tag_publishes_a_release_after_every_build() -> None:
    release = WORKFLOW["jobs"]["release"]
    assert set(release["needs"]) >= {"version", "linux", "windows", "macos"}
    assert release["permissions"]["contents"] == "write" and "refs/tags/v" in release["if"]
    assert "gh release create" in _script("release")
    for job in ("linux", "windows", "macos"):
        assert WORKFLOW["jobs"][job]["needs"] == "version"


def test_a_tag_signs_the_update_feed_after_the_release_it_points_at() -> None:
    release = _script("release")
    assert "secrets.UPDATE_KEYS }}" in (ROOT / ".github" / "workflows" / "installers.yml").read_text(encoding="utf-8")
    assert "python installers/update_feed.py add pages/updates keys" in release
    assert "::warning::The UPDATE_KEYS secret" in release
    steps = [step.get("name", "") for step in WORKFLOW["jobs"]["release"]["steps"]]
    assert steps.index("Publish the GitHub release") < steps.index(
        "Publish the update feed (after the release, whose archives it names)")
    for job in ("linux", "windows", "macos"):
        assert "installers/update_feed.py pack" in _script(job)
    assert "`UPDATE_KEYS`" in (ROOT / "README.md").read_text(encoding="utf-8")

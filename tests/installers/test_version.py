"""One version source (core.__version__): the package metadata, the build and a release tag all agree with it."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import tomllib
from pathlib import Path

import core

ROOT = Path(__file__).resolve().parents[2]
CHECK_TAG = ROOT / "installers" / "check_tag.py"


def _check(tag: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(CHECK_TAG), tag], capture_output=True, text=True, timeout=60)


def test_version_is_defined_once_and_the_package_metadata_reads_it() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "core.__version__"}
    assert importlib.metadata.version("sellerdesk") == core.__version__
    assert "tomllib" not in (ROOT / "build.spec").read_text(encoding="utf-8")


def test_a_tag_equal_to_the_version_passes() -> None:
    proc = _check(f"refs/tags/v{core.__version__}")
    assert proc.returncode == 0, proc.stderr
    assert _check(f"v{core.__version__}").returncode == 0


def test_a_tag_that_differs_from_the_version_is_refused_with_both_named() -> None:
    for tag in (f"v{core.__version__}.1", core.__version__, "v9.9.9", f"v{core.__version__}-rc1"):
        proc = _check(tag)
        assert proc.returncode == 1, tag
        assert core.__version__ in proc.stderr and tag in proc.stderr


def test_the_release_workflow_checks_the_tag_before_building() -> None:
    workflow = (ROOT / ".github" / "workflows" / "installers.yml").read_text(encoding="utf-8")
    assert "python installers/check_tag.py \"$GITHUB_REF_NAME\"" in workflow
    assert "needs: version" in workflow

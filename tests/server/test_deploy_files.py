"""The deploy files stay in step with the service: the image installs what the service needs, compose sets what
production mode requires, and the systemd unit's command line is one the service accepts."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

from server.__main__ import build_parser

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _name(requirement: str) -> str:
    return re.split(r"[<>=\[ ]", requirement.strip('"'), maxsplit=1)[0].lower()


def test_the_image_installs_the_server_extra() -> None:
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["server"]
    installed = {_name(word) for word in re.findall(r'"([^"]+)"', (DEPLOY / "Dockerfile").read_text())}
    assert {_name(requirement) for requirement in extra} <= installed


def test_compose_sets_every_production_setting() -> None:
    compose = (DEPLOY / "compose.yaml").read_text()
    for name in ("DATABASE_URL", "SELLERDESK_SERVER_SECRET", "SELLERDESK_SERVER_PUBLIC_URL"):
        assert f"{name}:" in compose
    assert "SELLERDESK_SERVER_MEDIA_DIR=/srv/sellerdesk-media" in (DEPLOY / "Dockerfile").read_text()
    assert "media:/srv/sellerdesk-media" in compose


def test_the_systemd_unit_starts_the_service_with_arguments_it_accepts() -> None:
    unit = (DEPLOY / "sellerdesk-server.service").read_text()
    command = shlex.split(re.search(r"^ExecStart=(.*)$", unit, re.MULTILINE).group(1))  # type: ignore[union-attr]
    assert command[0].endswith("sellerdesk-server")
    args = build_parser().parse_args(command[1:])
    assert (args.host, args.workers) == ("127.0.0.1", 4)
    assert "UMask=0077" in unit

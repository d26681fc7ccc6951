"""The deploy files stay in step with the service: the image installs what the service needs, compose sets what
production mode requires, and the systemd unit's command line is one the service accepts."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from server.__main__ import build_parser
from tests.server.s3_server import runbook_s3_settings

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
    for name in ("DATABASE_URL", "SELLERDESK_SERVER_SECRET", "SELLERDESK_SERVER_PUBLIC_URL",
                 "SELLERDESK_SERVER_SMTP_HOST", "SELLERDESK_SERVER_MAIL_FROM"):
        assert f"{name}:" in compose
    assert "SELLERDESK_SERVER_MEDIA_DIR=/srv/sellerdesk-media" in (DEPLOY / "Dockerfile").read_text()


def test_compose_keeps_media_in_minio_with_the_runbooks_settings() -> None:
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    server, setup = services["server"]["environment"], services["minio-setup"]
    assert runbook_s3_settings() <= set(server)
    endpoint = urlsplit(server["SELLERDESK_SERVER_S3_ENDPOINT_URL"])
    assert endpoint.hostname in services and endpoint.hostname == "minio" and "ports" not in services["minio"]
    # The service's key is the one the setup step creates, limited to the bucket the service uses.
    assert setup["environment"]["BUCKET"] == server["SELLERDESK_SERVER_S3_BUCKET"]
    assert setup["environment"]["SERVICE_KEY"] == server["AWS_ACCESS_KEY_ID"]
    variable = re.compile(r"^\$\{(\w+)[:}]")
    secret = variable.match(setup["environment"]["SERVICE_SECRET"])
    assert secret is not None and secret.group(1) == "SELLERDESK_S3_SECRET_KEY"
    assert variable.match(server["AWS_SECRET_ACCESS_KEY"]).group(1) == secret.group(1)  # type: ignore[union-attr]
    assert services["server"]["depends_on"]["minio-setup"] == {"condition": "service_completed_successfully"}
    script = setup["entrypoint"][-1]
    assert 'mc mb --ignore-existing "local/$$BUCKET"' in script and "arn:aws:s3:::%s/*" in script


def test_the_systemd_unit_starts_the_service_with_arguments_it_accepts() -> None:
    unit = (DEPLOY / "sellerdesk-server.service").read_text()
    command = shlex.split(re.search(r"^ExecStart=(.*)$", unit, re.MULTILINE).group(1))  # type: ignore[union-attr]
    assert command[0].endswith("sellerdesk-server")
    args = build_parser().parse_args(command[1:])
    assert (args.host, args.workers) == ("127.0.0.1", 4)
    assert "UMask=0077" in unit

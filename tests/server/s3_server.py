"""An S3-compatible server as a process on 127.0.0.1 (moto's server mode, from PyPI), for the storage tests."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3

from benchmarks.sync_server import free_port, wait_until_answering
from server.config import S3Settings

RUNBOOK = Path(__file__).resolve().parents[2] / "docs" / "operations.md"

# moto accepts any key pair; the service finds them where boto3 always looks (the environment).
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "sellerdesk-test", "AWS_SECRET_ACCESS_KEY": "sellerdesk-test-secret",
               "AWS_DEFAULT_REGION": "us-east-1"}


@contextlib.contextmanager
def running_s3(log_dir: Path) -> Iterator[str]:
    """`python -m moto.server` on a free port until the block ends; yields its endpoint URL."""
    port = free_port()
    log = (log_dir / "s3.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(proc, endpoint, "the S3 server", log.name)
        yield endpoint
    finally:
        proc.kill()  # it holds nothing worth a clean shutdown: the buckets live in its memory
        proc.wait()
        log.close()


def s3_client(endpoint: str) -> Any:
    """A plain boto3 client on the test server (what an operator's tools would see)."""
    return boto3.session.Session(aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                                 aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                                 region_name=CREDENTIALS["AWS_DEFAULT_REGION"]).client("s3", endpoint_url=endpoint)


def new_bucket(endpoint: str) -> S3Settings:
    """An empty bucket of its own for one test, and the settings that point the service at it."""
    name = f"sellerdesk-{uuid.uuid4().hex[:12]}"
    s3_client(endpoint).create_bucket(Bucket=name)
    return S3Settings(bucket=name, endpoint_url=endpoint, region=CREDENTIALS["AWS_DEFAULT_REGION"], path_style=True)


def keys(endpoint: str, bucket: str) -> list[str]:
    """Every key in the bucket."""
    listing = s3_client(endpoint).list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def remove_bucket(endpoint: str, bucket: str) -> None:
    """Empty and delete the bucket (an operator's mistake, or an outage, as the service sees it)."""
    client = s3_client(endpoint)
    for key in keys(endpoint, bucket):
        client.delete_object(Bucket=bucket, Key=key)
    client.delete_bucket(Bucket=bucket)


def runbook_s3_settings() -> set[str]:
    """The variables docs/operations.md's `s3-settings` block tells operators to set."""
    found = re.search(r"```sh s3-settings\n(.*?)```", RUNBOOK.read_text(encoding="utf-8"), re.DOTALL)
    assert found is not None, "docs/operations.md has no `s3-settings` block"
    return set(re.findall(r"^export (\w+)=", found.group(1), re.MULTILINE))

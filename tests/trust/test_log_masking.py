"""Secrets are masked in the log and in crash reports whatever shape they come in: inside JSON text, as Etsy's bare
tokens, or in structured fields."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from core.logs import LOG_FILE, setup_logging, stop_logging
from core.trust.crash import write_report

ETSY_TOKEN = "5551234.kD9fQ2xLmZ0aB7cN4pR8sT1uV6wY3e"


def _log_lines(folder: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (folder / LOG_FILE).read_text(encoding="utf-8").splitlines()]


def test_the_log_masks_secrets_inside_json_bare_tokens_and_fields(tmp_path: Path) -> None:
    setup_logging(tmp_path)
    log = logging.getLogger("sellerdesk.test")
    try:
        log.warning('the portal answered {"password": "hunter22", "state": "x"}')
        log.warning("GET https://api.etsy.com/v3/application/users/me with %s refused", ETSY_TOKEN)
        log.warning("refresh done", extra={"refresh_token": "r3fr3sh-abc", "tokens_used": 42,
                                           "request": {"headers": {"Authorization": "Bearer zzz"}, "api_key": "k-1"}})
    finally:
        stop_logging()
    text = (tmp_path / LOG_FILE).read_text(encoding="utf-8")
    for secret in ("hunter22", "kD9fQ2xLmZ0aB7cN4pR8", "r3fr3sh-abc", "zzz", "k-1"):
        assert secret not in text, secret
    last = _log_lines(tmp_path)[-1]
    assert last["tokens_used"] == 42 and last["refresh_token"] == "***"
    assert isinstance(last["request"], dict)  # the field keeps its shape


def test_a_crash_report_masks_a_bare_etsy_token(tmp_path: Path) -> None:
    try:
        raise RuntimeError(f"Etsy said 401 for token {ETSY_TOKEN}")
    except RuntimeError as exc:
        report = write_report(tmp_path, RuntimeError, exc, exc.__traceback__)
    text = report.read_text(encoding="utf-8")
    assert "kD9fQ2xLmZ0aB7cN4pR8" not in text and "Etsy said 401" in text

"""Structured, rotating log files in <data dir>/logs, with secrets masked before they reach disk."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE = "sellerdesk.log"
_MAX_BYTES = 2_000_000
_BACKUPS = 5

# Shapes of credentials that must never be written: Google API keys, Shopify tokens, Etsy's OAuth tokens (the
# user id, a dot, then the token: they appear bare in URLs and tracebacks), bearer/OAuth values, and key=value pairs
# whose key says secret.
_SECRET_PATTERNS = [
    re.compile(r"AIza[0-9A-Za-z_\-]{20,}"),
    re.compile(r"shp(?:at|ca|pa|ss)_[0-9a-fA-F]{16,}"),
    re.compile(r"\b\d{4,}\.[A-Za-z0-9_\-]{20,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=\-]{8,}"),
    re.compile(
        r"(?i)((?:access_token|refresh_token|fb_exchange_token|api[_-]?key|client_secret|password|x-api-key|secret"
        r"|code_verifier)"
        r"[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+"
    ),
]


def redact(text: str) -> str:
    """Mask anything in ``text`` that looks like a credential."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + "***", text) if pattern.groups else pattern.sub("***", text)
    return text


_SECRET_KEY = re.compile(r"(?i)token|secret|password|api[_-]?key|verifier|authorization")


def _masked(key: str, value: object) -> object:
    """``value`` (an ``extra`` field) with secrets masked, keeping its JSON shape."""
    if value is None or isinstance(value, bool | int | float):
        return value  # a count ("tokens_used") is never a credential
    if _SECRET_KEY.search(key) and value != "":
        return "***"
    if isinstance(value, dict):
        return {str(k): _masked(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(key, v) for v in value]
    return redact(str(value))


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, plus any ``extra`` fields given."""

    _STANDARD = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        # Masked before JSON encoding: escaping turns password="x" into password=\"x\", which the patterns would no
        # longer recognise.
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key, value in record.__dict__.items():
            if key not in self._STANDARD and not key.startswith("_"):
                entry[key] = _masked(key, value)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str, ensure_ascii=False)


def stop_logging() -> None:
    """Detach and close SellerDesk's log file handler (at exit, or before the data dir changes)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_sellerdesk", False):
            root.removeHandler(handler)
            handler.close()


def setup_logging(logs_dir: Path, level: str = "INFO") -> Path:
    """Send SellerDesk's log records to a rotating JSON-lines file in ``logs_dir``; returns the file path."""
    logs_dir.mkdir(parents=True, exist_ok=True)
    path = logs_dir / LOG_FILE
    stop_logging()
    root = logging.getLogger()
    handler = RotatingFileHandler(path, maxBytes=_MAX_BYTES, backupCount=_BACKUPS, encoding="utf-8")
    handler.setFormatter(JsonLineFormatter())
    handler._sellerdesk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return path

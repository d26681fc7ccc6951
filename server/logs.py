"""Logs as one JSON object per line, each carrying the id of the request it happened in (also sent back to the
client as X-Request-ID), tracebacks included as one string: ready for a log collector, greppable by request."""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id: ContextVar[str | None] = ContextVar("sellerdesk_request_id", default=None)


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "request_id", "message", "exception"}``; a message that is itself a JSON
    object (the access log's) is merged in rather than quoted."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        entry: dict[str, Any] = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                                 "level": record.levelname, "logger": record.name}
        current = request_id.get()
        if current is not None:
            entry["request_id"] = current
        message = record.getMessage()
        merged = False
        if message.startswith("{"):
            try:
                fields = json.loads(message)
            except ValueError:
                fields = None
            if isinstance(fields, dict):
                entry.update(fields)
                merged = True
        if not merged:
            entry["message"] = message
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, separators=(",", ":"), ensure_ascii=False, default=str)


def log_config(level: str) -> dict[str, Any]:
    """logging.config.dictConfig for the service: JSON lines on stderr. uvicorn's own access log stays off: ours
    replaces it, since uvicorn's would print query strings (OAuth codes travel there)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "server.logs.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "sellerdesk": {"handlers": ["stderr"], "level": level},
            "server": {"handlers": ["stderr"], "level": level},
        },
    }

"""How the service says no: one JSON shape, ``{"error": code, "message": text}``, for every failure."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          409: "conflict", 410: "gone", 413: "too_large", 415: "unsupported_media_type", 429: "rate_limited"}


class ApiError(StarletteHTTPException):
    """A refusal the client can act on: an HTTP status, a stable machine code and a sentence for people."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status, message, dict(headers) if headers else None)
        self.code = code
        self.message = message


def unauthorized(message: str = "Sign in again: this session has ended.") -> ApiError:
    """401 with the header RFC 6750 asks for."""
    return ApiError(401, "unauthorized", message, {"WWW-Authenticate": 'Bearer realm="sellerdesk"'})


def not_found(what: str) -> ApiError:
    """404 that never says whether the thing exists for someone else."""
    return ApiError(404, "not_found", f"No such {what} in this account.")


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error in the one shape; validation errors list fields but never echo the values sent."""

    async def http_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if isinstance(exc, ApiError):
            code, message = exc.code, exc.message
        else:
            code, message = _CODES.get(exc.status_code, "error"), str(exc.detail)
        return JSONResponse({"error": code, "message": message}, exc.status_code, headers=exc.headers)

    async def invalid_request(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        fields = [{"field": ".".join(str(part) for part in err.get("loc", ())), "problem": err.get("msg", "")}
                  for err in exc.errors()]
        return JSONResponse({"error": "invalid_request", "message": "Some fields are missing or wrong.",
                             "fields": fields}, 422)

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)

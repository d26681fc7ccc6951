"""The FastAPI application: routers, error shape and the middleware stack, around one set of services."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response

from server import account_mail, auth, blobs, media, oauth, sync
from server.config import ServerConfig, config_from_env
from server.context import Services, ServicesDep, client_address
from server.db import Database, migrate
from server.errors import ApiError, install_error_handlers
from server.housekeeping import Housekeeper
from server.metrics import CONTENT_TYPE, exposition
from server.middleware import AccessLog, BodyLimit, SecurityHeaders

# httpx logs every request URL at INFO; Facebook's token exchange carries the app secret in its query.
for _noisy in ("httpx", "httpcore"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)

DATA_DIR_ENV = "SELLERDESK_SERVER_DATA_DIR"


def _is_upload(method: str, path: str) -> bool:
    return (method == "PUT" and path.startswith("/v1/blobs/")) or (method == "POST" and path == "/v1/media")


def _private(address: str) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return parsed.is_loopback or parsed.is_private


def create_app(config: ServerConfig, db: Database | None = None) -> FastAPI:
    """The service as an ASGI app. The schema must already be migrated (see ``app_from_env`` and ``__main__``)."""
    services = Services.build(config, db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        keeper = Housekeeper(services, config.housekeeping_seconds) if config.housekeeping_seconds > 0 else None
        if keeper is not None:
            keeper.start()
        yield
        if keeper is not None:
            keeper.stop()
        services.close()

    docs = config.expose_api_docs
    app = FastAPI(title="SellerDesk service", version="1", lifespan=lifespan, docs_url="/docs" if docs else None,
                  redoc_url=None, openapi_url="/openapi.json" if docs else None)
    app.state.services = services
    install_error_handlers(app)
    for router in (auth.router, account_mail.router, sync.router, blobs.router, media.router, oauth.router):
        app.include_router(router)

    @app.api_route("/healthz", methods=["GET", "HEAD"], include_in_schema=False)
    def health() -> dict[str, str]:
        """Liveness: this process answers (restart it if not). Checks nothing else, so a database outage does
        not get every instance restarted."""
        return {"status": "ok"}

    @app.api_route("/readyz", methods=["GET", "HEAD"], include_in_schema=False)
    def ready(services: ServicesDep) -> dict[str, str]:
        """Readiness, for load balancers: 200 when the database answers and media storage takes a write."""
        try:
            services.db.ping()
        except Exception as exc:
            raise ApiError(503, "unavailable", "The database cannot be reached.") from exc
        try:
            services.store.probe()
        except OSError as exc:
            raise ApiError(503, "unavailable", "Media storage cannot be written to.") from exc
        return {"status": "ready"}

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request, services: ServicesDep) -> Response:
        """Prometheus metrics, for the operator's scraper only (a token, or a private address)."""
        token = services.config.metrics_token
        offered = request.headers.get("authorization", "")
        if token:
            if not hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
                raise ApiError(403, "forbidden", "Metrics need the metrics token.")
        elif not _private(client_address(request)):
            raise ApiError(403, "forbidden", "Metrics are served to private addresses only.")
        return Response(exposition(services.db), media_type=CONTENT_TYPE)

    # Added innermost first: the access log wraps everything, so even a 413 from the size limit is logged.
    app.add_middleware(BodyLimit, default_limit=config.limits.max_body_bytes,
                       upload_limit=config.limits.max_upload_bytes, is_upload=_is_upload)
    app.add_middleware(SecurityHeaders, hsts=config.public_url.startswith("https://"))
    app.add_middleware(AccessLog, trusts_proxy=config.trusts_proxy)
    return app


def app_from_env() -> FastAPI:
    """The app as configured by environment variables, its database migrated first.

    For ``uvicorn --factory server.app:app_from_env`` and for each worker that ``python -m server`` starts.
    """
    data_dir = os.environ.get(DATA_DIR_ENV)
    config = config_from_env(os.environ, Path(data_dir) if data_dir else None)
    db = Database(config.database_url, config.db_pool_size)
    migrate(db)
    return create_app(config, db)

"""The FastAPI application: routers, error shape and the middleware stack, around one set of services."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from server import auth, blobs, media, oauth, sync
from server.config import ServerConfig, config_from_env
from server.context import Services, ServicesDep
from server.db import Database, migrate
from server.errors import ApiError, install_error_handlers
from server.middleware import AccessLog, BodyLimit, SecurityHeaders

# httpx logs every request URL at INFO; Facebook's token exchange carries the app secret in its query.
for _noisy in ("httpx", "httpcore"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)

DATA_DIR_ENV = "SELLERDESK_SERVER_DATA_DIR"


def _is_upload(method: str, path: str) -> bool:
    return (method == "PUT" and path.startswith("/v1/blobs/")) or (method == "POST" and path == "/v1/media")


def create_app(config: ServerConfig, db: Database | None = None) -> FastAPI:
    """The service as an ASGI app. The schema must already be migrated (see ``app_from_env`` and ``__main__``)."""
    services = Services.build(config, db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        services.close()

    docs = config.expose_api_docs
    app = FastAPI(title="SellerDesk service", version="1", lifespan=lifespan, docs_url="/docs" if docs else None,
                  redoc_url=None, openapi_url="/openapi.json" if docs else None)
    app.state.services = services
    install_error_handlers(app)
    for router in (auth.router, sync.router, blobs.router, media.router, oauth.router):
        app.include_router(router)

    @app.get("/healthz", include_in_schema=False)
    def health(services: ServicesDep) -> dict[str, str]:
        """For load balancers: 200 when this instance can reach its database."""
        try:
            services.db.ping()
        except Exception as exc:
            raise ApiError(503, "unavailable", "The database cannot be reached.") from exc
        return {"status": "ok"}

    # Added innermost first: the access log wraps everything, so even a 413 from the size limit is logged.
    app.add_middleware(BodyLimit, default_limit=config.limits.max_body_bytes,
                       upload_limit=config.limits.max_upload_bytes, is_upload=_is_upload)
    app.add_middleware(SecurityHeaders, hsts=config.public_url.startswith("https://"))
    app.add_middleware(AccessLog)
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

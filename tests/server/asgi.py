"""A synchronous httpx client that talks to the ASGI app in-process (what SyncServiceClient uses in tests).

httpx's own ASGITransport is async-only; this bridges it through an anyio portal (an event loop on a helper
thread), so the app's sync routes still run in worker threads exactly as under uvicorn.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import anyio.from_thread
import httpx
from fastapi import FastAPI


class PortalTransport(httpx.BaseTransport):
    """Send each request to the app through the portal's event loop; the caller's address is "testclient"."""

    def __init__(self, app: FastAPI, portal: anyio.from_thread.BlockingPortal, address: str = "testclient") -> None:
        self._inner = httpx.ASGITransport(app=app, client=(address, 50000))
        self._portal = portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Forward the request (body read in full, headers kept: a chunked upload stays without a length)."""
        body = request.read()

        async def forward() -> tuple[int, httpx.Headers, bytes]:
            inner = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            response = await self._inner.handle_async_request(inner)
            return response.status_code, response.headers, await response.aread()

        status, headers, content = self._portal.call(forward)
        return httpx.Response(status, headers=headers, content=content, request=request)


@contextmanager
def asgi_client(app: FastAPI, base_url: str, follow_redirects: bool = False,
                address: str = "testclient") -> Iterator[httpx.Client]:
    """An httpx.Client bound to ``app`` at ``base_url`` (calling from ``address``), closed (with its event loop)
    afterwards."""
    with anyio.from_thread.start_blocking_portal() as portal, httpx.Client(
            transport=PortalTransport(app, portal, address), base_url=base_url,
            follow_redirects=follow_redirects) as client:
        yield client

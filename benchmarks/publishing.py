"""Publish 100 products to 5 API platforms through the queue, against local stand-ins answering each request after
100 ms, and compare with publishing them one after another. Every stand-in counts what it was sent per sliding
second and every rate-limit refusal (Etsy 429, Shopify THROTTLED, the generic fakes' 429).

Platforms: the Etsy and Shopify stand-ins (tests/fakes), plus three instances of a generic fake platform registered
for this run only (tests/publishing/generic_fake.py: one request per listing, each with its own limit and lane).

Two profiles for the queue run, the same baseline for both:
- shipped: resources/platforms/*.json as they are (Etsy 10 requests/s, concurrency 1 for Etsy and Shopify);
- raised:  what a seller with raised limits gets by editing those data files (Etsy app granted 50/s, a Shopify Plus
           store's 1000-points/s bucket, concurrency 8 for both).

Usage: python benchmarks/publishing.py [--products N] [--latency S] [--baseline-sample N]
Prints figures; never fails a build.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SELLERDESK_DATA_DIR", tempfile.mkdtemp(prefix="sellerdesk-bench-"))

import keyring  # noqa: E402

from core.app import App  # noqa: E402
from core.platforms.connections import record_connected  # noqa: E402
from core.platforms.publish import publish_listing  # noqa: E402
from core.platforms.registry import open_platform  # noqa: E402
from core.platforms.specs import all_specs  # noqa: E402
from core.publishing.jobs import list_jobs  # noqa: E402
from core.publishing.service import Publisher  # noqa: E402
from tests.fakes.etsy import EtsyStandIn  # noqa: E402
from tests.fakes.http_stand_in import Fault, Reply, Request  # noqa: E402
from tests.fakes.memory_keyring import MemoryKeyring  # noqa: E402
from tests.fakes.shopify import ShopifyStandIn  # noqa: E402
from tests.platforms.conftest import FakeVariants, add_product  # noqa: E402
from tests.publishing.conftest import connect_etsy, connect_shopify  # noqa: E402
from tests.publishing.generic_fake import GenericStandIn, register_fake  # noqa: E402

FAKES = {"fakegram": (20, 18.0, 4), "fakebook": (50, 45.0, 8), "fakepin": (25, 22.0, 4)}  # limit/s, client rate, lanes
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


class Counted:
    """Wraps a stand-in's dispatch: when each request came, and how many were refused for going too fast."""

    def __init__(self, server: Any, refused: bytes, limit: str) -> None:
        self.server, self.refused_marker, self.limit = server, refused, limit
        self.times: list[float] = []
        self.refused = 0
        inner = server.dispatch

        def dispatch(request: Request) -> Reply:
            self.times.append(time.monotonic())
            reply: Reply = inner(request)
            if reply.status == 429 or self.refused_marker in reply.body:
                self.refused += 1
            return reply

        server.dispatch = dispatch

    def figures(self) -> dict[str, Any]:
        """Requests, the busiest sliding second, refusals, and the limit the stand-in enforces."""
        window: deque[float] = deque()
        busiest = 0
        for moment in sorted(self.times):
            window.append(moment)
            while moment - window[0] >= 1.0:
                window.popleft()
            busiest = max(busiest, len(window))
        return {"requests": len(self.times), "busiest": busiest, "refused": self.refused, "limit": self.limit}


def serve(conn: Connection, latency: float, etsy_per_second: int, shopify_restore: float) -> None:
    """The five stand-ins, in their own process (real platforms do not share SellerDesk's CPU): sends their
    addresses, waits for "stop", sends their figures."""
    etsy = EtsyStandIn(per_second=etsy_per_second, per_day=100_000)
    shopify = ShopifyStandIn(maximum=max(1000.0, shopify_restore * 2), restore_rate=shopify_restore)
    servers = {"etsy": Counted(etsy, b"Too many requests", f"{etsy_per_second} requests in any second"),
               "shopify": Counted(shopify, b'"THROTTLED"', f"query-cost bucket restoring {shopify_restore:g} points/s")}
    for server in (etsy, shopify):
        server.faults.extend(Fault(m, re.compile(""), "delay", seconds=latency, times=10**9) for m in METHODS)
    for name, (limit, _rate, _lanes) in FAKES.items():
        servers[name] = Counted(GenericStandIn(per_second=limit, latency=latency), b"rate limited",
                                f"{limit} requests in any second")
    for counted in servers.values():
        counted.server.start()
    conn.send({name: counted.server.url for name, counted in servers.items()})
    conn.recv()
    conn.send({name: counted.figures() for name, counted in servers.items()})
    for counted in servers.values():
        counted.server.stop()


class Remote:
    """What the connect helpers need of a stand-in that runs in the other process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.keystring, self.shared_secret = EtsyStandIn.keystring, EtsyStandIn.shared_secret
        self.token, self.shop_domain = ShopifyStandIn.token, ShopifyStandIn.shop_domain


@contextmanager
def stand_ins(latency: float, *, etsy_per_second: int, shopify_restore: float) -> Iterator[Stats]:
    """All five stand-ins, started in a child process, with ``latency`` before every answer."""
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    child = multiprocessing.get_context("spawn").Process(
        target=serve, args=(theirs, latency, etsy_per_second, shopify_restore), daemon=True)
    child.start()
    stats = Stats({name: Remote(url) for name, url in ours.recv().items()})
    with ExitStack() as stack:
        for name, (_limit, rate, lanes) in FAKES.items():
            stack.enter_context(register_fake(name, stats.servers[name], rate=rate,  # type: ignore[arg-type]
                                              concurrency=lanes))
        try:
            yield stats
        finally:
            ours.send("stop")
            stats.figures = ours.recv()
            child.join(30)
            for name, figures in stats.figures.items():  # while the fakes are still registered
                spec = all_specs()[name]
                figures["data_file"] = f"{spec.rate_limits.requests_per_second:g}/s, {spec.concurrency} at once"


class Stats:
    """The stand-ins' addresses, and (once stopped) their figures."""

    def __init__(self, servers: dict[str, Remote]) -> None:
        self.servers = servers
        self.figures: dict[str, dict[str, Any]] = {}


@contextmanager
def raised_limits() -> Iterator[None]:
    """Etsy and Shopify as a seller with raised limits would set them in resources/platforms/*.json."""
    specs = all_specs()
    saved = {name: specs[name] for name in ("etsy", "shopify")}
    specs["etsy"] = replace(saved["etsy"], concurrency=8, rate_limits=replace(
        saved["etsy"].rate_limits, requests_per_second=40, burst=4))
    specs["shopify"] = replace(saved["shopify"], concurrency=8, rate_limits=replace(
        saved["shopify"].rate_limits, requests_per_second=55, burst=5, cost_restore_rate=1000, cost_bucket=2000))
    try:
        yield
    finally:
        specs.update(saved)


def fresh_app(servers: dict[str, Remote], products: int, root: Path) -> tuple[App, list[int]]:
    """A new data dir connected to ``servers`` with ``products`` products approved for every platform."""
    data = Path(tempfile.mkdtemp(dir=root))
    keyring.set_keyring(MemoryKeyring())
    app = App(data)
    connect_etsy(app, servers["etsy"])  # type: ignore[arg-type]
    connect_shopify(app, servers["shopify"])  # type: ignore[arg-type]
    app.settings.set("platforms.http.timeout_seconds", 30.0)
    for name in FAKES:
        record_connected(app.db, name, "Fake shop", "1", None, {})
    names = ("etsy", "shopify", *FAKES)
    ids = [add_product(app, platforms=names, sku=f"SKU-{n}", title=f"Handmade item {n}", photos=1)
           for n in range(products)]
    return app, ids


def report(label: str, seconds: float, stats: Stats) -> None:
    print(f"{label}: {seconds:.1f} s")
    for name, figures in stats.figures.items():
        print(f"  {name:9s} {figures['requests']:4d} requests, busiest second {figures['busiest']:3d}, refused for "
              f"speed {figures['refused']} | platform's limit: {figures['limit']}; data file: {figures['data_file']}")


def baseline(products: int, sample: int, latency: float, root: Path) -> float:
    """One after another (one platform client each, as the queue has): ``sample`` products, scaled to all."""
    with stand_ins(latency, etsy_per_second=10, shopify_restore=100.0) as stats:
        app, ids = fresh_app(stats.servers, sample, root)
        variants = FakeVariants(root / "variants")
        clients = {name: open_platform(app, name) for name in stats.servers}
        started = time.monotonic()
        for product in ids:
            for name, client in clients.items():
                publish_listing(app, product, name, variants=variants, target=client)
        seconds = time.monotonic() - started
        for client in clients.values():
            client.close()
        app.close()
    report(f"one after another, {sample} products × 5 platforms", seconds, stats)
    return seconds * products / sample


def queued(products: int, latency: float, root: Path, *, etsy_per_second: int, shopify_restore: float) -> float:
    """Everything through the Publisher's queue; returns the seconds until every job was published."""
    with stand_ins(latency, etsy_per_second=etsy_per_second, shopify_restore=shopify_restore) as stats:
        app, ids = fresh_app(stats.servers, products, root)
        publisher = Publisher(app, variants=FakeVariants(root / "variants"), probe=lambda platform: True)
        publisher.start()
        started = time.monotonic()
        result = publisher.schedule(ids, ["all"], "now")
        total = len(result.jobs)
        made = time.monotonic() - started
        while True:
            jobs = list_jobs(app.db)
            done = sum(j.state == "published" for j in jobs)
            stuck = [j for j in jobs if j.state in ("failed", "needs_attention")]
            if done + len(stuck) == total:
                break
            time.sleep(0.1)
        seconds = time.monotonic() - started
        publisher.stop()
        app.close()
    print(f"  ({total} jobs were made and queued in {made:.1f} s; work starts as they are made)")
    report(f"queue, {products} products × 5 platforms = {total} posts ({done} published, {len(stuck)} not)",
           seconds, stats)
    for job in stuck[:5]:
        print(f"  not published: {job.label}: {job.last_error}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--baseline-sample", type=int, default=0,
                        help="time this many products one after another and scale up (default: all of them)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="sellerdesk-bench-"))
    sample = args.baseline_sample or args.products
    one_by_one = baseline(args.products, sample, args.latency, root)
    print(f"=> one after another, {args.products} products: {one_by_one:.1f} s"
          + (f" (scaled from {sample})" if sample != args.products else ""))
    shipped = queued(args.products, args.latency, root, etsy_per_second=10, shopify_restore=100.0)
    print(f"=> shipped data files: {one_by_one / shipped:.1f}× faster than one after another")
    with raised_limits():
        raised = queued(args.products, args.latency, root, etsy_per_second=50, shopify_restore=1000.0)
    print(f"=> raised limits: {one_by_one / raised:.1f}× faster than one after another")


if __name__ == "__main__":
    main()

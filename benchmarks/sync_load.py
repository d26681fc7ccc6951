"""Sync under load: simulated devices push and pull against a real server on 127.0.0.1, then every change is
accounted for, and the server's CPU time per push is measured.

Usage: python benchmarks/sync_load.py [--accounts 50] [--devices 4] [--rounds 4] [--changes 10] [--think 5]
                                      [--open-conflicts 0] [--workers 2] [--database-url postgresql+psycopg://...]
Starts `python -m server` on a free loopback port (SQLite in a temp dir unless --database-url is given), runs
accounts x devices concurrent devices (200 by default), each doing a round (push of 10 changes, pull, a conflict
settled when it has one) then thinking for 0.5-1.5 x --think seconds (5 s: a desktop syncs after each save, and
sellers save every few seconds at their busiest); like the desktop, each pull and push carries the device's position
(cursor, the change id at it, the epoch) for the service's restore check, and a device keeps the conflict list it
read with its ETag, asking again (with If-None-Match, for what changed since) only when a pull names another tag
and counts some open conflicts (a service that names none is asked whenever there are conflicts, there or here).
--open-conflicts gives each account that many conflicts (over shared settings) that stay open throughout, as a
seller who leaves them for later has. The goals are for PostgreSQL with several workers (--database-url, --workers).
Prints requests/s, latency percentiles, the CPU the server and this load generator used (they share the machine) and
what the conflict listings cost (requests, 304s, bytes), checks that every applied version was pulled exactly once
by every other device of its account, that no device saw another account's record, that every conflict is kept and
that each device's list, kept up to date by changes, is the service's.
Then one device pushes --cpu-pushes batches of 10 in a row, in six spells, and the server processes' CPU time
(Linux /proc) is divided by them: the least of the spells is the figure (the median is printed beside it).
Each figure is printed beside its goal: push p95 <= 100 ms, <= 5 ms of server CPU per push of 10; exits 1 on a miss
or a lost/duplicated change.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

if str(Path(__file__).resolve().parents[1]) not in sys.path:  # run as a script: python benchmarks/sync_load.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.sync_server import running_server, server_cpu_seconds

PASSWORD = "load test passphrase"
GOAL_PUSH_P95_MS = 100.0
GOAL_CPU_PER_PUSH_MS = 5.0
CPU_SPELLS = 6  # the CPU figure's pushes are measured in spells (cpu_per_push)


@dataclass
class Device:
    """One simulated computer: its tokens, cursor, the versions it knows and what it pulled."""

    account: int
    name: str
    http: httpx.AsyncClient
    uid: str = field(default_factory=lambda: str(uuid.uuid4()))
    access: str = ""
    cursor: int = 0
    cursor_change: str | None = None  # the change at the cursor and the account's epoch, as the last pull said:
    epoch: str | None = None  # sent back with every pull and push, as the desktop does (restore detection)
    known: dict[str, int] = field(default_factory=dict)
    pulled: list[tuple[str, int]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    headers: httpx.Headers = field(default_factory=httpx.Headers)  # of the last answer
    named_tag: str | None = None  # the conflict list's ETag as the last pull named it (None: not named)
    open_conflicts: int = 0  # as the last pull said
    listing: dict[str, dict[str, Any]] = field(default_factory=dict)  # the conflicts last read, by id
    listing_tag: str | None = None  # and their ETag


@dataclass
class Tally:
    """Everything the run measured and every version the server applied, per account."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    applied: dict[int, dict[tuple[str, int], str]] = field(default_factory=lambda: defaultdict(dict))
    conflicts: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    statuses: Counter[str] = field(default_factory=Counter)
    body_bytes: Counter[str] = field(default_factory=Counter)  # response bodies by kind of request
    not_modified: Counter[str] = field(default_factory=Counter)  # 304 answers by kind of request


async def _call(device: Device, tally: Tally, kind: str, method: str, url: str, auth: bool = True,
                headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
    """The answer's JSON body (None for 304 Not Modified); the last answer's headers go to ``device.headers``."""
    headers = {**(headers or {}), **({"Authorization": f"Bearer {device.access}"} if auth else {})}
    for attempt in range(3):
        started = time.perf_counter()
        try:
            response = await device.http.request(method, url, headers=headers, **kwargs)
        except httpx.TransportError:
            # Safe to repeat: pulls read, and a repeated push carries the same change ids (applied once).
            tally.statuses["retried after network error"] += 1
            if attempt == 2:
                raise
            continue
        break
    tally.latencies[kind].append(time.perf_counter() - started)
    device.headers = response.headers
    if response.status_code == 304:
        tally.not_modified[kind] += 1
        return None
    response.raise_for_status()  # (httpx counts a 304 among the redirects it raises for)
    tally.body_bytes[kind] += len(response.content)
    return response.json()


async def _sign_in(tally: Tally, device: Device, first: bool, email: str) -> None:
    body = {"email": email, "password": PASSWORD, "device_id": device.uid, "device_name": device.name}
    if first:  # sign-up answers the same for every address (it signs nothing in); then the device signs in
        await _call(device, tally, "auth", "POST", "/v1/auth/register", auth=False,
                    json={"email": email, "password": PASSWORD})
    tokens = await _call(device, tally, "auth", "POST", "/v1/auth/login", auth=False, json=body)
    device.access = tokens["access_token"]


async def _pull(tally: Tally, device: Device, kind: str = "pull") -> None:
    while True:
        params: dict[str, Any] = {"cursor": device.cursor, "limit": 500}
        params.update({k: v for k, v in (("cursor_change", device.cursor_change), ("epoch", device.epoch)) if v})
        page = await _call(device, tally, kind, "GET", "/v1/sync/pull", params=params)
        for record in page["changes"]:
            device.pulled.append((record["id"], record["version"]))
            if record["kind"] == "product":  # devices edit the products they know (not --open-conflicts' settings)
                device.known[record["id"]] = max(device.known.get(record["id"], 0), record["version"])
        device.cursor, device.cursor_change, device.epoch = page["cursor"], page["cursor_change"], page["epoch"]
        device.named_tag, device.open_conflicts = page.get("conflicts_etag"), page["open_conflicts"]
        if not page["has_more"]:
            return


def _edits(device: Device, changes: int, rng: random.Random) -> dict[str, dict[str, Any]]:
    now = datetime.now(UTC).isoformat()
    edits: dict[str, dict[str, Any]] = {}
    known = list(device.known)
    for n in range(changes):
        # Mostly edits of records some device of the account made (concurrent ones collide), some new records.
        record = rng.choice(known) if known and rng.random() < 0.6 else str(uuid.uuid4())
        edits[record] = {"change_id": str(uuid.uuid4()), "kind": "product", "id": record,
                         "base_version": device.known.get(record, 0), "updated_at": now,
                         "data": {"title": f"{device.name} edit {n}", "price": rng.randint(1, 9999)}}
    return edits


def _position(device: Device) -> dict[str, Any]:
    return {"cursor": device.cursor, "cursor_change": device.cursor_change, "epoch": device.epoch}


async def _round(tally: Tally, device: Device, changes: int, rng: random.Random) -> None:
    edits = _edits(device, changes, rng)
    # Nothing to send (--changes 0: a round on the desktop's timer while the seller is away): no push.
    results = (await _call(device, tally, "push", "POST", "/v1/sync/push", json={
        "changes": list(edits.values()), "since": _position(device)}))["results"] if edits else []
    for outcome in results:
        tally.statuses[outcome["status"]] += 1
        if outcome["status"] == "applied":
            tally.applied[device.account][(outcome["id"], outcome["version"])] = device.uid
            device.known[outcome["id"]] = outcome["version"]
        elif outcome["status"] == "conflict":
            tally.conflicts[device.account].add(outcome["conflict"]["conflict_id"])
            device.conflicts.append(outcome["conflict"]["conflict_id"])
    await _pull(tally, device)
    if device.open_conflicts or device.listing if device.named_tag is None else device.named_tag != device.listing_tag:
        await _read_conflicts(tally, device)
    if device.conflicts:  # settle one of this device's conflicts per round by taking its own side
        conflict_id = device.conflicts[0]
        waiting = device.listing
        if conflict_id not in waiting:
            device.conflicts.pop(0)
            return
        current = waiting[conflict_id]["current"]
        response = await device.http.post(f"/v1/sync/conflicts/{conflict_id}/resolve",
                                     headers={"Authorization": f"Bearer {device.access}"},
                                     json={"choice": "conflict", "base_version": current["version"] if current else 0})
        if response.status_code == 200:
            record = response.json()["record"]
            tally.applied[device.account][(record["id"], record["version"])] = device.uid
            device.known[record["id"]] = record["version"]
            device.conflicts.pop(0)
            tally.statuses["resolved"] += 1


async def _list_conflicts(tally: Tally, device: Device, kind: str, tag: str | None = None,
                          limit: int = 500) -> tuple[dict[str, dict[str, Any]], str | None] | None:
    """Every open conflict of the device's account by id and the first page's ETag: what changed since the list
    tagged ``tag`` applied to ``device.listing`` when the service sends only that, else every page; None when the
    list is still the one tagged ``tag`` (304)."""
    found: dict[str, dict[str, Any]] = {}
    params: dict[str, Any] = {"limit": limit} | ({"since": tag} if tag else {})
    page = await _call(device, tally, kind, "GET", "/v1/sync/conflicts", params=params,
                       headers={"If-None-Match": tag} if tag else None)
    if page is None:
        return None
    first = device.headers.get("ETag")
    params.pop("since", None)
    while True:
        found.update((c["conflict_id"], c) for c in page["conflicts"])
        if page.get("changed"):
            held = {k: v for k, v in device.listing.items() if k not in set(page["gone"])}
            return held | found, first
        if not page["next"]:
            return found, first
        params["after"] = page["next"]
        page = await _call(device, tally, kind, "GET", "/v1/sync/conflicts", params=params)


async def _read_conflicts(tally: Tally, device: Device) -> None:
    if device.named_tag is not None and device.open_conflicts == 0:  # the pull said the list it tags is empty
        device.listing, device.listing_tag = {}, device.named_tag
        return
    listed = await _list_conflicts(tally, device, "conflicts", device.listing_tag)
    if listed is not None:
        device.listing, device.listing_tag = listed


@dataclass
class Report:
    """The run's figures and its verdict."""

    devices: int
    requests: int
    seconds: float
    percentiles: dict[str, tuple[float, float, float]]
    statuses: dict[str, int]
    problems: list[str]
    think: float = 0.0
    cpu_per_push_ms: float | None = None  # the least of the spells (cpu_per_push)
    cpu_per_push_median_ms: float | None = None
    # CPU seconds the server and this load generator used during the rounds: both share the machine, so latency
    # on a small one says as much about the generator as about the server.
    load_cpu: tuple[float, float] | None = None
    # The rounds' conflict listings: requests, of which 304 Not Modified, and bytes of response bodies.
    listings: tuple[int, int, int] = (0, 0, 0)

    @property
    def misses(self) -> list[str]:
        """The goals this run missed."""
        missed = []
        if self.percentiles.get("push", (0.0, 0.0, 0.0))[1] * 1000 > GOAL_PUSH_P95_MS:
            missed.append("push p95")
        if self.cpu_per_push_ms is not None and self.cpu_per_push_ms > GOAL_CPU_PER_PUSH_MS:
            missed.append("CPU per push")
        return missed

    @property
    def requests_per_second(self) -> float:
        """Completed requests per wall-clock second."""
        return self.requests / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        """The report as printed."""
        out = [f"{self.devices} devices thinking {self.think:g} s (0.5-1.5x) between rounds, {self.requests} "
               f"requests in {self.seconds:.1f} s: {self.requests_per_second:.0f} requests/s"]
        for kind, (p50, p95, p99) in sorted(self.percentiles.items()):
            out.append(f"  {kind:9} p50 {p50 * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   p99 {p99 * 1000:7.1f} ms")
        push_p95 = self.percentiles.get("push", (0.0, 0.0, 0.0))[1] * 1000
        out.append(f"  push p95 {push_p95:.1f} ms   (goal <= {GOAL_PUSH_P95_MS:.0f} ms)   "
                   f"{'ok' if push_p95 <= GOAL_PUSH_P95_MS else 'MISSED'}")
        if self.load_cpu is not None:
            server, generator = self.load_cpu
            out.append(f"  CPU during the rounds: server {server:.1f} s, load generator {generator:.1f} s "
                       f"(of {self.seconds:.1f} s on {os.cpu_count()} cores)")
        if self.cpu_per_push_ms is not None:
            out.append(f"  server CPU per push of 10: {self.cpu_per_push_ms:.2f} ms, the least of {CPU_SPELLS} spells "
                       f"(median {self.cpu_per_push_median_ms:.2f} ms)   (goal <= {GOAL_CPU_PER_PUSH_MS:.0f} ms)   "
                       f"{'ok' if self.cpu_per_push_ms <= GOAL_CPU_PER_PUSH_MS else 'MISSED'}")
        asked, unchanged, size = self.listings
        out.append(f"  conflict listings: {asked} requests ({unchanged} answered 304 Not Modified), "
                   f"{size / 1e6:.2f} MB")
        out.append("  outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items())))
        out.append("  verdict: " + ("every change pulled exactly once by every other device; no leaks; "
                                    "no conflict lost" if not self.problems else f"{len(self.problems)} PROBLEMS"))
        out.extend("    " + problem for problem in self.problems[:20])
        return out


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return at(0.50), at(0.95), at(0.99)


async def _check(tally: Tally, devices: list[Device]) -> list[str]:
    problems = []
    records_of = {account: {record for record, _ in applied} for account, applied in tally.applied.items()}
    for device in devices:
        expected = Counter(key for key, uid in tally.applied[device.account].items() if uid != device.uid)
        got = Counter(device.pulled)
        if got != expected:
            missing, extra = expected - got, got - expected
            problems.append(f"{device.name}: {sum(missing.values())} versions missing, {sum(extra.values())} "
                            "duplicated or unexpected")
        leaked = [record for record, _ in device.pulled if record not in records_of[device.account]]
        if leaked:
            problems.append(f"{device.name}: saw {len(leaked)} records of another account")
    for account in {d.account for d in devices}:
        first = next(d for d in devices if d.account == account)
        listed = await _list_conflicts(tally, first, "check", limit=1000)
        assert listed is not None  # asked without a tag
        open_ids = set(listed[0])
        unresolved = {c for d in devices if d.account == account for c in d.conflicts}
        if not unresolved <= open_ids:
            problems.append(f"account {account}: {len(unresolved - open_ids)} conflicts lost")
        for device in (d for d in devices if d.account == account and d.listing_tag):
            # What changed since the list it holds, applied to it, is the whole list as it now is.
            caught_up = await _list_conflicts(tally, device, "check", device.listing_tag, limit=1000)
            held = device.listing if caught_up is None else caught_up[0]
            if held != listed[0]:
                problems.append(f"{device.name}: its conflict list, kept up to date by changes, differs from the "
                                f"service's ({len(set(held) ^ open_ids)} conflicts, or what they show)")
    return problems


async def cpu_per_push(base_url: str, pid: int, pushes: int, changes: int) -> tuple[float, float]:
    """Milliseconds of server CPU per push of ``changes`` new records, one push after another from one device: the
    least and the median over CPU_SPELLS spells of pushes // CPU_SPELLS each.

    On a shared machine other work slows every instruction for seconds at a time (here a fixed pure-Python loop
    takes 216-326 ms from one second to the next, and the same 300 pushes cost 3 ms each, then 6 ms a minute
    later); as Python's timeit advises, the least is the code's own cost and the rest is that interference.
    """
    tally = Tally()
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        device = Device(0, "cpu-dev0", http)
        await _sign_in(tally, device, True, f"cpu-{uuid.uuid4().hex[:8]}@example.com")
        rng = random.Random(7)
        await _round(tally, device, changes, rng)  # warm up: first-use imports and caches
        spell = max(1, pushes // CPU_SPELLS)
        costs = []
        for _ in range(CPU_SPELLS):
            before = server_cpu_seconds(pid)
            for _ in range(spell):
                # Edits of its own records on the versions it knows, and new ones: each push applies (a lone
                # device meets no conflicts).
                edits = _edits(device, changes, rng)
                result = await _call(device, tally, "push", "POST", "/v1/sync/push",
                                     json={"changes": list(edits.values()), "since": _position(device)})
                device.known.update({o["id"]: o["version"] for o in result["results"] if o["status"] == "applied"})
            costs.append((server_cpu_seconds(pid) - before) * 1000 / spell)
        return min(costs), statistics.median(costs)


async def _open_conflicts(tally: Tally, seeder: Device, count: int) -> None:
    """``count`` shared settings that ``seeder`` wrote twice on top of nothing: the second writes stay open
    conflicts that no device settles (the load's devices pull the settings, and never edit them)."""
    ids = [str(uuid.uuid4()) for _ in range(count)]
    now = datetime.now(UTC).isoformat()
    for value in (1, 2):
        for start in range(0, count, 500):
            batch = [{"change_id": str(uuid.uuid4()), "kind": "setting", "id": record, "base_version": 0,
                      "updated_at": now, "data": {"key": f"note{start + n}", "value": value}}
                     for n, record in enumerate(ids[start:start + 500])]
            result = await _call(seeder, tally, "seed", "POST", "/v1/sync/push", json={"changes": batch})
            for outcome in result["results"]:
                if outcome["status"] == "applied":
                    tally.applied[seeder.account][(outcome["id"], outcome["version"])] = seeder.uid


async def run_load(base_url: str, accounts: int, devices_per_account: int, rounds: int, changes: int,
                   seed: int = 1, think: float = 0.0, open_conflicts: int = 0) -> Report:
    """Sign the devices in, run the rounds concurrently, pull to the end and check every version."""
    rng = random.Random(seed)
    tally = Tally()
    run_id = uuid.uuid4().hex[:8]
    async with contextlib.AsyncExitStack() as stack:
        # One client (one connection) per device, as on real computers; a shared pool of hundreds of connections
        # would cost the load generator more CPU than the server.
        devices = [Device(a, f"acct{a}-dev{d}", await stack.enter_async_context(
            httpx.AsyncClient(base_url=base_url, timeout=120)))
            for a in range(accounts) for d in range(devices_per_account)]
        gate = asyncio.Semaphore(16)

        async def sign_in(device: Device) -> None:
            async with gate:
                email = f"load-{run_id}-{device.account}@example.com"
                await _sign_in(tally, device, device.name.endswith("dev0"), email)

        await asyncio.gather(*(sign_in(d) for d in devices if d.name.endswith("dev0")))
        await asyncio.gather(*(sign_in(d) for d in devices if not d.name.endswith("dev0")))
        if open_conflicts:
            for first in (d for d in devices if d.name.endswith("dev0")):
                seeder = Device(first.account, f"acct{first.account}-seeder", first.http)
                await _sign_in(tally, seeder, False, f"load-{run_id}-{first.account}@example.com")
                await _open_conflicts(tally, seeder, open_conflicts)
        tally.latencies.clear()
        started = time.perf_counter()

        async def life(device: Device, device_rng: random.Random) -> None:
            await asyncio.sleep(device_rng.uniform(0, think))  # devices start at different moments
            for _ in range(rounds):
                await _round(tally, device, changes, device_rng)
                await asyncio.sleep(device_rng.uniform(0.5, 1.5) * think)
            await _pull(tally, device)

        await asyncio.gather(*(life(d, random.Random(rng.random())) for d in devices))
        # Every push is done now; a last pull lets each device catch up with the ones that finished after it.
        # (Every device at once: timed apart from the rounds' pulls, as no seller's desktop does this.)
        await asyncio.gather(*(_pull(tally, d, "catch-up") for d in devices))
        seconds = time.perf_counter() - started
        problems = await _check(tally, devices)
    requests = sum(len(v) for k, v in tally.latencies.items() if k != "check")  # the check ran after the clock
    return Report(len(devices), requests, seconds, {k: _percentiles(v) for k, v in tally.latencies.items()},
                  dict(tally.statuses), problems, think,
                  listings=(len(tally.latencies["conflicts"]), tally.not_modified["conflicts"],
                            tally.body_bytes["conflicts"]))


def main() -> int:
    """Parse arguments, start the server, run, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--devices", type=int, default=4, help="devices per account")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--changes", type=int, default=10, help="changes per push")
    parser.add_argument("--open-conflicts", type=int, default=0,
                        help="conflicts each account has open from the start, which nobody settles")
    parser.add_argument("--think", type=float, default=5.0, help="seconds a device waits between rounds (x0.5-1.5)")
    parser.add_argument("--cpu-pushes", type=int, default=300, help="pushes in a row for the CPU figure")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite in a temp dir)")
    parser.add_argument("--url", default=None,
                        help="use a server already running on this loopback URL (e.g. to profile it)")
    args = parser.parse_args()
    if args.url:
        if not args.url.startswith(("http://127.0.0.1:", "http://localhost:")):
            parser.error("--url must be a loopback address: this load is never pointed at a shared server")
        report = asyncio.run(run_load(args.url, args.accounts, args.devices, args.rounds, args.changes,
                                      think=args.think, open_conflicts=args.open_conflicts))
    else:
        pids: list[int] = []
        with tempfile.TemporaryDirectory(prefix="sellerdesk-load-") as tmp, \
                running_server(Path(tmp), workers=args.workers, database_url=args.database_url, started=pids) as base:
            print(f"server: {base} ({'PostgreSQL' if args.database_url else 'SQLite'}, {args.workers} workers)")
            server_before, generator_before = server_cpu_seconds(pids[0]), time.process_time()
            report = asyncio.run(run_load(base, args.accounts, args.devices, args.rounds, args.changes,
                                          think=args.think, open_conflicts=args.open_conflicts))
            # (sign-ins included: a few seconds of the run)
            report.load_cpu = (server_cpu_seconds(pids[0]) - server_before, time.process_time() - generator_before)
            # (pushes of 10 after rounds of --changes 0 too: the figure is per push of 10)
            report.cpu_per_push_ms, report.cpu_per_push_median_ms = asyncio.run(
                cpu_per_push(base, pids[0], args.cpu_pushes, args.changes or 10))
    print("\n".join(report.lines()))
    return 1 if report.problems or report.misses else 0


if __name__ == "__main__":
    sys.exit(main())

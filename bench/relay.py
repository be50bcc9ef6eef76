"""The team relay on a real PostgreSQL (#39): how long its one walk takes to store a team (its
own work, the budget's pacing left out: the pacing is bench/team.py's), what the copy weighs,
and how quickly it answers the clients' reads.

`python -m bench.relay [THREADS]` (default 10,000, the demo's large team; needs PostgreSQL's
server programs): a PostgreSQL of its own in a temporary folder, the demo service in-process,
the walk unpaced; then 200 thread lists (folders and filters, a page of 50 with the embeds the
app asks for), 100 conversations and 50 searches of a word inside conversations, through the
relay's HTTP surface (in-process), each timed.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tui.api.connect import raw_v2
from tui.api.pacing import RequestBudget
from tui.demo import DEMO_API_KEY, DEMO_ROOT, DemoApi, DemoStore, SeedConfig, demo_transport
from tui.relay.local_pg import LocalPostgres
from tui.relay.server import Relay
from tui.relay.store import RelayStore
from tui.relay.sync import Syncer

EMBEDS = [("expand", "profile"), ("expand", "contact")]
WORDS = ("pricing", "onboarding", "security", "proposal", "january", "hubspot", "case")


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


async def measure(dsn: str, threads: int) -> None:
    api = DemoApi(DemoStore(SeedConfig(threads=threads, lazy=True)), rate_limit=None)
    transport = demo_transport(api)
    store = await RelayStore.open(dsn)
    unpaced = RequestBudget(10**9)  # (the relay's pacing is bench/team.py's to measure)
    upstream = raw_v2(DEMO_API_KEY, base_url=f"{DEMO_ROOT}/v2", transport=transport, budget=unpaced)
    syncer = Syncer(store, upstream, share=1000.0)  # (its own speed: 300,000 a minute)
    relay = Relay(store, syncer, upstream_url=f"{DEMO_ROOT}/v2", api_key=DEMO_API_KEY, sync=False)
    token = await store.add_person("bench")
    started = time.perf_counter()
    await syncer.walk()
    walked = time.perf_counter() - started
    async with store.pool.connection() as conn:
        cur = await conn.execute("SELECT pg_database_size(current_database())")
        size = (await cur.fetchone() or (0,))[0]
        cur = await conn.execute("SELECT count(*) FROM messages")
        messages = (await cur.fetchone() or (0,))[0]
    print(
        f"walk of {threads:,} threads and {messages:,} messages: {walked:.1f} s "
        f"({api.request_log.__len__():,} requests), database {size / 1e6:.0f} MB"
    )
    rng = random.Random(39)
    tags = [t["id"] for t in (await store.directory("tag") or [])]
    members = [m["id"] for m in (await store.directory("member") or [])]
    queries: list[list[tuple[str, str]]] = [
        [],
        [("folder", "noReply")],
        [("folder", "all"), ("order", "asc")],
        [("folder", "archived")],
        *([("folder", "all"), ("tag", t)] for t in tags[:3]),
        *([("assigneeId", m)] for m in members[:2]),
        [("unassigned", "true")],
    ]
    before = len(api.request_log)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=relay.starlette),
        base_url="http://relay/api/v2",
        headers={"Authorization": f"Bearer {token}"},
    ) as client:
        lists, opens, searches = [], [], []
        thread_ids: list[str] = []
        for i in range(200):
            params: list[tuple[str, str | int | float | bool | None]] = [
                *queries[i % len(queries)],
                *EMBEDS,
                ("limit", "50"),
            ]
            t0 = time.perf_counter()
            answer = await client.get("/threads", params=params)
            lists.append(time.perf_counter() - t0)
            thread_ids += [t["id"] for t in answer.json()["data"][:3]]
        for thread_id in rng.sample(thread_ids, min(100, len(thread_ids))):
            t0 = time.perf_counter()
            await client.get(f"/threads/{thread_id}/messages", params={"limit": "50"})
            opens.append(time.perf_counter() - t0)
        found = 0
        for i in range(50):
            word = WORDS[i % len(WORDS)]
            t0 = time.perf_counter()
            answer = await client.get("/threads", params=[("folder", "all"), ("q", word)])
            searches.append(time.perf_counter() - t0)
            found += len(answer.json()["data"])
    print(f"thread list (50, embedded): {percentiles(lists)}")
    print(f"conversation (50 messages): {percentiles(opens)}")
    print(f"search inside conversations: {percentiles(searches)} ({found // 50} threads a page)")
    print(f"requests to the service while answering them: {len(api.request_log) - before}")
    await upstream.aclose()
    await relay.stop()
    await store.close()


def main() -> None:
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory(prefix="inbox-pg-bench-") as folder:
        server = LocalPostgres(Path(folder))
        dsn = server.start()
        try:
            asyncio.run(measure(dsn, threads))
        finally:
            server.stop()


if __name__ == "__main__":
    main()

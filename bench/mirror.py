"""The local mirror on the demo: how fast it fills (messages stored a second), its size on
disk, how fast a search answers once it is full, and the request rate of the app's walk.

Run alone: `python -m bench.mirror [THREADS]` (default 10,000); `make bench` includes it.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from tui.api.pacing import RequestBudget
from tui.backend import demo_backend
from tui.core.directory import fetch_directory
from tui.core.mirror import Mirror, mirror_path, parse_search
from tui.core.query import MAX_LIMIT, InboxView, ThreadQuery
from tui.demo import DemoApi, DemoStore, SeedConfig

QUERIES = (
    "onboarding",
    '"SOC 2"',
    "integr*",
    "pricing NOT enterprise",
    "from:them budget",
    "from:me proposal",
    'tag:"hot lead" call',
    "after:30d security",
    "before:2026-10-01 thanks",
    "coffee OR growth",
)


async def fill(threads: int, folder: Path) -> dict[str, float]:
    """Every thread and message of the demo, read through the API and stored."""
    # As fast as the machine goes: neither the demo's 300 a minute nor the client's pacing
    # (the app's own walk keeps to its share: see walk_rate).
    api = DemoApi(DemoStore(SeedConfig(threads=threads)), rate_limit=None)
    client = demo_backend(api, "v2", budget=RequestBudget(10**9, 60.0)).client
    directory = await fetch_directory(client, {})
    mirror = Mirror(mirror_path(folder, "bench"))
    links = directory.account_link_ids
    store_seconds = 0.0
    requests = messages = 0
    query: ThreadQuery | None = ThreadQuery(inbox=InboxView.ALL, limit=MAX_LIMIT)
    thread_ids: list[str] = []
    while query is not None:
        page = await client.list_threads(query)
        requests += 1
        started = time.perf_counter()
        mirror.put_threads(page.threads, directory)
        store_seconds += time.perf_counter() - started
        thread_ids += [t.id for t in page.threads]
        query = None if page.next_cursor is None else query.with_cursor(page.next_cursor)
    for thread_id in thread_ids:
        cursor = None
        while True:
            page_of = await client.list_messages(thread_id, limit=MAX_LIMIT, cursor=cursor)
            requests += 1
            started = time.perf_counter()
            mirror.put_messages(thread_id, page_of.messages, links, older=page_of.next_cursor)
            store_seconds += time.perf_counter() - started
            messages += len(page_of.messages)
            if page_of.next_cursor is None:
                break
            cursor = page_of.next_cursor
    latencies = search_latencies(mirror, api.store.now(), runs=5)
    counts = mirror.counts()
    mirror.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = mirror.size_bytes()
    mirror.close()
    prefix = f"mirror, {threads:,}-thread demo"
    return {
        f"{prefix}: threads stored": counts.threads,
        f"{prefix}: messages stored": counts.messages,
        f"{prefix}: requests to fill it": requests,
        f"{prefix}: messages stored a second (writes only)": round(messages / store_seconds),
        f"{prefix}: size on disk (MB)": round(size / 1e6, 1),
        f"{prefix}: search p50 (ms)": round(statistics.median(latencies) * 1000, 2),
        f"{prefix}: search p95 (ms)": round(latencies[int(len(latencies) * 0.95)] * 1000, 2),
        f"{prefix}: search max (ms)": round(latencies[-1] * 1000, 2),
    }


def search_latencies(mirror: Mirror, now: datetime, runs: int) -> list[float]:
    """Seconds each of QUERIES took, `runs` times over, sorted."""
    latencies = []
    for _ in range(runs):
        for text in QUERIES:
            started = time.perf_counter()
            mirror.search(parse_search(text, now), 50)
            latencies.append(time.perf_counter() - started)
    return sorted(latencies)


async def walk_rate(seconds: float = 30.0) -> dict[str, float]:
    """Requests a minute the app's own walk makes, left alone on the 300-thread demo."""
    from tui.core.config import Settings
    from tui.ui.app import InboxApp

    api = DemoApi(DemoStore(SeedConfig(threads=300)))
    folder = Path(tempfile.mkdtemp(prefix="inbox-bench-mirror-"))
    settings = Settings(demo=True, data_dir=folder, poll_interval=3600, mirror="on")
    app = InboxApp(settings, backend=demo_backend(api, "v2"))
    async with app.run_test(size=(130, 36)) as pilot:
        await pilot.pause(2.0)
        app.mirror._last_input = 0.0
        before = len(api.request_log)
        await pilot.pause(seconds)
        made = len(api.request_log) - before
    return {"mirror walk: requests a minute, left alone (budget 30)": round(made * 60 / seconds, 1)}


async def main(threads: int) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="inbox-bench-mirror-"))
    results = await fill(threads, folder)
    results.update(await walk_rate())
    return results


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    for key, value in asyncio.run(main(size)).items():
        print(f"{key:<70} {value:>12,.2f}")

"""The mirror at the demo's largest size: 100,000 threads and 2,000,000 messages.

Reading that many through the API would take hours of requests, so the rows are made from the
demo's own threads and message texts (each text given a number of its own) and written through
the same `Mirror.put_threads` / `put_messages` the app uses. Searching is measured in a fresh
process, on the database as it is left, as the app or `inbox-tui search` would meet it.

Run: `python -m bench.mirror_scale [THREADS MESSAGES]`; `make bench` runs it in a subprocess.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui.api.pacing import RequestBudget
from tui.backend import demo_backend
from tui.core.directory import fetch_directory
from tui.core.mirror import Mirror, mirror_path
from tui.core.query import MAX_LIMIT, InboxView, ThreadQuery
from tui.demo import DemoApi, DemoStore, SeedConfig

BASE = datetime(2026, 11, 1, tzinfo=UTC)


async def fill(path: Path, threads: int, messages: int) -> dict[str, float]:
    api = DemoApi(DemoStore(SeedConfig(threads=300)), rate_limit=None)
    client = demo_backend(api, "v2", budget=RequestBudget(10**9, 60.0)).client
    directory = await fetch_directory(client, {})
    models = (await client.list_threads(ThreadQuery(inbox=InboxView.ALL, limit=MAX_LIMIT))).threads
    texts = []
    for model in models[:60]:
        texts += (await client.list_messages(model.id, limit=MAX_LIMIT)).messages
    rng = random.Random(7)
    mirror = Mirror(path)
    links = directory.account_link_ids
    per_thread = max(1, messages // threads)
    batch, written, writing = [], 0, 0.0
    for i in range(threads):
        thread = models[i % len(models)].model_copy(update={"id": f"t{i:07d}"})
        batch.append(thread)
        page = [
            text.model_copy(
                update={
                    "id": f"m{i:07d}{j:03d}",
                    "thread_id": thread.id,
                    "content": f"{text.content} n{rng.randrange(100_000)}",
                    "created_at": BASE - timedelta(minutes=i * 7 + j),
                }
            )
            for j in range(per_thread)
            for text in (texts[rng.randrange(len(texts))],)
        ]
        started = time.perf_counter()
        if len(batch) == 100:
            mirror.put_threads(batch, directory)
            batch = []
        mirror.put_messages(thread.id, page, links, older=None)
        writing += time.perf_counter() - started
        written += len(page)
    mirror.put_threads(batch, directory)
    mirror.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    counts = mirror.counts()
    mirror.close()
    return {
        "threads": counts.threads,
        "messages": counts.messages,
        "size (MB)": round(counts.size_bytes / 1e6, 1),
        "messages written a second": round(written / writing),
    }


def search_latency(path: Path) -> dict[str, float]:
    from bench.mirror import search_latencies

    mirror = Mirror(path)
    latencies = search_latencies(mirror, BASE, runs=3)
    mirror.close()
    return {
        "search p50 (ms)": round(statistics.median(latencies) * 1000, 2),
        "search p95 (ms)": round(latencies[int(len(latencies) * 0.95)] * 1000, 2),
    }


def measure(threads: int = 100_000, messages: int = 2_000_000) -> dict[str, float]:
    """Both steps, each in a process of its own; the figures keyed for `make bench`."""
    path = mirror_path(Path(tempfile.mkdtemp(prefix="inbox-bench-scale-")), "scale")
    found: dict[str, float] = {}
    for step in ("fill", "search"):
        command = [sys.executable, "-m", "bench.mirror_scale", step, str(path)]
        command += [str(threads), str(messages)]
        result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=3600)
        found.update(json.loads(result.stdout.strip().splitlines()[-1]))
    prefix = f"mirror, {threads:,} threads / {messages:,} messages"
    return {f"{prefix}: {key}": value for key, value in found.items()}


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("fill", "search"):
        where, size = Path(sys.argv[2]), (int(sys.argv[3]), int(sys.argv[4]))
        if sys.argv[1] == "fill":
            print(json.dumps(asyncio.run(fill(where, *size))))
        else:
            print(json.dumps(search_latency(where)))
    else:
        sizes = [int(a) for a in sys.argv[1:3]] or [100_000, 2_000_000]
        for key, value in measure(*sizes).items():
            print(f"{key:<75} {value:>12,.2f}")

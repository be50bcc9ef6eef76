"""`make bench`: prints a table of timings and writes bench/results/latest.json.

Each figure is the median over repeated runs. In-process measurements use Textual's headless
driver against the embedded demo API, the same HTTP surface as the real service.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from tui.api.models import Thread
from tui.app import InboxApp
from tui.config import Settings
from tui.demo import DemoApi, DemoStore, SeedConfig, demo_backend

RESULTS = Path(__file__).resolve().parent / "results"


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def percentile_ms(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return round(ordered[index] * 1000, 2)


def seed_time(threads: int, runs: int = 3) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        DemoStore(SeedConfig(threads=threads))
        samples.append(time.perf_counter() - start)
    return median_ms(samples)


async def first_row(threads: int) -> float:
    """From app start (headless) until the first thread row is in the list."""
    api = DemoApi(DemoStore(SeedConfig(threads=threads)))
    app = InboxApp(Settings(demo=True), backend=demo_backend(api))
    start = time.perf_counter()
    async with app.run_test(size=(130, 36)) as pilot:
        while not app.thread_list.threads:
            await pilot.pause(0.001)
        elapsed = time.perf_counter() - start
    return elapsed


async def cursor_latency(loaded: int, presses: int = 200) -> list[float]:
    """Key press to painted frame for moving the cursor, with `loaded` threads in the list."""
    api = DemoApi(DemoStore(SeedConfig(threads=300)))
    app = InboxApp(Settings(demo=True), backend=demo_backend(api))
    samples: list[float] = []
    async with app.run_test(size=(130, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        template = app.thread_list.threads[0]
        many = (
            [
                Thread.model_validate({**template.to_wire(), "id": f"t{i:07d}"})
                for i in range(loaded)
            ]
            if loaded > len(app.thread_list.threads)
            else app.thread_list.threads
        )
        app.thread_list.set_threads(many)
        await pilot.pause()
        frames = paint_clock(app)
        for i in range(presses):
            start = time.perf_counter()
            await pilot.press("j" if i % 50 < 40 else "k")
            await pilot.pause()
            painted = [t for t in frames if t > start]
            if painted:
                samples.append(painted[0] - start)
    return samples


def paint_clock(app: InboxApp) -> list[float]:
    """Records when each frame is handed to the terminal driver: key-to-paint ends there,
    not when the test harness finishes waiting."""
    frames: list[float] = []
    display = app._display

    def timed_display(screen: object, renderable: object) -> None:
        display(screen, renderable)  # type: ignore[arg-type]
        frames.append(time.perf_counter())

    app._display = timed_display  # type: ignore[method-assign]
    return frames


async def repeated(fn: Callable[[], Awaitable[float]], runs: int) -> float:
    return median_ms([await fn() for _ in range(runs)])


async def main() -> None:
    results: dict[str, float] = {}
    results["seed 300 threads (ms)"] = seed_time(300)
    results["seed 10,000 threads (ms)"] = seed_time(10_000)
    results["first row, 300 threads, headless (ms)"] = await repeated(lambda: first_row(300), 5)
    results["first row, 10,000 threads, headless (ms)"] = await repeated(
        lambda: first_row(10_000), 3
    )
    for loaded in (10_000, 100_000):
        samples = await cursor_latency(loaded)
        results[f"cursor move p50, {loaded:,} loaded (ms)"] = percentile_ms(samples, 50)
        results[f"cursor move p95, {loaded:,} loaded (ms)"] = percentile_ms(samples, 95)
    width = max(len(k) for k in results)
    print(f"{'measure':<{width}}  value")
    for key, value in results.items():
        print(f"{key:<{width}}  {value:>8.2f}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    asyncio.run(main())

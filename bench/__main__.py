"""`make bench`: prints a table of timings and writes bench/results/latest.json.

Each figure is the median over repeated runs. In-process measurements use Textual's headless
driver against the embedded demo API, the same HTTP surface as the real service.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from bench.coldstart import (
    REPO,
    app_first_row,
    has_cached_rows,
    minimal_first_line,
    tmux_server,
)
from bench.compare import run_probe
from bench.follow_up import follow_up_reading
from bench.mirror import main as mirror_figures
from bench.mirror_scale import measure as mirror_at_scale
from bench.probe import (
    app_on,
    cursor_latency,
    long_thread,
    median_ms,
    percentile_ms,
    press_to_paint,
    settle,
    view_switch_latency,
)
from bench.switch import measure as switch_measure
from tui.core.api_versions import ApiVersion
from tui.core.edits import EditField, edit_for
from tui.core.model import Thread
from tui.core.query import IdFilter
from tui.demo import DemoApi, DemoStore, SeedConfig

RESULTS = Path(__file__).resolve().parent / "results"
COLD_RUNS = 9
STARTUP_IMPORTS = {  # name -> modules, cumulative
    "the settings": "tui.core.config",
    "the command line": "tui.core.config,tui.cli",
    "the command line and the app": "tui.core.config,tui.cli,tui.ui.app",
}


def machine_reference(runs: int = 5) -> float:
    """A pure-Python loop: how fast this machine runs Python today, so that runs on different
    days (or hosts) can be compared. Every absolute figure below scales with it."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        total = 0
        for i in range(5_000_000):
            total += i
        samples.append(time.perf_counter() - start)
    return median_ms(samples)


VERSIONS: tuple[ApiVersion, ...] = ("v2", "v1")


class Stepper(App[None]):
    """The framework's own key-to-paint: one line that changes with each key."""

    BINDINGS = [Binding("j", "step(1)"), Binding("k", "step(-1)")]
    row = 0

    def compose(self) -> ComposeResult:
        yield Static("row 0")

    def action_step(self, by: int) -> None:
        self.row += by
        self.query_one(Static).update(f"row {self.row}")


async def framework_latency(presses: int = 200) -> list[float]:
    app = Stepper()
    async with app.run_test(size=(130, 36)) as pilot:
        return await press_to_paint(app, pilot, presses)


def seed_time(threads: int, runs: int = 3) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        DemoStore(SeedConfig(threads=threads))
        samples.append(time.perf_counter() - start)
    return median_ms(samples)


async def first_row(threads: int, version: ApiVersion = "v2") -> float:
    """From app start (headless) until the first thread row is in the list."""
    api = DemoApi(DemoStore(SeedConfig(threads=threads)))
    app = app_on(api, version)
    start = time.perf_counter()
    async with app.run_test(size=(130, 36)) as pilot:
        while not app.thread_list.threads:
            await pilot.pause(0.001)
        elapsed = time.perf_counter() - start
    return elapsed


async def arrangement_times(loaded: int = 100_000, runs: int = 3) -> dict[str, float]:
    """Client-side work over every loaded row, with `loaded` threads in the list (distinct
    pages of the demo, so scores and labels vary): the lead-score sort (`%`), a minimum
    score (`#`), and the label counts of the `L` screen."""
    store = DemoStore(SeedConfig(threads=300))
    wires = [store.thread_wire(t) for t in store._order[:300]]
    app = app_on(DemoApi(store))
    sort: list[float] = []
    minimum: list[float] = []
    counts: list[float] = []
    async with app.run_test(size=(130, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.thread_list.set_threads([])
        for page in range(loaded // 300):
            app.thread_list.append_threads(
                [
                    Thread.model_validate({**wire, "id": f"{wire['id'][:12]}{page:07d}"})
                    for wire in wires
                ]
            )
        await pilot.pause()
        for _ in range(runs):
            start = time.perf_counter()
            app.ranking.action_sort_by_score()
            sort.append(time.perf_counter() - start)
            start = time.perf_counter()
            app.ranking.min_score = 40
            app.ranking.apply_ranking()
            minimum.append(time.perf_counter() - start)
            app.ranking.by_score, app.ranking.min_score = False, None
            app.ranking.apply_ranking()
            start = time.perf_counter()
            app.labels.label_rows()
            counts.append(time.perf_counter() - start)
    return {
        f"lead-score sort (%), {loaded:,} loaded (ms)": median_ms(sort),
        f"minimum score (#), {loaded:,} loaded (ms)": median_ms(minimum),
        f"label counts (L), {loaded:,} loaded (ms)": median_ms(counts),
    }


async def repeated(fn: Callable[[], Awaitable[float]], runs: int) -> float:
    return median_ms([await fn() for _ in range(runs)])


async def held_key(repeats: int = 40, rate: float = 30.0) -> tuple[float, float]:
    """A held-down j: key repeats arrive at the terminal's rate from another thread (as the
    driver's do), whether or not the app keeps up. Returns the CPU time spent per repeat and
    how long after the last repeat the list reaches its row (0 when it kept up)."""
    api = DemoApi(DemoStore(SeedConfig(threads=3_000)))
    app = app_on(api)
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot)
        app.thread_list.focus()
        await pilot.pause()
        start = app.thread_list.cursor
        loop = asyncio.get_running_loop()

        def hold_key() -> None:
            for _ in range(repeats):
                loop.call_soon_threadsafe(app.post_message, events.Key("j", "j"))
                time.sleep(1 / rate)

        cpu = time.process_time()
        await asyncio.to_thread(hold_key)
        released = time.perf_counter()
        while app.thread_list.cursor < start + repeats:
            await asyncio.sleep(0.001)
        lag = time.perf_counter() - released
        await settle(pilot)  # the sidebar catching up counts too
        return (time.process_time() - cpu) / repeats, lag


async def requests_per_action(version: ApiVersion = "v2") -> dict[str, int]:
    """HTTP requests each user action makes (the minimum for each is 1)."""
    api = DemoApi(DemoStore(SeedConfig(threads=300)))
    app = app_on(api, version)
    counts: dict[str, int] = {}
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot)

        async def count(name: str, *keys: str) -> None:
            before = len(api.request_log)
            await pilot.press(*keys)
            await settle(pilot)
            counts[f"requests: {name} (minimum 1)"] = len(api.request_log) - before

        await count("switch view", "2")
        await count("clear to default view", "1")
        app.account.thread_query = replace(
            app.thread_query, tags=IdFilter((next(iter(app.directory.tags)),))
        )
        before = len(api.request_log)
        app.load_threads()
        await settle(pilot)
        counts["requests: apply a filter (minimum 1)"] = len(api.request_log) - before
        app.account.thread_query = app.thread_query.cleared()
        app.load_threads()
        await settle(pilot)
        await count("open a thread", "enter")
        app.thread_list.focus()
        before = len(api.request_log)
        current = app.thread_list.current
        assert current is not None
        tag = next(t for t in app.directory.tags if t not in current.prospect.context.tags)
        app.triage.apply_edits(
            [edit_for(current, EditField.TAGS, [*current.prospect.context.tags, tag])],
            "tag",
        )
        await settle(pilot)
        counts["requests: add a tag (minimum 1)"] = len(api.request_log) - before
        await count("scroll to the end of a page", "G")
    return counts


def day_of_keys_apart() -> dict[str, float]:
    """bench/memory.py in a process of its own, so that its RSS is the app's alone (not this
    bench's so far): 10,000 keys, about 4 minutes."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.memory", "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.memory failed:\n{result.stderr[-3000:]}")
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


async def main() -> None:
    results: dict[str, float] = {}
    # Shared machines change speed during a run: the reference is taken at both ends.
    results["machine: pure-Python loop, 5M additions, at start (ms)"] = machine_reference()
    # Interleaved, so that a busy moment of the machine weighs on all three alike. A first
    # launch has an empty data dir; a later launch finds the last run's cached first page.
    minimal: list[float] = []
    first_launch: dict[str, list[float]] = {v: [] for v in VERSIONS}
    later_launch: dict[str, list[float]] = {v: [] for v in VERSIONS}
    data_dirs = {v: Path(tempfile.mkdtemp(prefix=f"inbox-bench-{v}-")) for v in VERSIONS}
    # The same minimal app after importing what the app's first frame needs: its imports
    # alone, before it does anything.
    with_imports: dict[str, list[float]] = {name: [] for name in STARTUP_IMPORTS}
    with tmux_server():
        # Leaves the cache a later launch starts from: the app writes it once the first page
        # is painted, so it is given time to before it is closed.
        for version in VERSIONS:
            app_first_row(10_000, data_dirs[version], linger=3.0, version=version)
            if not has_cached_rows(data_dirs[version]):
                raise RuntimeError(f"the first {version} launch left no cached rows")
        for _ in range(COLD_RUNS):
            minimal.append(minimal_first_line())
            for version in VERSIONS:
                fresh = Path(tempfile.mkdtemp(prefix="inbox-b-"))
                first_launch[version].append(app_first_row(10_000, fresh, version=version))
                later_launch[version].append(
                    app_first_row(10_000, data_dirs[version], version=version)
                )
            for name, modules in STARTUP_IMPORTS.items():
                with_imports[name].append(minimal_first_line(modules))
    baseline = statistics.median(minimal)
    results["cold start: minimal Textual app, first line (ms)"] = median_ms(minimal)
    for version in VERSIONS:
        first, later = first_launch[version], later_launch[version]
        results[f"[{version}] cold start: first launch, 10,000-thread demo, first row (ms)"] = (
            median_ms(first)
        )
        results[f"[{version}] cold start: first launch ratio (target < 2)"] = round(
            statistics.median(first) / baseline, 2
        )
        results[f"[{version}] cold start: later launch (cached page), first row (ms)"] = median_ms(
            later
        )
        results[f"[{version}] cold start: later launch ratio (target <= 1.5)"] = round(
            statistics.median(later) / baseline, 2
        )
    for name, samples in with_imports.items():
        results[f"cold start: minimal app importing {name} first, ratio"] = round(
            statistics.median(samples) / baseline, 2
        )
    results["seed 300 threads (ms)"] = seed_time(300)
    results["seed 10,000 threads (ms)"] = seed_time(10_000)
    for version in VERSIONS:
        results[f"[{version}] first row, 300 threads, headless (ms)"] = await repeated(
            partial(first_row, 300, version), 5
        )
        results[f"[{version}] first row, 10,000 threads, headless (ms)"] = await repeated(
            partial(first_row, 10_000, version), 3
        )
    floor = await framework_latency()
    results["key to paint, one-line Textual app p50 (ms)"] = percentile_ms(floor, 50)
    results["key to paint, one-line Textual app p95 (ms)"] = percentile_ms(floor, 95)
    for loaded in (10_000, 100_000):
        samples = await cursor_latency(loaded)
        results[f"cursor move p50, {loaded:,} loaded (ms)"] = percentile_ms(samples, 50)
        results[f"cursor move p95, {loaded:,} loaded (ms)"] = percentile_ms(samples, 95)
    holds = [await held_key() for _ in range(3)]
    results["held j, 30 repeats/s: CPU per repeat (ms)"] = median_ms([h[0] for h in holds])
    results["held j, 30 repeats/s: list behind after release (ms)"] = median_ms(
        [h[1] for h in holds]
    )
    results.update(await arrangement_times())
    for version in VERSIONS:
        switches = await view_switch_latency(version=version)
        results[f"[{version}] view switch p50, 10,000-thread demo (ms)"] = percentile_ms(
            switches, 50
        )
        results[f"[{version}] view switch p95, 10,000-thread demo (ms)"] = percentile_ms(
            switches, 95
        )
        long_runs = [await long_thread(version=version) for _ in range(3)]
        results.update(
            {
                f"[{version}] {key}": statistics.median(r[key] for r in long_runs)
                for key in long_runs[0]
            }
        )
        counts = await requests_per_action(version)
        results.update({f"[{version}] {key}": value for key, value in counts.items()})
        results.update(await follow_up_reading(version=version))
        for loaded in (10_000, 100_000):
            # In a process of its own: the peak of this one is the whole bench's.
            results[f"[{version}] peak RSS, {loaded:,} threads loaded (MB)"] = run_probe(
                Path(sys.executable), REPO, "rss", str(loaded), version
            )
    results.update(day_of_keys_apart())
    with tmux_server():  # switching accounts, as a user sees it (bench/switch.py)
        results.update(switch_measure())
    results.update(await mirror_figures(10_000))
    results.update(mirror_at_scale())  # 100,000 threads, 2,000,000 messages: ~6 minutes
    results["machine: pure-Python loop, 5M additions, at end (ms)"] = machine_reference()
    width = max(len(k) for k in results)
    print(f"{'measure':<{width}}  value")
    for key, value in results.items():
        print(f"{key:<{width}}  {value:>8.2f}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    asyncio.run(main())

"""The in-process measures, for `make bench` (which imports them) and for `make bench-compare`,
which runs this file by path under each build's own python, with that build's tree as the
working directory:

    <build python> path/to/bench/probe.py <measure> [arguments]

and reads the figure from the last line of its output (JSON). Run that way it may import only
the standard library, Textual and the build's `tui` (never `bench`), and only the parts of
`tui` that older commits (eca8bc0 on) have too.
"""

from __future__ import annotations

import asyncio
import gc
import json
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from contextlib import suppress
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from tui.backend import demo_backend
from tui.core.api_versions import ApiVersion, parse_version
from tui.core.config import Settings
from tui.core.model import Thread
from tui.demo import DemoApi, DemoStore, SeedConfig
from tui.ui.app import InboxApp


def scratch_settings(**overrides: Any) -> Settings:
    """The demo's settings with a data folder of the run's own: a bench's pages, mirror and
    drafts never reach the user's."""
    folder = Path(tempfile.mkdtemp(prefix="inbox-bench-data-"))
    return Settings(demo=True, data_dir=folder, **overrides)


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def percentile_ms(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return round(ordered[index] * 1000, 2)


def app_on(api: DemoApi, version: ApiVersion = "v2") -> InboxApp:
    """The app on an in-process demo, speaking `version`, made as the command line makes it
    (its start-up objects frozen once the first page is shown, see tui/ui/heap.py)."""
    settings = scratch_settings(api_version=version)
    return InboxApp(settings, backend=demo_backend(api, version), freeze_heap=True)


def paint_clock(app: App[None]) -> list[float]:
    """Records when each frame is handed to the terminal driver: key-to-paint ends there,
    not when the test harness finishes waiting."""
    frames: list[float] = []
    display = app._display

    def timed_display(screen: object, renderable: object) -> None:
        display(screen, renderable)  # type: ignore[arg-type]
        frames.append(time.perf_counter())

    app._display = timed_display  # type: ignore[method-assign]
    return frames


async def press_to_paint(app: App[None], pilot: Pilot[None], presses: int) -> list[float]:
    """Key press to the next frame handed to the terminal, for j/k presses."""
    frames = paint_clock(app)
    samples: list[float] = []
    for i in range(presses):
        start = time.perf_counter()
        await pilot.press("j" if i % 50 < 40 else "k")
        await pilot.pause()
        painted = [t for t in frames if t > start]
        if painted:
            samples.append(painted[0] - start)
    return samples


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker finish and every message be handled."""
    for _ in range(3):
        for worker in list(pilot.app.workers):
            # A worker superseded by a newer poll or page ends cancelled: that is not an error.
            with suppress(WorkerCancelled):
                await worker.wait()
        await pilot.pause()


def record_calls(target: object, name: str) -> list[float]:
    """Times at which `target.name(...)` is called (the moment new content is handed over)."""
    calls: list[float] = []
    method = getattr(target, name)

    def timed(*args: object, **kwargs: object) -> object:
        calls.append(time.perf_counter())
        return method(*args, **kwargs)

    setattr(target, name, timed)
    return calls


def first_after(frames: list[float], moment: float) -> float:
    return next((t for t in frames if t >= moment), moment)


async def cursor_latency(loaded: int, presses: int = 200) -> list[float]:
    """Key press to painted frame for moving the cursor, with `loaded` threads in the list."""
    api = DemoApi(DemoStore(SeedConfig(threads=300)))
    app = app_on(api)
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
        # The app parses pages of 50 and keeps none of the models: neither does the bench
        # (100,000 live models would make each full collection of the garbage collector a
        # pause of a second, which the app never has).
        del many
        gc.collect()
        await pilot.pause()
        return await press_to_paint(app, pilot, presses)


async def view_switch_latency(switches: int = 20, version: ApiVersion = "v2") -> list[float]:
    """Key press to the first frame showing the new view's threads (demo in-process). Times
    come from the app's own callbacks and frames, not from the test harness's waits."""
    api = DemoApi(DemoStore(SeedConfig(threads=10_000)))
    app = app_on(api, version)
    samples: list[float] = []
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot)
        frames = paint_clock(app)
        shown = record_calls(app.thread_list, "set_threads")
        for i in range(switches):
            key, view = ("2", "no-reply") if i % 2 == 0 else ("1", "default")
            start = time.perf_counter()
            await pilot.press(key)
            while not (app.thread_query.inbox.value == view and app.thread_list.threads):
                await pilot.pause(0.0005)
            await pilot.pause()
            samples.append(first_after(frames, shown[-1]) - start)
    return samples


async def long_thread(
    messages: int = 1000, opens: int = 5, version: ApiVersion = "v2", scroll: bool = True
) -> dict[str, float]:
    """Open a thread of `messages` messages (a fresh app each time; the median of `opens`),
    then, with `scroll`, page up through all of it."""
    store = DemoStore(SeedConfig(threads=300, long_thread_messages=messages))
    long_id = max(store.threads.values(), key=lambda t: t.message_count).id
    opened: list[float] = []
    pages: list[float] = []
    total = 0.0
    for run in range(opens):
        app = app_on(DemoApi(store), version)
        async with app.run_test(size=(130, 36)) as pilot:
            await settle(pilot)
            frames = paint_clock(app)
            app.thread_list.cursor = next(
                i for i, t in enumerate(app.thread_list.threads) if t.id == long_id
            )
            await pilot.pause()
            shown = record_calls(app.message_view, "set_messages")
            start = time.perf_counter()
            await pilot.press("enter")
            while not app.message_view.messages:
                await pilot.pause(0.0005)
            await pilot.pause()
            opened.append(first_after(frames, shown[-1]) - start)
            if run < opens - 1 or not scroll:
                continue
            scroll_start = time.perf_counter()
            prepended = record_calls(app.message_view, "prepend_older")
            while len(app.message_view.messages) < messages:
                before = time.perf_counter()
                app.message_view.action_scroll_up()  # at the top: asks for the older page
                app.message_view.scroll_to(y=0, animate=False)
                app.message_view.action_scroll_up()
                await settle(pilot)
                if prepended:
                    pages.append(first_after(frames, prepended[-1]) - before)
            total = (time.perf_counter() - scroll_start) * 1000
    opening = {f"open a {messages:,}-message thread, first page painted (ms)": median_ms(opened)}
    if not scroll:
        return opening
    return {
        **opening,
        f"scroll through all {messages:,} messages (ms)": round(total, 2),
        "load and paint one older page p95 (ms)": percentile_ms(pages, 95),
    }


def wire_page(
    version: str, api: DemoApi
) -> tuple[list[dict[str, Any]], Callable[[dict[str, Any]], Thread]]:
    """A page of the version's wire threads, and how its client turns one into a Thread."""
    order = api.store._order[:100]
    if version == "v1":
        return [api.store.thread_wire(t) for t in order], Thread.model_validate
    from tui.api.v2 import adapt, wire
    from tui.demo.v2 import LINK_CAPABILITIES

    # The demo's v2 shapes moved into `api.v2.shapes` after eca8bc0; older builds have them on
    # `api.v2` itself.
    shapes: Any = getattr(api.v2, "shapes", api.v2)
    wires = [shapes.thread(t, {"profile", "contact"}) for t in order]
    return wires, lambda data: adapt.thread(wire.Thread.model_validate(data), LINK_CAPABILITIES)


async def loaded_rss(count: int, version: ApiVersion = "v2") -> float:
    """Peak RSS (MB) of this process with `count` threads loaded into the list: meant for a
    process of its own. Threads arrive as the API sends them (wire JSON of the version given,
    pages of 100) and are parsed by that version's client into the app's model, as in real
    use; the demo server's own memory is not counted (it is remote in real use)."""
    store = DemoStore(SeedConfig(threads=100))
    api = DemoApi(store)
    wires, parse = wire_page(version, api)
    app = InboxApp(scratch_settings(api_version=version), backend=demo_backend(api, version))
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        del store, api
        app.thread_list.set_threads([])
        for page in range(count // 100):  # page by page, as scrolling loads them
            app.thread_list.append_threads(
                [parse({**data, "id": f"{data['id'][:12]}{page:07d}"}) for data in wires]
            )
        await pilot.pause()
        await pilot.press("G")
        await pilot.pause()
    return peak_rss_mb()


def peak_rss_mb() -> float:
    """VmHWM: this address space's peak (ru_maxrss would carry a parent's peak across exec)."""
    for line in open("/proc/self/status", encoding="ascii"):  # noqa: SIM115
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def key_p95(presses: str = "200") -> float:
    """Cursor move key-to-paint p95 on the 300-thread demo (ms)."""
    return percentile_ms(await cursor_latency(300, int(presses)), 95)


async def switch_p95(switches: str = "20", version: str = "v2") -> float:
    """View switch p95 on the 10,000-thread demo (ms)."""
    return percentile_ms(await view_switch_latency(int(switches), parse_version(version)), 95)


async def open_long(opens: str = "2", version: str = "v2") -> float:
    """Opening a 1,000-message thread, first page painted: the median of `opens` (ms)."""
    figures = await long_thread(1000, int(opens), parse_version(version), scroll=False)
    return next(iter(figures.values()))


async def rss(threads: str = "10000", version: str = "v2") -> float:
    """Peak RSS with `threads` threads loaded (MB)."""
    return round(await loaded_rss(int(threads), parse_version(version)), 1)


MEASURES: dict[str, Callable[..., Coroutine[Any, Any, float]]] = {
    "key": key_p95,
    "switch": switch_p95,
    "open": open_long,
    "rss": rss,
}


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in MEASURES:
        raise SystemExit(f"usage: probe.py {{{'|'.join(MEASURES)}}} [arguments]")
    # The figure must be the build's under test: its tree is the working directory, and its
    # venv's editable install is what puts `tui` on the path.
    imported = Path(sys.modules["tui"].__file__ or "").resolve()
    if not imported.is_relative_to(Path.cwd().resolve()):
        raise SystemExit(f"tui imported from {imported}, not from {Path.cwd()}")
    print(json.dumps(asyncio.run(MEASURES[argv[0]](*argv[1:]))))


if __name__ == "__main__":
    main(sys.argv[1:])

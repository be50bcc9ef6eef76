"""Peak RSS of the client with N threads loaded into the list (run in its own process).

Threads arrive as the API sends them (wire JSON of the version given, pages of 100) and are
parsed by that version's client into the app's model, as in real use; the demo server's own
memory is not counted (it is remote in real use).
"""

from __future__ import annotations

import asyncio
import resource
import sys
from collections.abc import Callable
from typing import Any

from bench import scratch_settings
from tui.backend import demo_backend
from tui.core.model import Thread
from tui.demo import DemoApi, DemoStore, SeedConfig
from tui.ui.app import InboxApp


def parser(
    version: str, api: DemoApi
) -> tuple[list[dict[str, Any]], Callable[[dict[str, Any]], Thread]]:
    """A page of the version's wire threads, and how its client turns one into a Thread."""
    order = api.store._order[:100]
    if version == "v1":
        return [api.store.thread_wire(t) for t in order], Thread.model_validate
    from tui.api.v2 import adapt, wire
    from tui.demo.v2 import LINK_CAPABILITIES

    wires = [api.v2.shapes.thread(t, {"profile", "contact"}) for t in order]
    return wires, lambda data: adapt.thread(wire.Thread.model_validate(data), LINK_CAPABILITIES)


async def main(count: int, version: str) -> None:
    store = DemoStore(SeedConfig(threads=100))
    api = DemoApi(store)
    wires, parse = parser(version, api)
    app = InboxApp(
        scratch_settings(api_version=version),
        backend=demo_backend(api, version),  # type: ignore[arg-type]
    )
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
    print(peak_rss_mb())


def peak_rss_mb() -> float:
    """VmHWM: this address space's peak (ru_maxrss would carry a parent's peak across exec)."""
    for line in open("/proc/self/status", encoding="ascii"):  # noqa: SIM115
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "v2"))

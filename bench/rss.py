"""Peak RSS of the client with N threads loaded into the list (run in its own process).

Threads arrive as the API sends them (wire JSON, pages of 100) and are parsed by the client's
models, as in real use; the demo server's own memory is not counted (it is remote in real use).
"""

from __future__ import annotations

import asyncio
import resource
import sys

from tui.api.models import Thread
from tui.app import InboxApp
from tui.config import Settings
from tui.demo import DemoApi, DemoStore, SeedConfig, demo_backend


async def main(count: int) -> None:
    store = DemoStore(SeedConfig(threads=100))
    wires = [store.thread_wire(t) for t in store._order[:100]]
    app = InboxApp(Settings(demo=True), backend=demo_backend(DemoApi(store)))
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        del store
        app.thread_list.set_threads([])
        for page in range(count // 100):  # page by page, as scrolling loads them
            app.thread_list.append_threads(
                [
                    Thread.model_validate({**wire, "id": f"{wire['id'][:12]}{page:07d}"})
                    for wire in wires
                ]
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
    asyncio.run(main(int(sys.argv[1])))

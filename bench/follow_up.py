"""The follow-up view (6) on the 10,000-thread demo: the requests (and time) it takes to fill
the first screen, and to read the whole view by scrolling to the end until nothing is left.

Run alone: `python -m bench.follow_up`; `make bench` includes it.
"""

from __future__ import annotations

import asyncio
import sys
import time

from bench.probe import scratch_settings, settle
from tui.backend import demo_backend
from tui.core.api_versions import ApiVersion
from tui.demo import DemoApi, DemoStore, SeedConfig
from tui.ui.app import InboxApp


async def follow_up_reading(threads: int = 10_000, version: ApiVersion = "v2") -> dict[str, float]:
    api = DemoApi(DemoStore(SeedConfig(threads=threads)))
    settings = scratch_settings(api_version=version, typing_indicators=False)
    app = InboxApp(settings, backend=demo_backend(api, version))
    found: dict[str, float] = {}
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot)
        app.live.poll_budget.max_requests = 1  # (polling would add its own requests)
        before = len(api.request_log)
        started = time.perf_counter()
        await pilot.press("6")
        await settle(pilot)
        found["first screen: requests"] = len(api.request_log) - before
        found["first screen: ms"] = round((time.perf_counter() - started) * 1000, 1)
        found["first screen: threads listed"] = len(app.thread_list.threads)
        app.thread_list.focus()
        while app.threads.next_cursor is not None:
            await pilot.press("G")
            await settle(pilot)
        found["whole view: requests"] = len(api.request_log) - before
        found["whole view: ms"] = round((time.perf_counter() - started) * 1000, 1)
        found["whole view: threads listed"] = len(app.thread_list.threads)
        found["whole view: threads read"] = app.threads.follow_up_read
    return {
        f"[{version}] follow-up view, {threads:,}-thread demo, {k}": v for k, v in found.items()
    }


if __name__ == "__main__":
    versions: list[ApiVersion] = ["v2", "v1"] if len(sys.argv) < 2 else [sys.argv[1]]  # type: ignore[list-item]
    for version in versions:
        for key, value in asyncio.run(follow_up_reading(version=version)).items():
            print(f"{key:<75} {value:>10,.1f}")

"""The demo keeps the team's budget as the service does (docs 04): three sliding windows, a
minute's 300, an hour's 10,000 and a day's 100,000, shared by every token; the headers give the
window with the least left, and a refusal says which window refused (v2's details)."""

from __future__ import annotations

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.demo import DemoApi, DemoStore, SeedConfig
from tui.demo.app import TeamLimits


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=400), min_size=1, max_size=300))
def test_no_window_ever_admits_more_than_its_limit(gaps: list[float]) -> None:
    clock = Clock()
    limits = TeamLimits(5, per_hour=20, per_day=40, clock=clock)
    admitted: list[float] = []
    for gap in gaps:
        clock.now += gap
        ok, headers = limits.admit()
        if ok:
            admitted.append(clock.now)
        else:
            assert int(headers["Retry-After"]) >= 1
        assert 0 <= int(headers["X-RateLimit-Remaining"]) <= int(headers["X-RateLimit-Limit"])
    for at in admitted:
        for size, limit in ((60.0, 5), (3600.0, 20), (86400.0, 40)):
            assert sum(1 for t in admitted if at <= t < at + size) <= limit


def test_the_hour_refuses_when_the_minute_has_room_and_says_so() -> None:
    clock = Clock()
    limits = TeamLimits(300, per_hour=10, clock=clock, wall=lambda: 1_000_000.0)
    for _ in range(10):
        clock.now += 61  # each minute has room
        assert limits.admit()[0]
    clock.now += 61
    ok, headers = limits.admit()
    assert not ok and limits.refused_by == "hour"
    assert headers["X-RateLimit-Limit"] == "10" and headers["X-RateLimit-Remaining"] == "0"
    # The first of the ten leaves the hour 3600 s after it came: 11 minutes have gone.
    assert int(headers["Retry-After"]) == 3600 - 11 * 61 + 61
    clock.now = 61 + 3600
    assert limits.admit()[0]


async def test_a_refusal_over_http_names_its_window() -> None:
    clock = Clock()
    api = DemoApi(DemoStore(SeedConfig(threads=5)))
    api.rate = TeamLimits(300, per_hour=3, clock=clock)
    transport = httpx.ASGITransport(app=api.asgi)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://demo/api/v2",
        headers={"Authorization": "Bearer demo"},
    ) as client:
        for _ in range(3):
            clock.now += 61
            assert (await client.get("/threads")).status_code == 200
        clock.now += 61
        refused = await client.get("/threads")
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "rateLimited" and body["details"]["window"] == "hour"
    assert body["details"]["limit"] == 3
    assert int(refused.headers["Retry-After"]) > 60


async def test_live_updates_slow_down_when_the_teams_hour_is_two_thirds_spent() -> None:
    """The headers show the tightest window (here the hour's, 60): under a third of it left,
    live updates poll as slowly as when idle, even while someone is typing; the mirror's walk
    waits. Above it, they poll at their interval."""
    import time

    from tests.app_helpers import make_app, settle
    from tui.ui.features.live import MAX_BACKOFF

    api = DemoApi(DemoStore(SeedConfig(threads=30)))
    api.rate = TeamLimits(300, per_hour=60)
    app, _ = make_app(api=api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        live = app.live
        rate = app.client.rate_limit  # (a new one with each answer)
        assert rate.limit == 60 and not rate.scarce  # (a start spends a handful)
        live._last_input = time.monotonic()
        live._next_poll = 0
        live._poll_tick()
        await settle(pilot)
        interval = app.settings.poll_interval
        assert live._next_poll - time.monotonic() <= interval + 1
        while not app.client.rate_limit.scarce:  # the rest of the team spends the hour
            await app.client.list_threads(app.thread_query)
        live._last_input = time.monotonic()
        live._next_poll = 0
        live._poll_tick()
        assert live._next_poll - time.monotonic() > interval * MAX_BACKOFF - 1
        assert not app.mirror._may_walk()


def test_the_headers_name_the_window_with_the_smallest_share_left_and_when_it_empties() -> None:
    """An hour two-thirds spent is tighter than a minute half spent, though it has more left:
    the headers describe the hour (so a client sees it coming), and Reset says when its oldest
    request leaves it."""
    clock = Clock()
    limits = TeamLimits(300, per_hour=600, clock=clock, wall=lambda: 1_000_000.0 + clock.now)
    for _ in range(400):  # 400 of the hour's 600 over seven minutes
        clock.now += 1.0
        assert limits.admit()[0]
    clock.now += 60.0  # the minute is empty again
    ok, headers = limits.admit()
    assert ok and headers["X-RateLimit-Limit"] == "600"
    assert headers["X-RateLimit-Remaining"] == "199"
    assert int(headers["X-RateLimit-Reset"]) == 1_000_000 + 1 + 3600


def test_the_status_line_names_the_window_and_polling_stops_only_near_its_end() -> None:
    from tui.api.http import RateLimitInfo

    hour = RateLimitInfo(limit=10_000, remaining=199)
    assert "199 of 10000 requests left this hour" in hour.describe()
    assert hour.scarce and not hour.low  # slower, not stopped, with 199 left
    assert RateLimitInfo(limit=10_000, remaining=25).low
    assert "left this minute" in RateLimitInfo(limit=300, remaining=20).describe()
    assert "left today" in RateLimitInfo(limit=100_000, remaining=20).describe()


async def test_background_work_does_not_wait_out_a_429_but_a_persons_request_does() -> None:
    """A walk's request that meets a 429 is raised at once (the mirror pauses): retrying it
    spent up to four requests of the team's busiest window. A person's request still waits
    it out and tries again."""
    import asyncio

    from tui.api import RetryPolicy
    from tui.api.errors import RateLimited
    from tui.api.pacing import in_background
    from tui.backend import demo_backend
    from tui.demo import Fault

    api = DemoApi(DemoStore(SeedConfig(threads=5)))
    backend = demo_backend(api, retry=RetryPolicy(base_delay=0.01, max_delay=0.02))
    client = backend.client

    async def walk_step() -> None:
        in_background()
        await client.list_events(None, limit=10)

    try:
        api.faults.add(Fault(status=429, retry_after=0.01, path_prefix="/events"), times=1)
        before = len(api.request_log)
        try:
            await asyncio.create_task(walk_step())
        except RateLimited:
            pass
        else:
            raise AssertionError("the walk's 429 was retried")
        assert len(api.request_log) - before == 1
        api.faults.add(Fault(status=429, retry_after=0.01, path_prefix="/events"), times=1)
        before = len(api.request_log)
        await client.list_events(None, limit=10)  # (a person's: this task is not background)
        assert len(api.request_log) - before == 2
    finally:
        await backend.aclose()

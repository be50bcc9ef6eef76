"""The shared request budget: never more than N starts in any window."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.api.pacing import RequestBudget


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_budget_counts_and_frees_slots() -> None:
    clock = FakeClock()
    budget = RequestBudget(3, 60, clock=clock)
    for _ in range(3):
        assert budget.delay() == 0
        budget._starts.append(clock())
        clock.now += 1
    assert budget.remaining == 0
    assert budget.delay() == pytest.approx(57)
    clock.now += 57
    assert budget.delay() == 0 and budget.remaining == 1


def test_hold_until_pauses_everyone() -> None:
    clock = FakeClock()
    budget = RequestBudget(100, 60, clock=clock)
    budget.hold_until(5)
    assert budget.delay() == pytest.approx(5)
    clock.now += 5
    assert budget.delay() == 0


async def test_acquire_waits_for_a_slot() -> None:
    budget = RequestBudget(2, 0.2)
    loop = asyncio.get_running_loop()
    start = loop.time()
    for _ in range(4):
        await budget.acquire()
    assert loop.time() - start >= 0.19


@given(st.lists(st.floats(0, 5), min_size=1, max_size=60), st.integers(1, 10))
def test_no_window_ever_holds_more_than_the_limit(gaps: list[float], limit: int) -> None:
    clock = FakeClock()
    budget = RequestBudget(limit, 10, clock=clock)
    starts: list[float] = []
    for gap in gaps:
        clock.now += gap
        while (wait := budget.delay()) > 0:  # what acquire() does
            clock.now += max(wait, 1e-9)
        budget._starts.append(clock())
        starts.append(clock())
    for i, start in enumerate(starts):
        in_window = [s for s in starts[i:] if s < start + 10]
        assert len(in_window) <= limit


def test_invalid_budget() -> None:
    with pytest.raises(ValueError):
        RequestBudget(0)


def test_background_work_keeps_within_its_share_of_the_hour_and_the_day() -> None:
    """#39: a tenth of the minute (30) kept up all day would be 43,200 requests, 43% of the
    team's day; the background budget holds it to a fifth of the hour and of the day."""
    from tui.api.pacing import BackgroundBudget

    now = [0.0]
    budget = BackgroundBudget(0.1, clock=lambda: now[0])
    taken: list[float] = []
    while now[0] < 86400:
        if budget.try_acquire():
            taken.append(now[0])
        now[0] += 1.0
    assert len(taken) == 20_000  # the day's fifth, then nothing more that day
    assert max(sum(1 for t in taken if s <= t < s + 60) for s in range(0, 7200, 60)) == 30
    assert sum(1 for t in taken if t < 3600) == 1_800  # the minute's pace, under the hour's 2,000
    assert taken[-1] < 12 * 3600  # spent by the afternoon when walked flat out


def test_background_work_never_takes_more_than_a_fifth_of_the_hour_or_the_day() -> None:
    from tui.api.pacing import BackgroundBudget

    for share in (0.01, 0.1, 0.3, 0.5):
        budget = BackgroundBudget(share)
        minute, hour, day = (window.max_requests for window in budget.windows)
        assert minute == max(1, int(300 * share))
        assert hour <= 2_000 and day <= 20_000


def test_a_longer_share_is_the_hour_and_the_days_as_given() -> None:
    """The team relay's budget: its share of the minute, and the same of the hour and the day
    (past the clients' fifth); without `longer`, as before."""
    from tui.api.pacing import BackgroundBudget

    windows = BackgroundBudget(0.3, longer=0.3).windows
    assert [window.max_requests for window in windows] == [90, 3_000, 30_000]
    assert [w.max_requests for w in BackgroundBudget(0.3).windows] == [90, 2_000, 20_000]
    assert [w.max_requests for w in BackgroundBudget(0.1, longer=None).windows] == [
        30,
        2_000,
        20_000,
    ]

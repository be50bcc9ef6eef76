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

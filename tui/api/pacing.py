"""A shared request budget so that no burst of actions, paging and polling exceeds the service's
rate limit (300 requests a minute per team by default)."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar


class RequestBudget:
    """A sliding-window limiter: at most `max_requests` starts in any `window` seconds.

    `acquire()` waits (without blocking the loop) until a slot frees up. `hold_until()` pauses
    everyone, e.g. after a 429 with Retry-After.
    """

    def __init__(
        self,
        max_requests: int = 300,
        window: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_requests < 1 or window <= 0:
            raise ValueError("max_requests must be >= 1 and window > 0")
        self.max_requests = max_requests
        self.window = window
        self._clock = clock
        self._starts: deque[float] = deque()
        self._held_until = 0.0
        self._lock = asyncio.Lock()

    def _trim(self, now: float) -> None:
        while self._starts and self._starts[0] + self.window <= now:
            self._starts.popleft()

    @property
    def used(self) -> int:
        self._trim(self._clock())
        return len(self._starts)

    @property
    def remaining(self) -> int:
        return self.max_requests - self.used

    def delay(self) -> float:
        """Seconds until the next request may start (0 when it may start now)."""
        now = self._clock()
        self._trim(now)
        wait = max(0.0, self._held_until - now)
        if len(self._starts) >= self.max_requests:
            wait = max(wait, self._starts[0] + self.window - now)
        return wait

    def hold_until(self, seconds_from_now: float) -> None:
        self._held_until = max(self._held_until, self._clock() + seconds_from_now)

    def try_acquire(self) -> bool:
        """Take a slot if one is free now; never waits (for optional work such as polling)."""
        if self.delay() > 0:
            return False
        self._starts.append(self._clock())
        return True

    async def acquire(self) -> None:
        async with self._lock:
            while (wait := self.delay()) > 0:
                await asyncio.sleep(wait)
            self._starts.append(self._clock())


# The service's limits per team (docs 04): 300 a minute, 10,000 an hour, 100,000 a day.
TEAM_MINUTE, TEAM_HOUR, TEAM_DAY = 300, 10_000, 100_000
MAX_LONGER_SHARE = 0.2  # of the hour and the day, whatever the minute's share


class BackgroundBudget:
    """What one client's background work (the mirror's walk, its log, its re-reads) may spend:
    a share of each of the team's three windows, from the documented limits (a client sees
    only the tightest window in the headers, and the others' spending not at all). The
    minute's share paces it; the hour's and the day's keep a walk kept up all day within a
    known part of the team's hour and day: a tenth of the minute is 1,800 an hour, so the hour
    and the day get twice the share, and never more than a fifth (2,000 an hour, 20,000 a
    day). `longer`: this share of the hour and of the day instead, as given (the team relay's,
    the team's one background reader: tui/relay/schedule.py's RELAY_SHARE of all three)."""

    def __init__(
        self,
        share: float,
        *,
        longer: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_minute = max(1, int(TEAM_MINUTE * share))
        if longer is None:
            longer = min(MAX_LONGER_SHARE, 2 * share)  # (mirror_share may be up to a half)
        self.windows = (
            RequestBudget(self.per_minute, 60.0, clock=clock),
            RequestBudget(max(1, int(TEAM_HOUR * longer)), 3600.0, clock=clock),
            RequestBudget(max(1, int(TEAM_DAY * longer)), 86400.0, clock=clock),
        )

    @property
    def max_requests(self) -> int:
        return self.per_minute

    @property
    def used(self) -> int:
        """In the last minute."""
        return self.windows[0].used

    def try_acquire(self, keep: float = 0.0) -> bool:
        """A slot in each window if each has one now, and more than `keep` of it left (a
        share, kept for more urgent work); never waits."""
        if any(
            window.delay() > 0 or window.remaining <= window.max_requests * keep
            for window in self.windows
        ):
            return False
        for window in self.windows:
            window.try_acquire()
        return True


# Background work (the mirror's walk): its task says so, and a 429 is not waited out and
# retried for it (one more request on the team's busiest window); it pauses instead. (Here,
# not in tui/api/http.py: the first frame's path imports this module, never httpx.)
_BACKGROUND: ContextVar[bool] = ContextVar("inbox_background", default=False)


def in_background() -> None:
    """The requests this task makes from now on are background work (call it at a worker's
    start: each task has its own context): a 429 is raised at once, not retried."""
    _BACKGROUND.set(True)


def is_background() -> bool:
    return _BACKGROUND.get()

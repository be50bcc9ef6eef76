"""What failed to load is loaded again: at once when the API answers anything again, and
meanwhile on a backoff timer. Nothing stays half-loaded after an outage (the directory, the
open conversation, the view)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

FIRST_DELAY = 2.0
MAX_DELAY = 60.0


class Stoppable(Protocol):
    def stop(self) -> None: ...


Schedule = Callable[[float, Callable[[], None]], Stoppable]


class Reloads:
    def __init__(self, schedule: Schedule) -> None:
        self._schedule = schedule
        self._pending: dict[str, Callable[[], object]] = {}
        self._timer: Stoppable | None = None
        self._delay = FIRST_DELAY
        self._due = 0.0  # when the timer fires (time.monotonic)

    def failed(self, name: str, reload: Callable[[], object]) -> float:
        """`name` did not load: `reload` loads it again (the latest one for a name wins).
        Returns the seconds until the timer's try, for the user to be told."""
        self._pending[name] = reload
        if self._timer is None:
            self._timer = self._schedule(self._delay, self._run)
            self._due = time.monotonic() + self._delay
            self._delay = min(MAX_DELAY, self._delay * 2)
        return max(0.0, self._due - time.monotonic())

    def answered(self) -> None:
        """The API answered: the connection is back, everything pending loads now."""
        self._delay = FIRST_DELAY
        if self._pending:
            self._run()

    @property
    def pending(self) -> frozenset[str]:
        return frozenset(self._pending)

    def _run(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        pending, self._pending = self._pending, {}
        for reload in pending.values():
            reload()

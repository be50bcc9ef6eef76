"""The demo's event log: every change it makes, with a per-team monotonic `seq`, kept 7 days
(as the service's `GET /events` documents)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from tui.demo.records import ts

RETENTION = timedelta(days=7)


class EventLog:
    def __init__(self, team_id: str, clock: Callable[[], datetime]) -> None:
        self.team_id = team_id
        self._clock = clock
        self._events: deque[dict[str, Any]] = deque()
        self.last_seq = 0
        # Called with each event as it is recorded (the raw, v1-named form), inside the change
        # that made it: the webhooks' sender queues it there (tui/demo/webhooks.py).
        self.listeners: list[Callable[[dict[str, Any]], None]] = []

    def record(self, kind: str, **data: Any) -> None:
        now = self._clock()
        self.last_seq += 1
        event = {
            "id": f"evt_{self.team_id[:8]}_{self.last_seq}",
            "seq": self.last_seq,
            "teamId": self.team_id,
            "type": kind,
            "timestamp": ts(now),
            "version": "1.0",
            "data": data,
            "_at": now,
        }
        self._events.append(event)
        while self._events and now - self._events[0]["_at"] > RETENTION:
            self._events.popleft()
        for listener in self.listeners:
            listener(event)

    def page(self, after_seq: int, limit: int) -> dict[str, Any]:
        """Events with seq > after_seq, oldest first; seq numbers past the retention are gone
        (a client sees the gap and re-lists)."""
        chosen = [e for e in self._events if e["seq"] > after_seq][: limit + 1]
        has_more = len(chosen) > limit
        events = [{k: v for k, v in e.items() if k != "_at"} for e in chosen[:limit]]
        return {
            "events": events,
            "hasMore": has_more,
            "lastSeq": events[-1]["seq"] if events else None,
        }

"""Faults the demo can inject, so clients are tested against the failures the real service has.

Two kinds: scripted (the next N matching requests fail a given way, for exact tests) and
transport faults (raised below HTTP by `FaultyTransport`, for in-process runs where there is
no socket to drop).
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from typing import Any

import httpx

from tui.core.fault_rates import FaultRates


@dataclass(frozen=True)
class Fault:
    """One injected failure. `status` answers with that HTTP status (and Retry-After when
    given); `malformed` answers 200 with a body that is not JSON; `drop` breaks the connection;
    `unreachable` is no network at all."""

    status: int | None = None
    retry_after: float | None = None
    malformed: bool = False
    drop: bool = False
    drop_response: bool = False  # the server handles the request; the answer is lost
    unreachable: bool = False  # no network: the connection cannot be made (nothing is sent)
    body: str | None = None  # answer 200 with this body instead (a stale read)
    slow: float = 0.0  # seconds to wait before answering normally
    method: str | None = None  # only requests of this method
    path_prefix: str = ""  # only paths starting with this (after /api/v1 or /api/v2)
    code: str | None = None  # the error code to answer with (default: by status)
    details: Any = None  # v2's error details for that code

    def applies_to(self, method: str, path: str) -> bool:
        if self.method and self.method != method:
            return False
        return path.startswith(self.path_prefix)


class FaultPlan:
    """Scripted faults (a queue consumed by the requests they apply to, in order), and random
    ones drawn from `rates`."""

    def __init__(self, rates: FaultRates | None = None) -> None:
        self._queue: deque[Fault] = deque()
        self.injected = 0
        self.rates = rates or FaultRates()
        self._rng = random.Random(self.rates.seed)
        self.requests = 0

    def set_rates(self, rates: FaultRates) -> None:
        self.rates = rates
        self._rng = random.Random(rates.seed)

    def draw(self, *, drops: bool) -> Fault | None:
        """A random fault for one request, by the rates (drops for the transport)."""
        r = self.rates
        if drops:
            return Fault(drop=True) if r.drop and self._rng.random() < r.drop else None
        self.requests += 1
        if r.unauthorized_after is not None and self.requests > r.unauthorized_after:
            return Fault(status=401)
        roll = self._rng.random()
        for rate, fault in (
            (r.rate_limited, Fault(status=429, retry_after=r.retry_after)),
            (r.server_error, Fault(status=self._rng.choice((500, 502, 503)))),
            (r.malformed, Fault(malformed=True)),
            (r.slow, Fault(slow=r.slow_seconds)),
        ):
            if roll < rate:
                return fault
            roll -= rate
        return None

    def add(self, fault: Fault, times: int = 1) -> None:
        self._queue.extend([fault] * times)

    def clear(self) -> None:
        self._queue.clear()

    def __len__(self) -> int:
        return len(self._queue)

    def take(self, method: str, path: str, *, drops: bool = False) -> Fault | None:
        """The first queued fault for this request: connection drops (taken by the transport)
        or HTTP-level faults (taken by the server)."""
        for i, fault in enumerate(self._queue):
            is_drop = fault.drop or fault.drop_response or fault.unreachable
            if is_drop == drops and fault.applies_to(method, path):
                del self._queue[i]
                self.injected += 1
                return fault
        return None


class FaultyTransport(httpx.AsyncBaseTransport):
    """Wraps a transport; `drop` faults become the transport errors a real network raises."""

    def __init__(self, inner: httpx.AsyncBaseTransport, plan: FaultPlan) -> None:
        self.inner = inner
        self.plan = plan

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = api_path(request.url.path)
        fault = self.plan.take(request.method, path, drops=True) or self.plan.draw(drops=True)
        if fault is not None and fault.unreachable:
            raise httpx.ConnectError("network unreachable (demo fault)", request=request)
        if fault is not None and fault.drop:
            raise httpx.ReadError("connection dropped (demo fault)", request=request)
        response = await self.inner.handle_async_request(request)
        if fault is not None:  # drop_response: the server did the work, the answer is lost
            await response.aread()
            raise httpx.ReadError(
                "connection dropped after the request (demo fault)", request=request
            )
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def api_path(path: str) -> str:
    """A request's path within its API version (`/api/v1/threads` -> `/threads`)."""
    for prefix in ("/api/v1", "/api/v2"):
        if path.startswith(prefix + "/") or path == prefix:
            return path[len(prefix) :] or "/"
    return path

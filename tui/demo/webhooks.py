"""The demo's webhooks (docs 04, "Webhooks (v2)"): each event the store records, POSTed in its v2
shape to every configured endpoint, signed as the service signs them, so that a relay can be
tried against `inbox-tui demo-server --webhook URL`.

Delivery is at-least-once and in seq order per endpoint, from a background task: a request that
causes an event never waits for its delivery. An endpoint that does not answer 2xx gets the same
event again after a backoff, with later events queued behind it; the queue is bounded (oldest
dropped, counted), because a receiver may be gone for a day and the events stay readable from
`GET /events`, which is what the receiver falls back to for gaps.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tui.core.webhook_signature import HEADER, sign
from tui.demo.store import DemoStore
from tui.demo.v2.shapes import Shapes

log = logging.getLogger(__name__)

# The demo's own secret, printed at the demo-server's start as its API key is; any other is
# given with --webhook-secret or this variable (kept out of the process list that way).
DEMO_SECRET = "demo-webhook-secret"
ENV_SECRET = "INBOX_DEMO_WEBHOOK_SECRET"
# Seconds before each further attempt at an event the endpoint did not acknowledge (the last
# one repeats), as a service backs off from a receiver that is down.
RETRY_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0)
# Events waiting per endpoint: at the demo's pace about a day of them, a few MB.
QUEUE_LIMIT = 10_000
TIMEOUT = 10.0  # seconds for one delivery, connecting included
# How often the demo-server lets simulated DMs arrive while no request comes in, and how far
# apart they are (as the app's embedded demo has them: tui/backend.py).
TICK_EVERY = 5.0
INBOUND_EVERY = 40.0

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Endpoint:
    url: str
    secret: str = field(repr=False)  # (never in a log line or a traceback's locals)

    @property
    def shown(self) -> str:
        return shown_url(self.url)


def shown_url(url: str) -> str:
    """The URL without what may be a credential (user:password@, the query)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"


def check_url(url: str) -> str:
    """`url` if it is one a webhook can be POSTed to (http or https, with a host); else a
    ValueError that says why without repeating anything but the URL's harmless parts."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (reading it checks it: a port out of range or not a number)
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL):
        raise ValueError("not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{shown_url(url)!r} is not an http:// or https:// URL with a host")
    if any(c.isspace() for c in url):
        raise ValueError("a URL cannot hold spaces")
    return url


def body_of(event: dict[str, Any]) -> bytes:
    """The event as GET /events renders it (Starlette's JSONResponse: compact, UTF-8)."""
    return json.dumps(event, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


@dataclass
class _Lane:
    """One endpoint's queue and state: its events go in order, whatever the others do."""

    endpoint: Endpoint
    pending: deque[tuple[int, bytes]]
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    idle: asyncio.Event = field(default_factory=asyncio.Event)
    delivered: int = 0
    dropped: int = 0
    dropped_reported: int = 0
    failing: bool = False


class WebhookSender:
    """Sends one demo team's events to its endpoints. Events are queued from construction
    (the store's listener) and sent once `start()` has run in the event loop; `aclose()` stops
    it. `transport`, `clock` (unix seconds, for the signature) and `sleep` are for tests."""

    def __init__(
        self,
        store: DemoStore,
        endpoints: Sequence[Endpoint],
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep,
        retry_delays: Sequence[float] = RETRY_DELAYS,
        queue_limit: int = QUEUE_LIMIT,
    ) -> None:
        if queue_limit < 1 or not retry_delays:
            raise ValueError("a webhook queue holds at least one event, and retries need delays")
        self.store = store
        self._shapes = Shapes(store)
        self._clock = clock
        self._sleep = sleep
        self._delays = tuple(retry_delays)
        self._lanes = [_Lane(e, deque(maxlen=queue_limit)) for e in endpoints]
        for lane in self._lanes:
            lane.idle.set()
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=TIMEOUT,
            follow_redirects=False,  # (a 3xx is no acknowledgement: tried again, as the service)
            headers={"User-Agent": "inbox-demo-webhooks"},
        )
        self._tasks: list[asyncio.Task[None]] = []
        if self._lanes:  # (with no endpoint, recording an event costs nothing more)
            store.events.listeners.append(self._on_event)

    @property
    def endpoints(self) -> list[Endpoint]:
        return [lane.endpoint for lane in self._lanes]

    def pending(self, index: int = 0) -> int:
        return len(self._lanes[index].pending)

    def dropped(self, index: int = 0) -> int:
        return self._lanes[index].dropped

    def delivered(self, index: int = 0) -> int:
        return self._lanes[index].delivered

    def start(self) -> None:
        if self._tasks:
            return
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._run(lane)) for lane in self._lanes]

    async def drained(self) -> None:
        """Returns once every endpoint has acknowledged every event queued for it."""
        for lane in self._lanes:
            await lane.idle.wait()

    async def aclose(self) -> None:
        if self._on_event in self.store.events.listeners:
            self.store.events.listeners.remove(self._on_event)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await self._client.aclose()

    def _on_event(self, event: dict[str, Any]) -> None:
        """Called inside the request that made the change: shape and queue, nothing more. The
        shape is taken now, from the store as the change left it."""
        shaped = self._shapes.event(event)
        if shaped is None:  # (no v2 counterpart: GET /events leaves it out too)
            return
        body = body_of(shaped)
        for lane in self._lanes:
            if len(lane.pending) == lane.pending.maxlen:
                lane.dropped += 1  # (the append below pushes the oldest out)
            lane.pending.append((shaped["seq"], body))
            lane.idle.clear()
            lane.ready.set()

    async def _run(self, lane: _Lane) -> None:
        while True:
            if not lane.pending:
                self._report_drops(lane)
                lane.idle.set()
                lane.ready.clear()
                await lane.ready.wait()
                continue
            seq, body = lane.pending.popleft()
            await self._deliver(lane, seq, body)
            lane.delivered += 1

    async def _deliver(self, lane: _Lane, seq: int, body: bytes) -> None:
        """Returns once the endpoint has acknowledged the event: until then, later ones wait."""
        failures = 0
        while True:
            outcome = await self._post(lane.endpoint, body)
            if isinstance(outcome, int) and 200 <= outcome < 300:
                break
            delay = self._delays[min(failures, len(self._delays) - 1)]
            failures += 1
            if not lane.failing:  # once an outage, not at each attempt of a day-long one
                lane.failing = True
                log.warning(
                    "webhook to %s: event %d not acknowledged (%s); trying again with backoff",
                    lane.endpoint.shown,
                    seq,
                    outcome,
                )
            await self._sleep(delay)
        if lane.failing:
            lane.failing = False
            log.warning("webhook to %s: acknowledged again", lane.endpoint.shown)
            self._report_drops(lane)

    def _report_drops(self, lane: _Lane) -> None:
        """Said once an outage is over or the queue has emptied, not at each drop."""
        if lane.dropped > lane.dropped_reported:
            log.warning(
                "webhook to %s: %d event(s) were dropped from the full queue (GET /events has "
                "them for 7 days)",
                lane.endpoint.shown,
                lane.dropped - lane.dropped_reported,
            )
            lane.dropped_reported = lane.dropped

    async def _post(self, endpoint: Endpoint, body: bytes) -> int | str:
        """The status the endpoint answered, or what went wrong on the way (never the secret).
        Signed at each attempt: a retry hours later must still be within the tolerance."""
        headers = {
            "Content-Type": "application/json",
            HEADER: sign(endpoint.secret, int(self._clock()), body),
        }
        try:
            # Streamed and never read: only the status matters, whatever size the answer.
            async with self._client.stream(
                "POST", endpoint.url, content=body, headers=headers
            ) as response:
                return response.status_code
        except Exception as exc:  # (the task must outlive any one failure, or delivery stops)
            return type(exc).__name__


class DemoActivity:
    """The demo service's own life while nobody asks it anything: its senders delivering, and
    a ticker letting its teams' simulated DMs arrive (the store otherwise moves only when a
    request comes in: tui/demo/app.py). Started and stopped in the server's event loop."""

    def __init__(
        self,
        senders: Sequence[WebhookSender],
        *,
        tick_every: float = TICK_EVERY,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.senders = list(senders)
        self.tick_every = tick_every
        self._sleep = sleep
        self._tickers: list[asyncio.Task[None]] = []

    def startup(self) -> None:
        loop = asyncio.get_running_loop()
        stores: list[DemoStore] = []
        for sender in self.senders:
            sender.start()
            if all(sender.store is not s for s in stores):
                stores.append(sender.store)
        self._tickers = [loop.create_task(self._tick(store)) for store in stores]

    async def shutdown(self) -> None:
        for task in self._tickers:
            task.cancel()
        await asyncio.gather(*self._tickers, return_exceptions=True)
        self._tickers = []
        for sender in self.senders:
            await sender.aclose()

    async def _tick(self, store: DemoStore) -> None:
        while True:
            await self._sleep(self.tick_every)
            try:
                store.simulate_activity()
            except Exception:  # (a bad tick is logged; the next one may do better)
                log.exception("the demo's simulated activity failed")


class WithWebhooks:
    """ASGI middleware for the demo-server: its DemoActivity, started at the server's lifespan
    start and stopped at its end. The demo's apps have no lifespan work of their own, so this
    one answers it."""

    def __init__(
        self,
        app: ASGIApp,
        senders: Sequence[WebhookSender],
        *,
        tick_every: float = TICK_EVERY,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.app = app
        self.activity = DemoActivity(senders, tick_every=tick_every, sleep=sleep)

    @property
    def senders(self) -> list[WebhookSender]:
        return self.activity.senders

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        while True:
            message: Message = await receive()
            if message["type"] == "lifespan.startup":
                self.activity.startup()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.activity.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

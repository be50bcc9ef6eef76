"""The demo's webhooks (tui/demo/webhooks.py): each event the demo records reaches a receiver
signed, in seq order and in the shape GET /api/v2/events gives it; an event the receiver did not
acknowledge comes again, later ones held back behind it; the queue stays bounded; and
`inbox-tui demo-server --webhook URL` sends them from its own loop."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.conftest import ANCHOR
from tests.servers import demo_server, free_port
from tests.v2_spec import spec
from tui.api import V2Api
from tui.cli import main
from tui.core.webhook_signature import HEADER, BadSignature, verify
from tui.demo import DemoApi, DemoStore, SeedConfig, demo_transport
from tui.demo.app import DemoTeams
from tui.demo.webhooks import (
    DEMO_SECRET,
    INBOUND_EVERY,
    Endpoint,
    WebhookSender,
    WithWebhooks,
    body_of,
)

SECRET = "whsec_test_0123456789"
HOOK = "http://relay.test/hook"
NOW = 1_900_000_000.0  # the receiver's and the sender's unix time


class Clock:
    """Unix seconds that pass only when the sender sleeps (its backoff)."""

    def __init__(self) -> None:
        self.now = NOW
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@dataclass
class Receiver:
    """A relay's webhook endpoint, as a tiny Starlette app: it verifies each delivery's
    signature and answers the scripted statuses first, then 200."""

    clock: Callable[[], float]
    answers: list[int] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)  # every delivery tried
    accepted: list[dict[str, Any]] = field(default_factory=list)  # those answered 2xx
    bodies: list[bytes] = field(default_factory=list)
    hold: asyncio.Event | None = None  # set: answers wait for it

    def app(self) -> Starlette:
        async def hook(request: Request) -> Response:
            body = await request.body()
            verify(SECRET, request.headers.get(HEADER), body, now=self.clock())
            with pytest.raises(BadSignature):  # (the check is real: another secret fails it)
                verify("another-secret", request.headers.get(HEADER), body, now=self.clock())
            assert request.headers["content-type"] == "application/json"
            event = json.loads(body)
            self.attempts.append(event)
            if self.hold is not None:
                await self.hold.wait()
            status = self.answers.pop(0) if self.answers else 200
            if 200 <= status < 300:
                self.accepted.append(event)
                self.bodies.append(body)
            return Response(status_code=status)

        return Starlette(routes=[Route("/hook", hook, methods=["POST"])])

    def transport(self) -> httpx.AsyncBaseTransport:
        return httpx.ASGITransport(app=self.app())


class FailOnce(httpx.AsyncBaseTransport):
    """The receiver's transport, failing to connect at the attempts named (counted from 1)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, failing: set[int]) -> None:
        self.inner = inner
        self.failing = failing
        self.count = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        if self.count in self.failing:
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


async def until(condition: Callable[[], bool], rounds: int = 2000) -> None:
    """Lets the loop run until `condition` holds (no real time passes)."""
    for _ in range(rounds):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("the condition never held")


async def v2_events(api: DemoApi) -> list[dict[str, Any]]:
    """What GET /api/v2/events answers, read by hand."""
    async with httpx.AsyncClient(
        transport=demo_transport(api), base_url="http://demo.test/api/v2"
    ) as http:
        answer = await http.get(
            "/events", params={"limit": 1000}, headers={"Authorization": "Bearer demo"}
        )
    assert answer.status_code == 200
    data: list[dict[str, Any]] = answer.json()["data"]
    return data


def check_against_spec(event: dict[str, Any]) -> None:
    """The event against its schema in the spec's `webhooks` section."""
    hooks = spec()["webhooks"]
    assert event["type"] in hooks, f"{event['type']} is not one of the spec's webhooks"
    schema = hooks[event["type"]]["post"]["requestBody"]["content"]["application/json"]["schema"]
    root = {**schema, "components": spec()["components"]}
    errors = [e.message[:200] for e in Draft202012Validator(root).iter_errors(event)]
    assert not errors, f"{event['type']}: {errors}"


@asynccontextmanager
async def sending(
    store: DemoStore, receiver: Receiver, clock: Clock, **options: Any
) -> AsyncIterator[WebhookSender]:
    sender = WebhookSender(
        store,
        [Endpoint(HOOK, SECRET)],
        transport=options.pop("transport", None) or receiver.transport(),
        clock=clock,
        sleep=options.pop("sleep", None) or clock.sleep,
        **options,
    )
    sender.start()
    try:
        yield sender
    finally:
        await sender.aclose()


async def test_each_event_arrives_signed_in_order_as_get_events_has_it(
    demo_api: DemoApi, v2: V2Api
) -> None:
    clock = Clock()
    receiver = Receiver(clock)
    store = demo_api.store
    async with sending(store, receiver, clock) as sender:
        thread = (await v2.list_threads()).threads[0]
        members = await v2.list_members()
        await v2.send_message(thread.id, "hello from the team")
        store.receive_message(store.threads[thread.id], "and an answer")
        await v2.update_thread(thread.id, done=True)
        await v2.update_thread(thread.id, assignee_id=members[0].id)
        tag = await v2.create_tag("hooked")
        await v2.update_tag(tag.id, name="hooked twice")
        # One event v2 has no form for: GET /events leaves it out, and so do the webhooks.
        store.events.record("prospect.created", prospectId="p1")
        await v2.delete_tag(tag.id)
        await asyncio.wait_for(sender.drained(), 5)
        # Every event, exactly as the log answers it (read before the thread goes: GET /events
        # shapes an event when asked, and once the thread is gone it cannot tell a message
        # sent from one received; the webhook was shaped when it happened).
        assert receiver.accepted == await v2_events(demo_api)
        await v2.delete_thread(thread.id)
        await asyncio.wait_for(sender.drained(), 5)
        assert sender.delivered() == len(receiver.accepted)
    assert receiver.accepted[-1] == (await v2_events(demo_api))[-1]
    seqs = [e["seq"] for e in receiver.accepted]
    assert seqs == [1, 2, 3, 4, 5, 6, 8, 9]  # (7: prospect.created, not sent)
    assert store.events.last_seq == 9
    types = [e["type"] for e in receiver.accepted]
    assert types[:4] == ["message.sent", "message.received", "thread.archived", "thread.assigned"]
    assert {"tag.created", "tag.updated", "tag.deleted", "thread.deleted"} <= set(types)
    for event, body in zip(receiver.accepted, receiver.bodies, strict=True):
        assert set(event) == {"id", "seq", "type", "apiVersion", "createdAt", "object", "data"}
        check_against_spec(event)
        assert body == body_of(event)  # compact JSON, as sent and signed
        assert b'": ' not in body and b'", "' not in body
    assert receiver.accepted[0]["data"]["threadId"] == thread.id
    assert clock.slept == []  # nothing was refused


async def test_a_refused_delivery_comes_again_and_holds_later_ones_back(
    demo_api: DemoApi, v2: V2Api
) -> None:
    clock = Clock()
    receiver = Receiver(clock, answers=[500, 503, 404])
    failing = FailOnce(receiver.transport(), {4})  # then the connection fails once
    async with sending(demo_api.store, receiver, clock, transport=failing) as sender:
        for n in range(3):
            await v2.create_tag(f"retried {n}")
        await asyncio.wait_for(sender.drained(), 5)
    first, second, third = (e["seq"] for e in receiver.accepted)
    # The first was tried four times (500, 503, 404, no connection) before the fifth went
    # through; the others waited behind it, each sent once.
    assert [e["seq"] for e in receiver.attempts] == [first] * 4 + [second, third]
    assert failing.count == 7
    assert clock.slept == [1.0, 2.0, 5.0, 10.0]
    assert [e["type"] for e in receiver.accepted] == ["tag.created"] * 3
    assert receiver.accepted == await v2_events(demo_api)


async def test_the_backoff_is_capped(demo_api: DemoApi, v2: V2Api) -> None:
    clock = Clock()
    receiver = Receiver(clock, answers=[500] * 8)
    async with sending(demo_api.store, receiver, clock) as sender:
        await v2.create_tag("patient")
        await asyncio.wait_for(sender.drained(), 5)
    assert clock.slept == [1.0, 2.0, 5.0, 10.0, 30.0, 30.0, 30.0, 30.0]
    assert len(receiver.accepted) == 1 and len(receiver.attempts) == 9


async def test_nothing_is_sent_without_an_endpoint(demo_api: DemoApi, v2: V2Api) -> None:
    clock = Clock()
    receiver = Receiver(clock)
    sender = WebhookSender(demo_api.store, [], transport=receiver.transport(), clock=clock)
    sender.start()
    try:
        thread = (await v2.list_threads()).threads[0]
        await v2.send_message(thread.id, "no one listens")
        await v2.create_tag("unheard")
        await asyncio.wait_for(sender.drained(), 1)
        for _ in range(50):
            await asyncio.sleep(0)
    finally:
        await sender.aclose()
    assert demo_api.store.events.last_seq >= 2  # there were events to send
    assert receiver.attempts == [] and demo_api.store.events.listeners == []


async def test_the_queue_is_bounded_dropping_the_oldest(demo_api: DemoApi, v2: V2Api) -> None:
    """An endpoint gone for long: the first event is retried, at most `queue_limit` wait behind
    it, the older ones are dropped (and counted); once it answers, the rest arrive in order."""
    clock = Clock()
    receiver = Receiver(clock, answers=[500])
    gate = asyncio.Event()

    async def held_sleep(seconds: float) -> None:
        clock.slept.append(seconds)
        await gate.wait()
        await asyncio.sleep(0)  # (a set Event does not yield: the loop must get a turn)

    async with sending(demo_api.store, receiver, clock, sleep=held_sleep, queue_limit=3) as sender:
        await v2.create_tag("first")
        await until(lambda: len(clock.slept) == 1)  # refused, and backing off
        for n in range(9):
            await v2.create_tag(f"later {n}")
        assert sender.pending() == 3 and sender.dropped() == 6
        gate.set()
        await asyncio.wait_for(sender.drained(), 5)
    listed = await v2_events(demo_api)
    assert receiver.accepted == [listed[0], *listed[-3:]]
    assert sender.delivered() == 4


async def test_a_request_never_waits_for_its_webhook(demo_api: DemoApi, v2: V2Api) -> None:
    clock = Clock()
    receiver = Receiver(clock, hold=asyncio.Event())  # (never set: the receiver hangs)
    async with sending(demo_api.store, receiver, clock) as sender:
        thread = (await v2.list_threads()).threads[0]
        sent = await asyncio.wait_for(v2.send_message(thread.id, "not held up"), 2)
        await v2.create_tag("nor this")
        await until(lambda: len(receiver.attempts) == 1)
        assert sent.content == "not held up" and sender.pending() == 1
    # (closing did not wait for the hanging receiver either)
    assert receiver.accepted == []


@asynccontextmanager
async def lifespan(app: WithWebhooks) -> AsyncIterator[None]:
    """The ASGI lifespan a server (uvicorn) runs the app's start and end with."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def send(message: Any) -> None:
        await outbox.put(message)

    task = asyncio.create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}}, inbox.get, send)
    )
    await inbox.put({"type": "lifespan.startup"})
    assert (await asyncio.wait_for(outbox.get(), 2))["type"] == "lifespan.startup.complete"
    try:
        yield
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        assert (await asyncio.wait_for(outbox.get(), 2))["type"] == "lifespan.shutdown.complete"
        await asyncio.wait_for(task, 2)


async def test_dms_and_their_webhooks_flow_with_no_request() -> None:
    """The demo-server's wrapper: started by the server's lifespan, its ticker lets simulated
    DMs arrive while nobody calls the API, and each is delivered."""
    moment = [ANCHOR]
    store = DemoStore(
        SeedConfig(threads=60, anchor=ANCHOR, inbound_every=40.0), clock=lambda: moment[0]
    )
    api = DemoApi(store)
    receiver = Receiver(time.time)  # (the sender's own clock: the wall's)
    ticks: list[float] = []
    parked = asyncio.Event()

    async def tick_sleep(seconds: float) -> None:
        ticks.append(seconds)
        if len(ticks) > 3:
            await parked.wait()  # (three ticks are enough; the rest never come)
        moment[0] += timedelta(seconds=40)
        await asyncio.sleep(0)

    sender = WebhookSender(store, [Endpoint(HOOK, SECRET)], transport=receiver.transport())
    app = WithWebhooks(api.asgi, [sender], tick_every=5.0, sleep=tick_sleep)
    async with lifespan(app):
        await until(lambda: len(ticks) > 3)
        await asyncio.wait_for(sender.drained(), 5)
    # Three ticks: the first starts the store's schedule, each later one (40 s on) a DM.
    types = [e["type"] for e in receiver.accepted]
    assert types.count("message.received") == 2
    assert set(types) <= {"message.received", "thread.unarchived"}  # (a DM reopens a thread)
    assert ticks[:3] == [5.0, 5.0, 5.0]
    assert api.request_log == []  # no request made any of it
    assert receiver.accepted == await v2_events(api)
    assert sender.delivered() == len(types)
    assert store.events.listeners == []  # stopped at shutdown


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What `demo-server` would hand uvicorn (nothing is served)."""
    import uvicorn

    apps: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: apps.append(app))
    return apps


def test_demo_server_without_webhooks_sends_none(
    served: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo-server", "--threads", "20"]) == 0
    (app,) = served
    assert isinstance(app, DemoTeams)  # no sender, no ticker
    assert all(api.store.events.listeners == [] for api in app.apis)
    assert all(api.store.config.inbound_every is None for api in app.apis)
    assert "webhook" not in capsys.readouterr().err


def test_demo_server_with_webhooks(
    served: list[Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["demo-server", "--threads", "20", "--webhook", HOOK, "--webhook", HOOK + "2"]
    assert main(argv) == 0
    (app,) = served
    assert isinstance(app, WithWebhooks) and isinstance(app.app, DemoTeams)
    (sender,) = app.senders
    acme, northwind = app.app.apis
    assert sender.store is acme.store and acme.store.events.listeners
    assert sender.endpoints == [Endpoint(HOOK, DEMO_SECRET), Endpoint(HOOK + "2", DEMO_SECRET)]
    assert acme.store.config.inbound_every == INBOUND_EVERY
    assert northwind.store.config.inbound_every is None and not northwind.store.events.listeners
    said = capsys.readouterr().err
    assert f"webhooks of Acme Corp to {HOOK} (signed with the demo's secret {DEMO_SECRET})" in said
    # A secret of one's own (flag or environment) is used, and not printed.
    monkeypatch.setenv("INBOX_DEMO_WEBHOOK_SECRET", SECRET)
    assert main(["demo-server", "--threads", "20", "--webhook", HOOK]) == 0
    assert served[-1].senders[0].endpoints == [Endpoint(HOOK, SECRET)]
    assert main([*argv[:5], "--webhook-secret", "from-the-flag"]) == 0
    assert served[-1].senders[0].endpoints == [Endpoint(HOOK, "from-the-flag")]
    said = capsys.readouterr().err
    assert SECRET not in said and "from-the-flag" not in said and "the secret given" in said


@pytest.mark.parametrize(
    "url",
    [
        "ftp://relay.example/hook",
        "relay.example/hook",
        "http://",
        "http://relay.example:99999/hook",
        "http://relay example/hook",
        "",
    ],
)
def test_demo_server_refuses_a_bad_webhook_url(
    url: str, served: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo-server", "--webhook", "http://fine.example/hook", "--webhook", url]) == 2
    said = capsys.readouterr().err
    assert said.startswith("inbox-tui: --webhook: ") and said.count("\n") == 1
    assert "Traceback" not in said and served == []


def test_demo_server_refuses_an_empty_secret(
    served: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo-server", "--webhook", HOOK, "--webhook-secret", ""]) == 2
    assert "--webhook-secret cannot be empty" in capsys.readouterr().err and served == []


@contextmanager
def http_receiver() -> Iterator[tuple[str, list[tuple[str | None, bytes]]]]:
    """A webhook endpoint over a real socket: yields its URL and the deliveries it got."""
    got: list[tuple[str | None, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            got.append((self.headers.get(HEADER), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # (not on the test's output)

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", got
    finally:
        server.shutdown()
        server.server_close()


def test_demo_server_sends_webhooks(monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end: `demo-server --webhook URL` with the secret from the environment; a message
    sent through the API reaches the endpoint signed with it."""
    secret = "whsec_from_the_environment"
    monkeypatch.setenv("INBOX_DEMO_WEBHOOK_SECRET", secret)

    async def send(url: str) -> str:
        async with V2Api("demo", base_url=url) as client:
            thread = (await client.list_threads()).threads[0]
            await client.send_message(thread.id, "over the wire, and hooked")
            return thread.id

    with (
        http_receiver() as (hook, got),
        demo_server("--threads", "40", "--webhook", hook) as (
            url,
            proc,
        ),
    ):
        thread_id = asyncio.run(send(url.removesuffix("/v1") + "/v2"))
        deadline = time.monotonic() + 10
        while not got and time.monotonic() < deadline:
            time.sleep(0.05)
    assert got, "no webhook arrived"
    header, body = got[0]
    verify(secret, header, body, now=time.time())
    event = json.loads(body)
    assert event["type"] == "message.sent" and event["data"]["threadId"] == thread_id
    check_against_spec(event)
    assert proc.stderr is not None
    said = proc.stderr.read().decode()
    assert f"webhooks of Acme Corp to {hook} (signed with the secret given)" in said
    assert secret not in said

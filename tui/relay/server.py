"""The relay's HTTP side: version 2 of the Inbox API for the team's clients, under /api/v2,
answered from PostgreSQL where its copy can answer, and passed on to the service otherwise.

- Each person has a relay token (`inbox-tui relay add-person NAME`); the team's API key never
  leaves the relay.
- Reads the copy answers: the thread list (every filter but campaignId, with the relay's own
  cursors), a thread, a walked thread's messages, a contact, the directory, the event log.
  Anything else (writes, and reads the copy cannot answer yet) goes to the service with the
  team's key, its answer handed back as it came; what a read brings back is kept.
- After a write, its webhook brings the change to the copy and every client's stream (without
  webhooks set up, the relay reads the service's event log at once).
- `GET /relay/stream`: server-sent events, one `change` per applied batch (`{"lastSeq": N}`),
  heard through PostgreSQL's LISTEN, so several relay processes on one database all push.
- `POST /relay/webhooks`: the service's deliveries, checked (signature, 300 s tolerance) and
  deduplicated by event ID, so a replayed delivery changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tui.api.errors import RELAY_TOKEN_REFUSED
from tui.core.text import fold
from tui.core.webhook_signature import HEADER, TOLERANCE, BadSignature, verify
from tui.relay.store import (
    EMBEDS,
    ThreadFilter,
    decode_cursor,
    encode_cursor,
    is_relay_cursor,
)
from tui.relay.sync import DIRECTORY, WHOLE, describe

if TYPE_CHECKING:
    from tui.relay.store import RelayStore
    from tui.relay.sync import Syncer

log = logging.getLogger("inbox_tui.relay")

KEEP_ALIVE = 15.0  # seconds between a stream's comments, so proxies keep it open
RATE_HEADERS = tuple(f"x-ratelimit-{h}" for h in ("limit", "remaining", "reset"))
PASSED_BACK = ("content-type", "retry-after", "x-request-id", *RATE_HEADERS)
PASSED_ON = ("content-type", "idempotency-key", "accept")
LIST_KEYS = {
    "folder", "accountLinkId", "platform", "contactId", "tag", "status", "assigneeId",
    "unassigned", "q", "order", "expand", "limit", "cursor",
}  # fmt: skip
# The directory as the syncer reads it: answered whole, or by pages (path -> kind).
WHOLE_PATHS = tuple(DIRECTORY[kind] for kind in WHOLE)
PAGED_PATHS = {path: kind for kind, path in DIRECTORY.items() if kind not in WHOLE}


def v2_error(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    body = {"code": code, "message": message, "details": details, "requestId": None}
    return JSONResponse(body, status_code=status)


def token_refused() -> JSONResponse:
    return v2_error(401, RELAY_TOKEN_REFUSED, "Missing or unknown relay token")


class Relay:
    def __init__(
        self,
        store: RelayStore,
        syncer: Syncer,
        *,
        upstream_url: str,
        api_key: str,
        webhook_secret: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        wall: Callable[[], float] = time.time,
        sync: bool = True,
    ) -> None:
        self.store = store
        self.syncer = syncer
        self.webhook_secret = webhook_secret or None
        syncer.webhooks_set_up = self.webhook_secret is not None
        self._wall = wall
        self._sync = sync
        self._service = httpx.AsyncClient(
            base_url=upstream_url.rstrip("/"),
            headers={"Authorization": f"Bearer {api_key}", "User-Agent": "inbox-tui-relay"},
            transport=transport,
            timeout=30.0,
        )
        self._people: dict[str, tuple[str, float]] = {}  # token -> (name, until)
        self._streams: set[asyncio.Queue[int]] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._seen_webhooks: dict[str, float] = {}  # event ID -> when (replays in flight)
        self.starlette = Starlette(
            routes=[
                Route("/relay/health", self.health, methods=["GET"]),
                Route("/relay/webhooks", self.webhooks, methods=["POST"]),
                Route("/relay/stream", self.stream, methods=["GET"]),
                Route(
                    "/api/v2/{path:path}",
                    self.api,
                    methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
                ),
            ],
            lifespan=self._lifespan,
        )

    def __repr__(self) -> str:  # never the key
        return f"Relay(upstream={str(self._service.base_url)!r})"

    @asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        await self.start()
        try:
            yield
        finally:
            await self.stop()

    async def start(self) -> None:
        self._tasks.append(asyncio.create_task(self._listen()))
        if self._sync:
            self._tasks.append(asyncio.create_task(self.syncer.run()))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        await self._service.aclose()

    # --- who asks ---------------------------------------------------------------------------

    async def _person(self, request: Request) -> str | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return None
        now = time.monotonic()
        known = self._people.get(token)
        if known is not None and known[1] > now:
            return known[0]
        name = await self.store.person_for(token)
        if name is None:
            self._people.pop(token, None)
            return None
        self._people[token] = (name, now + 30.0)  # a removed person is out within 30 s
        return name

    # --- pushed changes ---------------------------------------------------------------------

    async def _listen(self) -> None:
        """Every change announced on the database, to every open stream."""
        wait = 1.0
        while True:
            try:
                async for seq in self.store.listen():
                    wait = 1.0
                    for queue in list(self._streams):
                        if queue.full():  # only the newest seq matters
                            with contextlib.suppress(asyncio.QueueEmpty):
                                queue.get_nowait()
                        queue.put_nowait(seq)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the database went away: listen again
                log.warning("listening for changes failed (%s): again in %.0f s", error, wait)
            await asyncio.sleep(wait)
            wait = min(30.0, wait * 2)

    async def stream(self, request: Request) -> Response:
        if await self._person(request) is None:
            return token_refused()
        queue: asyncio.Queue[int] = asyncio.Queue(maxsize=1)
        self._streams.add(queue)
        last = await self.store.last_seq()

        async def events() -> AsyncIterator[str]:
            try:
                yield f"event: ready\ndata: {json.dumps({'lastSeq': last})}\n\n"
                while True:
                    seq: int | None = None
                    with contextlib.suppress(TimeoutError):
                        seq = await asyncio.wait_for(queue.get(), KEEP_ALIVE)
                    if await self._person(request) is None:
                        return  # revoked: the stream ends (a name is remembered 30 s at most)
                    if seq is None:
                        yield ": keep-alive\n\n"
                    else:
                        yield f"event: change\ndata: {json.dumps({'lastSeq': seq})}\n\n"
            finally:
                self._streams.discard(queue)

        return StreamingResponse(
            events(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @property
    def streams(self) -> int:
        return len(self._streams)

    # --- webhooks ---------------------------------------------------------------------------

    async def webhooks(self, request: Request) -> Response:
        if self.webhook_secret is None:
            return JSONResponse({"error": "webhooks are not set up on this relay"}, 404)
        body = await request.body()
        now = self._wall()
        try:
            verify(self.webhook_secret, request.headers.get(HEADER), body, now)
        except BadSignature as refusal:
            return JSONResponse({"error": str(refusal)}, 401)
        try:
            event = json.loads(body)
            event_id, seq = str(event["id"]), int(event["seq"])
            str(event["type"])
        except (ValueError, KeyError, TypeError, OverflowError):
            return JSONResponse({"error": "not an event (id, seq and type)"}, 400)
        # Deliveries are at least once: one already applied, or on its way, is acknowledged
        # and changes nothing (a replay can only come within the tolerance: see verify).
        for seen, at in list(self._seen_webhooks.items()):
            if now - at > 2 * TOLERANCE:
                del self._seen_webhooks[seen]
        if event_id in self._seen_webhooks or await self.store.has_event(event_id):
            return JSONResponse({"received": event_id, "duplicate": True})
        self._seen_webhooks[event_id] = now
        event["seq"] = seq
        self.syncer.webhook(event)
        return JSONResponse({"received": event_id})

    async def health(self, request: Request) -> Response:
        """Up, and walked: for a load balancer, without a token; the figures with one."""
        walked = bool(await self.store.get_state("threads_walked", False))
        if await self._person(request) is None:
            return JSONResponse({"ok": True, "walked": walked})
        return JSONResponse(
            {
                "ok": True,
                "walked": walked,
                "threads": await self.store.thread_count(),
                "lastSeq": await self.store.last_seq(),
                "streams": self.streams,
            }
        )

    # --- the API ----------------------------------------------------------------------------

    async def api(self, request: Request) -> Response:
        if await self._person(request) is None:
            return token_refused()
        path = "/" + request.path_params["path"]
        # As sent (still percent-encoded): what is checked, and what goes on.
        raw = request.scope.get("raw_path", b"").decode("latin-1").removeprefix("/api/v2")
        if "\x00" in path or any("\x00" in v for _, v in request.query_params.multi_items()):
            return v2_error(400, "invalidRequest", "A NUL character is no part of any value")
        if not _an_operation(raw):
            # Only version 2's own resources go on with the team's key: never `..` (the
            # service's other paths), never another host.
            return v2_error(404, "invalidRequest", "No such operation")
        if request.method == "GET":
            try:
                answered = await self._answer(path, request)
            except _Invalid as problem:
                return v2_error(400, problem.code, str(problem))
            if answered is not None:
                return JSONResponse(answered)
        return await self._forward(raw, path, request)

    async def _answer(self, path: str, request: Request) -> Any:
        """The copy's answer to a read, or None: the service's to answer."""
        params = request.query_params
        parts = path.strip("/").split("/")
        if path in WHOLE_PATHS and not params:
            return await self.store.get_state(f"body:{path}")
        if path in PAGED_PATHS and set(params) <= {"limit"}:
            items = await self.store.directory(PAGED_PATHS[path])
            if items is not None and len(items) <= _limit(params, 50, 100):
                return {"data": items, "nextCursor": None}
            return None
        if len(parts) == 2 and f"/{parts[0]}" in PAGED_PATHS and not params:
            return await self.store.directory_item(PAGED_PATHS[f"/{parts[0]}"], parts[1])
        if path == "/events":
            return await self._events(request)
        if path == "/threads":
            return await self._threads(request)
        if len(parts) == 2 and parts[0] == "threads" and set(params) <= {"expand"}:
            return await self.store.thread(parts[1], _expand(request))
        if len(parts) == 3 and parts[0] == "threads" and parts[2] == "messages":
            return await self._messages(parts[1], request)
        if len(parts) == 2 and parts[0] == "contacts" and not params:
            return await self.store.contact(parts[1])
        return None

    async def _events(self, request: Request) -> Any:
        params = request.query_params
        if not set(params) <= {"afterSeq", "limit", "type"} or await self.store.last_seq() is None:
            return None
        after = params.get("afterSeq")
        try:
            after_seq = int(after) if after is not None else None
        except ValueError:
            raise _Invalid("afterSeq must be a whole number") from None
        if after_seq is not None and after_seq < 0:
            raise _Invalid("afterSeq must be 0 or more")
        limit = _limit(params, 100, 1000)
        return await self.store.events_page(after_seq, limit, params.getlist("type"))

    async def _threads(self, request: Request) -> Any:
        params = request.query_params
        if not set(params) <= LIST_KEYS or not await self.store.get_state("threads_walked"):
            return None  # campaignId, or the walk has not listed every thread yet
        cursor = params.get("cursor")
        if cursor is not None and not is_relay_cursor(cursor):
            return None  # a page the service began
        folder = params.get("folder", "inbox")
        if folder not in ("inbox", "noReply", "requests", "archived", "all"):
            raise _Invalid("folder must be inbox, noReply, requests, archived or all")
        order = params.get("order", "desc")
        if order not in ("asc", "desc"):
            raise _Invalid("order must be asc or desc")
        unassigned = params.get("unassigned")
        if unassigned not in (None, "true", "false"):
            raise _Invalid("unassigned must be true or false")
        if unassigned == "true" and "assigneeId" in params:
            raise _Invalid("unassigned cannot be combined with assigneeId")
        q = params.get("q")
        if q is not None and not q:
            raise _Invalid("q must be at least 1 character")
        tags, statuses = params.getlist("tag"), params.getlist("status")
        flt = ThreadFilter(
            folder=folder,
            account_link_ids=tuple(params.getlist("accountLinkId")),
            platforms=tuple(params.getlist("platform")),
            contact_ids=tuple(params.getlist("contactId")),
            tag_ids=await self._label_ids("tag", tags) if tags else None,
            status_ids=await self._label_ids("status", statuses) if statuses else None,
            assignee_ids=tuple(params.getlist("assigneeId")),
            unassigned=unassigned == "true",
            q=q,
            ascending=order == "asc",
        )
        expand = _expand(request)

        async def read(limit: int, after: Position | None) -> tuple[list[Any], Position | None]:
            threads, next_key = await self.store.list_threads(flt, limit, after)
            return await self.store.expanded(threads, expand), next_key

        return await _keyset_page("threads", flt.digest(), cursor, _limit(params, 50, 100), read)

    async def _label_ids(self, kind: str, refs: list[str]) -> tuple[str, ...]:
        """Tags or statuses by ID or by name (case and accents ignored; an ID wins)."""
        labels = await self.store.directory(kind) or []
        by_id = {str(label.get("id")) for label in labels}
        ids = []
        for ref in refs:
            if ref in by_id:
                ids.append(ref)
                continue
            ids += [str(lb["id"]) for lb in labels if fold(str(lb.get("name", ""))) == fold(ref)]
        return tuple(ids)

    async def _messages(self, thread_id: str, request: Request) -> Any:
        params = request.query_params
        if not set(params) <= {"limit", "cursor"}:
            return None
        cursor = params.get("cursor")
        if cursor is not None and not is_relay_cursor(cursor):
            return None
        if not await self.store.messages_complete(thread_id):
            return None  # read through the service, and kept (see _keep)
        read = partial(self.store.list_messages, thread_id)
        limit = _limit(params, 50, 100)
        return await _keyset_page("messages", f"m:{thread_id}", cursor, limit, read)

    # --- the service's answers --------------------------------------------------------------

    async def _forward(self, raw: str, path: str, request: Request) -> Response:
        query = request.scope.get("query_string", b"").decode("latin-1")
        url = raw + (f"?{query}" if query else "")
        headers = {k: v for k in PASSED_ON if (v := request.headers.get(k)) is not None}
        body = await request.body()
        asked = datetime.now(UTC)
        try:
            answer = await self._service.request(
                request.method, url, content=body or None, headers=headers
            )
        except httpx.TransportError as error:
            # Whether a write arrived is unknown: said as the service's own "unconfirmed".
            sent = request.method != "GET" and not isinstance(error, httpx.ConnectError)
            code = "sendUnconfirmed" if sent and path == "/messages" else "platformUnavailable"
            return v2_error(
                502, code, f"the relay cannot reach the Inbox API ({type(error).__name__})"
            )
        passed = {k: v for k in PASSED_BACK if (v := answer.headers.get(k)) is not None}
        if answer.is_success:
            try:
                await self._keep(request, path, answer, asked)
            except Exception as error:  # keeping a copy never fails the answer
                log.warning(
                    "not kept in the copy: %s %s (%s)", request.method, path, describe(error)
                )
        return Response(answer.content, status_code=answer.status_code, headers=passed)

    async def _keep(
        self, request: Request, path: str, answer: httpx.Response, asked: datetime
    ) -> None:
        """What the service answered goes in the copy, a read's or a write's alike (the person
        who wrote reads it back next; its event brings the rest)."""
        body = answer.json() if answer.content else None
        if isinstance(body, dict):
            await self._keep_answer(path.strip("/").split("/"), request, body, asked)
        if request.method != "GET" and not self.syncer.webhooks_set_up:
            self.syncer.poke()  # (with webhooks, the write's own webhook comes)

    async def _keep_answer(
        self, parts: list[str], request: Request, body: dict[str, Any], asked: datetime
    ) -> None:
        store = self.store
        if parts[0] == "threads" and len(parts) == 2 and "id" in body:  # read, or changed
            await store.put_threads([body], fetched_at=asked)
        elif parts[0] == "contacts" and "id" in body and "tagIds" in body:  # (or its tags)
            await store.put_contact(body, fetched_at=asked)
        elif parts[0] == "threads" and len(parts) == 3 and parts[2] == "messages":
            if request.method != "GET":
                return
            first_page = "cursor" not in request.query_params
            whole = first_page and body.get("nextCursor") is None
            # A thread read through: its newest page is kept, and its walk comes first.
            await store.put_messages(
                parts[1], body.get("data") or [], complete=True if whole else None, fetched_at=asked
            )
        elif parts == ["messages"] and isinstance(body.get("message"), dict):  # sent
            message = body["message"]
            await store.put_messages(str(message.get("threadId")), [message], fetched_at=asked)
        elif parts[0] == "messages" and len(parts) == 2 and {"id", "threadId"} <= set(body):
            await store.put_messages(str(body["threadId"]), [body], fetched_at=asked)  # edited


class _Invalid(ValueError):
    """A parameter the copy refuses, as the service would (400 invalidRequest)."""

    def __init__(self, message: str, code: str = "invalidRequest") -> None:
        super().__init__(message)
        self.code = code


Position = tuple[datetime, str]  # where a keyset page ends: (its time, its ID)


async def _keyset_page(
    kind: str,
    digest: str,
    cursor: str | None,
    limit: int,
    read: Callable[[int, Position | None], Awaitable[tuple[list[Any], Position | None]]],
) -> dict[str, Any]:
    """A page of the copy, `{data, nextCursor}`, from where the cursor (the relay's own, for
    these filters) says."""
    position = None
    if cursor is not None:
        position = decode_cursor(cursor, kind, digest)
        if position is None:
            raise _Invalid(
                "The cursor is damaged, or was issued for other filters", "invalidCursor"
            )
    items, next_key = await read(limit, position)
    next_cursor = encode_cursor(kind, digest, *next_key) if next_key else None
    return {"data": items, "nextCursor": next_cursor}


# Version 2's resources (07-inbox-v2-openapi.json's paths, by their first segment).
RESOURCES = frozenset(
    {"platforms", "team", "members", "account-links", "contacts", "threads", "messages",
     "tags", "statuses", "colors", "events"}
)  # fmt: skip


def _an_operation(path: str) -> bool:
    """A path under one of v2's resources, each segment a plain one: no `.` or `..` (even
    encoded), no empty segment, no backslash."""
    segments = path.strip("/").split("/")
    if segments[0] not in RESOURCES or path.endswith("//"):
        return False
    for segment in segments:
        plain = unquote(segment)
        if plain in ("", ".", "..") or any(c in plain for c in "\\/;%"):
            return False  # (';': path parameters; '%': encoded twice)
    return True


def _limit(params: Any, default: int, most: int) -> int:
    raw = params.get("limit")
    if raw is None:
        return default
    try:
        limit = int(raw)
    except ValueError:
        raise _Invalid(f"limit must be a whole number from 1 to {most}") from None
    if not 1 <= limit <= most:
        raise _Invalid(f"limit must be from 1 to {most}")
    return limit


def _expand(request: Request) -> set[str]:
    paths = set(request.query_params.getlist("expand"))
    unknown = paths - set(EMBEDS)
    if unknown:
        raise _Invalid(f"expand: no such path {sorted(unknown)[0]!r}")
    return paths

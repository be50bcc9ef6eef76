"""The embedded Inbox API: a Starlette app with the documented routes, shapes and status codes.

Served in-process through httpx.ASGITransport (the default backend without an API key), or over
a real socket by `inbox-tui demo-server`. Answers version 1 under /api/v1 and version 2 (v2/)
under /api/v2 and at the root, from one store.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import parse_qsl, quote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from tui.demo import audit, thread_settings, xchat
from tui.demo import params as qp
from tui.demo.faults import FaultPlan, api_path
from tui.demo.openapi import Checked, Issue, MethodNotAllowed, Refused, spec_for
from tui.demo.records import ThreadRec, ts
from tui.demo.store import DemoError, DemoStore
from tui.demo.v2 import NO_CONTENT, Accepted, Created, V2Error, V2Handlers, from_demo_error

DEMO_API_KEY = "demo"
MAX_MESSAGE_LENGTH = 10_000
MESSAGE = "/threads/{thread_id}/messages/{message_id}"

Handler = Callable[[Request], Awaitable[Any]]


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "status": status}}
    return JSONResponse(body, status_code=status, headers=headers)


class RateWindow:
    """One of the service's per-team limits: a sliding window of admitted request starts."""

    def __init__(self, name: str, limit: int, window: float) -> None:
        self.name = name  # "minute", "hour" or "day" (v2's rateLimited details say which)
        self.limit = limit
        self.window = window
        self._starts: deque[float] = deque()

    def remaining(self, now: float) -> int:
        while self._starts and now - self._starts[0] >= self.window:
            self._starts.popleft()
        return max(0, self.limit - len(self._starts))

    def wait(self, now: float) -> float:
        """Seconds until this window has room again (0: it has)."""
        if self.remaining(now) > 0 or not self._starts:
            return 0.0
        return max(0.0, self._starts[0] + self.window - now)

    def take(self, now: float) -> None:
        self._starts.append(now)

    def reset_in(self, now: float) -> float:
        """Seconds until the oldest request in the window leaves it (0: the window is empty)."""
        self.remaining(now)
        return max(0.0, self._starts[0] + self.window - now) if self._starts else 0.0

    def share_left(self, now: float) -> float:
        return self.remaining(now) / self.limit


# The service's limits per team (docs 04): sliding windows of a minute, an hour and a day.
TEAM_LIMITS = (("minute", 60.0, 300), ("hour", 3600.0, 10_000), ("day", 86400.0, 100_000))


class TeamLimits:
    """The team's budget as the service keeps it: a request is admitted when each of the three
    windows has room. The headers do not say which window they describe (docs 04): they give
    the one with the smallest share left, and when it empties (Reset). `per_minute` None: no
    limit at all; a smaller one (tests) keeps the hour's and the day's as documented. `clock`:
    seconds (a simulated day runs faster)."""

    def __init__(
        self,
        per_minute: int | None = 300,
        *,
        per_hour: int = 10_000,
        per_day: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.limit = per_minute
        self.clock = clock
        self.wall = wall  # the unix time X-RateLimit-Reset counts from
        limits = {"minute": per_minute, "hour": per_hour, "day": per_day}
        self.windows = (
            []
            if per_minute is None
            else [
                RateWindow(name, limits[name] or size, seconds)
                for name, seconds, size in TEAM_LIMITS
            ]
        )
        self.refused_by = ""  # the window the last refusal came from

    def admit(self) -> tuple[bool, dict[str, str]]:
        now = self.clock()
        if not self.windows:
            return True, {
                "X-RateLimit-Limit": "1000000",
                "X-RateLimit-Remaining": "1000000",
                "X-RateLimit-Reset": str(math.ceil(self.wall())),
            }
        full = [w for w in self.windows if w.remaining(now) == 0]
        admitted = not full
        if admitted:
            for window in self.windows:
                window.take(now)
        # The window with the smallest share left (an hour two-thirds spent is tighter than a
        # minute half spent, though it has more left): what a client budgets by.
        tightest = min(self.windows, key=lambda w: (w.share_left(now), -w.window))
        wait = max((w.wait(now) for w in full), default=0.0)
        headers = {
            "X-RateLimit-Limit": str(tightest.limit),
            "X-RateLimit-Remaining": str(tightest.remaining(now)),
            "X-RateLimit-Reset": str(math.ceil(self.wall() + tightest.reset_in(now))),
        }
        if not admitted:
            binding = max(full, key=lambda w: w.wait(now))
            self.refused_by = binding.name
            headers["Retry-After"] = str(max(1, math.ceil(wait)))
        return admitted, headers

    def window_named(self, name: str) -> RateWindow | None:
        return next((w for w in self.windows if w.name == name), None)


class DemoApi:
    """The demo service: a store, the keys it accepts, its rate limit and injected faults."""

    def __init__(
        self,
        store: DemoStore | None = None,
        *,
        api_keys: Sequence[str] = (DEMO_API_KEY,),
        rate_limit: int | None = 300,
        faults: FaultPlan | None = None,
    ) -> None:
        self.store = store or DemoStore()
        self.api_keys = frozenset(api_keys)
        self.rate = TeamLimits(rate_limit)
        self.faults = faults if faults is not None else FaultPlan()
        self.request_log: list[tuple[str, str]] = []
        self._request_ids = 0
        self.v2 = V2Handlers(self)
        v1_routes = self._routes()
        v2_routes = self.v2.routes(partial(self._route, v2=True))
        self.starlette = Starlette(
            # One store, both versions; the bare paths answer as the default version (v2).
            routes=[
                # The media host: another origin at the service, one app here.
                Route("/media/{message_id}/{index:int}", self.media, methods=["GET"]),
                Mount("/api/v1", routes=v1_routes),
                Mount("/api/v2", routes=v2_routes),
                *v2_routes,
            ],
            exception_handlers={HTTPException: self._http_exception},  # type: ignore[dict-item]
        )
        for route in self.starlette.routes:
            if isinstance(route, Mount):
                # A mount's `.*` stops at a line break; a path parameter may hold one (a tag's
                # name), and a malformed ID with one is the operation's to refuse.
                route.path_regex = re.compile(route.path_regex.pattern, re.DOTALL)
        self.asgi: ASGIApp = self.starlette

    async def media(self, request: Request) -> Response:
        """An attachment's bytes, for a link the API handed out: no API key (the link is the
        credential), 403 once it has expired, as a storage host answers."""
        message_id, index = request.path_params["message_id"], request.path_params["index"]
        found = self.store.find_message(message_id)
        if found is None or not 0 <= index < len(found[1].attachments):
            return Response("Not found", status_code=404, media_type="text/plain")
        record = found[1].attachments[index]
        expires, sig = request.query_params.get("expires"), request.query_params.get("sig")
        admitted = self.store.media.admits(message_id, index, expires, sig)
        if record.kind == "card" or record.processing or not admitted:
            return Response("Request has expired", status_code=403, media_type="text/plain")
        self.store.media.served += 1
        body = self.store.media.content(message_id, index, record)
        return Response(body, media_type=record.content_type or "application/octet-stream")

    def serve_drops_over_sockets(self) -> None:
        """Over a real socket a drop is the server breaking the connection mid-answer
        (in-process, FaultyTransport raises the transport error instead)."""
        self.asgi = SocketDrops(self.starlette, self.faults)

    async def _http_exception(self, request: Request, exc: HTTPException) -> Response:
        headers: dict[str, str] = {}
        if exc.status_code == 405:
            # Every method the spec gives the path, as HTTP asks of a 405 (a literal path
            # such as /tags/colors is its own, not /tags/{tagId}'s).
            headers["Allow"] = ", ".join(_allowed(_raw_path(request)))
        if not request.url.path.startswith("/api/v1"):
            # No such path, or not with this method: v2 has no code of its own for either.
            code = "invalidRequest" if exc.status_code in (404, 405) else "internal"
            message = "No such operation" if exc.status_code == 404 else str(exc.detail)
            return self._v2_error(exc.status_code, code, message, None, headers)
        code = "NOT_FOUND" if exc.status_code == 404 else "BAD_REQUEST"
        if exc.status_code == 405:
            code = "METHOD_NOT_ALLOWED"
        return error_response(exc.status_code, code, str(exc.detail), headers)

    def _v2_error(
        self, status: int, code: str, message: str, details: Any, headers: dict[str, str]
    ) -> JSONResponse:
        """v2's error body: `{code, message, details, requestId}`, the ID also in a header."""
        self._request_ids += 1
        request_id = f"req_demo{self._request_ids:08d}"
        body = {"code": code, "message": message, "details": details, "requestId": request_id}
        return JSONResponse(
            body, status_code=status, headers={**headers, "X-Request-Id": request_id}
        )

    def _error(
        self,
        v2: bool,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str],
        details: Any = None,
    ) -> JSONResponse:
        if not v2:
            return error_response(status, code, message, headers)
        if not code[:1].islower():  # a v1 code from the store: v2's spelling and details
            translated = from_demo_error(DemoError(status, code, message, details))
            code, details = translated.code, translated.details
        return self._v2_error(status, code, message, details, headers)

    def _rate_details(self, headers: dict[str, str]) -> dict[str, Any]:
        reset = datetime.fromtimestamp(int(headers["X-RateLimit-Reset"]), UTC)
        window = self.rate.window_named(self.rate.refused_by or "minute")
        limit = window.limit if window is not None else 1_000_000
        return {"window": self.rate.refused_by or "minute", "limit": limit, "resetAt": ts(reset)}

    # --- the wrapper every endpoint goes through --------------------------------------------

    def _route(self, path: str, handler: Handler, methods: list[str], *, v2: bool) -> Route:
        return Route(path, self._endpoint(handler, v2=v2), methods=methods)

    def _endpoint(
        self, handler: Handler, *, v2: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            path = api_path(request.url.path)
            self.request_log.append((request.method, path))
            checked = await self._check(request, api_path(_raw_path(request)), v2)
            # The key first: without it there is no team, so no team's budget to spend.
            auth = request.headers.get("authorization", "")
            scheme, _, token = auth.partition(" ")
            if scheme.lower() != "bearer" or token.strip() not in self.api_keys:
                return self._error(v2, 401, "UNAUTHORIZED", "Missing or invalid API token", {})
            admitted, headers = self.rate.admit()
            if not admitted:
                details = self._rate_details(headers)
                return self._error(
                    v2,
                    429,
                    "rateLimited" if v2 else "RATE_LIMITED",
                    f"Too many requests: the team's limit for the {self.rate.refused_by} is used",
                    headers,
                    details,
                )
            fault = self.faults.take(request.method, path) or self.faults.draw(drops=False)
            if fault is not None and fault.slow:
                await asyncio.sleep(fault.slow)
                fault = None
            if fault is not None and fault.status == 401:
                return self._error(v2, 401, "UNAUTHORIZED", "The API token has expired", headers)
            if fault is not None:
                if fault.malformed:
                    return Response('{"threads": [{"id": ', media_type="application/json")
                if fault.body is not None:
                    return Response(fault.body, media_type="application/json", headers=headers)
                extra = dict(headers)
                if fault.retry_after is not None:
                    extra["Retry-After"] = str(fault.retry_after)
                status = fault.status or 500
                if v2 and fault.code is None:
                    code, details = V2_FAULTS.get(status, ("internal", None))
                    if status == 429:
                        details = self._rate_details(headers)
                    return self._v2_error(status, code, "Injected demo fault", details, extra)
                code = fault.code or _code_for(status)
                return self._error(v2, status, code, "Injected demo fault", extra, fault.details)
            if not isinstance(checked, Checked):
                return self._refusal(checked, v2, headers)
            request.state.checked = checked
            self.store.simulate_activity()
            try:
                result = await handler(request)
            except DemoError as exc:
                return self._error(v2, exc.status, exc.code, exc.message, headers, exc.details)
            except V2Error as exc:
                return self._error(v2, exc.status, exc.code, exc.message, headers, exc.details)
            if result is NO_CONTENT:
                return Response(status_code=204, headers=headers)
            if isinstance(result, Created | Accepted):
                status = 201 if isinstance(result, Created) else 202
                return JSONResponse(result.body, status_code=status, headers=headers)
            return JSONResponse(result, headers=headers)

        return endpoint

    async def _check(self, request: Request, path: str, v2: bool) -> Checked | Exception:
        """The request against its operation in the version's OpenAPI document: its values as
        typed there, or why it is refused (answered after the key, the rate limit and any
        injected fault, as the service answers those first). A refused request from our own
        client is written down for the tests."""
        body = await request.body()
        # Read as Starlette does, but with bytes that are not UTF-8 kept as lone surrogates
        # rather than replaced by U+FFFD, so that the check refuses them (see NOT_TEXT).
        query = parse_qsl(
            request.scope["query_string"].decode("latin-1"),
            keep_blank_values=True,
            errors="surrogateescape",
        )
        try:
            found = spec_for("v2" if v2 else "v1").find(request.method, path)
            if found is None:
                return Refused([Issue((), f"{path} is not an operation of this API")])
            operation, values = found
            return operation.check(values, query, request.headers, body)
        except (Refused, MethodNotAllowed) as refusal:
            problem = str(refusal)
            if isinstance(refusal, MethodNotAllowed):
                problem = f"{request.method} is not allowed here (only {problem})"
            audit.record(request.method, path, query, request.headers, body, problem)
            return refusal

    def _refusal(self, refusal: Exception, v2: bool, headers: dict[str, str]) -> JSONResponse:
        if isinstance(refusal, MethodNotAllowed):
            allowed = {**headers, "Allow": ", ".join(refusal.allowed)}
            code = "invalidRequest" if v2 else "METHOD_NOT_ALLOWED"
            return self._error(v2, 405, code, "Method not allowed", allowed)
        assert isinstance(refusal, Refused)
        issues = refusal.issues
        message = "; ".join(issue.text() for issue in issues)
        if v2:
            details = {"issues": [{"path": list(i.path), "message": i.message} for i in issues]}
            return self._v2_error(400, "invalidRequest", message, details, headers)
        code = "BAD_REQUEST"
        if any(i.message == "unknown field" for i in issues):
            code = "INVALID_FIELD"
        if any(i.path == ("tagIds",) for i in issues):
            message = "there is no tagIds field: change tags with addTags and removeTags"
        return error_response(400, code, message, headers)

    def _routes(self) -> list[BaseRoute]:
        def route(path: str, handler: Handler, methods: list[str]) -> Route:
            return self._route(path, handler, methods, v2=False)

        return [
            route("/team", self.get_team, ["GET"]),
            route("/account-links", self.list_account_links, ["GET"]),
            route("/members", self.list_members, ["GET"]),
            route("/members/{member_id}", self.get_member, ["GET"]),
            route("/tags", self.list_tags, ["GET"]),
            route("/tags", partial(self.create_label, "tags"), ["POST"]),
            route("/tags/colors", self.list_colors, ["GET"]),
            route("/tags/{label_id}", partial(self.get_label, "tags"), ["GET"]),
            route("/tags/{label_id}", partial(self.update_label, "tags"), ["PATCH"]),
            route("/tags/{label_id}", partial(self.delete_label, "tags"), ["DELETE"]),
            route("/statuses", self.list_statuses, ["GET"]),
            route("/statuses", partial(self.create_label, "statuses"), ["POST"]),
            route("/statuses/colors", self.list_colors, ["GET"]),
            route("/statuses/{label_id}", partial(self.get_label, "statuses"), ["GET"]),
            route("/statuses/{label_id}", partial(self.update_label, "statuses"), ["PATCH"]),
            route("/statuses/{label_id}", partial(self.delete_label, "statuses"), ["DELETE"]),
            route("/colors", self.list_colors, ["GET"]),
            route("/events", self.list_events, ["GET"]),
            route("/threads", self.list_threads, ["GET"]),
            route("/threads", self.create_thread, ["POST"]),
            route("/threads/lookup", self.lookup_thread, ["GET"]),
            route("/threads/lookup-by-username", self.lookup_by_username, ["GET"]),
            route("/threads/messages", self.quick_send, ["POST"]),
            route("/threads/{thread_id}", self.get_thread, ["GET"]),
            route("/threads/{thread_id}", self.update_thread, ["PATCH"]),
            route("/threads/{thread_id}", self.delete_thread, ["DELETE"]),
            route("/threads/{thread_id}/typing", self.typing, ["POST"]),
            route(
                "/threads/{thread_id}/settings",
                partial(thread_settings.update_settings, self.store),
                ["PATCH"],
            ),
            route("/threads/{thread_id}/messages", self.list_messages, ["GET"]),
            route("/threads/{thread_id}/messages", self.send_message, ["POST"]),
            route(MESSAGE, self.edit_message, ["PATCH"]),
            route(MESSAGE, self.delete_message, ["DELETE"]),
            route(MESSAGE + "/history", self.message_history, ["GET"]),
            route(MESSAGE + "/reactions/reactions", partial(self.react, True), ["POST"]),
            route(MESSAGE + "/reactions/reactions", partial(self.react, False), ["DELETE"]),
            route("/prospects/lookup", self.lookup_prospect, ["GET"]),
            route("/prospects/{prospect_id}", self.get_prospect, ["GET"]),
            route("/prospects/{prospect_id}/context", self.update_context, ["PATCH"]),
        ]

    # --- directory --------------------------------------------------------------------------

    async def get_team(self, request: Request) -> Any:
        return self.store.team_wire()

    async def list_account_links(self, request: Request) -> Any:
        return [a.wire() for a in self.store.account_links.values()]

    async def list_members(self, request: Request) -> Any:
        return [m.wire() for m in self.store.members.values()]

    async def get_member(self, request: Request) -> Any:
        return self.store.member(request.path_params["member_id"]).wire()

    async def list_tags(self, request: Request) -> Any:
        return [t.tag_wire() for t in self.store.tags.values()]

    async def list_statuses(self, request: Request) -> Any:
        return [s.status_wire() for s in self.store.statuses.values()]

    async def list_colors(self, request: Request) -> Any:
        return self.store.colors_wire()

    async def list_events(self, request: Request) -> Any:
        q = _query(request)
        return self.store.events.page(q.get("afterSeq", 0), q.get("limit", 100))

    def _label_wire(self, kind: str, label: Any) -> Any:
        return label.tag_wire() if kind == "tags" else label.status_wire()

    async def get_label(self, kind: str, request: Request) -> Any:
        return self._label_wire(kind, self.store.label(kind, request.path_params["label_id"]))

    async def create_label(self, kind: str, request: Request) -> Any:
        body = _body(request)
        name = qp.label_name(body)
        color = qp.label_color(body)
        return self._label_wire(kind, self.store.create_label(kind, name, color))

    async def update_label(self, kind: str, request: Request) -> Any:
        label = self.store.label(kind, request.path_params["label_id"])
        body = _body(request)
        changes: dict[str, Any] = {}
        if "name" in body:
            changes["name"] = qp.label_name(body)
        if "color" in body:
            changes["color"] = qp.label_color(body)
        self.store.update_label(label, kind, changes)
        return self._label_wire(kind, label)

    async def delete_label(self, kind: str, request: Request) -> Any:
        self.store.delete_label(kind, self.store.label(kind, request.path_params["label_id"]))
        return None

    # --- threads ----------------------------------------------------------------------------

    async def list_threads(self, request: Request) -> Any:
        q = _query(request)
        flt = qp.thread_filter_from(q)
        threads, next_cursor = self.store.list_threads(flt, q.get("limit", 20), qp.cursor_from(q))
        return {
            "threads": [self.store.thread_wire(t) for t in threads],
            "nextCursor": _cursor_wire(next_cursor),
        }

    async def create_thread(self, request: Request) -> Any:
        body = _body(request)
        platform_id, external_id = _person(body)
        thread = self.store.create_thread(body["accountLinkId"], platform_id, external_id)
        return self.store.thread_wire(thread)

    async def lookup_thread(self, request: Request) -> Any:
        q = _query(request)
        platform_id, external_id = _person(q)
        thread = self.store.lookup_thread(q["accountLinkId"], platform_id, external_id)
        return None if thread is None else self.store.thread_wire(thread)

    async def lookup_by_username(self, request: Request) -> Any:
        q = _query(request)
        username = q["username"].strip()
        if not username:
            raise qp.bad_request("username cannot be blank")
        threads = self.store.lookup_by_username(username, q.get("accountLinkIds") or [])
        return [self.store.thread_wire(t) for t in threads]

    async def get_thread(self, request: Request) -> Any:
        return self.store.thread_wire(self.store.thread(request.path_params["thread_id"]))

    async def update_thread(self, request: Request) -> Any:
        thread = self.store.thread(request.path_params["thread_id"])
        self.store.update_thread(thread, _body(request))
        return self.store.thread_wire(thread)

    async def delete_thread(self, request: Request) -> Any:
        self.store.delete_thread(self.store.thread(request.path_params["thread_id"]))
        return None

    async def typing(self, request: Request) -> Any:
        """v1's typing indicator: X Chat (encrypted) threads only, as its spec says."""
        thread = self.store.thread(request.path_params["thread_id"])
        if thread.variant != "xChat":
            return {"status": "skipped", "reason": "unsupported"}
        skipped = self.store.typing_signal(thread)
        if skipped is None:
            return {"status": "sent"}
        return {"status": "skipped", "reason": {"disabled": "typingDisabled"}.get(skipped, skipped)}

    # --- messages ---------------------------------------------------------------------------

    async def list_messages(self, request: Request) -> Any:
        thread = self.store.thread(request.path_params["thread_id"])
        q = _query(request)
        messages, next_cursor = self.store.list_messages(
            thread, q.get("limit", 50), qp.cursor_from(q)
        )
        encrypted = thread.variant == "xChat"
        return {
            "teamId": self.store.team_id,
            "threadId": thread.id,
            "messages": [
                m.wire(self.store.team_id, encrypted, self.store.media.permanent_url)
                for m in messages
            ],
            "nextCursor": _cursor_wire(next_cursor),
            "isSyncing": thread.sync_seconds > 0,
        }

    async def send_message(self, request: Request) -> Any:
        thread = self.store.thread(request.path_params["thread_id"])
        body = _body(request)
        content = _content(body)
        reply_to = body.get("replyToMessageId")
        message = self.store.send_message(thread, content, reply_to, self.store.acting_member_id)
        return message.wire(self.store.team_id, thread.variant == "xChat")

    async def edit_message(self, request: Request) -> Any:
        thread, message_id = self._message_target(request)
        return xchat.edit_message(self.store, thread, message_id, _content(_body(request)))

    async def delete_message(self, request: Request) -> Any:
        thread, message_id = self._message_target(request)
        for_all = _body(request).get("deleteForAll", True)
        return xchat.delete_message(self.store, thread, message_id, for_all)

    async def message_history(self, request: Request) -> Any:
        thread, message_id = self._message_target(request)
        return xchat.history(self.store, thread, message_id)

    async def react(self, add: bool, request: Request) -> Any:
        thread, message_id = self._message_target(request)
        emoji = _body(request)["emoji"]
        if len(emoji) > xchat.MAX_EMOJI_LENGTH or not emoji.strip():
            raise qp.bad_request("emoji must be a single emoji")
        return xchat.react(self.store, thread, message_id, emoji, add)

    def _message_target(self, request: Request) -> tuple[ThreadRec, str]:
        thread = self.store.thread(request.path_params["thread_id"])
        return thread, request.path_params["message_id"]

    async def quick_send(self, request: Request) -> Any:
        body = _body(request)
        link_id = body["accountLinkId"]
        content = _content(body)
        platform_id, external_id = _person(body)
        thread = self.store.lookup_thread(link_id, platform_id, external_id)
        if thread is None:
            thread = self.store.create_thread(link_id, platform_id, external_id)
        message = self.store.send_message(thread, content, None, self.store.acting_member_id)
        return {
            "message": message.wire(self.store.team_id, thread.variant == "xChat"),
            "thread": {"id": thread.id, "platformId": thread.platform_id},
        }

    # --- prospects --------------------------------------------------------------------------

    async def lookup_prospect(self, request: Request) -> Any:
        prospect = self.store.find_prospect(_query(request)["platformId"], None)
        return None if prospect is None else self.store.prospect_wire(prospect)

    async def get_prospect(self, request: Request) -> Any:
        return self.store.prospect_wire(self.store.prospect(request.path_params["prospect_id"]))

    async def update_context(self, request: Request) -> Any:
        prospect = self.store.prospect(request.path_params["prospect_id"])
        body = _body(request)
        valuation = body.get("valuation")
        if isinstance(valuation, float) and not math.isfinite(valuation):
            raise qp.bad_request("valuation must be a finite number")
        self.store.update_context(prospect, body)
        return self.store.prospect_wire(prospect)


# An injected v2 fault's code and details, by status (as the spec pairs them).
V2_FAULTS: dict[int, tuple[str, Any]] = {
    401: ("unauthorized", None),
    429: ("rateLimited", None),
    500: ("internal", None),
    502: ("platformError", None),
    503: ("platformUnavailable", {"retryAfterSeconds": 1}),
}


def _raw_path(request: Request) -> str:
    """The path as sent, still percent-encoded: `request.url` drops a line break (as
    urllib.parse does) and the decoded one cannot tell `%2F` from `/`."""
    raw = request.scope.get("raw_path")
    return raw.decode("latin-1") if raw else quote(request.scope["path"])


def _allowed(url_path: str) -> list[str]:
    """The methods the version's spec describes at this path."""
    version = "v1" if url_path.startswith("/api/v1/") else "v2"
    try:
        spec_for(version).find("", api_path(url_path))
    except MethodNotAllowed as refusal:
        return refusal.allowed
    return []


def _code_for(status: int) -> str:
    return {
        401: "UNAUTHORIZED",
        403: "FORBIDDEN",
        404: "NOT_FOUND",
        429: "RATE_LIMITED",
    }.get(status, "INTERNAL_SERVER_ERROR" if status >= 500 else "BAD_REQUEST")


def _cursor_wire(cursor: Any) -> dict[str, Any] | None:
    if cursor is None:
        return None
    return {"id": cursor[1], "timestamp": ts(cursor[0])}


def _query(request: Request) -> dict[str, Any]:
    """The query's values, as the spec types them (checked before any handler runs)."""
    return request.state.checked.query  # type: ignore[no-any-return]


def _body(request: Request) -> dict[str, Any]:
    """The JSON body, checked against the operation's schema; {} when none was sent."""
    body = request.state.checked.body
    return body if isinstance(body, dict) else {}


def _person(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """Who a thread is with: one of the two IDs (the spec's prose; their types it checks)."""
    platform_id, external_id = body.get("externalPlatformId"), body.get("externalId")
    if not (platform_id or external_id):
        raise qp.bad_request("externalPlatformId or externalId is required")
    return platform_id, external_id


def _content(body: dict[str, Any]) -> str:
    content = body.get("content")
    if not isinstance(content, str) or not content.strip():
        raise qp.bad_request("content is required and cannot be empty")
    if len(content) > MAX_MESSAGE_LENGTH:
        raise qp.bad_request(f"content is longer than {MAX_MESSAGE_LENGTH} characters")
    return content


class SocketDrops:
    """ASGI middleware: for a drawn drop, start an answer and break off mid-body, so the client
    sees the connection fail as it does on a real network."""

    def __init__(self, app: ASGIApp, faults: FaultPlan) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.faults.draw(drops=True) is not None:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", b"1000"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b'{"threads": [', "more_body": True})
            raise ConnectionAbortedError("demo fault: connection dropped")
        await self.app(scope, receive, send)


class DemoTeams:
    """Several demo teams on one socket (demo-server): a request goes to the team whose key
    it carries (one without a known key to the first, which refuses it), and a media link to
    the team whose message it names."""

    def __init__(self, apis: Sequence[DemoApi]) -> None:
        self.apis = list(apis)

    def _for(self, scope: Scope) -> DemoApi:
        path = scope.get("path", "")
        if path.startswith("/media/"):
            message_id = path.split("/")[2]
            for api in self.apis:
                if api.store.find_message(message_id) is not None:
                    return api
            return self.apis[0]
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                token = value.decode("latin-1").partition(" ")[2].strip()
                for api in self.apis:
                    if token in api.api_keys:
                        return api
        return self.apis[0]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.apis[0].asgi(scope, receive, send)  # (lifespan)
            return
        await self._for(scope).asgi(scope, receive, send)

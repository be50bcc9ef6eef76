"""Threads: the list (folder and filters), read, update, delete, typing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from tui.demo.records import ts
from tui.demo.v2.answers import Accepted, invalid, json_object, member_or_none
from tui.demo.v2.handlers import Handlers, Route
from tui.demo.v2.query import FolderFilter, Query, cursor_key, decode_cursor, encode_cursor
from tui.demo.v2.shapes import PLATFORMS

if TYPE_CHECKING:
    from starlette.routing import BaseRoute


class ThreadHandlers(Handlers):
    def routes(self, route: Route) -> list[BaseRoute]:
        return [
            route("/threads", self.list_threads, ["GET"]),
            route("/threads/{thread_id}", self.get_thread, ["GET"]),
            route("/threads/{thread_id}", self.update_thread, ["PATCH"]),
            route("/threads/{thread_id}", self.delete_thread, ["DELETE"]),
            route("/threads/{thread_id}/typing", self.typing, ["POST"]),
        ]

    async def list_threads(self, request: Request) -> Any:
        query = Query.read(request)
        folder = query.one("folder") or "inbox"
        order = query.choice("order", "desc")
        unassigned = query.flag("unassigned")
        assignee_ids = query.many("assigneeId")
        if unassigned and assignee_ids:
            raise invalid("unassigned", "cannot be combined with assigneeId")
        q = query.one("q")
        if q is not None and not q:
            raise invalid("q", "must be at least 1 character")
        tags, statuses = query.many("tag"), query.many("status")
        flt = FolderFilter(
            folder=folder,
            account_link_ids=frozenset(query.many("accountLinkId")),
            contact_ids=frozenset(query.many("contactId")),
            tag_ids=frozenset(self._label_ids("tags", tags)) if tags else None,
            status_ids=frozenset(self._label_ids("statuses", statuses)) if statuses else None,
            assignee_ids=frozenset(assignee_ids),
            unassigned=unassigned,
            campaign_ids=frozenset(query.many("campaignId")),
            platforms=frozenset(query.many("platform")),
            q=q,
            ascending=order == "asc",
        )
        expand = query.expand()
        limit = query.limit()
        position = decode_cursor(query, "threads")
        cursor = cursor_key(position) if position is not None else None
        threads, next_key = self.store.list_threads(flt, limit, cursor)
        next_cursor = None
        if next_key is not None:
            next_cursor = encode_cursor(
                "threads", query.filters_digest(), [ts(next_key[0]), next_key[1]]
            )
        return {"data": [self.shapes.thread(t, expand) for t in threads], "nextCursor": next_cursor}

    async def get_thread(self, request: Request) -> Any:
        query = Query.read(request)
        expand = query.expand()
        return self.shapes.thread(self.store.thread(request.path_params["thread_id"]), expand)

    async def update_thread(self, request: Request) -> Any:
        thread = self.store.thread(request.path_params["thread_id"])
        body = json_object(request)
        changes: dict[str, Any] = {}
        for key in ("archived", "unread"):
            if key in body and not isinstance(body[key], bool):
                raise invalid(key, "must be true or false")
        if "assigneeId" in body:
            changes["assigneeId"] = assignee = member_or_none(body)
            if assignee is not None and assignee not in self.store.members:
                # Not a 404: this operation's only one is the thread's (as its spec lists).
                raise invalid("assigneeId", "no member of the team has this ID")
        if "typingIndicators" in body and body["typingIndicators"] not in (
            "enabled",
            "disabled",
            "teamDefault",
        ):
            raise invalid("typingIndicators", "must be enabled, disabled or teamDefault")
        if "archived" in body:
            changes["done"] = body["archived"]
        self.store.update_thread(thread, changes)
        if "unread" in body:
            thread.unread = body["unread"]
        if "typingIndicators" in body:
            thread.typing_indicators = body["typingIndicators"]
        return self.shapes.thread(thread, set())  # PATCH has no `expand` in the spec

    async def delete_thread(self, request: Request) -> Any:
        thread = self.store.thread(request.path_params["thread_id"])
        self.store.delete_thread(thread)
        # Deleted on the platform too where it can be (X); elsewhere in Inboxapp only.
        remote = "thread:delete:remote" in PLATFORMS[thread.platform]["capabilities"]
        return {"scope": "remoteAndLocal" if remote else "local"}

    async def typing(self, request: Request) -> Any:
        thread = self.store.thread(request.path_params["thread_id"])
        skipped = self.store.typing_signal(thread)
        return Accepted({"status": "skipped" if skipped else "sent", "reason": skipped})

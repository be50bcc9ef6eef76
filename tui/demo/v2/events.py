"""The event log, in v2's names."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from tui.demo.v2.handlers import Handlers, Route
from tui.demo.v2.query import Query

if TYPE_CHECKING:
    from starlette.routing import BaseRoute


class EventHandlers(Handlers):
    def routes(self, route: Route) -> list[BaseRoute]:
        return [route("/events", self.list_events, ["GET"])]

    async def list_events(self, request: Request) -> Any:
        query = Query.read(request)
        after = request.state.checked.query.get("afterSeq", 0)  # any integer from 0 (the spec)
        limit = query.limit(default=100)
        wanted = set(query.many("type"))
        page = self.store.events.page(after, limit)
        events = []
        for event in page["events"]:
            translated = self.shapes.event(event)
            if translated is not None and (not wanted or translated["type"] in wanted):
                events.append(translated)
        return {"data": events, "lastSeq": page["lastSeq"], "hasMore": page["hasMore"]}

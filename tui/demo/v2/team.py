"""The team: platforms, the team itself, members, account links."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from tui.demo.v2.handlers import Handlers, Route
from tui.demo.v2.query import Query
from tui.demo.v2.shapes import PLATFORMS

if TYPE_CHECKING:
    from starlette.routing import BaseRoute


class TeamHandlers(Handlers):
    def routes(self, route: Route) -> list[BaseRoute]:
        return [
            route("/platforms", self.list_platforms, ["GET"]),
            route("/team", self.get_team, ["GET"]),
            route("/members", self.list_members, ["GET"]),
            route("/members/{member_id}", self.get_member, ["GET"]),
            route("/account-links", self.list_account_links, ["GET"]),
            route("/account-links/{link_id}", self.get_account_link, ["GET"]),
        ]

    async def list_platforms(self, request: Request) -> Any:
        # The platforms of the team's account links (X for every team).
        used = {"twitter"} | {a.platform for a in self.store.account_links.values()}
        return [dict(info) for name, info in PLATFORMS.items() if name in used]

    async def get_team(self, request: Request) -> Any:
        return self.shapes.team()

    async def list_members(self, request: Request) -> Any:
        query = Query.read(request)
        members = [self.shapes.member(m) for m in self.store.members.values()]
        return self._offset_page(query, "members", members)

    async def get_member(self, request: Request) -> Any:
        return self.shapes.member(self.store.member(request.path_params["member_id"]))

    async def list_account_links(self, request: Request) -> Any:
        query = Query.read(request)
        statuses = set(query.many("status"))
        platforms = set(query.many("platform"))
        links = [
            self.shapes.account_link(a.id)
            for a in self.store.account_links.values()
            if (not statuses or a.status in statuses) and (not platforms or a.platform in platforms)
        ]
        return self._offset_page(query, "accountLinks", links)

    async def get_account_link(self, request: Request) -> Any:
        return self.shapes.account_link(request.path_params["link_id"])

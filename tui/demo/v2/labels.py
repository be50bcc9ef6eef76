"""Tags, statuses and colours."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from tui.core.text import fold
from tui.demo import params as qp
from tui.demo.store import color_hex
from tui.demo.v2.answers import NO_CONTENT, Created, invalid, json_object
from tui.demo.v2.handlers import Handlers, Route

if TYPE_CHECKING:
    from starlette.routing import BaseRoute


class LabelHandlers(Handlers):
    def routes(self, route: Route) -> list[BaseRoute]:
        tag, status = "/tags/{ref}", "/statuses/{ref}"
        return [
            route("/tags", self.list_tags, ["GET"]),
            route("/tags", self.create_tag, ["POST"]),
            route(tag, self.get_tag, ["GET"]),
            route(tag, self.update_tag, ["PATCH"]),
            route(tag, self.delete_tag, ["DELETE"]),
            route("/statuses", self.list_statuses, ["GET"]),
            route("/statuses", self.create_status, ["POST"]),
            route(status, self.get_status, ["GET"]),
            route(status, self.update_status, ["PATCH"]),
            route(status, self.delete_status, ["DELETE"]),
            route("/colors", self.list_colors, ["GET"]),
        ]

    async def list_tags(self, request: Request) -> Any:
        tags = sorted(self.store.tags.values(), key=lambda t: fold(t.name))
        return {"data": [self.shapes.label(t, status=False) for t in tags], "nextCursor": None}

    async def list_statuses(self, request: Request) -> Any:
        statuses = [self.shapes.label(s, status=True) for s in self.store.statuses.values()]
        return {"data": statuses, "nextCursor": None}

    async def create_tag(self, request: Request) -> Any:
        return Created(await self._create(request, "tags"))

    async def create_status(self, request: Request) -> Any:
        return Created(await self._create(request, "statuses"))

    async def _create(self, request: Request, kind: str) -> dict[str, Any]:
        body = json_object(request)
        name = qp.label_name(body)
        color = _color(body, kind) if "color" in body else None
        label = self._run(lambda: self.store.create_label(kind, name, color))
        return self.shapes.label(label, status=kind == "statuses")

    async def get_tag(self, request: Request) -> Any:
        return self.shapes.label(self._label("tags", request.path_params["ref"]), status=False)

    async def get_status(self, request: Request) -> Any:
        return self.shapes.label(self._label("statuses", request.path_params["ref"]), status=True)

    async def update_tag(self, request: Request) -> Any:
        return await self._update(request, "tags")

    async def update_status(self, request: Request) -> Any:
        return await self._update(request, "statuses")

    async def _update(self, request: Request, kind: str) -> Any:
        label = self._label(kind, request.path_params["ref"])
        body = json_object(request)
        changes: dict[str, Any] = {}
        if "name" in body:
            changes["name"] = qp.label_name(body)
        if "color" in body:
            changes["color"] = _color(body, kind)
        self._run(lambda: self.store.update_label(label, kind, changes))
        return self.shapes.label(label, status=kind == "statuses")

    async def delete_tag(self, request: Request) -> Any:
        return self._delete(request, "tags")

    async def delete_status(self, request: Request) -> Any:
        return self._delete(request, "statuses")

    def _delete(self, request: Request, kind: str) -> Any:
        self.store.delete_label(kind, self._label(kind, request.path_params["ref"]))
        return NO_CONTENT

    async def list_colors(self, request: Request) -> Any:
        return self.store.colors_wire()


def _color(body: dict[str, Any], kind: str) -> str | None:
    """The body's `color` as stored (lowercase hex): a name from GET /colors in any case, or a
    6-digit hex value (TagCreate, StatusCreate...); null only for a status (no colour)."""
    color = body["color"]
    if color is None and kind == "statuses":
        return None
    if color is None:
        raise invalid("color", "a tag always has a colour: give a name from GET /colors or #rrggbb")
    stored = color_hex(color) if isinstance(color, str) else None
    if stored is None:
        raise invalid("color", "must be a colour name from GET /colors or a 6-digit hex (#rrggbb)")
    return stored

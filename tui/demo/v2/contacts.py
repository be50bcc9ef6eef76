"""Contacts: read, update, tag."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from tui.core.text import fold
from tui.demo.records import ProspectRec
from tui.demo.v2.answers import NO_CONTENT, V2Error, invalid, json_object, member_or_none
from tui.demo.v2.handlers import Handlers, Route
from tui.demo.v2.query import Query

if TYPE_CHECKING:
    from starlette.routing import BaseRoute


class ContactHandlers(Handlers):
    def routes(self, route: Route) -> list[BaseRoute]:
        return [
            route("/contacts", self.list_contacts, ["GET"]),
            route("/contacts/{contact_id}", self.get_contact, ["GET"]),
            route("/contacts/{contact_id}", self.update_contact, ["PATCH"]),
            route("/contacts/{contact_id}/tags/{ref}", self.add_contact_tag, ["PUT"]),
            route("/contacts/{contact_id}/tags/{ref}", self.remove_contact_tag, ["DELETE"]),
        ]

    async def list_contacts(self, request: Request) -> Any:
        query = Query.read(request)
        platform = query.one("platform")  # required by the spec: checked before
        platform_ids, usernames = query.many("platformId"), query.many("username")
        if not platform_ids and not usernames:
            raise invalid("", "give platformId or username")
        if len(platform_ids) > 100 or len(usernames) > 100:
            raise invalid("platformId", "at most 100 values")
        expand = query.expand()
        self.store.ensure_all()
        wanted_ids, wanted_names = set(platform_ids), {fold(u) for u in usernames}
        found: list[ProspectRec] = [
            p
            for p in self.store.prospects.values()
            if p.platform == platform
            and (p.platform_id in wanted_ids or fold(p.username) in wanted_names)
        ]
        contacts = [self.shapes.contact(p, expand) for p in found]
        return self._offset_page(query, "contacts", contacts)

    async def get_contact(self, request: Request) -> Any:
        query = Query.read(request)
        expand = query.expand()
        return self.shapes.contact(self._contact(request.path_params["contact_id"]), expand)

    async def update_contact(self, request: Request) -> Any:
        person = self._contact(request.path_params["contact_id"])
        body = json_object(request)
        changes: dict[str, Any] = {}
        if "status" in body:
            ref = body["status"]  # a string or null (the spec's schema, checked before)
            changes["statusId"] = None if ref is None else self._status_field(ref)
        if "notes" in body:
            changes["notes"] = body["notes"]
        if "valuation" in body:
            value = body["valuation"]  # a number or null (the spec's schema)
            if value is not None and not math.isfinite(value):  # JSON's Infinity is no number
                raise invalid("valuation", "must be a finite number or null")
            changes["valuation"] = value
        if "assigneeId" in body:
            assignee = member_or_none(body)
            if assignee is not None and assignee not in self.store.members:
                raise invalid("assigneeId", "no member of the team has this ID")
        self.store.update_context(person, changes)
        if "assigneeId" in body and body["assigneeId"] != person.assignee_id:
            person.assignee_id = body["assigneeId"]
            self.store.events.record(
                "contact.assigneeChanged",
                prospectId=person.external_id,
                assigneeId=body["assigneeId"],
            )
        return self.shapes.contact(person)

    def _status_field(self, ref: str) -> str:
        """The status a body names: an unknown one is a bad field (400), not a 404, which on
        this operation only ever means the contact (as its spec lists)."""
        try:
            return self._label("statuses", ref).id
        except V2Error:
            raise invalid("status", "no status has this ID or name") from None

    async def add_contact_tag(self, request: Request) -> Any:
        return self._contact_tag(request, add=True)

    async def remove_contact_tag(self, request: Request) -> Any:
        return self._contact_tag(request, add=False)

    def _contact_tag(self, request: Request, *, add: bool) -> Any:
        person = self._contact(request.path_params["contact_id"])
        tag = self._label("tags", request.path_params["ref"])
        key = "addTags" if add else "removeTags"
        self.store.update_context(person, {key: [tag.id]})
        return NO_CONTENT

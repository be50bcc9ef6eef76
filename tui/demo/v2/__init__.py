"""The demo's version 2: the same store as v1, answered in v2's shapes and as strictly as
v2's spec (07-inbox-v2-openapi.json): repeated keys only (brackets refused), opaque cursors
bound to their filters, `expand`, capabilities and restrictions, idempotent sends, v2 events.

One module per resource (team, contacts, threads, messages, labels, events), each a class of
handlers; they raise `V2Error` (or the store's `DemoError`, whose v1 codes are translated), and
the endpoint wrapper in tui/demo/app.py turns that into `{code, message, details, requestId}`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.demo.v2.answers import NO_CONTENT, Accepted, Created, V2Error, from_demo_error
from tui.demo.v2.contacts import ContactHandlers
from tui.demo.v2.events import EventHandlers
from tui.demo.v2.handlers import Route
from tui.demo.v2.labels import LabelHandlers
from tui.demo.v2.messages import MessageHandlers
from tui.demo.v2.query import FolderFilter
from tui.demo.v2.shapes import LINK_CAPABILITIES, Shapes
from tui.demo.v2.team import TeamHandlers
from tui.demo.v2.threads import ThreadHandlers

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from tui.demo.app import DemoApi

__all__ = [
    "LINK_CAPABILITIES",
    "NO_CONTENT",
    "Accepted",
    "Created",
    "FolderFilter",
    "V2Error",
    "V2Handlers",
    "from_demo_error",
]


class V2Handlers:
    """Every v2 resource's handlers, over one store and one set of wire shapes."""

    def __init__(self, api: DemoApi) -> None:
        self.shapes = Shapes(api.store)
        self.team = TeamHandlers(api, self.shapes)
        self.contacts = ContactHandlers(api, self.shapes)
        self.threads = ThreadHandlers(api, self.shapes)
        self.messages = MessageHandlers(api, self.shapes)
        self.labels = LabelHandlers(api, self.shapes)
        self.events = EventHandlers(api, self.shapes)

    def routes(self, route: Route) -> list[BaseRoute]:
        resources = (
            self.team,
            self.contacts,
            self.threads,
            self.messages,
            self.labels,
            self.events,
        )
        return [r for resource in resources for r in resource.routes(route)]

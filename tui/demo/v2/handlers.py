"""What every v2 resource's handlers share: the demo, its store, the wire shapes, and the look-ups
and pages more than one resource uses."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from tui.core.text import fold
from tui.demo.records import LabelRec, ProspectRec
from tui.demo.store import DemoError, DemoStore
from tui.demo.v2.answers import CUID, V2Error, from_demo_error, invalid
from tui.demo.v2.query import Query, decode_cursor, encode_cursor
from tui.demo.v2.shapes import Shapes

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from tui.demo.app import DemoApi

Route = Callable[..., "BaseRoute"]


class Handlers:
    """One resource's handlers (a subclass); `routes` says which path and method each answers."""

    def __init__(self, api: DemoApi, shapes: Shapes) -> None:
        self.api = api
        self.store: DemoStore = api.store
        self.shapes = shapes

    def routes(self, route: Route) -> list[BaseRoute]:
        raise NotImplementedError

    def _offset_page(self, query: Query, kind: str, items: list[Any]) -> dict[str, Any]:
        limit = query.limit()
        position = decode_cursor(query, kind)
        start = position[0] if position and isinstance(position[0], int) else 0
        chunk = items[start : start + limit]
        more = start + limit < len(items)
        next_cursor = encode_cursor(kind, query.filters_digest(), [start + limit]) if more else None
        return {"data": chunk, "nextCursor": next_cursor}

    def _label(self, kind: str, ref: str) -> LabelRec:
        """A tag or status by ID or by name (ignoring case and accents); the ID wins."""
        labels = self.store.labels(kind)
        if ref in labels:
            return labels[ref]
        wanted = fold(ref)
        for label in labels.values():
            if fold(label.name) == wanted:
                return label
        code = "tagNotFound" if kind == "tags" else "statusNotFound"
        raise V2Error(404, code, f"No {'tag' if kind == 'tags' else 'status'} {ref!r}")

    def _label_ids(self, kind: str, refs: Iterable[str]) -> list[str]:
        found = []
        for ref in refs:
            try:
                found.append(self._label(kind, ref).id)
            except V2Error:
                found.append(ref)  # no such label: it matches no thread, as an ID would
        return found

    def _contact(self, contact_id: str) -> ProspectRec:
        if not CUID.match(contact_id):
            raise invalid("contactId", "must be an ID (lowercase letters and digits)")
        try:
            return self.store.prospect(contact_id)
        except DemoError:
            raise V2Error(404, "contactNotFound", f"No contact with ID {contact_id}") from None

    def _run(self, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except DemoError as error:
            raise from_demo_error(error) from None

"""What the tags-and-statuses screen lists and what a change asks for: plain data, so the
app can use it without importing the screen (and its widgets) at start."""

from __future__ import annotations

from typing import NamedTuple

KINDS = {"tags": "tag", "statuses": "status"}


class LabelRow(NamedTuple):
    id: str
    name: str
    color: str | None
    carried_by: int  # prospects carrying it: in the local mirror (every view), else this view
    everywhere: bool = False  # counted in the local mirror, not in the view's loaded rows


class LabelChange(NamedTuple):
    """What the user asked for: op is "create", "update" or "delete"."""

    kind: str  # "tags" or "statuses"
    op: str
    label_id: str | None = None
    name: str | None = None
    color: str | None = None

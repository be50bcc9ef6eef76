"""What v1 handlers share beyond the spec's own checks (tui/demo/openapi): cursors, the thread
filter, label names and colours."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from tui.core.timestamps import parse_timestamp
from tui.demo.seed import COLORS
from tui.demo.store import DemoError, IdSelection, ThreadFilter


def bad_request(message: str, code: str = "BAD_REQUEST") -> DemoError:
    return DemoError(400, code, message)


def timestamp_param(value: str, name: str) -> datetime:
    try:
        parsed = parse_timestamp(value)
    except ValueError:
        parsed = None
    if not isinstance(parsed, datetime):
        raise bad_request(f"{name} must be an ISO 8601 timestamp")
    return parsed


def cursor_from(query: dict[str, Any]) -> tuple[datetime, str] | None:
    """The flat cursorId + cursorTimestamp pair, or the deprecated `cursor[id]` object (the
    query as the spec types it: tui/demo/openapi has checked each part's form)."""
    flat_id, flat_ts = query.get("cursorId"), query.get("cursorTimestamp")
    bracketed = query.get("cursor")
    if bracketed is not None and (flat_id or flat_ts):
        raise bad_request("give cursorId and cursorTimestamp, or cursor, not both")
    if bracketed is not None:
        flat_id, flat_ts = bracketed["id"], bracketed["timestamp"]
    if not flat_id and not flat_ts:
        return None
    if not (flat_id and flat_ts):
        raise bad_request("cursorId and cursorTimestamp must be given together")
    return timestamp_param(flat_ts, "cursorTimestamp"), flat_id


# Each filter kind's "has none" flag, as v1 names it.
_NONE_FLAGS = {
    "tags": "noTags",
    "statuses": "noStatus",
    "assignees": "noAssignee",
    "campaigns": "noCampaign",
}


def thread_filter_from(query: dict[str, Any]) -> ThreadFilter:
    """GET /threads' filter from its query, as the spec types it (bracket notation already read
    into objects and arrays, unknown keys already refused)."""
    filters = query.get("filters") or {}
    selections = {
        kind: IdSelection(
            frozenset(filters.get(kind, {}).get("selectedIds", [])),
            bool(filters.get(kind, {}).get(flag, False)),
        )
        for kind, flag in _NONE_FLAGS.items()
    }
    return ThreadFilter(
        inbox=query.get("inbox") or "default",
        account_link_ids=frozenset(query.get("accountLinkIds") or []),
        ascending=filters.get("sortOrder") == "asc",
        **selections,
    )


_HEX = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def label_name(body: dict[str, Any]) -> str:
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request("name is required and cannot be empty")
    if len(name) > 255:
        raise bad_request("name is longer than 255 characters")
    return name.strip()


def label_color(body: dict[str, Any]) -> str | None:
    """A predefined colour name (GET /colors) or a hex code; null for none."""
    color = body.get("color")
    if color is None:
        return None
    if not isinstance(color, str):
        raise bad_request("color must be a colour name or a hex code")
    if _HEX.match(color) or color in {name for name, _ in COLORS}:
        return color
    raise bad_request(
        f"color must be a predefined name (GET /colors) or a hex code like "
        f"#ef4444, got {color[:20]!r}"
    )

"""Reading the service's bracket-notation query strings (the server side of api/query.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from tui.core.timestamps import parse_timestamp
from tui.demo.seed import COLORS
from tui.demo.store import DemoError, IdSelection, ThreadFilter

_INDEXED = re.compile(r"^(?P<base>.+?)\[(?P<index>\d*)\]$")


def bad_request(message: str, code: str = "BAD_REQUEST") -> DemoError:
    return DemoError(400, code, message)


def array_param(items: Iterable[tuple[str, str]], name: str) -> list[str]:
    """All values of an array parameter in any of its three spellings: `name=a&name=b`,
    `name[]=a`, `name[0]=a` (ordered by index)."""
    indexed: list[tuple[int, int, str]] = []
    for order, (key, value) in enumerate(items):
        if key == name:
            indexed.append((order, order, value))
            continue
        match = _INDEXED.match(key)
        if match and match.group("base") == name:
            index = match.group("index")
            indexed.append((int(index) if index else order, order, value))
    return [value for _, _, value in sorted(indexed)]


def bool_param(value: str | None, name: str) -> bool:
    if value is None:
        return False
    lowered = value.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0", ""):
        return False
    raise bad_request(f"{name} must be true or false")


def int_param(value: str | None, name: str, default: int, low: int, high: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise bad_request(f"{name} must be an integer between {low} and {high}") from None
    if not low <= number <= high:
        raise bad_request(f"{name} must be between {low} and {high}, got {number}")
    return number


def timestamp_param(value: str, name: str) -> datetime:
    try:
        parsed = parse_timestamp(value)
    except ValueError:
        parsed = None
    if not isinstance(parsed, datetime):
        raise bad_request(f"{name} must be an ISO 8601 timestamp")
    return parsed


def cursor_from(items: list[tuple[str, str]]) -> tuple[datetime, str] | None:
    """The flat cursorId + cursorTimestamp pair; the deprecated cursor[id] form is accepted."""
    params = dict(items)
    cursor_id = params.get("cursorId") or params.get("cursor[id]")
    cursor_ts = params.get("cursorTimestamp") or params.get("cursor[timestamp]")
    if not cursor_id and not cursor_ts:
        return None
    if not (cursor_id and cursor_ts):
        raise bad_request("cursorId and cursorTimestamp must be given together")
    return timestamp_param(cursor_ts, "cursorTimestamp"), cursor_id


_FILTER_KINDS = {
    "tags": "noTags",
    "statuses": "noStatus",
    "assignees": "noAssignee",
    "campaigns": "noCampaign",
}


def thread_filter_from(items: list[tuple[str, str]]) -> ThreadFilter:
    params = dict(items)
    inbox = params.get("inbox") or "default"
    if inbox not in ("default", "no-reply", "requests", "archived"):
        raise bad_request(
            f"inbox must be one of default, no-reply, requests, archived (got {inbox!r})"
        )
    for key in params:
        if key.startswith("filters[") and not _known_filter_key(key):
            raise bad_request(f"unknown filter parameter {key!r}")
    selections: dict[str, IdSelection] = {}
    for kind, none_flag in _FILTER_KINDS.items():
        selected = array_param(items, f"filters[{kind}][selectedIds]")
        none_ = bool_param(params.get(f"filters[{kind}][{none_flag}]"), none_flag)
        selections[kind] = IdSelection(frozenset(selected), none_)
    sort_order = params.get("filters[sortOrder]") or "desc"
    if sort_order not in ("asc", "desc"):
        raise bad_request("filters[sortOrder] must be asc or desc")
    return ThreadFilter(
        inbox=inbox,
        account_link_ids=frozenset(array_param(items, "accountLinkIds")),
        ascending=sort_order == "asc",
        **selections,
    )


def _known_filter_key(key: str) -> bool:
    if key == "filters[sortOrder]":
        return True
    for kind, none_flag in _FILTER_KINDS.items():
        prefix = f"filters[{kind}]"
        if key == f"{prefix}[{none_flag}]" or key == f"{prefix}[selectedIds]":
            return True
        match = _INDEXED.match(key)
        if match and match.group("base") == f"{prefix}[selectedIds]":
            return True
    return False


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

"""How v1 spells a thread query: bracket notation for objects and arrays
(`filters[tags][selectedIds][0]=...`) and the flat `cursorId` + `cursorTimestamp` pair (the
bracketed `cursor[id]` form is deprecated and never produced here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.query import SortOrder, ThreadQuery, format_timestamp

if TYPE_CHECKING:
    from tui.core.model import Cursor

# Wire names of each filter kind and of its "has none" flag.
FILTER_WIRE_NAMES: dict[str, tuple[str, str]] = {
    "tags": ("tags", "noTags"),
    "statuses": ("statuses", "noStatus"),
    "assignees": ("assignees", "noAssignee"),
    "campaigns": ("campaigns", "noCampaign"),
}


def thread_params(query: ThreadQuery) -> list[tuple[str, str]]:
    inbox = query.inbox.served  # the app's own views are read from the API's
    if inbox.value == "all":
        raise ValueError("the All view needs API v2")
    if query.search:
        raise ValueError("searching threads needs API v2")  # v1 has no q: not faked
    if query.platforms and query.platforms != ("twitter",):
        raise ValueError("filtering by platform needs API v2")  # v1 speaks of X alone
    params: list[tuple[str, str]] = [("inbox", inbox.value), ("limit", str(query.limit))]
    params += account_link_params(query.account_link_ids)
    for kind, id_filter in query.filters().items():
        wire_kind, none_flag = FILTER_WIRE_NAMES[kind]
        for index, selected_id in enumerate(id_filter.selected):
            params.append((f"filters[{wire_kind}][selectedIds][{index}]", selected_id))
        if id_filter.none_:
            params.append((f"filters[{wire_kind}][{none_flag}]", "true"))
    if query.sort_order is not SortOrder.DESC:
        params.append(("filters[sortOrder]", query.sort_order.value))
    params += cursor_params(query.cursor)
    return params


def account_link_params(account_link_ids: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    return [(f"accountLinkIds[{i}]", link_id) for i, link_id in enumerate(account_link_ids)]


def cursor_params(cursor: Cursor | None) -> list[tuple[str, str]]:
    if cursor is None or cursor.timestamp is None:
        return []
    return [("cursorId", cursor.id), ("cursorTimestamp", format_timestamp(cursor.timestamp))]

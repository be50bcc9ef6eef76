"""ThreadQuery: an inbox view plus filters, and the only code that knows the wire spelling.

The service encodes objects and arrays in query strings with bracket notation
(`filters[tags][selectedIds][0]=...`). Pagination uses the flat `cursorId` + `cursorTimestamp`
pair; the bracketed `cursor[id]` form is deprecated and never produced here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Cursor

# Here rather than in the client, so that the config can name it without importing httpx.
DEFAULT_BASE_URL = "https://inboxapp.com/api/v1"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class InboxView(StrEnum):
    DEFAULT = "default"
    NO_REPLY = "no-reply"
    REQUESTS = "requests"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return {
            InboxView.DEFAULT: "Default",
            InboxView.NO_REPLY: "No reply",
            InboxView.REQUESTS: "Requests",
            InboxView.ARCHIVED: "Archived",
        }[self]


class SortOrder(StrEnum):
    DESC = "desc"
    ASC = "asc"

    def toggled(self) -> SortOrder:
        return SortOrder.ASC if self is SortOrder.DESC else SortOrder.DESC


@dataclass(frozen=True)
class IdFilter:
    """One filter kind: any of `selected`, and/or the items that have none (`none_`)."""

    selected: tuple[str, ...] = ()
    none_: bool = False

    @property
    def active(self) -> bool:
        return bool(self.selected) or self.none_


# Wire names of each filter kind and of its "has none" flag.
FILTER_WIRE_NAMES: dict[str, tuple[str, str]] = {
    "tags": ("tags", "noTags"),
    "statuses": ("statuses", "noStatus"),
    "assignees": ("assignees", "noAssignee"),
    "campaigns": ("campaigns", "noCampaign"),
}


def format_timestamp(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, as the service writes it."""
    value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class ThreadQuery:
    inbox: InboxView = InboxView.DEFAULT
    account_link_ids: tuple[str, ...] = ()
    tags: IdFilter = field(default_factory=IdFilter)
    statuses: IdFilter = field(default_factory=IdFilter)
    assignees: IdFilter = field(default_factory=IdFilter)
    campaigns: IdFilter = field(default_factory=IdFilter)
    sort_order: SortOrder = SortOrder.DESC
    limit: int = DEFAULT_LIMIT
    cursor: Cursor | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {self.limit}")

    def filters(self) -> dict[str, IdFilter]:
        return {
            "tags": self.tags,
            "statuses": self.statuses,
            "assignees": self.assignees,
            "campaigns": self.campaigns,
        }

    @property
    def has_filters(self) -> bool:
        return bool(self.account_link_ids) or any(f.active for f in self.filters().values())

    def with_cursor(self, cursor: Cursor | None) -> ThreadQuery:
        return replace(self, cursor=cursor)

    def with_limit(self, limit: int) -> ThreadQuery:
        return replace(self, limit=limit)

    def cleared(self) -> ThreadQuery:
        """Same view and sort order, no filters, from the first page."""
        return ThreadQuery(inbox=self.inbox, sort_order=self.sort_order, limit=self.limit)

    def to_params(self) -> list[tuple[str, str]]:
        params: list[tuple[str, str]] = [("inbox", self.inbox.value), ("limit", str(self.limit))]
        params += account_link_params(self.account_link_ids)
        for kind, id_filter in self.filters().items():
            wire_kind, none_flag = FILTER_WIRE_NAMES[kind]
            for index, selected_id in enumerate(id_filter.selected):
                params.append((f"filters[{wire_kind}][selectedIds][{index}]", selected_id))
            if id_filter.none_:
                params.append((f"filters[{wire_kind}][{none_flag}]", "true"))
        if self.sort_order is not SortOrder.DESC:
            params.append(("filters[sortOrder]", self.sort_order.value))
        params += cursor_params(self.cursor)
        return params


def account_link_params(account_link_ids: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    return [(f"accountLinkIds[{i}]", link_id) for i, link_id in enumerate(account_link_ids)]


def cursor_params(cursor: Cursor | None) -> list[tuple[str, str]]:
    if cursor is None:
        return []
    return [("cursorId", cursor.id), ("cursorTimestamp", format_timestamp(cursor.timestamp))]

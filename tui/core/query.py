"""ThreadQuery: an inbox view plus filters, as the app thinks of them.

How a query is spelled on the wire is each API version's business (`tui/api/v1/query.py`,
`tui/api/v2/query.py`); this module knows no parameter names.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.core.model import Cursor

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class InboxView(StrEnum):
    DEFAULT = "default"
    NO_REPLY = "no-reply"
    REQUESTS = "requests"
    ARCHIVED = "archived"
    ALL = "all"  # v2 only: every thread, archived or not
    # The app's own: threads where we wrote last and they have gone quiet. The API has no such
    # view; the app builds it from pages of the default view (see tui/core/follow_up.py).
    FOLLOW_UP = "follow-up"

    @property
    def label(self) -> str:
        return {
            InboxView.DEFAULT: "Default",
            InboxView.NO_REPLY: "No reply",
            InboxView.REQUESTS: "Requests",
            InboxView.ARCHIVED: "Archived",
            InboxView.ALL: "All",
            InboxView.FOLLOW_UP: "Follow up",
        }[self]

    @property
    def served(self) -> InboxView:
        """The API's view that holds this view's threads (itself, but for the app's own)."""
        return InboxView.DEFAULT if self is InboxView.FOLLOW_UP else self

    def holds(self, done: bool) -> bool:
        """Whether a thread archived (`done`) or not is in this view after a done change."""
        if self is InboxView.ALL:
            return True
        return done if self is InboxView.ARCHIVED else not done


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


def format_timestamp(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, as the service writes it."""
    value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class ThreadQuery:
    inbox: InboxView = InboxView.DEFAULT
    account_link_ids: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()  # v2's platform IDs ("twitter", "instagram"); none: all
    tags: IdFilter = field(default_factory=IdFilter)
    statuses: IdFilter = field(default_factory=IdFilter)
    assignees: IdFilter = field(default_factory=IdFilter)
    campaigns: IdFilter = field(default_factory=IdFilter)
    sort_order: SortOrder = SortOrder.DESC
    limit: int = DEFAULT_LIMIT
    cursor: Cursor | None = None
    # Words in names, usernames or the last activity's preview (v2's `q`); "" searches nothing.
    search: str = ""

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
        return (
            bool(self.account_link_ids)
            or bool(self.platforms)
            or any(f.active for f in self.filters().values())
        )

    def with_cursor(self, cursor: Cursor | None) -> ThreadQuery:
        return replace(self, cursor=cursor)

    def with_limit(self, limit: int) -> ThreadQuery:
        return replace(self, limit=limit)

    def cleared(self) -> ThreadQuery:
        """Same view, sort order and search, no filters, from the first page."""
        return ThreadQuery(
            inbox=self.inbox, sort_order=self.sort_order, limit=self.limit, search=self.search
        )

    def key(self) -> list[tuple[str, str]]:
        """What the query selects (not which page), as stable pairs: a cache key."""
        pairs = [("view", self.inbox.value), ("order", self.sort_order.value)]
        if self.search:
            pairs.append(("search", self.search))
        pairs += [("account", link_id) for link_id in self.account_link_ids]
        pairs += [("platform", platform) for platform in self.platforms]
        for kind, id_filter in self.filters().items():
            pairs += [(kind, selected) for selected in id_filter.selected]
            if id_filter.none_:
                pairs.append((kind, "<none>"))
        return pairs

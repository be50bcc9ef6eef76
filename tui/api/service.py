"""InboxApi: what the app asks of the Inbox API, in the app's own types, whatever the version.

`V1Client` and `V2Api` both satisfy it; features hold an `InboxApi` and never learn which
version answers. What one version cannot do is named in `features` (api_versions.ApiFeature), so the
UI can hide it rather than fake it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Final, Protocol

if TYPE_CHECKING:
    from tui.api.http import RateLimitInfo
    from tui.api.pacing import RequestBudget
    from tui.core.model import (
        AccountLink,
        Attachment,
        Color,
        Cursor,
        EventPage,
        Member,
        Message,
        MessageDeleted,
        MessageEdited,
        MessageHistory,
        MessagePage,
        Platform,
        Prospect,
        QuickSendResult,
        Status,
        Tag,
        Team,
        Thread,
        ThreadPage,
    )
    from tui.core.query import ThreadQuery
    from tui.core.row_summary import RowSummary

__all__ = ["UNSET", "FetchedThreads", "InboxApi", "Unset"]


@dataclass(frozen=True)
class FetchedThreads:
    """A page of threads as the service sent it: JSON, not yet read into the model (reading
    it imports pydantic and builds the models' validators, which a first launch does after
    painting the rows)."""

    query: ThreadQuery
    body: Any


class Unset(Enum):
    """Marks an argument that was not given: only given fields are sent; None is sent as null."""

    UNSET = "UNSET"


UNSET: Final = Unset.UNSET


async def every_thread(api: InboxApi, query: ThreadQuery | None) -> AsyncIterator[Thread]:
    """Every thread matching the query, page after page (either version's `iter_threads`)."""
    from tui.core.query import ThreadQuery

    query = query or ThreadQuery()
    while True:
        page = await api.list_threads(query)
        for thread in page.threads:
            yield thread
        if page.next_cursor is None or not page.threads:
            return
        query = query.with_cursor(page.next_cursor)


class InboxApi(Protocol):
    @property
    def version(self) -> str: ...
    @property
    def features(self) -> frozenset[str]: ...

    @property
    def base_url(self) -> str: ...
    @property
    def budget(self) -> RequestBudget: ...
    @property
    def rate_limit(self) -> RateLimitInfo: ...
    @property
    def request_count(self) -> int: ...

    async def aclose(self) -> None: ...
    async def __aenter__(self) -> InboxApi: ...
    async def __aexit__(self, *exc: object) -> None: ...

    # --- team and directory
    async def get_team(self) -> Team: ...
    async def list_account_links(self) -> list[AccountLink]: ...
    async def list_platforms(self) -> list[Platform]: ...
    async def list_members(self) -> list[Member]: ...
    async def get_member(self, member_id: str) -> Member: ...
    async def list_tags(self) -> list[Tag]: ...
    async def list_statuses(self) -> list[Status]: ...
    async def list_colors(self, kind: str | None = None) -> list[Color]: ...
    async def list_events(self, after_seq: int | None = None, *, limit: int = 100) -> EventPage: ...

    # --- labels
    async def create_tag(self, name: str, color: str | None = None) -> Tag: ...
    async def update_tag(
        self, tag_id: str, *, name: str | Unset = UNSET, color: str | Unset | None = UNSET
    ) -> Tag: ...
    async def delete_tag(self, tag_id: str) -> None: ...
    async def get_tag(self, tag_id: str) -> Tag: ...
    async def create_status(self, name: str, color: str | None = None) -> Status: ...
    async def update_status(
        self, status_id: str, *, name: str | Unset = UNSET, color: str | Unset | None = UNSET
    ) -> Status: ...
    async def delete_status(self, status_id: str) -> None: ...
    async def get_status(self, status_id: str) -> Status: ...

    # --- threads
    async def list_threads(self, query: ThreadQuery | None = None) -> ThreadPage:
        """fetch_threads, then read_threads: one request."""
        ...

    async def fetch_threads(self, query: ThreadQuery | None = None) -> FetchedThreads: ...
    async def read_threads(self, fetched: FetchedThreads) -> ThreadPage: ...
    def summarize_fetched(self, fetched: FetchedThreads) -> list[RowSummary]:
        """What each row shows, read from the JSON alone (no team directory yet: no tags,
        status, assignee or author); painted until read_threads has the threads."""
        ...

    def iter_threads(self, query: ThreadQuery | None = None) -> AsyncIterator[Thread]: ...
    async def get_thread(self, thread_id: str) -> Thread: ...
    async def create_thread(
        self,
        account_link_id: str,
        *,
        external_platform_id: str | None = None,
        external_id: str | None = None,
    ) -> Thread: ...
    async def update_thread(
        self,
        thread_id: str,
        *,
        assignee_id: str | Unset | None = UNSET,
        done: bool | Unset = UNSET,
        unread: bool | Unset = UNSET,  # ApiFeature.UNREAD
    ) -> None:
        """Made on the server; nothing comes back (v2's answer has no person: the spec gives its
        PATCH no `expand`, and the screen already shows the change)."""

    async def delete_thread(self, thread_id: str) -> None: ...
    async def send_typing(self, thread_id: str) -> None:
        """A typing indicator (at most one per 2.5 s; a skipped one is fine, never retried)."""

    async def lookup_thread(
        self,
        account_link_id: str,
        *,
        external_platform_id: str | None = None,
        external_id: str | None = None,
    ) -> Thread | None: ...
    async def lookup_threads_by_username(
        self, username: str, account_link_ids: Sequence[str] = (), *, platform: str = "twitter"
    ) -> list[Thread]:
        """Every thread with the person of that username on `platform` (v1: X only)."""

    # --- messages
    async def list_messages(
        self, thread_id: str, *, limit: int = 50, cursor: Cursor | None = None
    ) -> MessagePage: ...
    async def send_message(
        self,
        thread_id: str,
        content: str,
        *,
        reply_to_message_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> Message: ...
    async def quick_send(
        self,
        account_link_id: str,
        content: str,
        *,
        external_platform_id: str | None = None,
        external_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> QuickSendResult: ...
    async def edit_message(
        self, thread_id: str, message_id: str, content: str
    ) -> MessageEdited: ...
    async def delete_message(
        self, thread_id: str, message_id: str, *, for_everyone: bool = True
    ) -> MessageDeleted: ...
    async def message_history(self, thread_id: str, message_id: str) -> MessageHistory: ...
    async def add_reaction(self, thread_id: str, message_id: str, emoji: str) -> None: ...
    async def remove_reaction(self, thread_id: str, message_id: str, emoji: str) -> None: ...
    async def get_attachment(self, message_id: str, index: int) -> Attachment:
        """A fresh URL for a media attachment (ApiFeature.FRESH_MEDIA_URLS), or its status
        while the service still processes it (pending / processing: ask again later)."""

    # --- people
    async def get_prospect(self, prospect_id: str) -> Prospect: ...
    async def update_prospect_context(
        self,
        prospect_id: str,
        *,
        notes: str | Unset | None = UNSET,
        valuation: float | Unset | None = UNSET,
        status_id: str | Unset | None = UNSET,
        add_tags: Sequence[str] = (),
        remove_tags: Sequence[str] = (),
        assignee_id: str | Unset | None = UNSET,
        done: bool | Unset = UNSET,
    ) -> Prospect | None: ...

"""A v1 page of threads, read into rows without the models (see InboxApi.summarize_fetched)."""

from __future__ import annotations

from typing import Any

from tui.core.row_summary import RowSummary, bare_summary, summaries_of
from tui.core.timestamps import parse_timestamp


def summarize_page(body: Any) -> list[RowSummary]:
    """The rows of a v1 thread page (`{threads: [...]}`); a thread that does not read as one is
    left out (read_threads then says what is wrong)."""
    return summaries_of(body.get("threads") if isinstance(body, dict) else None, _row)


def _row(thread: dict[str, Any]) -> RowSummary:
    person = thread.get("prospect") or {}
    last = thread.get("lastMessage")
    stamp = (
        thread.get("computedSortTimestamp")
        or thread.get("lastMessageTimestamp")
        or thread.get("createdAt")
    )
    return bare_summary(
        str(thread["id"]),
        str(person.get("displayName") or ""),
        str(person.get("handle") or f"@{person.get('username') or ''}"),
        parse_timestamp(stamp).timestamp() if stamp else None,
        None if last is None else str(last.get("content") or ""),
        request=bool(thread.get("isRequest", False)),
        done=bool(thread.get("done", False)),
    )

"""A v2 page of threads, read into rows without the models (see InboxApi.summarize_fetched),
as adapt.thread and adapt.prospect would show them."""

from __future__ import annotations

from typing import Any

from tui.core.row_summary import RowSummary, bare_summary, summaries_of
from tui.core.timestamps import parse_timestamp


def summarize_page(body: Any) -> list[RowSummary]:
    """The rows of a v2 thread page (`{data: [...]}`, expanded with profile and contact); a
    thread that does not read as one is left out (read_threads then says what is wrong)."""
    return summaries_of(body.get("data") if isinstance(body, dict) else None, _row)


def _row(thread: dict[str, Any]) -> RowSummary:
    profile = thread.get("profile")
    contact = thread.get("contact") or {}
    if profile is None and contact.get("profiles"):
        profile = contact["profiles"][0]
    profile = profile or {}
    last = thread.get("lastMessage")
    activity = thread.get("activity") or {}
    stamp = activity.get("at") or thread.get("createdAt")
    if stamp is None and last is not None:
        stamp = last.get("createdAt")
    return bare_summary(
        str(thread["id"]),
        str(profile.get("displayName") or ""),
        str(profile.get("handle") or f"@{profile.get('username') or ''}"),
        parse_timestamp(stamp).timestamp() if stamp else None,
        None if last is None else str(activity.get("preview") or ""),
        request=bool(thread.get("isRequest", False)),
        done=bool(thread.get("archived", False)),
        unread=bool(thread.get("unread", False)),
    )

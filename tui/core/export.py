"""Exporting threads' prospects to CSV or JSON Lines: the columns of the docs' export example,
with names in place of IDs. No Textual here: the CLI and the app share it.

Cells are made safe for spreadsheets: a value that starts like a formula (= + - @, tab or
carriage return) is prefixed with an apostrophe so it is shown, never run. Written to a
terminal, what strangers wrote is made inert as on every other screen; to a file or a pipe it
stays exactly as the API gave it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from tui.core.text import inert

if TYPE_CHECKING:
    from tui.api.service import InboxApi
    from tui.core.directory import Directory
    from tui.core.model import Thread
    from tui.core.query import ThreadQuery

FORMATS = ("csv", "jsonl")
COLUMNS = (
    "externalId",
    "platformId",
    "username",
    "displayName",
    "bio",
    "followerCount",
    "verified",
    "tags",
    "status",
    "valuation",
    "notes",
    "assignee",
    "threadId",
    "accountLink",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet shows as text rather than evaluates."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def export_record(thread: Thread, directory: Directory) -> dict[str, Any]:
    """One row: the prospect of a thread, with tag, status, member and link names."""
    prospect, context = thread.prospect, thread.prospect.context
    tags = [directory.tags[t].name if t in directory.tags else t for t in context.tags]
    status = directory.statuses.get(context.status_id or "")
    member = directory.members.get(thread.assignee_id or "")
    link = directory.account_links.get(thread.account_link_id)
    return {
        "externalId": prospect.external_id or "",
        "platformId": prospect.platform_id or "",
        "username": prospect.username or "",
        "displayName": prospect.display_name or "",
        "bio": prospect.bio or "",
        "followerCount": prospect.follower_count,
        "verified": prospect.verified or "",
        "tags": tags,
        "status": status.name if status else "",
        "valuation": context.valuation,
        "notes": context.notes or "",
        "assignee": member.label if member else "",
        "threadId": thread.id,
        "accountLink": link.name if link else thread.account_link_id,
    }


class Sink(Protocol):
    def write(self, text: str, /) -> int: ...


class InertSink:
    """A terminal as the export's output: each piece made inert as it is written (a name
    holding ESC[2J would otherwise clear the user's screen)."""

    def __init__(self, out: Sink) -> None:
        self.out = out

    def write(self, text: str, /) -> int:
        return self.out.write(inert(text))


class ExportWriter:
    """Writes records as CSV (a header, then spreadsheet-safe cells) or JSON Lines.
    `on_terminal`: the output is shown, not kept, so it is made inert."""

    def __init__(self, out: TextIO, fmt: str, *, on_terminal: bool = False) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}")
        self.fmt = fmt
        self.out: Sink = InertSink(out) if on_terminal else out
        self._csv: Any = None
        if fmt == "csv":
            import csv  # only when exporting: the module is on the app's start-up path

            self._csv = csv.writer(self.out, lineterminator="\n")
            self._csv.writerow(COLUMNS)

    def write(self, record: dict[str, Any]) -> None:
        if self._csv is None:
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
            return
        self._csv.writerow([_cell(record[column]) for column in COLUMNS])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return spreadsheet_safe(str(value))


async def export_threads(
    client: InboxApi,
    query: ThreadQuery,
    directory: Directory,
    writer: ExportWriter,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Page through every thread the query matches (100 a page), writing one row each.
    Returns how many were written."""
    written = 0
    async for thread in client.iter_threads(query.with_cursor(None).with_limit(100)):
        writer.write(export_record(thread, directory))
        written += 1
        if progress is not None and written % 100 == 0:
            progress(written)
    if progress is not None:
        progress(written)
    return written

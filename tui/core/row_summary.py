"""What a thread's row shows, in plain values: the thread list renders rows from these.

A summary needs no model to be read back, so the rows a view showed last time are kept with
the view's cache and painted at start before pydantic and the models are imported (see
InboxApp.on_mount): the first frame costs a JSON read, not a schema build.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from tui.core.directory import Directory
    from tui.core.model import Thread


class RowSummary(NamedTuple):
    id: str
    name: str
    handle: str
    stamp: float | None  # the sort timestamp, seconds since the epoch
    author: str | None  # "you", "them", or None: no last message, or our links are unknown
    preview: str | None  # the last message's text; None without a last message
    request: bool
    done: bool
    unread: bool  # marked unread (v2)
    tags: tuple[tuple[str, str | None], ...]  # (name, colour) of each tag the directory knows
    status: str | None
    assignee: str | None  # the member's initials
    via: str | None  # the account link's username, when the team has several
    score: int | None  # the lead score, when it is shown
    platform: str | None  # its platform's badge ("IG"), when the team has several

    @property
    def awaiting(self) -> bool:
        """The last message is theirs: the thread waits on us."""
        return self.author == "them"

    def to_json(self) -> list[Any]:
        return list(self)

    @classmethod
    def from_json(cls, data: object) -> RowSummary | None:
        """A summary read back from the cache; None when it is not one (an older format, or a
        damaged file)."""
        if not isinstance(data, list) or len(data) != len(cls._fields):
            return None
        (id_, name, handle, stamp, author, preview, request, done, unread, tags, *rest) = data
        status, assignee, via, score, platform = rest
        texts_ok = all(isinstance(v, str) for v in (id_, name, handle)) and all(
            v is None or isinstance(v, str)
            for v in (author, preview, status, assignee, via, platform)
        )
        numbers_ok = (stamp is None or isinstance(stamp, int | float)) and (
            score is None or (isinstance(score, int) and not isinstance(score, bool))
        )
        tags_ok = isinstance(tags, list) and all(
            isinstance(t, list)
            and len(t) == 2
            and isinstance(t[0], str)
            and (t[1] is None or isinstance(t[1], str))
            for t in tags
        )
        flags_ok = all(isinstance(flag, bool) for flag in (request, done, unread))
        if not (texts_ok and numbers_ok and tags_ok and flags_ok):
            return None
        return cls(
            id_,
            name,
            handle,
            None if stamp is None else float(stamp),
            author,
            preview,
            request,
            done,
            unread,
            tuple((t[0], t[1]) for t in tags),
            status,
            assignee,
            via,
            score,
            platform,
        )


def summarize(
    thread: Thread, directory: Directory, score_of: Callable[[Thread], int] | None
) -> RowSummary:
    prospect = thread.prospect
    context = prospect.context
    last = thread.last_message
    links = directory.account_link_ids
    author = None
    if last is not None and links:
        author = "you" if last.is_outbound(links) else "them"
    stamp = thread.sort_timestamp
    tags = tuple(
        (tag.name, tag.color) for tag_id in context.tags if (tag := directory.tags.get(tag_id))
    )
    status = directory.statuses.get(context.status_id) if context.status_id else None
    member = directory.members.get(thread.assignee_id) if thread.assignee_id else None
    link = (
        directory.account_links.get(thread.account_link_id)
        if directory.multiple_account_links
        else None
    )
    return RowSummary(
        id=thread.id,
        name=prospect.display_name,
        handle=prospect.at_handle,
        stamp=None if stamp is None else stamp.timestamp(),
        author=author,
        preview=None if last is None else last.content,
        request=thread.is_request,
        done=thread.done,
        unread=thread.unread,
        tags=tags,
        status=None if status is None else status.name,
        assignee=None if member is None else member.initials,
        via=None if link is None else link.username,
        score=None if score_of is None else score_of(thread),
        platform=directory.platform_badge(thread.platform)
        if directory.multiple_platforms
        else None,
    )


def bare_summary(
    thread_id: str,
    name: str,
    handle: str,
    stamp: float | None,
    preview: str | None,
    *,
    request: bool,
    done: bool,
    unread: bool = False,
) -> RowSummary:
    """A row from what a page's JSON says alone: no author, tags, status, assignee, account or
    score (they need the team directory), as the threads show before it is loaded."""
    return RowSummary(
        thread_id,
        name,
        handle,
        stamp,
        None,
        preview,
        request,
        done,
        unread,
        (),
        None,
        None,
        None,
        None,
        None,
    )


def summaries_of(items: object, row: Callable[[dict[str, Any]], RowSummary]) -> list[RowSummary]:
    """`row` of each item of a JSON list; an item that does not read as a row is left out (the
    models, read next, say what is wrong with it)."""
    rows = []
    for item in items if isinstance(items, list) else []:
        try:
            rows.append(row(item))
        except (AttributeError, KeyError, TypeError, ValueError):
            continue
    return rows

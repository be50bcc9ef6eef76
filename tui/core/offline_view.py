"""Which threads a view holds, decided from a thread's own fields rather than by the service.
Offline, a view is read from the local mirror (marked stale), and a thread whose reminder is
due comes back at the top of only the views it belongs in (tui/ui/features/reminders.py): there
the views' rules are the app's to apply. They follow the service's (tui/demo mirrors them):
Default holds the open threads (v2: requests aside), No reply those of them whose last message
is theirs, Requests the open message requests, Archived the done ones, All every one, Follow up
those gone quiet after our last message; then the filters (any of the selected IDs, or none at
all), the platforms and the search text (in the name, username or last message)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tui.core.follow_up import gone_quiet
from tui.core.query import IdFilter, InboxView, ThreadQuery

if TYPE_CHECKING:
    from tui.core.model import Thread


def view_holds(
    query: ThreadQuery,
    thread: Thread,
    account_link_ids: AbstractSet[str],
    now: datetime,
    follow_up_after: timedelta,
    version: str = "v2",
) -> bool:
    in_view = _in_view(query.inbox, thread, account_link_ids, now, follow_up_after, version)
    if not in_view:
        return False
    if query.account_link_ids and thread.account_link_id not in query.account_link_ids:
        return False
    if query.platforms and thread.platform not in query.platforms:
        return False
    context, last = thread.prospect.context, thread.last_message
    campaign = None if last is None else last.campaign_id
    if not (
        _any_of(query.tags, context.tags)
        and _any_of(query.statuses, [context.status_id] if context.status_id else [])
        and _any_of(query.assignees, [thread.assignee_id] if thread.assignee_id else [])
        and _any_of(query.campaigns, [campaign] if campaign else [])
    ):
        return False
    return not query.search or _mentions(thread, query.search)


def _in_view(
    view: InboxView,
    thread: Thread,
    links: AbstractSet[str],
    now: datetime,
    follow_up_after: timedelta,
    version: str,
) -> bool:
    if view is InboxView.ALL:
        return True
    if view is InboxView.ARCHIVED:
        return thread.done
    if thread.done:
        return False
    if version == "v2" and view is InboxView.REQUESTS:
        return thread.is_request
    if thread.status != "active" or (version == "v2" and thread.is_request):
        return False
    last = thread.last_message
    if view is InboxView.NO_REPLY:
        return last is not None and not last.is_outbound(links)
    if view is InboxView.REQUESTS:
        return thread.is_request
    if view is InboxView.FOLLOW_UP:
        return gone_quiet(thread, links, now - follow_up_after)
    return True


def _any_of(selection: IdFilter, values: list[str]) -> bool:
    if not selection.active:
        return True
    return bool(set(selection.selected) & set(values)) or (selection.none_ and not values)


def _mentions(thread: Thread, text: str) -> bool:
    """v2's `q`: the text in the name, the username or the last message's preview."""
    prospect, last = thread.prospect, thread.last_message
    wanted = text.casefold()
    fields = (prospect.display_name, prospect.username, "" if last is None else last.content)
    return any(wanted in field.casefold() for field in fields)

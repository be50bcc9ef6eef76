"""Each view's unread threads, as far as the app has seen them (API v2: the API counts none,
and a view is read a page at a time).

Each tab used to count the unread among the rows its own view had loaded: its first page,
mostly. The views' first pages do not reach as far back: All's holds archived threads and
requests too, so it ended sooner and missed the default view's older unread threads (the demo
said Default 15, All 14, though All holds every thread of Default and more).

Now every thread seen unread, in whichever view, counts in each view that holds it, by the
folders' rules (those of v2's `folder`): the inbox is the threads neither archived nor
requests, "no reply" the inbox's threads whose last word is theirs, requests the unarchived
requests, archived the archived ones (requests too), All every thread; the follow-up view is
the app's own (the inbox's threads gone quiet after our last word). So the counts agree: All
is never under Default, nor Default under No reply. They count what has been seen: more as
more pages are read.

A thread leaves the counts when it is seen read, when it leaves the rows of the load that
showed it (archived, deleted, put off by a reminder), and when a view's rows, read afresh,
cover its time and do not hold it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

from tui.core.query import InboxView


class Seen(NamedTuple):
    """An unread thread as last seen: its sort time and the views that hold it."""

    stamp: float  # seconds since the epoch (-inf: none)
    views: frozenset[InboxView]


def views_holding(
    *, done: bool, request: bool, theirs_last: bool, quiet: bool = False
) -> frozenset[InboxView]:
    """The views that hold a thread, by v2's folder rules (`quiet`: gone quiet after our last
    word, the follow-up view's own rule)."""
    views = {InboxView.ALL}
    if done:
        views.add(InboxView.ARCHIVED)
    elif request:
        views.add(InboxView.REQUESTS)
    else:
        views.add(InboxView.DEFAULT)
        if theirs_last:
            views.add(InboxView.NO_REPLY)
        if quiet:
            views.add(InboxView.FOLLOW_UP)
    return frozenset(views)


class UnreadTally:
    def __init__(self) -> None:
        self._unread: dict[str, Seen] = {}
        self._shown: set[str] = set()  # the unread threads the list showed at the last look
        self._load: object = None  # the load whose rows those were

    def look(
        self,
        load: object,
        view: InboxView,
        unread: Mapping[str, Seen],
        shows: Callable[[str], bool],
        span: tuple[float, float] | None,
    ) -> None:
        """The list as it is now: its rows come from `load` (another for each view, filter or
        reload) of `view`; `unread` are its unread rows, `shows` says whether a thread is
        among its rows; `span` is the sort times its rows cover when they are every thread of
        the view in that span (None: filtered, searched, or the app's own view)."""
        same_load = load == self._load
        for thread_id, seen in list(self._unread.items()):
            if thread_id in unread:
                continue
            if (
                shows(thread_id)  # shown read
                or (same_load and thread_id in self._shown)  # gone from the rows
                or (span is not None and view in seen.views and span[0] <= seen.stamp <= span[1])
            ):
                del self._unread[thread_id]
        self._unread.update(unread)
        self._shown = set(unread)
        self._load = load

    def counts(self) -> dict[InboxView, int]:
        counts = dict.fromkeys(InboxView, 0)
        for seen in self._unread.values():
            for view in seen.views:
                counts[view] += 1
        return counts

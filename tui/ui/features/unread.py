"""Unread threads (v2): `U` marks the target, or every marked thread, unread or read; opening an
unread thread marks it read (`mark_read_on_open`); each view's tab and the terminal's title say
how many of its threads are unread, of those seen in any view (tui/core/unread_counts.py). On
v1, which has no unread state, `U` says so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.api_versions import ApiFeature
from tui.core.edits import EditField, edit_for
from tui.core.follow_up import gone_quiet
from tui.core.query import InboxView
from tui.core.row_summary import RowSummary
from tui.core.unread_counts import Seen, UnreadTally, views_holding
from tui.ui.features.shared import AppShared, Feature

if TYPE_CHECKING:
    from collections.abc import Iterable
    from collections.abc import Set as AbstractSet
    from datetime import datetime

    from tui.core.model import Thread
    from tui.ui.features.threads import ThreadsFeature
    from tui.ui.features.triage import TriageFeature
    from tui.ui.widgets.thread_list import ThreadList, UnreadRow
    from tui.ui.window_title import AccountTitle

NEEDS_V2 = 'Unread needs API v2 (set api_version = "v2"): v1 has no unread state.'
RETRY_NAME = "marking read"  # (its entry among what is done again when the API answers)


class UnreadFeature(Feature):
    def __init__(
        self,
        shell: AppShared,
        *,
        triage: TriageFeature,
        threads: ThreadsFeature,
        window_title: AccountTitle,
    ) -> None:
        super().__init__(shell)
        self.triage = triage  # marking is an edit: shown at once, rolled back, undoable
        self.threads = threads  # which view the list's rows are from
        self.window_title = window_title
        self.tally = UnreadTally()  # the unread threads seen, in whichever view
        # What each unread row said last time, by the row as kept (see _unread_seen).
        self._seen_by_row: dict[str, tuple[bytes, Seen]] = {}
        self._seen_links: frozenset[str] = frozenset()
        self._seen_hour: datetime | None = None
        self.counts: dict[InboxView, int] = {}  # each view's unread threads, as far as seen
        self._shown_views: set[InboxView] = set()
        # Threads opened whose marking read could not reach the service: tried again when it
        # answers, each as it was when opened (its last message then).
        self._read_later: dict[str, Thread] = {}

    @property
    def supported(self) -> bool:
        return self.shell.connected and ApiFeature.UNREAD in self.shell.client.features

    def action_toggle_unread(self) -> None:
        if not self.supported:
            self.notify(NEEDS_V2, severity="warning", markup=False)
            return
        targets = self.triage.triage_targets()
        if not targets:
            return
        unread = not all(t.unread for t in targets)
        for thread in targets:  # the user's say wins over a marking read still to be retried
            self._read_later.pop(thread.id, None)
        edits = [edit_for(t, EditField.UNREAD, unread) for t in targets]
        self.triage.apply_edits(edits, "Marked unread" if unread else "Marked read")

    def opened(self, thread: Thread) -> None:
        """A thread was opened: read now (when that is wanted and the API has the state)."""
        if thread.unread and self.shell.settings.mark_read_on_open and self.supported:
            self._mark_read(thread)

    def _mark_read(self, thread: Thread) -> None:
        """Quietly: the user edited nothing. Offline it is not said (nor offered as an edit
        made offline): it is done when the service answers again."""

        def later(_: object) -> None:
            self._read_later[thread.id] = thread
            self.shell.reloads.failed(RETRY_NAME, self._read_again)

        edit = edit_for(thread, EditField.UNREAD, False)
        self.triage.apply_edits(
            [edit], "Marked read", by_app=True, failed_text="Could not mark it read", retry=later
        )

    def _read_again(self) -> None:
        """The service answers (or the backoff's try): the threads opened offline are marked
        read, unless a message came since they were opened (it is unread news) or the list
        shows them read already."""
        waiting, self._read_later = self._read_later, {}
        for opened in waiting.values():
            now = self.shell.latest(opened) or opened
            last, then = now.last_message, opened.last_message
            same = (last.id if last else None) == (then.id if then else None)
            if now.unread and same:
                self._mark_read(now)

    def on_thread_list_unread_counted(self, message: ThreadList.UnreadCounted) -> None:
        # Counted as the list is now, when the message is handled: the rows may be another
        # view's than when it was sent (and no view's while one loads: nothing to count).
        view = self.threads.rows_view
        if view is None:
            return
        shell = self.shell
        thread_list, query = shell.thread_list, shell.thread_query
        links = shell.directory.account_link_ids
        cutoff = shell.clock() - shell.settings.follow_up_after
        unread = self._unread_seen(thread_list.unread_rows(), links, cutoff)
        # Rows that are all of the view's threads in their time span: none filtered out.
        whole = not (query.search or query.has_filters) and view is not InboxView.FOLLOW_UP
        span = thread_list.stamp_span() if whole else None
        self.tally.look(shell.generation, view, unread, thread_list.holds, span)
        self.counts = self.tally.counts()
        # Beside the views shown so far only (the header has no room for six counts).
        self._shown_views.add(view)
        shell.view_tabs.show_unread({v: self.counts[v] for v in self._shown_views})
        self.window_title.count("unread", self.counts[InboxView.DEFAULT])

    def _unread_seen(
        self, rows: Iterable[UnreadRow], links: AbstractSet[str], cutoff: datetime
    ) -> dict[str, Seen]:
        """Each unread row as the counts need it, read (parsed) only when the row changed
        since it was last read: the rows change on every page and edit, and parsing all the
        unread ones each time cost time and, at 10,000 rows, ~10 MB at once."""
        hour = cutoff.replace(minute=0, second=0, microsecond=0)
        if links != self._seen_links or hour != self._seen_hour:
            # (Whose last word it is depends on our links; gone quiet, on the time: what was
            # read is read again when either changes, the time at most hourly.)
            self._seen_by_row.clear()
            self._seen_links, self._seen_hour = frozenset(links), hour
        kept, unread = self._seen_by_row, {}
        for row in rows:
            hit = kept.get(row.thread_id)
            if hit is not None and row.kept is not None and hit[0] is row.kept:
                seen = hit[1]
            else:
                seen = _seen(row.read(), links, cutoff)
                if row.kept is not None:
                    kept[row.thread_id] = (row.kept, seen)
            unread[row.thread_id] = seen
        for gone in kept.keys() - unread.keys():
            del kept[gone]
        return unread


def _seen(row: Thread | RowSummary, links: AbstractSet[str], cutoff: datetime) -> Seen:
    """An unread row, as the counts need it: a thread, or (a first launch, before the models)
    its summary."""
    if isinstance(row, RowSummary):
        stamp = float("-inf") if row.stamp is None else row.stamp
        views = views_holding(done=row.done, request=row.request, theirs_last=row.awaiting)
        return Seen(stamp, views)
    last, when = row.last_message, row.sort_timestamp
    views = views_holding(
        done=row.done,
        request=row.is_request,
        theirs_last=last is not None and not last.is_outbound(links),
        quiet=gone_quiet(row, links, cutoff),
    )
    return Seen(float("-inf") if when is None else when.timestamp(), views)

"""Unread threads (v2): `U` marks the target, or every marked thread, unread or read; opening an
unread thread marks it read (`mark_read_on_open`); each view's tab and the terminal's title say
how many of its loaded threads are unread. On v1, which has no unread state, `U` says so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.api_versions import ApiFeature
from tui.core.edits import EditField, edit_for
from tui.core.query import InboxView
from tui.ui.features.shared import AppShared, Feature

if TYPE_CHECKING:
    from tui.core.model import Thread
    from tui.ui.features.threads import ThreadsFeature
    from tui.ui.features.triage import TriageFeature
    from tui.ui.widgets.thread_list import ThreadList
    from tui.ui.window_title import WindowTitle

NEEDS_V2 = 'Unread needs API v2 (set api_version = "v2"): v1 has no unread state.'
RETRY_NAME = "marking read"  # (its entry among what is done again when the API answers)


class UnreadFeature(Feature):
    def __init__(
        self,
        shell: AppShared,
        *,
        triage: TriageFeature,
        threads: ThreadsFeature,
        window_title: WindowTitle,
    ) -> None:
        super().__init__(shell)
        self.triage = triage  # marking is an edit: shown at once, rolled back, undoable
        self.threads = threads  # which view the list's rows are from
        self.window_title = window_title
        self.counts: dict[InboxView, int] = {}  # unread among each view's loaded rows
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
        self.counts[view] = self.shell.thread_list.unread_count
        self.shell.view_tabs.show_unread(self.counts)
        self.window_title.count("unread", self.counts.get(InboxView.DEFAULT, 0))

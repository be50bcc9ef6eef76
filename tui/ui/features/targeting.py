"""The target: the one person every action acts on, the thread the sidebar shows. The sidebar
follows the list's cursor (at once for a single move, once the cursor rests for a held key),
and an action asked for before it has caught up lands on the person the cursor is on."""

from __future__ import annotations

import time
from contextlib import suppress
from typing import TYPE_CHECKING

from textual.css.query import NoMatches

from tui.ui.features.shared import AppShared, Feature

if TYPE_CHECKING:
    from textual.timer import Timer

    from tui.core.model import Thread
    from tui.ui.widgets.thread_list import ThreadList


class TargetFeature(Feature):
    at_start = True

    # Seconds the cursor rests before the sidebar follows it. Tests set 0: the sidebar
    # follows after the list's next frame, so a settled app shows it.
    sidebar_follow_delay = 0.06
    # Moves closer together than this are a key repeat (a held key repeats every ~30-40 ms).
    key_repeat_gap = 0.05

    def __init__(self, shell: AppShared) -> None:
        super().__init__(shell)
        self._pending = False  # an after-frame follow is scheduled
        self._stale = False  # the cursor moved and the sidebar has not caught up yet
        self._timer: Timer | None = None
        self._last_highlight = 0.0  # when the cursor last moved (time.monotonic)

    def on_thread_list_highlighted(self, message: ThreadList.Highlighted) -> None:
        if not self._list_drives_target():
            return  # rows moved under an open conversation or a dialog: the target stays
        # Showing a prospect relayouts the screen (tens of ms on a slow machine). A move that
        # comes soon after the last one is a held-down key (or a fast burst): the sidebar
        # follows once the cursor rests, so the list moves at full speed. A move on its own
        # is shown right after the list's frame: the work is done before a next key is likely,
        # rather than landing on it a rest-delay later.
        now = time.monotonic()
        repeating = now - self._last_highlight < self.key_repeat_gap
        self._last_highlight = now
        self._stale = True
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.sidebar_follow_delay and repeating:
            self._timer = self.set_timer(self.sidebar_follow_delay, self._rested)
        elif not self._pending:
            self._pending = True
            self.call_after_refresh(self._after_frame)

    def _list_drives_target(self) -> bool:
        """The list's cursor picks the target while the list has focus (or nothing is shown):
        not while the user reads a conversation, edits in the sidebar or answers a dialog."""
        if not self.shell.screen_stack:
            return False  # the app is closing: a late highlight changes nothing
        return self.shell.shown_target is None or self.app.focused is self.shell.thread_list

    def _rested(self) -> None:
        self._timer = None
        self._follow_cursor()

    def _after_frame(self) -> None:
        self._pending = False  # (a timer set meanwhile is still held, and stoppable)
        if self._stale:
            self._follow_cursor()

    def _follow_cursor(self) -> None:
        self._stale = False
        # When the app is closing, the sidebar's parts may already be gone.
        with suppress(NoMatches):
            self.shell.show_sidebar_for(self.shell.thread_list.current)

    def target(self) -> Thread | None:
        """The thread every action acts on: the one the sidebar shows, as it is now. A cursor
        move the sidebar has not caught up with yet is shown first, so the action lands on
        the person the user sees."""
        if self._stale:
            if self._timer is not None:
                self._timer.stop()
                self._timer = None
            self._follow_cursor()
        return self.latest(self.shell.shown_target)

    def target_or_cursor(self) -> Thread | None:
        """The target as it is now, or the list's current thread when there is none yet."""
        return self.latest(self.shell.shown_target) or self.shell.thread_list.current

    def refresh_target(self) -> None:
        """The sidebar shows the target again when the list holds newer values for it (a
        fresh page, a live update): the same person, never another one."""
        shown = self.shell.shown_target
        fresh = self.latest(shown)
        if fresh is not None and fresh != shown:
            self.shell.show_sidebar_for(fresh)

    def latest(self, thread: Thread | None) -> Thread | None:
        """`thread` as the list holds it now (edits and live updates applied)."""
        if thread is None:
            return None
        return self.shell.thread_list.threads.find(thread.id) or thread

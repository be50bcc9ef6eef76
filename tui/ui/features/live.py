"""Live updates: the visible view and the open thread are re-read at an interval.

Polling spends its own small budget (a share of the service's 300 requests a minute), backs off
when the user is idle, when rate-limited and when offline, and resumes at once on input. New
rows merge into the list without moving the user's selection.

Through a team relay, the relay pushes each change (its stream) and the poll follows at once;
while the stream is up, the interval is only a safety net (MAX_BACKOFF times the usual).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message

from tui.api.errors import ApiError, AuthError, InboxError, NotFound, RateLimited, TransportError
from tui.api.pacing import RequestBudget
from tui.core.edits import EditField, apply_locally, edit_for
from tui.core.query import InboxView, SortOrder
from tui.core.text import one_line
from tui.ui.describe import describe_error
from tui.ui.features.shared import AppShared, Feature

if TYPE_CHECKING:
    from tui.core.model import Event, Thread
    from tui.core.model import Message as ApiMessage
    from tui.core.query import ThreadQuery
    from tui.ui.desktop_notice import DesktopNotice
    from tui.ui.features.reminders import RemindersFeature
    from tui.ui.widgets.rows import ThreadRows

IDLE_AFTER = 120.0  # seconds without input before polling slows down
MAX_BACKOFF = 8  # the interval grows at most to 8x when idle or offline


# Events whose effect cannot be applied from the event alone: the visible page is re-listed.
RELIST_EVENTS = frozenset(
    {
        "message.created",
        "message.edited",
        "message.deleted",
        "thread.created",
        "thread.unarchived",
        "prospect.notesChanged",
        "prospect.enriched",
        "prospect.created",
        "contact.assigneeChanged",  # v2: a contact's default assignee reaches its threads
        "tag.created",
        "tag.updated",
        "tag.deleted",
        "status.created",
        "status.updated",
        "status.deleted",
    }
)


class Polled(Message):
    def __init__(
        self,
        generation: int,
        threads: list[Thread] | None,
        thread_id: str | None,
        messages: list[ApiMessage],
        events: list[Event] | None = None,
    ) -> None:
        super().__init__()
        self.generation = generation
        self.threads = threads  # None: the events said the page need not be re-listed
        self.thread_id = thread_id
        self.messages = messages
        self.events = events or []


class RelayPushed(Message):
    """The relay's stream: a change (its seq), or the stream is down (`seq` None)."""

    def __init__(self, seq: int | None) -> None:
        super().__init__()
        self.seq = seq


class PollFailed(Message):
    def __init__(self, error: InboxError) -> None:
        super().__init__()
        self.error = error


class LiveFeature(Feature):
    at_start = True

    poll_budget: RequestBudget
    _next_poll = 0.0
    _backoff = 1.0
    _last_input = 0.0
    _polling_stopped = False
    _event_seq: int | None = None
    _live_status = ""  # what live updates last said on the status line (cleared on success)
    _events_unavailable = False
    # The app's own view (follow-up): each thread's last message on the last page read.
    _seen_last: dict[str, str | None]
    _seen_generation = -1
    _paused = False  # another account is on screen: the app's watch reads this one's log
    # The first good poll back from another account: the threads the watch said.
    _announced: frozenset[str] = frozenset()
    _pushed = False  # the relay's stream is up: changes come without asking

    def __init__(
        self, shell: AppShared, notice: DesktopNotice, reminders: RemindersFeature
    ) -> None:
        super().__init__(shell)
        self.notice = notice  # a desktop notification (or the bell) for each arriving message
        self.reminders = reminders  # their answer brings a thread kept out by a reminder back
        self._seen_last = {}

    def start_live_updates(self) -> None:
        per_minute = max(1, int(300 * self.shell.settings.poll_share))
        self.poll_budget = RequestBudget(per_minute, 60.0)
        self._last_input = time.monotonic()
        self._next_poll = time.monotonic() + self.shell.settings.poll_interval
        self.set_interval(1.0, self._poll_tick)
        backend = self.shell.backend
        if backend is not None and backend.changes is not None:
            self._listen_to_relay()

    @work(group="relay-stream", exclusive=True)
    async def _listen_to_relay(self) -> None:
        """The relay's pushed changes, for as long as the account is open; a broken stream
        is opened again (2 s, doubling to a minute), polling going on at its pace meanwhile."""
        backend = self.shell.backend
        changes = backend.changes if backend is not None else None
        wait = 2.0
        while changes is not None:
            try:
                async for seq in changes():
                    wait = 2.0
                    self.post_message(RelayPushed(seq))
            except InboxError as error:
                self.post_message(RelayPushed(None))
                if isinstance(error, AuthError):
                    return  # a refused token stays refused: polling says so on its own
            await asyncio.sleep(wait)
            wait = min(60.0, wait * 2)

    def on_relay_pushed(self, message: RelayPushed) -> None:
        self._pushed = message.seq is not None
        if message.seq is None or self._paused or self._polling_stopped:
            return
        if self._event_seq is None or message.seq > self._event_seq:
            self._next_poll = time.monotonic()  # read at the next tick, within a second

    @property
    def event_seq(self) -> int | None:
        """Where this account's event log has been read to (None: not known)."""
        return None if self._events_unavailable else self._event_seq

    def pause(self) -> None:
        """Another account is on screen (see AccountScreen.go_away)."""
        self._paused = True

    def resume(self, announced: frozenset[str] = frozenset()) -> None:
        """On screen again: what changed meanwhile is read within a second; the threads in
        `announced` without a toast or a notice (the watch gave them), others as ever."""
        if not self._paused:
            return
        self._paused = False
        self._announced = announced
        self._last_input = time.monotonic()
        self._backoff = 1.0
        # At the next tick, within a second: after the switch's frame, which it would delay.
        self._next_poll = time.monotonic()

    def note_input(self) -> None:
        """Someone pressed a key or clicked (the app's on_event says so): polling speeds up."""
        now = time.monotonic()
        was_idle = now - self._last_input > IDLE_AFTER
        self._last_input = now
        if was_idle and not self._polling_stopped:
            self._backoff = 1.0
            self._next_poll = min(self._next_poll, now + 1.0)  # resume on input

    def _poll_tick(self) -> None:
        now = time.monotonic()
        if self._polling_stopped or self._paused or now < self._next_poll:
            return
        idle = now - self._last_input > IDLE_AFTER
        if idle:
            self._backoff = min(MAX_BACKOFF, self._backoff * 2)
        backoff = self._backoff
        if self._pushed:
            backoff = MAX_BACKOFF  # the relay says when something changed
        elif self.shell.client.rate_limit.scarce:
            # The team's hour or day is two-thirds spent (a team of many clients): as slow
            # as when idle, whatever the user does, so what is left stays the people's.
            backoff = MAX_BACKOFF
        self._next_poll = now + self.shell.settings.poll_interval * backoff
        self.poll_now()

    def poll_now(self) -> None:
        if self.shell.client.rate_limit.low:
            # Leave what remains to the user's own actions; resume after the window resets.
            self._next_poll = time.monotonic() + max(self.shell.settings.poll_interval, 20.0)
            self.shell.set_status(self.shell.count_text())
            return
        # A poll costs the events request and, when the log says so, the page: both are
        # reserved from polling's share (the user's own requests come first).
        if self.poll_budget.remaining < 2:
            return
        self.poll_budget.try_acquire()
        self.poll_budget.try_acquire()
        open_thread = self.shell.message_view.thread
        with_thread = open_thread is not None and self.poll_budget.try_acquire()
        query = self.shell.thread_query
        if query.inbox is InboxView.FOLLOW_UP:
            # The app's own view: the default view's newest page says what arrived.
            query = replace(query, inbox=InboxView.DEFAULT, sort_order=SortOrder.DESC)
        self._poll(
            self.shell.generation,
            query,
            open_thread.id if with_thread and open_thread else None,
        )

    @work(group="poll", exclusive=True)
    async def _poll(self, generation: int, query: ThreadQuery, thread_id: str | None) -> None:
        """One cheap events request tells what changed; the visible page is re-listed only
        when the log says it must be (new messages, a gap, or no log at all)."""
        try:
            events, relist = await self._read_events()
            threads: list[Thread] | None = None
            if relist:
                threads = (await self.shell.client.list_threads(query.with_cursor(None))).threads
            messages: list[ApiMessage] = []
            touched = {e.data.get("threadId") for e in events if isinstance(e.data, dict)}
            if thread_id is not None and (relist or thread_id in touched):
                messages = (await self.shell.client.list_messages(thread_id, limit=20)).messages
        except InboxError as error:
            self.post_message(PollFailed(error))
            return
        self.post_message(Polled(generation, threads, thread_id, messages, events))

    async def _read_events(self) -> tuple[list[Event], bool]:
        """(events since the last poll, whether the visible page must be re-listed)."""
        if self._events_unavailable:
            return [], True
        try:
            if self._event_seq is None:
                # Learn where the log ends; until then, re-list as before.
                seq = 0
                for _ in range(5):
                    page = await self.shell.client.list_events(seq or None, limit=1000)
                    seq = page.last_seq or seq
                    if not page.has_more:
                        self._event_seq = seq
                        break
                return [], True
            page = await self.shell.client.list_events(self._event_seq, limit=1000)
        except NotFound:
            self._events_unavailable = True  # no event log here: re-list every time
            return [], True
        except ApiError as error:
            if isinstance(error, AuthError | RateLimited):
                raise
            self._event_seq = None  # the position was refused: learn it again
            return [], True
        gap = bool(page.events) and page.events[0].seq != self._event_seq + 1
        self._event_seq = page.last_seq or self._event_seq
        if gap or page.has_more:
            return [], True  # the log has a gap (or too much changed): re-list the page
        relist = any(e.type in RELIST_EVENTS for e in page.events)
        return page.events, relist

    def on_polled(self, event: Polled) -> None:
        self.shell.reloads.answered()
        if (
            not self._polling_stopped
            and self._backoff > 1
            and not (time.monotonic() - self._last_input > IDLE_AFTER)
        ):
            self._backoff = 1.0
        self._clear_live_status()
        announced, self._announced = self._announced, frozenset()
        if event.generation != self.shell.generation:
            return
        thread_list = self.shell.thread_list
        if event.events:
            self._apply_events(event.events)
        if event.thread_id is not None and event.messages:
            self.shell.message_view.append_new(event.thread_id, event.messages)
        if event.threads is None:
            self.shell.refresh_target()
            return
        self.reminders.on_page(event.threads)  # (before the merge: it takes them back)
        rows = thread_list.threads
        links = self.shell.directory.account_link_ids
        own_view = self.shell.thread_query.inbox is InboxView.FOLLOW_UP
        # What each thread's last message was before: its row's; for a thread without a row
        # in the app's own view (whose rows are not the page's), the last page's.
        seen = self._seen_last if self._seen_generation == event.generation else {}

        def known(thread: Thread) -> bool:
            return rows.position(thread.id) is not None or not own_view or thread.id in seen

        def last_before(thread: Thread) -> str | None:
            row = rows.find(thread.id)
            return _last_id(row) if row is not None or not own_view else seen.get(thread.id)

        fresh_inbound = [
            t
            for t in event.threads
            if t.last_message is not None
            and not t.last_message.is_outbound(links)
            and known(t)
            and last_before(t) != t.last_message.id
        ]
        if own_view:
            self._seen_last = {t.id: _last_id(t) for t in event.threads}
            self._seen_generation = event.generation
            # A row with a new last message (their answer, or ours) has not gone quiet.
            moved = [
                t.id
                for t in event.threads
                if (row := rows.find(t.id)) is not None and _last_id(row) != _last_id(t)
            ]
            for thread_id in moved:
                rows.remove_id(thread_id)
            if moved:
                thread_list.refresh_rows()
        else:
            thread_list.merge_page(event.threads)
        self.shell.refresh_target()
        # (The first poll back from another account: what the watch said is not said again.)
        fresh_inbound = [t for t in fresh_inbound if t.id not in announced]
        reading = self.shell.message_view.thread if self.shell.panes_mounted else None
        for thread in fresh_inbound:
            words = thread.last_message.content if thread.last_message else ""
            if reading is None or thread.id != reading.id:
                self.notice.new_message(thread.id, thread.prospect.display_name, words)
        for thread in fresh_inbound[:3]:
            name = one_line(thread.prospect.display_name, 40)
            preview = one_line(thread.last_message.content if thread.last_message else "", 60)
            self.notify(f"{name}: {preview}", title="New message", timeout=6, markup=False)

    def _apply_events(self, events: list[Event]) -> None:
        """Changes the log describes in full, applied to the rows on screen, in seq order."""
        view = self.shell.thread_query.inbox
        rows = self.shell.thread_list.threads
        changed = False
        for item in events:
            data = item.data if isinstance(item.data, dict) else {}
            # Only the rows the event names are read (by thread, or by prospect).
            concerned = {rows.id_at(at) for at in _positions_named(rows, data)}
            for thread_id in concerned:
                thread = rows.find(thread_id or "")
                if thread is None:
                    continue
                new: Thread | None = _apply_event(thread, item.type, data)
                if new is not None and new.done != thread.done and not view.holds(new.done):
                    new = None  # archived elsewhere: it leaves this view
                if new is None:
                    rows.remove_id(thread.id)
                    changed = True
                elif new is not thread:
                    rows.replace(new)
                    changed = True
        if changed:
            self.shell.thread_list.refresh_rows()

    def on_poll_failed(self, event: PollFailed) -> None:
        error = event.error
        now = time.monotonic()
        if isinstance(error, AuthError):
            self._polling_stopped = True
            self._set_live_status(describe_error(error) + " Live updates paused.")
            return
        if isinstance(error, RateLimited):
            wait = error.retry_after or self.shell.settings.poll_interval * 2
            self._next_poll = now + wait
            self._set_live_status(f"Rate-limited: live updates resume in {wait:.0f} s.")
            return
        self._backoff = min(MAX_BACKOFF, self._backoff * 2)
        wait = self.shell.settings.poll_interval * self._backoff
        self._next_poll = now + wait
        if isinstance(error, TransportError):
            # (What the list shows stays said: offline, it may be the mirror's, and stale.)
            self._set_live_status(f"Offline: retrying in {wait:.0f} s. {self.shell.count_text()}")
        else:
            self._set_live_status(
                f"Live updates failed ({error.message}): retrying in {wait:.0f} s."
            )

    def _set_live_status(self, text: str) -> None:
        self._live_status = text
        self.shell.set_status(text, error=True)

    def _clear_live_status(self) -> None:
        if self._live_status:
            self._live_status = ""
            self.shell.set_status(self.shell.count_text())


def _positions_named(rows: ThreadRows, data: dict[str, Any]) -> list[int]:
    thread_id, prospect_id = data.get("threadId"), data.get("prospectId")
    found = []
    if isinstance(thread_id, str) and (at := rows.position(thread_id)) is not None:
        found.append(at)
    if isinstance(prospect_id, str):
        found += rows.positions_of_prospect(prospect_id)
    return found


def _last_id(thread: Thread | None) -> str | None:
    return thread.last_message.id if thread is not None and thread.last_message else None


# Events that say a field's new value in full, and where the value is in their data.
EVENT_FIELDS: dict[str, tuple[EditField, str | None]] = {
    "thread.archived": (EditField.DONE, None),
    "thread.unarchived": (EditField.DONE, None),
    "thread.assigned": (EditField.ASSIGNEE, "assigneeId"),
    "thread.unassigned": (EditField.ASSIGNEE, "assigneeId"),
    "prospect.tagsChanged": (EditField.TAGS, "tags"),
    "prospect.statusChanged": (EditField.STATUS, "statusId"),
    "prospect.valuationChanged": (EditField.VALUATION, "valuation"),
}


def _apply_event(thread: Thread, kind: str, data: dict[str, Any]) -> Thread | None:
    """`thread` after the event (the same object when it is not concerned; None: deleted).
    An event is applied as the edit it describes, by the same code as the user's own edits."""
    if kind == "thread.deleted":
        return None if data.get("threadId") == thread.id else thread
    if kind not in EVENT_FIELDS:
        return thread
    field, key = EVENT_FIELDS[kind]
    if field.on_thread:
        if data.get("threadId") != thread.id:
            return thread
    elif thread.prospect.external_id is None or data.get("prospectId") != (
        thread.prospect.external_id
    ):
        return thread
    value = kind == "thread.archived" if field is EditField.DONE else data.get(key or "")
    if field is EditField.TAGS and not isinstance(value, list):
        return thread
    return apply_locally(thread, edit_for(thread, field, value))

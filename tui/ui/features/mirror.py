"""The local mirror (tui/core/mirror.py), filled: every page and conversation the app reads is
stored, and a background walk reads the rest, newest conversations first.

The walk spends its own share of the team's budget (`mirror_share` of 300 requests a minute),
one request at a time, and waits while the user acts (their requests come first) and while the
team's remaining budget is under a third (other tools share it). Progress is on the status
line's resting text and in `inbox-tui mirror status`.

The event log keeps it current: before the first listing the walk learns where the log ends,
then reads what came after it every half minute (one request) and reads just what the events
name: a conversation's new messages (newest first, down to what the mirror holds), a thread
or person that changed, a new thread; a deleted one is forgotten. A gap in the log (it keeps
7 days) or no log at all means a re-check of what changed: the newest pages, down to the first
where nothing changed. Not a full resync.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message

from tui.api.errors import ApiError, AuthError, InboxError, NotFound, RateLimited
from tui.api.pacing import BackgroundBudget, in_background
from tui.core.query import MAX_LIMIT, InboxView, SortOrder, ThreadQuery
from tui.ui.describe import describe_error
from tui.ui.features.shared import AppShared, Feature

if TYPE_CHECKING:
    from datetime import datetime

    from tui.core.mirror import Mirror, SearchHit, WalkItem
    from tui.core.model import Cursor, Event, EventPage, Thread
    from tui.core.model import Message as ApiMessage

QUIET_AFTER_INPUT = 3.0  # seconds after a key or click before the walk goes on
EVENTS_EVERY = 30.0  # seconds between reads of the event log
RECHECK_EVERY = 60.0  # with no event log: seconds between looks at what changed
OFFLINE_SCAN = 5000  # offline: the newest stored threads a view is looked for in
OFFLINE_ROWS = 500  # offline: at most this many of a view's threads are shown
LOG_KEPT = 7 * 86400.0  # seconds the service keeps events: a longer absence is a gap
SYNCING_RETRY = 30.0  # a thread the service is still importing: walked again after this,
SYNCING_RETRY_MAX = 3600.0  # then twice as long each time it still is, up to an hour
NOTICE_EVERY = 2.0  # seconds between looks at what happened to the store (said once)
# Seconds between counts of the mirror for the status line: counting a large one blocks the
# app (~90 ms at 2,000,000 messages), so it is done only after writes, and not often.
RECOUNT_EVERY = 10.0


class MirrorRead(Message):
    """A request of the walk has answered."""

    def __init__(
        self,
        kind: str,  # "list", "recheck" (pages of threads), "thread", "messages" or "events"
        *,
        threads: list[Thread] | None = None,
        item: WalkItem | None = None,
        messages: list[ApiMessage] | None = None,
        next_cursor: Cursor | None = None,
        syncing: bool = False,
        events: EventPage | None = None,
        log: str = "read",  # events: "read", "refused" (the position) or "absent" (no log)
    ) -> None:
        super().__init__()
        self.kind = kind
        self.threads = threads or []
        self.item = item
        self.messages = messages or []
        self.next_cursor = next_cursor
        self.syncing = syncing
        self.events = events
        self.log = log


class MirrorFailed(Message):
    def __init__(self, error: InboxError, item: WalkItem | None) -> None:
        super().__init__()
        self.error = error
        self.item = item


class MirrorFeature(Feature):
    def __init__(self, shell: AppShared) -> None:
        super().__init__(shell)
        self._closed = False
        self._busy = False  # a request of the walk is under way
        self._last_input = 0.0
        self._retry_after: dict[str, float] = {}  # thread ID -> monotonic time
        self._still_importing: dict[str, int] = {}  # thread ID -> reads that found it so
        self._rechecking = False  # reading the newest pages for what changed
        self._recheck_cursor: Cursor | None = None
        self._next_recheck = 0.0
        self._next_events = 0.0  # when the event log is read next (monotonic)
        self._log_absent = False  # the service has no event log: re-check by pages instead
        self._newest_cursors: dict[str, Cursor] = {}  # a flagged thread's read, under way
        self._paused_until = 0.0  # after a failure
        self.progress = ""  # the status line's word on the walk
        self._counted_at = -RECOUNT_EVERY  # when the progress was last counted (monotonic)
        self._written = False  # the walk wrote since that count
        # Its share of the team's minute, hour and day (tui/api/pacing.py).
        if shell.settings.relay_url:
            # The relay answers the walk from its own copy: none of the team's budget, so
            # the whole minute's pace (the copy is there if the relay goes away).
            self.budget = BackgroundBudget(1.0, longer=1.0)
        else:
            self.budget = BackgroundBudget(shell.settings.mirror_share)

    @property
    def enabled(self) -> bool:
        return self.shell.settings.mirror_enabled

    @property
    def mirror(self) -> Mirror | None:
        """The account's store (shared with the instant start's rows); None when the mirror
        is off, or the app is closing (a late page is not stored)."""
        if not self.enabled or self._closed:
            return None
        return self.shell.view_cache.store

    def on_mount(self) -> None:
        self.call_after_refresh(self._say_notice)
        self.set_interval(NOTICE_EVERY, self._say_notice)  # (a full disk, a damaged file)
        if self.enabled:
            self._last_input = time.monotonic()  # the start's own loads come first
            # Evenly spread: the budget's requests over its minute, not in a burst.
            self.set_interval(max(1.0, 60.0 / self.budget.max_requests), self._tick)

    def _say_notice(self) -> None:
        """What happened to a store that could not be used (moved aside), said once."""
        store = self.shell.view_cache.opened
        if store is not None and store.notice:
            self.notify(store.notice, severity="warning", timeout=10, markup=False)
            self.shell.set_status(store.notice, error=True)
            store.notice = None

    def on_unmount(self) -> None:
        self._closed = True

    def note_input(self) -> None:
        self._last_input = time.monotonic()

    paused = False  # another account is on screen: the walk rests (see AccountScreen.go_away)

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False

    # --- what the app reads -----------------------------------------------------------------

    def store_threads(self, threads: list[Thread]) -> None:
        mirror = self.mirror
        if mirror is not None and threads:
            mirror.put_threads(threads, self.shell.directory)

    def store_messages(self, thread_id: str, messages: list[ApiMessage]) -> None:
        mirror = self.mirror
        if mirror is not None and messages:
            mirror.put_messages(thread_id, messages, self.shell.directory.account_link_ids)

    def label_carriers(self) -> tuple[dict[str, set[str]], dict[str, set[str]]] | None:
        """For each tag and each status the team has (by ID), the people whose threads the
        mirror holds carrying it, in every view; None when the mirror is off."""
        mirror = self.mirror
        if mirror is None:
            return None
        tags, statuses = mirror.label_carriers()
        directory = self.shell.directory
        return (
            {t.id: tags[t.name.lower()] for t in directory.tags.values() if t.name.lower() in tags},
            {
                s.id: statuses[s.name.lower()]
                for s in directory.statuses.values()
                if s.name.lower() in statuses
            },
        )

    def relabel(self, kind: str, old: str, new: str | None) -> None:
        """A label renamed (or deleted: None): the stored threads follow."""
        mirror = self.mirror
        if mirror is not None:
            mirror.relabel(kind, old, new)

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        """Raises SearchError (a query that cannot be read)."""
        from tui.core.mirror import parse_search

        mirror = self.mirror
        if mirror is None:
            return []
        return mirror.search(parse_search(text, self.shell.clock()), limit)

    def stored_thread(self, thread_id: str) -> Thread | None:
        """A thread as the mirror holds it (offline, or gone from the loaded rows)."""
        mirror = self.mirror
        wire = None if mirror is None else mirror.thread_wire(thread_id)
        if wire is None:
            return None
        from pydantic import ValidationError

        from tui.core.model import Thread

        try:
            return Thread.model_validate(wire)
        except ValidationError:
            return None

    def stored_messages(self, thread_id: str) -> list[ApiMessage]:
        """A conversation's newest messages as the mirror holds them (offline), newest first."""
        mirror = self.mirror
        if mirror is None:
            return []
        from pydantic import ValidationError

        from tui.core.model import Message as ApiMessage

        messages = []
        for wire in mirror.messages_wire(thread_id):
            try:
                messages.append(ApiMessage.model_validate(wire))
            except ValidationError:
                continue
        return messages

    def stored_view(self, query: ThreadQuery) -> tuple[datetime, list[Thread]] | None:
        """Offline: when the newest of them was stored, and the view as the mirror holds it
        (the app applies the view's rules and the filters), as ViewCache.load_threads gives
        a page; None without a mirror, or when it holds none of the view. The newest
        OFFLINE_SCAN threads are looked at (validating more would hold the app), at most
        OFFLINE_ROWS kept."""
        from datetime import UTC, datetime

        from pydantic import ValidationError

        from tui.core.model import Thread
        from tui.core.offline_view import view_holds

        mirror = self.mirror
        if mirror is None:
            return None
        settings, links = self.shell.settings, self.shell.directory.account_link_ids
        now, version = self.shell.clock(), self.shell.client.version
        ascending = query.inbox is InboxView.FOLLOW_UP or query.sort_order is SortOrder.ASC
        found: list[Thread] = []
        stored_at = 0.0
        for offset in range(0, OFFLINE_SCAN, 500):
            chunk = mirror.threads_wire(ascending=ascending, offset=offset, limit=500)
            for wire, at in chunk:
                try:
                    thread = Thread.model_validate(wire)
                except ValidationError:
                    continue
                if view_holds(query, thread, links, now, settings.follow_up_after, version):
                    found.append(thread)
                    stored_at = max(stored_at, at)
            if len(chunk) < 500 or len(found) >= OFFLINE_ROWS:
                break
        if not found:
            return None
        return datetime.fromtimestamp(stored_at, UTC), found[:OFFLINE_ROWS]

    # --- searching --------------------------------------------------------------------------

    def action_search(self) -> None:
        from tui.ui.screens.mirror_search import MirrorSearchScreen

        if self.mirror is None:
            self.notify(
                'Searching inside conversations needs the local mirror: set mirror = "on" '
                "(on by default with API v2).",
                severity="warning",
                markup=False,
            )
            return
        if not self.progress:
            self._say_progress(self.mirror, at_once=True)

        def chosen(hit: SearchHit | None) -> None:
            if hit is not None:
                self._open(hit)

        def now() -> datetime:
            return self.shell.clock()

        self.shell.push_screen(MirrorSearchScreen(self.search, now, self.progress), chosen)

    def _open(self, hit: SearchHit) -> None:
        """The conversation, at the message found (the person's, for a profile match)."""
        thread = self.shell.thread_list.threads.find(hit.thread_id) or self.stored_thread(
            hit.thread_id
        )
        if thread is None:
            self.notify("That thread is no longer in the mirror.", severity="warning", markup=False)
            return
        self.shell.open_thread(thread, at_message=hit.message_id)

    # --- the walk ---------------------------------------------------------------------------

    def _views(self) -> tuple[InboxView, ...]:
        if self.shell.client.version == "v2":
            return (InboxView.ALL,)
        return (InboxView.DEFAULT, InboxView.ARCHIVED)  # v1 has no All view

    def _may_walk(self) -> bool:
        shell = self.shell
        now = time.monotonic()
        if self._busy or self.paused or not shell.connected or not shell.directory.loaded:
            return False
        if now < self._paused_until or now - self._last_input < QUIET_AFTER_INPUT:
            return False
        if not shell.view_cache.store.writable:
            return False  # (a full disk, a read-only folder, a damaged file: nothing to spend)
        rate = shell.client.rate_limit
        return not rate.scarce  # (the rest is the people's and the team's other tools')

    def _tick(self) -> None:
        self.walk_step()

    def walk_step(self) -> bool:
        """One request of the walk, when it may go on (returns whether one was made)."""
        mirror = self.mirror
        if mirror is None or not self._may_walk():
            return False
        step = self._next_step(mirror)
        if step is None or not self.budget.try_acquire():
            return False
        self._busy = True
        kind, argument = step
        if kind == "messages":
            self._read_messages(argument)
        elif kind == "thread":
            self._read_thread(argument)
        elif kind == "events":
            self._read_events(argument)
        else:
            self._read_threads(argument)
        return True

    def _next_step(self, mirror: Mirror) -> tuple[str, Any] | None:
        from tui.core.model import Cursor

        now = time.monotonic()
        seq = mirror.get_state("event_seq")
        if not self._log_absent and (seq is None or now >= self._next_events):
            # First where the log ends (what changes while the walk lists is read after it),
            # then what came since, every half minute.
            return "events", None if seq is None else int(seq)
        views = self._views()
        listed = int(mirror.get_state("listed_views") or 0)
        if listed < len(views):
            saved = mirror.get_state("list_cursor")
            cursor = None if saved is None else Cursor.model_validate(json.loads(saved))
            query = ThreadQuery(inbox=views[listed], limit=MAX_LIMIT, cursor=cursor)
            return "list", query
        for item in mirror.to_walk(50):
            if self._retry_after.get(item.thread_id, 0.0) <= now:
                return ("thread" if item.reads_thread else "messages"), item
        if self._rechecking or (self._log_absent and now >= self._next_recheck):
            self._rechecking = True
            query = ThreadQuery(inbox=views[0], limit=MAX_LIMIT, cursor=self._recheck_cursor)
            return "recheck", query
        if self._written or not self.progress:
            self._say_progress(mirror)  # nothing to walk: the last writes are counted
        return None

    @work(group="mirror", exclusive=True)
    async def _read_events(self, after: int | None) -> None:
        in_background()  # (a 429 pauses the walk: see on_mirror_failed)
        try:
            page = await self.shell.client.list_events(after, limit=1000)
        except NotFound:
            self.post_message(MirrorRead("events", log="absent"))
            return
        except ApiError as error:
            if isinstance(error, AuthError | RateLimited):
                self.post_message(MirrorFailed(error, None))
            else:  # the position was refused (too old): learn it again, and re-check
                self.post_message(MirrorRead("events", log="refused"))
            return
        except InboxError as error:
            self.post_message(MirrorFailed(error, None))
            return
        self.post_message(MirrorRead("events", events=page))

    @work(group="mirror", exclusive=True)
    async def _read_thread(self, item: WalkItem) -> None:
        in_background()  # (a 429 pauses the walk: see on_mirror_failed)
        try:
            thread = await self.shell.client.get_thread(item.thread_id)
        except InboxError as error:
            self.post_message(MirrorFailed(error, item))
            return
        self.post_message(MirrorRead("thread", threads=[thread], item=item))

    @work(group="mirror", exclusive=True)
    async def _read_threads(self, query: ThreadQuery) -> None:
        in_background()  # (a 429 pauses the walk: see on_mirror_failed)
        try:
            page = await self.shell.client.list_threads(query)
        except InboxError as error:
            self.post_message(MirrorFailed(error, None))
            return
        kind = "recheck" if self._rechecking else "list"
        self.post_message(MirrorRead(kind, threads=page.threads, next_cursor=page.next_cursor))

    @work(group="mirror", exclusive=True)
    async def _read_messages(self, item: WalkItem) -> None:
        from tui.core.model import Cursor

        in_background()  # (a 429 pauses the walk: see on_mirror_failed)
        if item.reads_newest:  # newest first, down to what the mirror holds
            cursor = self._newest_cursors.get(item.thread_id)
        elif item.cursor is not None:
            cursor = Cursor.model_validate(json.loads(item.cursor))
        else:
            cursor = None
        try:
            page = await self.shell.client.list_messages(
                item.thread_id, limit=MAX_LIMIT, cursor=cursor
            )
        except InboxError as error:
            self.post_message(MirrorFailed(error, item))
            return
        self.post_message(
            MirrorRead(
                "messages",
                item=item,
                messages=page.messages,
                next_cursor=page.next_cursor,
                syncing=page.is_syncing,
            )
        )

    def on_mirror_read(self, message: MirrorRead) -> None:
        self._busy = False
        mirror = self.mirror
        if mirror is None:
            return
        if message.kind == "list":
            self._listed(mirror, message)
        elif message.kind == "recheck":
            self._rechecked(mirror, message)
        elif message.kind == "events":
            self._read_log(mirror, message)
        elif message.kind == "thread":
            mirror.put_threads(message.threads, self.shell.directory)
        elif message.item is not None:
            self._walked(mirror, message.item, message)
        self._written = True
        self._say_progress(mirror)

    def _listed(self, mirror: Mirror, message: MirrorRead) -> None:
        mirror.put_threads(message.threads, self.shell.directory)
        if message.next_cursor is not None:
            mirror.set_state("list_cursor", json.dumps(message.next_cursor.to_wire()))
            return
        listed = int(mirror.get_state("listed_views") or 0) + 1
        mirror.set_state("listed_views", str(listed))
        mirror.delete_state("list_cursor")
        if listed >= len(self._views()):
            self._next_recheck = time.monotonic() + RECHECK_EVERY

    def _read_log(self, mirror: Mirror, message: MirrorRead) -> None:
        """Events since the mirror's place in the log: what they name is flagged for the walk.
        A gap (the log keeps 7 days), a refused place or no log: the newest pages are
        re-checked instead."""
        now = time.monotonic()
        if message.log == "absent":
            self._log_absent = True
            return
        seq = mirror.get_state("event_seq")
        if message.log == "refused":
            mirror.delete_state("event_seq")
            mirror.delete_state("events_learning")
            self._rechecking = seq is not None
            return
        page = message.events
        if page is None:
            return
        clock = self.shell.clock().timestamp()
        read_at = float(mirror.get_state("events_read_at") or clock)
        if seq is None or mirror.get_state("events_learning"):
            # Learning where the log ends (a page at a time): the listing covers what came
            # before, so these events are passed over, not applied.
            if page.last_seq is not None or seq is None:
                mirror.set_state("event_seq", str(page.last_seq or seq or 0))
            if page.has_more:
                mirror.set_state("events_learning", "1")
            else:
                mirror.delete_state("events_learning")
            if seq is None and int(mirror.get_state("listed_views") or 0) >= len(self._views()):
                self._rechecking = True  # walked before the log was read: look once
        else:
            events: list[Event] = page.events
            first = events[0].seq if events else None
            if (first is not None and first != int(seq) + 1) or clock - read_at > LOG_KEPT:
                self._rechecking = True  # events were lost: re-check what changed
            mirror.apply_events(events)
            if page.last_seq is not None:
                mirror.set_state("event_seq", str(page.last_seq))
        mirror.set_state("events_read_at", str(clock))
        self._next_events = now if page.has_more else now + EVENTS_EVERY

    def _rechecked(self, mirror: Mirror, message: MirrorRead) -> None:
        """The newest threads: those with messages the mirror lacks are walked again (and new
        ones, stored, are walked); a page where nothing changed ends the look."""
        threads = message.threads
        known = mirror.newest_message_ids(t.id for t in threads)
        changed = [
            t.id
            for t in threads
            if t.id not in known
            or (t.last_message is not None and known[t.id] != t.last_message.id)
        ]
        mirror.put_threads(threads, self.shell.directory)
        mirror.mark_changed(changed)
        if changed and message.next_cursor is not None:
            self._recheck_cursor = message.next_cursor
            return
        self._rechecking = False
        self._recheck_cursor = None
        self._next_recheck = time.monotonic() + RECHECK_EVERY

    def _walked(self, mirror: Mirror, item: WalkItem, message: MirrorRead) -> None:
        links = self.shell.directory.account_link_ids
        thread_id = item.thread_id
        if item.reads_newest:  # new messages an event named: the walk's place is kept
            added = mirror.put_messages(thread_id, message.messages, links)
            if message.next_cursor is None or added < len(message.messages):
                mirror.mark_fresh(thread_id)  # down to what the mirror held
                self._newest_cursors.pop(thread_id, None)
            else:
                self._newest_cursors[thread_id] = message.next_cursor
            return
        mirror.put_messages(
            thread_id, message.messages, links, older=message.next_cursor, syncing=message.syncing
        )
        if message.syncing and message.next_cursor is None:
            # Read again later, and later each time it still is: a thread the service never
            # finishes importing cost two requests a minute for as long as the app ran.
            tries = self._still_importing.get(thread_id, 0)
            self._still_importing[thread_id] = tries + 1
            wait = min(SYNCING_RETRY_MAX, SYNCING_RETRY * 2**tries)
            self._retry_after[thread_id] = time.monotonic() + wait
        else:
            self._still_importing.pop(thread_id, None)
            self._retry_after.pop(thread_id, None)

    def on_mirror_failed(self, message: MirrorFailed) -> None:
        self._busy = False
        mirror = self.mirror
        if isinstance(message.error, NotFound) and message.item is not None and mirror:
            mirror.forget_thread(message.item.thread_id)  # deleted meanwhile
            return
        # Offline, rate-limited, refused: the walk waits a while (the user is told by what
        # they do; the walk's own trouble is a word on the status line).
        self._paused_until = time.monotonic() + 30.0
        self.progress = f"mirror paused: {describe_error(message.error)}"
        self.shell.refresh_resting_status()

    def _say_progress(self, mirror: Mirror, *, at_once: bool = False) -> None:
        now = time.monotonic()
        if not at_once and now - self._counted_at < RECOUNT_EVERY:
            return
        self._counted_at, self._written = now, False
        counts = mirror.counts()
        listed = int(mirror.get_state("listed_views") or 0) >= len(self._views())
        if listed and counts.complete == counts.threads:
            progress = f"mirror: {counts.messages:,} messages, all here"
        else:
            progress = (
                f"mirror: {counts.complete:,} of {counts.threads:,}"
                f"{'' if listed else '+'} conversations"
            )
        if progress != self.progress:
            self.progress = progress
            self.shell.refresh_resting_status()

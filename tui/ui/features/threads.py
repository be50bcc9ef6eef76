"""The thread list: the current view's pages (the first, then more as the user scrolls), the
view tabs, filters and sort order, and, offline, the threads this view showed last (stale,
retried with backoff). A first launch paints its first rows from the page's JSON, before the
models are loaded.

The follow-up view (6) is the app's own: pages of the default view are read oldest first and
the threads that have gone quiet kept (tui/core/follow_up.py), a page at a time, with progress
on the status line, until a screenful is found, the view is exhausted or a batch's requests
are spent; scrolling on reads on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from tui.api.errors import AuthError, InboxError, TransportError
from tui.core.api_versions import ApiFeature
from tui.core.follow_up import describe_span, gone_quiet, past_cutoff, quiet_for, quiet_since
from tui.core.query import MAX_LIMIT, InboxView, SortOrder
from tui.core.text import one_line
from tui.ui.describe import describe_error
from tui.ui.features.shared import AppShared, Feature
from tui.ui.messages import RequestFailed, ThreadsFetched, ThreadsLoaded

if TYPE_CHECKING:
    from datetime import datetime

    from tui.api.service import FetchedThreads
    from tui.core.model import Cursor, Thread
    from tui.core.query import ThreadQuery
    from tui.ui.widgets.thread_list import ThreadList

LOADING_THREADS = "loading threads"
# A follow-up reading spends at most this many requests before it waits for the user to scroll
# (each reads 100 threads of the default view).
FOLLOW_UP_BATCH = 20


class FollowUpProgress(Message):
    """A follow-up reading has read another page (its rows came just before)."""

    def __init__(self, generation: int, read: int, done: bool) -> None:
        super().__init__()
        self.generation = generation
        self.read = read  # threads of the default view on the page
        self.done = done  # the reading stops here


class ThreadsFeature(Feature):
    at_start = True

    def __init__(
        self,
        shell: AppShared,
        *,
        lead_with_due: Callable[[], None],
        store: Callable[[list[Thread]], None],
        stored_view: Callable[[ThreadQuery], tuple[datetime, list[Thread]] | None],
        clear_ranking: Callable[[], None],
    ) -> None:
        super().__init__(shell)
        self.clear_ranking = clear_ranking  # `F`: the lead-score order and minimum go too
        self.lead_with_due = lead_with_due  # the threads whose reminder is due lead a view
        self.store = store  # every page read goes to the local mirror
        self.stored_view = stored_view  # offline: the view as the local mirror holds it
        self.next_cursor: Cursor | None = None
        self.loading_more = False
        self.showing_cache = False  # the list shows cached (stale) threads: offline
        self._stale_note = ""  # where they come from, for the status line
        self.startup_cache = False  # the list shows cached threads until the first page comes
        self._first_page: list[Thread] | None = None  # of the view shown, once it has come
        self._then: Callable[[], None] | None = None  # after a first launch's first page
        self._select: str | None = None  # the thread to put the cursor on once loaded
        # A search typed that finds nothing in this view looks in every folder (v2's All).
        self._or_everywhere = False
        # The view whose rows the list shows; None while another view's first page loads, and
        # for a search's results.
        self.rows_view: InboxView | None = shell.thread_query.inbox
        # The follow-up view's reading: requests and threads read since the view was shown.
        self.follow_up_pages = 0
        self.follow_up_read = 0
        self.follow_up_reading = False  # a reading is under way

    # --- loading ----------------------------------------------------------------------------

    def load_first_rows(self, then: Callable[[], None]) -> None:
        """A first launch: the first page's rows are painted from its JSON, before the models
        (pydantic) are loaded; the page is read into them, and `then` runs, once those rows
        are on screen (or the page has failed)."""
        self._then = then
        shell = self.shell
        shell.generation += 1
        shell.thread_list.set_empty_text("Loading…")
        shell.set_status("Loading threads…")
        self._fetch_first_rows(shell.generation, shell.thread_query)

    @work(group="threads", exclusive=True)
    async def _fetch_first_rows(self, generation: int, query: ThreadQuery) -> None:
        client = self.shell.client
        try:
            fetched = await client.fetch_threads(query)
        except InboxError as error:
            self.post_message(RequestFailed(LOADING_THREADS, error, generation))
            self._first_rows_done()
            return
        # To the app, which hands it back (a FeatureRequest) to this account: a feature (and
        # a screen) mounted with the first frame handles its own messages only once that
        # frame is done (~60 ms later, measured: 534 ms to the first rows, 407 by the app),
        # and these rows are what the first frame waits for.
        fetched_rows = ThreadsFetched(generation, fetched, client.summarize_fetched(fetched))
        fetched_rows.for_account = self.screen
        self.app.post_message(fetched_rows)

    def on_threads_fetched(self, message: ThreadsFetched) -> None:
        if message.generation != self.shell.generation:
            return
        self.shell.thread_list.show_preview(message.rows)
        self.call_after_refresh(self._read_first_page, message.generation, message.fetched)

    def _read_first_page(self, generation: int, fetched: FetchedThreads) -> None:
        self._fetch_threads(generation, fetched.query, append=False, fetched=fetched)
        self._first_rows_done()

    def _first_rows_done(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            then()

    def load_threads(self, select: str | None = None, *, or_everywhere: bool = False) -> None:
        """The first page of the current view and filters; supersedes any load under way. With
        `select`, the cursor goes to that thread when the page has it; with `or_everywhere`, a
        search that finds nothing here looks in every folder (see search_everywhere)."""
        shell = self.shell
        self._select = select
        self._drop_marks()
        self._or_everywhere = or_everywhere
        shell.generation += 1
        self._first_page = None
        self.next_cursor = None
        self.loading_more = False
        # The first load after the connection keeps the cached rows on screen until its
        # answer replaces them; any later load (another view, a filter) starts from empty.
        self.startup_cache = self.startup_cache and not shell.connected
        if not self.startup_cache:
            self.rows_view = None
            shell.thread_list.set_threads([])
            shell.thread_list.set_empty_text("Loading…")
            shell.set_status("Loading threads…")
        if shell.thread_query.inbox is InboxView.FOLLOW_UP:
            self.follow_up_pages = self.follow_up_read = 0
            self.follow_up_reading = True
            self._read_follow_ups(shell.generation, shell.thread_query, append=False)
            return
        self._fetch_threads(shell.generation, shell.thread_query, append=False)

    def _drop_marks(self) -> None:
        """Marks belong to the list they were made in: another view, filter, search or a
        reload ends them, and says so (a key pressed next acts on the person on screen)."""
        thread_list = self.shell.thread_list
        count = len(thread_list.marked)
        if count:
            thread_list.clear_marks()
            self.notify(
                f"{count} mark{'s' if count != 1 else ''} cleared: marks belong to the list "
                "they were made in.",
                markup=False,
            )

    @work(group="threads", exclusive=True)
    async def _fetch_threads(
        self,
        generation: int,
        query: ThreadQuery,
        append: bool,
        fetched: FetchedThreads | None = None,
    ) -> None:
        """A page of `query`; with `fetched`, that page's answer, already here, is read."""
        client = self.shell.client
        try:
            fetched = fetched or await client.fetch_threads(query)
            page = await client.read_threads(fetched)
        except InboxError as error:
            self.post_message(RequestFailed(LOADING_THREADS, error, generation))
            return
        self.post_message(ThreadsLoaded(generation, page.threads, page.next_cursor, append))

    @work(group="threads", exclusive=True)
    async def _read_follow_ups(self, generation: int, query: ThreadQuery, append: bool) -> None:
        """Pages of the default view, oldest first, from `query`'s cursor: each page's threads
        that have gone quiet are shown as they are found."""
        shell = self.shell
        client, links = shell.client, shell.directory.account_link_ids
        cutoff = shell.clock() - shell.settings.follow_up_after
        source = replace(query, sort_order=SortOrder.ASC, limit=MAX_LIMIT)
        pages = found = 0
        while True:
            try:
                page = await client.list_threads(source)
            except InboxError as error:
                self.post_message(RequestFailed(LOADING_THREADS, error, generation))
                return
            pages += 1
            quiet = [t for t in page.threads if gone_quiet(t, links, cutoff)]
            found += len(quiet)
            ended = page.next_cursor is None or any(past_cutoff(t, cutoff) for t in page.threads)
            # Each batch stops at a screenful found, or its requests spent, or when the rate
            # limit runs low (the user's own actions come first).
            stop = ended or found >= query.limit or pages >= FOLLOW_UP_BATCH
            stop = stop or client.rate_limit.low
            next_cursor = None if ended else page.next_cursor
            self.post_message(
                ThreadsLoaded(generation, quiet, next_cursor if stop else None, append)
            )
            self.post_message(FollowUpProgress(generation, len(page.threads), stop))
            if stop:
                return
            append = True
            source = source.with_cursor(next_cursor)

    def on_follow_up_progress(self, message: FollowUpProgress) -> None:
        if message.generation != self.shell.generation:
            return
        self.follow_up_pages += 1
        self.follow_up_read += message.read
        if message.done:
            self.loading_more = self.follow_up_reading = False
        self.shell.set_status(self.shell.count_text())
        if message.done:
            self.search_everywhere()

    def load_more(self) -> None:
        if self.next_cursor is None or self.loading_more:
            return
        self.loading_more = True
        query = self.shell.thread_query.with_cursor(self.next_cursor)
        if query.inbox is InboxView.FOLLOW_UP:
            self.follow_up_reading = True
            self._read_follow_ups(self.shell.generation, query, append=True)
            return
        self._fetch_threads(self.shell.generation, query, append=True)

    def on_thread_list_near_end(self, message: ThreadList.NearEnd) -> None:
        self.load_more()

    # --- results ----------------------------------------------------------------------------

    def on_threads_loaded(self, message: ThreadsLoaded) -> None:
        shell = self.shell
        shell.reloads.answered()
        if message.generation != shell.generation:
            message.stop()
            return  # an answer to a query the user has already replaced
        shell.directory.note_campaigns(message.threads)
        self.call_after_refresh(self.store, message.threads)  # written after the frame
        self.next_cursor = message.next_cursor
        thread_list = shell.thread_list
        follow_up = shell.thread_query.inbox is InboxView.FOLLOW_UP
        if follow_up:
            self._note_silences(message.threads, keep=message.append)
        elif not message.append:
            thread_list.notes = {}
        if not message.append:
            # (The follow-up view is not kept for the next start: it is read afresh.)
            self._first_page = None if follow_up else message.threads
            # A search's results are not the view's rows (its unread are not the view's).
            self.rows_view = None if shell.thread_query.search else shell.thread_query.inbox
            if self.showing_cache:
                self.showing_cache = False
                self.notify("Back online: the list is up to date.", markup=False)
        if message.append:
            self.loading_more = False
            thread_list.append_threads(message.threads)
        elif self.startup_cache:
            # The fresh page replaces the cached one; a cursor the user has moved stays put.
            self.startup_cache = False
            thread_list.set_threads(message.threads, keep_selection=thread_list.cursor > 0)
        else:
            thread_list.set_threads(message.threads)
            self.lead_with_due()
            if follow_up:  # a due thread put first says how long it has been quiet too
                due = (thread_list.threads.find(thread_id) for thread_id in thread_list.due)
                self._note_silences([t for t in due if t is not None], keep=True)
            if self._select is not None:
                thread_list.select_id(self._select)
        if not message.append:
            self._select = None
            if not shell.thread_query.search:  # a search's results are no view to start from
                self.call_after_refresh(self.save_view_cache)  # the write waits for the frame
        shell.refresh_target()
        query = shell.thread_query
        if query.search:
            empty = self._nothing_found(query)
        elif follow_up:
            span = describe_span(shell.settings.follow_up_after)
            empty = f"No one has gone quiet for {span} or more after your last message." + (
                " Press F to clear the filters." if query.has_filters else ""
            )
        else:
            empty = "No threads in this view." + (
                " Press F to clear the filters." if query.has_filters else ""
            )
        thread_list.set_empty_text(empty)
        shell.set_status(shell.count_text())
        if not message.append and not follow_up:  # (the follow-up view: once it is read)
            self.search_everywhere()

    def _nothing_found(self, query: ThreadQuery) -> str:
        """A search's empty list: where it looked, and (v2) how to look everywhere."""
        words = one_line(query.search, 40)
        if query.inbox is InboxView.ALL:
            said = f"Nothing in any folder matches “{words}”."
        else:
            said = f"Nothing in {query.inbox.label} matches “{words}”."
            if ApiFeature.ALL_VIEW in self.shell.client.features:
                said += " 5 searches everywhere (All)."
        filters = " F clears the filters." if query.has_filters else ""
        return f"{said}{filters} escape leaves the search."

    def search_everywhere(self) -> None:
        """A search typed found nothing in the view shown: on v2 it looks in every folder
        (`folder=all`, the All view, whose tab is shown), and says so. Once per text typed:
        a view chosen during the search is kept (its empty list says how to look everywhere),
        and escape goes back to the view the search started from."""
        wanted, self._or_everywhere = self._or_everywhere, False
        shell = self.shell
        query = shell.thread_query
        if not wanted or not query.search or shell.thread_list.threads:
            return
        if query.inbox is InboxView.ALL or ApiFeature.ALL_VIEW not in shell.client.features:
            return
        self.notify(
            f"Nothing in {query.inbox.label} matches “{one_line(query.search, 40)}”: "
            "searching everywhere (All).",
            markup=False,
        )
        self.show_query(replace(query, inbox=InboxView.ALL, cursor=None))
        shell.view_tabs.activate(InboxView.ALL)  # (the view is shown already: not loaded again)

    def _note_silences(self, threads: list[Thread], keep: bool) -> None:
        """The follow-up view's rows say how long each has been quiet, in place of the time."""
        notes = self.shell.thread_list.notes if keep else {}
        now, links = self.shell.clock(), self.shell.directory.account_link_ids
        for thread in threads:
            since = quiet_since(thread, links)
            if since is not None:
                notes[thread.id] = f"silent {quiet_for(since, now)}"
        self.shell.thread_list.notes = notes

    def save_view_cache(self) -> None:
        """The view's first page, and its rows as shown, for the next start (and offline)."""
        page = self._first_page
        if page is not None:
            rows = self.shell.thread_list.summaries(len(page))
            self.shell.view_cache.save_threads(self.shell.thread_query, page, rows)

    def on_request_failed(self, message: RequestFailed) -> None:
        # (Only this feature's own requests come here: a message goes to whoever posted it.)
        if message.generation != self.shell.generation:
            return  # (an answer to a query the user has already replaced: the app drops it)
        self.loading_more = self.follow_up_reading = False
        thread_list = self.shell.thread_list
        if isinstance(message.error, TransportError) and self._show_cached_threads():
            message.quiet = True  # the status line says it: offline, on the cache
            return
        if not thread_list.threads:
            if isinstance(message.error, AuthError):  # not the connection: the key
                thread_list.set_empty_text(
                    f"Could not load threads. {describe_error(message.error)}"
                )
            else:
                thread_list.set_empty_text(
                    "Could not load threads: they load again when the connection is back "
                    "(ctrl+r retries now)."
                )
            self.shell.reloads.failed("threads", self.load_threads)

    def _show_cached_threads(self) -> bool:
        """Offline: the view as the local mirror holds it, else the last threads it showed;
        marked stale (read-only: what is typed waits as a draft); retry with backoff."""
        shell = self.shell
        query = shell.thread_query
        if not self.showing_cache or not shell.thread_list.threads:
            # (Read once: a retry that fails again keeps what is shown.)
            mirrored = self.stored_view(query)
            cached = mirrored or shell.view_cache.load_threads(query)
            if cached is None:
                return False
            saved_at, threads = cached
            self.rows_view = query.inbox
            shell.thread_list.set_threads(threads, keep_selection=True)
            when = saved_at.astimezone().strftime("%b %-d %H:%M")
            self._stale_note = (
                f"from the local mirror, as of {when} (stale)"
                if mirrored
                else f"cached {when} (stale)"
            )
        self.showing_cache = True
        wait = shell.reloads.failed("threads", self.retry_offline)
        shell.set_status(
            f"Offline: showing {self.count_text()}. Retrying in {wait:.0f} s.", error=True
        )
        return True

    def retry_offline(self) -> None:
        if self.showing_cache:
            self.shell.generation += 1
            if self.shell.thread_query.inbox is InboxView.FOLLOW_UP:
                self._read_follow_ups(self.shell.generation, self.shell.thread_query, False)
                return
            self._fetch_threads(self.shell.generation, self.shell.thread_query, append=False)

    # --- what the status line says ----------------------------------------------------------

    def count_text(self) -> str:
        thread_list = self.shell.thread_list
        count = len(thread_list.threads)
        if self.shell.thread_query.inbox is InboxView.FOLLOW_UP:
            more = " (scroll to read on)" if self.next_cursor else ""
            if self.follow_up_reading:
                more = ", reading…"
            requests = self.follow_up_pages
            return (
                f"{count} gone quiet for {describe_span(self.shell.settings.follow_up_after)} "
                f"or more, oldest first · {self.follow_up_read:,} threads read in {requests} "
                f"request{'s' if requests != 1 else ''}{more}"
            )
        more = " (more load as you scroll)" if self.next_cursor else ""
        if self.showing_cache:  # (offline: where these come from, and that they are old)
            more = f" {self._stale_note}"
        hidden = len(thread_list.hidden)
        under = f", {hidden} loaded under the minimum score" if hidden else ""
        return f"{count} thread{'s' if count != 1 else ''}{under}{more}"

    def on_thread_list_marks_changed(self, message: ThreadList.MarksChanged) -> None:
        self.shell.set_status(self.shell.count_text())

    # --- the view, the filters, the order ---------------------------------------------------

    def show_view(self, view: InboxView) -> None:
        """The view tab chosen (by key or click) is loaded."""
        query = self.shell.thread_query
        if view is not query.inbox:
            self.shell.thread_query = replace(query, inbox=view, cursor=None)
            self.load_threads()

    def action_view(self, view: str) -> None:
        if view == InboxView.ALL.value and ApiFeature.ALL_VIEW not in self.shell.client.features:
            self.notify(
                'The All view needs API v2 (set api_version = "v2").',
                severity="warning",
                markup=False,
            )
            return
        self.shell.view_tabs.activate(InboxView(view))

    def show_query(
        self, query: ThreadQuery, select: str | None = None, *, or_everywhere: bool = False
    ) -> None:
        """The list shows `query` (another filter, sort or search), loaded afresh when it
        differs from the one shown; `select` and `or_everywhere` as for load_threads."""
        if query != self.shell.thread_query:
            self.shell.thread_query = query
            self.shell.update_chips()
            self.load_threads(select=select, or_everywhere=or_everywhere)

    def action_filters(self) -> None:
        from tui.ui.screens.filters import FilterScreen

        def apply(query: ThreadQuery | None) -> None:
            if query is not None:
                self.show_query(query)

        shell = self.shell
        none_filters = ApiFeature.NONE_FILTERS in shell.client.features
        shell.push_screen(
            FilterScreen(shell.thread_query, shell.directory, none_filters=none_filters), apply
        )

    def action_clear_filters(self) -> None:
        """The filters, and the lead-score order and minimum (the view, the sort order and a
        search stay)."""
        self.clear_ranking()
        self.show_query(self.shell.thread_query.cleared())

    def action_toggle_sort(self) -> None:
        query = self.shell.thread_query
        self.show_query(replace(query, sort_order=query.sort_order.toggled(), cursor=None))

    def action_refresh(self) -> None:
        self.load_threads()

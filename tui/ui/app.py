"""InboxApp: the three panes, their keys, and the workers that talk to the API.

Data flows one way: widgets post messages, the app calls the client in workers, results come
back as messages (tui/ui/messages.py) and update the widgets.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Label, Static, Tab, Tabs

from tui.api.errors import InboxError, TransportError
from tui.core.api_versions import Feature
from tui.core.cache import ViewCache
from tui.core.config import Settings
from tui.core.directory import Directory, fetch_directory
from tui.core.drafts import DraftStore
from tui.core.preferences import Preferences
from tui.core.query import InboxView, ThreadQuery
from tui.core.secrets import redact
from tui.core.text import inert, one_line
from tui.ui.describe import describe_error
from tui.ui.features.board import BoardMixin
from tui.ui.features.conversations import ConversationsMixin
from tui.ui.features.crm import CrmMixin
from tui.ui.features.export import ExportMixin
from tui.ui.features.labels import LabelsMixin
from tui.ui.features.live import LiveMixin
from tui.ui.features.message_actions import MessageActionsMixin
from tui.ui.features.ranking import RankingMixin
from tui.ui.features.reply import ReplyMixin
from tui.ui.features.saved_views import SavedViewsMixin
from tui.ui.features.triage import TriageMixin
from tui.ui.heap import freeze_long_lived, resume_collection
from tui.ui.keymap import (
    app_actions,
    binding_ids,
    bindings,
    check_overrides,
    effective,
    normalise_keys,
)
from tui.ui.messages import (
    ActionFailed,
    DirectoryLoaded,
    LookupDone,
    MessagesLoaded,
    RequestFailed,
    ThreadsFetched,
    ThreadsLoaded,
)
from tui.ui.reloads import Reloads
from tui.ui.widgets.chips import chip_style
from tui.ui.widgets.sidebar import ProspectSidebar
from tui.ui.widgets.thread_list import ThreadList

if TYPE_CHECKING:
    from textual.driver import Driver
    from textual.notifications import Notify
    from textual.timer import Timer

    from tui.api.service import FetchedThreads
    from tui.backend import Backend
    from tui.core.model import Cursor, Thread
    from tui.ui.screens.lookup import LookupScreen
    from tui.ui.widgets.message_view import MessageView

NARROW_WIDTH = 100  # below this the sidebar collapses unless the user asked for it
STATUS_LINGER = 5.0  # seconds an action's outcome stays in the status line
ENDING_WAIT = 2.0  # seconds a hung-up app waits for a pane mount under way before it exits
FIRST_PAGE_WAIT = 1.0  # seconds a first launch waits for its first page before mounting the rest


# The styles the first frame needs (the list, the sidebar, the bars); the message pane's and
# the dialogs' are read after it (see InboxApp._complete): parsing CSS is a good part of a start.
FIRST_FRAME_STYLES = ("app", "threads", "sidebar")


def style_paths() -> list[Path]:
    """The TCSS files: inside the installed package (wheel) or at the repo's top level."""
    package = Path(__file__).resolve().parents[1]  # tui/
    for folder in (package / "styles", package.parent / "styles"):
        if folder.is_dir():
            return sorted(folder.glob("*.tcss"))
    raise FileNotFoundError("the styles/ folder is missing from this installation")


def first_frame_style_paths() -> list[Path]:
    return [path for path in style_paths() if path.stem in FIRST_FRAME_STYLES]


def overridable_elsewhere() -> frozenset[str]:
    """Binding ids of the composer and every dialog: the config's [keys] can rebind them."""
    from tui.ui.screens.board import BoardScreen
    from tui.ui.screens.filters import FilterScreen
    from tui.ui.screens.help import HelpScreen
    from tui.ui.screens.history import HistoryScreen
    from tui.ui.screens.labels import LabelFormScreen, LabelsScreen
    from tui.ui.screens.lookup import LookupScreen
    from tui.ui.screens.pickers import (
        ConfirmScreen,
        NewConversationScreen,
        NotesScreen,
        PickerScreen,
        TextPromptScreen,
        ValuationScreen,
    )
    from tui.ui.widgets.composer import ComposerInput

    return binding_ids(
        [
            ComposerInput,
            FilterScreen,
            LookupScreen,
            HelpScreen,
            PickerScreen,
            ValuationScreen,
            ConfirmScreen,
            NotesScreen,
            NewConversationScreen,
            TextPromptScreen,
            LabelsScreen,
            LabelFormScreen,
            HistoryScreen,
            BoardScreen,
        ]
    )


class MainScreen(Screen[None]):
    """The screen the app composes into: focus starts on the thread list, not on the first
    focusable widget (the tabs), which would cost the first frame two restyles."""

    AUTO_FOCUS = "#thread-list"


class InboxApp(
    ReplyMixin,
    MessageActionsMixin,
    TriageMixin,
    LabelsMixin,
    SavedViewsMixin,
    ExportMixin,
    RankingMixin,
    BoardMixin,
    CrmMixin,
    ConversationsMixin,
    LiveMixin,
    App[None],
):
    TITLE = "inbox-tui"
    CSS_PATH = first_frame_style_paths()  # type: ignore[assignment]
    BINDINGS = bindings("app")
    # Seconds the cursor rests before the sidebar follows it. Tests set 0: the sidebar
    # follows after the list's next frame, so a settled app shows it.
    sidebar_follow_delay = 0.06
    # Moves closer together than this are a key repeat (a held key repeats every ~30-40 ms).
    key_repeat_gap = 0.05

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        backend: Backend | None = None,
        clock: Callable[[], datetime] | None = None,
        startup_warnings: list[str] | None = None,
        freeze_heap: bool = False,
    ) -> None:
        super().__init__()
        # The command line runs one app per process: its start-up objects are frozen once the
        # first page is on screen (see tui/ui/heap.py). Tests run many apps in one process.
        self.freeze_heap = freeze_heap
        self.startup_warnings = list(startup_warnings or [])
        self.settings = settings or Settings()
        self.backend: Backend | None = backend
        self.clock = clock or (lambda: datetime.now(UTC))
        self.thread_query = ThreadQuery(limit=self.settings.page_size)
        self.directory = Directory()
        self.currency = "USD"
        self.next_cursor: Cursor | None = None
        self._first_page: list[Thread] | None = None  # of the view shown, once it has come
        self.loading_more = False
        self.generation = 0
        self.sidebar_preference: bool | None = None
        self._older_cursor: Cursor | None = None  # where the open thread's older page starts
        self.status_text = ""
        self._widgets_held = False  # every pane is mounted (see _complete)
        self._panes_pending = False  # a first launch mounts them after its first page
        self._panes_held = False  # those of the first frame are
        self._panes_mounting = False  # the message pane, composer and footer are being mounted
        self._ending = False  # the terminal has gone: the app is on its way out
        # The thread the sidebar shows: the one person every action acts on (see target()).
        self.shown_target: Thread | None = None
        self._sidebar_pending = False  # an after-frame follow is scheduled
        self._sidebar_stale = False  # the cursor moved and the sidebar has not caught up yet
        self._sidebar_timer: Timer | None = None
        self._last_highlight = 0.0  # when the cursor last moved (time.monotonic)
        self.drafts = DraftStore(self.settings.resolved_data_dir())
        self.view_cache = ViewCache(self.settings.resolved_data_dir(), self.settings.cache_scope)
        self.showing_cache = False  # the list shows cached (stale) threads: offline
        self.startup_cache = False  # the list shows cached threads until the first page arrives
        self.connected = False  # the backend is made and the first loads have started
        self._input_ready = False  # connected and every pane mounted: input is handled
        self._held_input: list[events.Event] = []
        self.reloads = Reloads(self.set_timer)
        self._restore_sighup: Callable[[], object] | None = None
        self._status_timer: Timer | None = None
        self.undo_stack = []
        self.preferences = Preferences(self.settings.resolved_data_dir())
        # Knowing every dialog's binding ids means importing every screen: only with overrides.
        self.key_problems = (
            check_overrides(self.settings.keys, overridable_elsewhere())
            if self.settings.keys
            else []
        )
        if self.settings.keys:
            self.set_keymap(
                {
                    binding_id: normalise_keys(keys)
                    for binding_id, keys in self.settings.keys.items()
                }
            )

    # --- layout -----------------------------------------------------------------------------

    def get_driver_class(self) -> type[Driver]:
        from tui.ui.hangup import hangup_safe

        return hangup_safe(super().get_driver_class())

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(id="_default")

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Label("inbox-tui", id="brand")
            yield Tabs(
                *(
                    Tab(f"{i} {view.label}", id=f"view-{view.value}")
                    for i, view in enumerate(InboxView, start=1)
                    # The All view is v2's folder=all: v1 has no such view.
                    if view is not InboxView.ALL or self.settings.api_version != "v1"
                ),
                id="views",
            )
            yield Label("", id="backend-badge")
        yield Static("", id="filter-chips")
        with Horizontal(id="panes"):
            yield ThreadList(id="thread-list", clock=self.clock)
            yield Vertical(id="conversation")  # the message pane and the composer: see _complete
            yield ProspectSidebar(id="sidebar")
        yield Static("", id="status-line")
        yield Static("", id="footer-slot")  # the footer's row until the footer is mounted

    def _hold_widgets(self) -> None:
        """The main screen's widgets, held so they are reachable while a modal is on top."""
        self.thread_list = self.query_one("#thread-list", ThreadList)
        self.sidebar = self.query_one("#sidebar", ProspectSidebar)
        self.status_line = self.query_one("#status-line", Static)
        self.filter_chips = self.query_one("#filter-chips", Static)
        self.view_tabs = self.query_one("#views", Tabs)
        self.backend_badge = self.query_one("#backend-badge", Label)
        self._panes_held = True

    async def on_mount(self) -> None:
        self._hold_widgets()
        self.thread_list.drafts = self.drafts.thread_ids()
        self.setup_scores()
        self.thread_list.focus()
        self._update_layout_for_width(self.size.width)
        self._update_chips()
        self._restore_theme()
        if self.backend is None and self._show_startup_rows():
            # The rows this view showed last time are painted first; the rest of the screen,
            # the models (pydantic) and the connection (httpx, the API client, the demo) come
            # after that frame. Input that arrives meanwhile waits for them (see on_event).
            self.call_after_refresh(self._complete)
        elif self.backend is None and not self._has_cached_threads():
            await self._first_launch()
        else:
            await self._complete()

    async def _complete(self) -> None:
        """What the first frame does without: the message pane, the composer and the footer
        (mounting them costs more than painting the list), the cached threads, then the
        connection."""
        await self._prepare_panes()
        await self._mount_panes()
        self._connect()

    async def _first_launch(self) -> None:
        """Nothing cached to show (a first launch): the first page is what the user waits for.
        It is asked for at once, and the message pane, the composer and the footer are mounted
        once it is on screen (or has failed, or after a second at most): mounting them first
        would hold its answer back. Input waits until everything is there."""
        await self._prepare_panes()
        self._connect(first_launch=True)
        self._panes_pending = True
        self.set_timer(FIRST_PAGE_WAIT, self.mount_pending_panes)

    def mount_pending_panes(self) -> None:
        """The rest of a first launch's screen, once its first page is on screen (idempotent)."""
        if self._panes_pending:
            self._panes_pending = False
            self.call_after_refresh(self._mount_then_release)

    async def _mount_then_release(self) -> None:
        if self._ending:
            return
        self._panes_mounting = True
        try:
            await self._mount_panes()
        finally:
            self._panes_mounting = False
        if self._ending:
            self.exit(return_code=129)  # the terminal went while they were mounted
            return
        self._release_input()

    async def _prepare_panes(self) -> None:
        """What the threads' handlers need (the sidebar's fields), and the cached threads."""
        if self.freeze_heap:
            resume_collection()  # paused by the command line until the first frame
        self._watch_terminal()
        await self.sidebar.fill()
        self._show_startup_cache()

    async def _mount_panes(self) -> None:
        """The message pane, the composer and the footer."""
        from textual.widgets import Footer

        # The text area's module: after the first frame.
        from tui.ui.widgets.composer import Composer
        from tui.ui.widgets.message_view import MessageView

        self.conversation_header = Static("", id="conversation-header", classes="-hidden")
        self.message_view = MessageView(id="message-view", clock=self.clock)
        self.composer = Composer(id="composer")
        self.composer.add_class("-hidden")
        self.message_view.set_directory(self.directory)
        self._read_later_styles()
        await self.query_one("#conversation").mount(
            self.conversation_header, self.message_view, self.composer
        )
        await self.mount(Footer())
        await self.query_one("#footer-slot").remove()
        self.screen.refresh_bindings()  # focus was set before the footer was there to hear it
        self._widgets_held = True
        self.key_problems += self.bind_saved_view_keys()
        for warning in self.startup_warnings + self.key_problems:
            self.notify(warning, title="Warning", severity="warning", timeout=15, markup=False)

    def _read_later_styles(self) -> None:
        """The styles of what the first frame does not show; they style only widgets mounted
        from now on (the message pane, the composer, the dialogs), so nothing is restyled."""
        later = [path for path in style_paths() if path.stem not in FIRST_FRAME_STYLES]
        self.stylesheet.read_all(later)
        self.css_path = [*self.css_path, *later]

    def _show_startup_rows(self) -> bool:
        """The rows this view showed last time, as they were shown: read without the models.
        False when there are none."""
        rows = self.view_cache.load_rows(self.thread_query)
        if rows is None:
            return False
        self.thread_list.show_preview(rows)
        self._set_status("Refreshing…")
        return True

    def _has_cached_threads(self) -> bool:
        return self.view_cache.has_threads(self.thread_query)

    def _show_startup_cache(self) -> None:
        """The threads this view showed last time (and the directory), until fresh ones come:
        they take the place of the rows painted first, or paint the list when there were
        none. Nothing when the view has no cache."""
        if self.backend is not None:
            return  # a backend given (tests, the bench): nothing is read from disk
        cached = self.view_cache.load_threads(self.thread_query)
        directory = self.view_cache.load_directory(self.settings.campaigns)
        if directory is not None:
            self.directory = directory
            self.thread_list.set_directory(directory)
            self._update_chips()
        if cached is None:
            return
        self.thread_list.set_threads(cached[1])
        self.startup_cache = True
        self._set_status("Refreshing…")

    def _connect(self, *, first_launch: bool = False) -> None:
        """Make the backend (unless one was given), then load the threads and the directory and
        start live updates; input held until now is handled after. A first launch paints its
        first rows before anything else (see _fetch_first_rows), and handles input once its
        screen is complete."""
        if self.backend is None:
            from tui.backend import make_backend

            self.backend = make_backend(self.settings)
        self.client = self.backend.client
        badge = self.backend_badge
        self._show_badge("demo data" if self.backend.is_demo else "")
        badge.set_class(self.backend.is_demo, "demo")
        self.directory.campaign_names = dict(self.backend.campaign_names)
        if first_launch:
            self.connected = True
            self._load_first_rows()
            return
        self.load_threads()  # first: the rows are what the user waits for
        self._load_the_rest()
        self.connected = True
        self._release_input()

    def _load_first_rows(self) -> None:
        """A first launch: the first page's rows are painted from its JSON, before the models
        (pydantic) are loaded; the page is read into them, and the directory and live updates
        start, once those rows are on screen."""
        self.generation += 1
        self.thread_list.set_empty_text("Loading…")
        self._set_status("Loading threads…")
        self._fetch_first_rows(self.generation, self.thread_query)

    @work(group="threads", exclusive=True)
    async def _fetch_first_rows(self, generation: int, query: ThreadQuery) -> None:
        try:
            fetched = await self.client.fetch_threads(query)
        except InboxError as error:
            self.post_message(RequestFailed("loading threads", error, generation))
            self._load_the_rest()
            return
        self.post_message(
            ThreadsFetched(generation, fetched, self.client.summarize_fetched(fetched))
        )

    def on_threads_fetched(self, message: ThreadsFetched) -> None:
        if message.generation != self.generation:
            return
        self.thread_list.show_preview(message.rows)
        self.call_after_refresh(self._read_first_page, message.generation, message.fetched)

    def _read_first_page(self, generation: int, fetched: FetchedThreads) -> None:
        self._fetch_threads(generation, fetched.query, append=False, fetched=fetched)
        self._load_the_rest()

    def _load_the_rest(self) -> None:
        """What the app loads after the view's first page: the team directory, live updates."""
        self.load_directory()
        self.start_live_updates()

    def _release_input(self) -> None:
        """Keys typed while the app was starting are handled now, in the order typed."""
        self._input_ready = True
        held, self._held_input = self._held_input, []
        for event in held:
            self.post_message(event)

    async def on_event(self, event: events.Event) -> None:
        if not self._input_ready and isinstance(event, events.InputEvent | events.Paste):
            self._held_input.append(event)  # handled once connected, in the order typed
            return
        if isinstance(event, events.Key | events.MouseDown):
            self.note_input()  # live updates poll more often while someone is there
        await super().on_event(event)

    def _restore_theme(self) -> None:
        """The theme chosen last time (from the palette), else the config file's, is applied;
        a later choice is remembered."""
        wanted = self.preferences.theme or self.settings.theme
        if wanted and wanted in self.available_themes:
            self.theme = wanted
        elif self.settings.theme and self.settings.theme not in self.available_themes:
            self.notify(
                f"Unknown theme {self.settings.theme!r}: choose one with ctrl+p → Change theme.",
                severity="warning",
                markup=False,
            )
        self.watch(self, "theme", self.preferences.remember_theme, init=False)

    def _watch_terminal(self) -> None:
        """Exit, drafts kept, when the terminal goes away (see tui/ui/hangup.py)."""
        if self.is_headless:
            return
        import sys

        from tui.ui.hangup import on_hangup, terminal_gone

        stdin = sys.__stdin__
        fd = stdin.fileno() if stdin is not None else 0
        self._restore_sighup = on_hangup(lambda: self.call_later(self._terminal_lost))

        def check() -> None:
            if terminal_gone(fd):
                self._terminal_lost()

        self.set_interval(1.0, check, name="terminal watch")

    def _terminal_lost(self) -> None:
        if self._widgets_held:
            self.save_live_draft()
        self._ending = True
        if self._panes_mounting:
            # Exits once they are mounted (an exit midway fails their mount), or soon anyway.
            self.set_timer(ENDING_WAIT, partial(self.exit, return_code=129))
            return
        self.exit(return_code=129)  # as a shell reports a hang-up (128 + SIGHUP)

    async def on_unmount(self) -> None:
        if self._restore_sighup is not None:
            self._restore_sighup()
        if self._widgets_held:
            self.flush_draft()
        if self.backend is not None:
            await self.backend.aclose()

    def on_resize(self, event: events.Resize) -> None:
        if self._panes_held:  # the first resize comes before mount
            self._update_layout_for_width(event.size.width)

    def _update_layout_for_width(self, width: int) -> None:
        visible = self.sidebar_preference
        if visible is None:
            visible = width >= NARROW_WIDTH
        self.sidebar.set_class(not visible, "-hidden")

    @property
    def sidebar_visible(self) -> bool:
        return not self.sidebar.has_class("-hidden")

    # --- workers ----------------------------------------------------------------------------

    @work(group="directory", exclusive=True)
    async def load_directory(self) -> None:
        client = self.client
        try:
            directory = await fetch_directory(client, self.directory.campaign_names)
            team = await client.get_team()
        except InboxError as error:
            self.post_message(RequestFailed("loading the team directory", error))
            return
        directory.campaigns_seen = self.directory.campaigns_seen
        self.post_message(DirectoryLoaded(directory, team))

    def load_threads(self) -> None:
        """The first page of the current view and filters; supersedes any load under way."""
        self.generation += 1
        self._first_page = None
        self.next_cursor = None
        self.loading_more = False
        # The first load after the connection keeps the cached rows on screen until its
        # answer replaces them; any later load (another view, a filter) starts from empty.
        self.startup_cache = self.startup_cache and not self.connected
        if not self.startup_cache:
            self.thread_list.set_threads([])
            self.thread_list.set_empty_text("Loading…")
            self._set_status("Loading threads…")
        self._fetch_threads(self.generation, self.thread_query, append=False)

    @work(group="threads", exclusive=True)
    async def _fetch_threads(
        self,
        generation: int,
        query: ThreadQuery,
        append: bool,
        fetched: FetchedThreads | None = None,
    ) -> None:
        """A page of `query`; with `fetched`, that page's answer, already here, is read."""
        try:
            fetched = fetched or await self.client.fetch_threads(query)
            page = await self.client.read_threads(fetched)
        except InboxError as error:
            self.post_message(RequestFailed("loading threads", error, generation))
            return
        self.post_message(ThreadsLoaded(generation, page.threads, page.next_cursor, append))

    def load_more(self) -> None:
        if self.next_cursor is None or self.loading_more:
            return
        self.loading_more = True
        self._fetch_threads(
            self.generation, self.thread_query.with_cursor(self.next_cursor), append=True
        )

    @work(group="messages", exclusive=True)
    async def _fetch_messages(
        self, thread: Thread, cursor: Cursor | None, recheck: bool = False
    ) -> None:
        try:
            page = await self.client.list_messages(
                thread.id, limit=self.settings.page_size, cursor=cursor
            )
        except InboxError as error:
            if recheck:
                self._recheck_sync_later(thread)
                return
            self.post_message(RequestFailed("loading messages", error, thread=thread))
            return
        self.post_message(
            MessagesLoaded(
                thread,
                page.messages,
                page.next_cursor,
                older=cursor is not None,
                syncing=page.is_syncing,
                recheck=recheck,
            )
        )

    def _recheck_sync_later(self, thread: Thread) -> None:
        """A syncing thread is read again shortly, while it is still the one on screen."""

        def recheck() -> None:
            if self.message_view.thread is not None and self.message_view.thread.id == thread.id:
                self._fetch_messages(thread, None, recheck=True)

        self.set_timer(self.settings.sync_recheck, recheck)

    @work(group="lookup", exclusive=True)
    async def _lookup(self, username: str) -> None:
        try:
            threads = await self.client.lookup_threads_by_username(username)
        except InboxError as error:
            self.post_message(RequestFailed("looking up a username", error))
            return
        self.post_message(LookupDone(username, threads))

    # --- results ----------------------------------------------------------------------------

    def on_directory_loaded(self, message: DirectoryLoaded) -> None:
        if message.team is not None:  # fresh from the API (not from the cache)
            self.reloads.answered()
            self.view_cache.save_directory(message.directory)
            self.currency = message.team.currency
            if not self.backend or not self.backend.is_demo:
                self._show_badge(one_line(message.team.name, 40))
        self._apply_directory(message.directory)
        if message.team is not None:
            self._save_view_cache()  # its rows, now with the team's names and colours

    def _apply_directory(self, directory: Directory) -> None:
        self.directory = directory
        self.thread_list.set_directory(self.directory)
        self._show_sidebar_for(self.target_or_cursor())
        if self._widgets_held:  # else they are made with it (a first launch mounts them late)
            self.message_view.set_directory(self.directory)
            self._show_conversation_header(self.message_view.thread)
        self._update_chips()

    def on_threads_loaded(self, message: ThreadsLoaded) -> None:
        self.reloads.answered()
        if message.generation != self.generation:
            return  # an answer to a query the user has already replaced
        self.directory.note_campaigns(message.threads)
        self.next_cursor = message.next_cursor
        thread_list = self.thread_list
        if not message.append:
            self._first_page = message.threads
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
        if not message.append:
            self.call_after_refresh(self._save_view_cache)  # the write waits for the frame
        if self.freeze_heap:
            self.freeze_heap = False
            self.call_after_refresh(freeze_long_lived)
        self.refresh_target()
        thread_list.set_empty_text(
            "No threads in this view."
            + (" Press F to clear the filters." if self.thread_query.has_filters else "")
        )
        self._set_status(self._count_text())
        self.mount_pending_panes()  # a first launch: its rows are painted, the rest follows

    def _save_view_cache(self) -> None:
        """The view's first page, and its rows as shown, for the next start (and offline)."""
        page = self._first_page
        if page is not None:
            rows = self.thread_list.summaries(len(page))
            self.view_cache.save_threads(self.thread_query, page, rows)

    def on_messages_loaded(self, message: MessagesLoaded) -> None:
        self.reloads.answered()
        view = self.message_view
        for item in message.messages:
            self.directory.note_campaign(item.campaign_id)
        if message.older:
            view.prepend_older(message.thread.id, message.messages, message.next_cursor is not None)
            self._older_cursor = message.next_cursor
            return
        if view.thread is None or view.thread.id != message.thread.id:
            return
        self._older_cursor = message.next_cursor
        if message.syncing:
            self._recheck_sync_later(message.thread)
        has_older = message.next_cursor is not None
        if message.recheck and view.messages:
            view.sync_checked(message.thread.id, message.messages, has_older, message.syncing)
            return
        if not message.messages:
            view.show_notice(
                "Messages are still importing from X: checking again shortly."
                if message.syncing
                else "No messages in this thread yet.",
                message.thread,
            )
            return
        view.set_messages(message.thread, message.messages, has_older, message.syncing)

    def _use_cached_directory(self) -> None:
        cached = self.view_cache.load_directory(self.directory.campaign_names)
        if cached is not None and not self.directory.loaded:
            self.post_message(DirectoryLoaded(cached, None))

    def _messages_failed(self, thread: Thread, error: InboxError) -> None:
        """The conversation did not load: it says so (not "Loading…" for ever), and loads
        again when the connection is back, if it is still the one on screen."""
        view = self.message_view
        if view.thread is None or view.thread.id != thread.id or view.messages:
            return
        view.show_notice(
            f"Messages did not load ({describe_error(error)}). They load again by themselves "
            "when the connection is back.",
            thread,
        )

        def reload() -> None:
            if view.thread is not None and view.thread.id == thread.id and not view.messages:
                view.show_notice("Loading messages…", thread)
                self._fetch_messages(thread, None)

        self.reloads.failed("messages", reload)

    def _show_cached_threads(self) -> bool:
        """Offline: the last threads this view showed, marked stale; retry with backoff."""
        cached = self.view_cache.load_threads(self.thread_query)
        if cached is None:
            return False
        saved_at, threads = cached
        if not self.showing_cache or not self.thread_list.threads:
            self.thread_list.set_threads(threads, keep_selection=True)
        self.showing_cache = True
        wait = self.reloads.failed("threads", self._retry_offline)
        when = saved_at.astimezone().strftime("%b %-d %H:%M")
        self._set_status(
            f"Offline: showing threads cached {when} (stale). Retrying in {wait:.0f} s.",
            error=True,
        )
        return True

    def _retry_offline(self) -> None:
        if self.showing_cache:
            self.generation += 1
            self._fetch_threads(self.generation, self.thread_query, append=False)

    def _open_lookup(self) -> LookupScreen | None:
        from tui.ui.screens.lookup import LookupScreen

        return self.screen if isinstance(self.screen, LookupScreen) else None

    def on_lookup_done(self, message: LookupDone) -> None:
        if lookup := self._open_lookup():
            lookup.show_results(message.username, message.threads)

    def on_request_failed(self, message: RequestFailed) -> None:
        self.mount_pending_panes()  # a first launch whose first page failed: the rest now
        if message.generation is not None and message.generation != self.generation:
            return
        text = f"Failed {message.what}: {describe_error(message.error)}"
        offline = isinstance(message.error, TransportError)
        if message.what == "loading the team directory":
            # Without it rows lose direction, tags and status: it loads again, whatever failed.
            self.reloads.failed("directory", self.load_directory)
            if offline:
                self._use_cached_directory()
                if self.showing_cache:
                    return  # the status line already says we are offline, on the cache
        if message.what == "loading messages" and message.thread is not None:
            self._messages_failed(message.thread, message.error)
        if message.what == "loading threads":
            self.loading_more = False
            if offline and self._show_cached_threads():
                return
            if not self.thread_list.threads:
                self.thread_list.set_empty_text(
                    "Could not load threads: they load again when the connection is back "
                    "(ctrl+r retries now)."
                )
                self.reloads.failed("threads", self.load_threads)
        if lookup := self._open_lookup():
            lookup.show_error(text)
        self._set_status(text, error=True)
        self.notify(text, severity="error", timeout=6, markup=False)

    def on_action_failed(self, event: ActionFailed) -> None:
        self.notify(
            f"{event.what}: {describe_error(event.error)}",
            severity="error",
            timeout=8,
            markup=False,
        )

    # --- widget events ----------------------------------------------------------------------

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
        self._sidebar_stale = True
        if self._sidebar_timer is not None:
            self._sidebar_timer.stop()
            self._sidebar_timer = None
        if self.sidebar_follow_delay and repeating:
            self._sidebar_timer = self.set_timer(self.sidebar_follow_delay, self._sidebar_rested)
        elif not self._sidebar_pending:
            self._sidebar_pending = True
            self.call_after_refresh(self._sidebar_after_frame)

    def _list_drives_target(self) -> bool:
        """The list's cursor picks the target while the list has focus (or nothing is shown):
        not while the user reads a conversation, edits in the sidebar or answers a dialog."""
        if not self.screen_stack:
            return False  # the app is closing: a late highlight changes nothing
        return self.shown_target is None or self.focused is self.thread_list

    def _sidebar_rested(self) -> None:
        self._sidebar_timer = None
        self._sidebar_follow_cursor()

    def _sidebar_after_frame(self) -> None:
        self._sidebar_pending = False  # (a timer set meanwhile is still held, and stoppable)
        if self._sidebar_stale:
            self._sidebar_follow_cursor()

    def _sidebar_follow_cursor(self) -> None:
        self._sidebar_stale = False
        # When the app is closing, the sidebar's parts may already be gone.
        with suppress(NoMatches):
            self._show_sidebar_for(self.thread_list.current)

    def target(self) -> Thread | None:
        """The thread every action acts on: the one the sidebar shows, as it is now. A cursor
        move the sidebar has not caught up with yet is shown first, so the action lands on
        the person the user sees."""
        if self._sidebar_stale:
            if self._sidebar_timer is not None:
                self._sidebar_timer.stop()
                self._sidebar_timer = None
            self._sidebar_follow_cursor()
        return self.latest(self.shown_target)

    def target_or_cursor(self) -> Thread | None:
        """The target as it is now, or the list's current thread when there is none yet."""
        return self.latest(self.shown_target) or self.thread_list.current

    def refresh_target(self) -> None:
        """The sidebar shows the target again when the list holds newer values for it (a
        fresh page, a live update): the same person, never another one."""
        shown = self.shown_target
        fresh = self.latest(shown)
        if fresh is not None and fresh != shown:
            self._show_sidebar_for(fresh)

    def latest(self, thread: Thread | None) -> Thread | None:
        """`thread` as the list holds it now (edits and live updates applied)."""
        if thread is None:
            return None
        return self.thread_list.threads.find(thread.id) or thread

    def on_thread_list_opened(self, message: ThreadList.Opened) -> None:
        self.open_thread(message.thread)

    def on_thread_list_near_end(self, message: ThreadList.NearEnd) -> None:
        self.load_more()

    def on_message_view_need_older(self, message: MessageView.NeedOlder) -> None:
        view = self.message_view
        cursor = self._older_cursor
        if view.thread is None or view.thread.id != message.thread_id or cursor is None:
            view.loading_older = False
            return
        self._fetch_messages(view.thread, cursor)

    @on(Tabs.TabActivated, "#views")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        view = InboxView((event.tab.id or "view-default").removeprefix("view-"))
        if view is not self.thread_query.inbox:
            self.thread_query = replace(self.thread_query, inbox=view, cursor=None)
            self.load_threads()

    def on_lookup_screen_requested(self, message: LookupScreen.Requested) -> None:
        self._lookup(message.username)

    def open_thread(self, thread: Thread) -> None:
        view = self.message_view
        thread = self.latest(thread) or thread
        view.show_notice("Loading messages…", thread)
        self._older_cursor = None
        self._show_sidebar_for(thread)
        self._show_conversation_header(thread)
        self.load_composer_for(thread)
        self._fetch_messages(thread, None)
        view.focus()
        # The list's cursor joins the conversation when it is loaded (lookup, board, N).
        self.thread_list.select_id(thread.id)

    def _show_sidebar_for(self, thread: Thread | None) -> None:
        self.shown_target = thread
        self.sidebar.show(thread, self.directory, self.currency)
        self.show_crm_matches(thread)

    def _show_conversation_header(self, thread: Thread | None) -> None:
        """Whose conversation the message pane shows: name, handle and our account link."""
        header = self.conversation_header
        header.set_class(thread is None, "-hidden")
        if thread is None:
            return
        line = Text()
        line.append(one_line(thread.prospect.display_name, 40) or "(no name)", "bold")
        line.append("  ")
        line.append(one_line(thread.prospect.at_handle, 30))
        link = self.directory.account_links.get(thread.account_link_id)
        line.append("  · via ")
        line.append(one_line(link.name, 30) if link else thread.account_link_id[:8])
        header.update(line)

    # --- actions ----------------------------------------------------------------------------

    def _show_badge(self, what: str) -> None:
        """Whose data this is (the team, or the demo) and which API version speaks for it."""
        client = getattr(self, "client", None)
        version = client.version if client is not None else self.settings.api_version
        self.backend_badge.update(Text(f"{what} · API {version}" if what else f"API {version}"))

    def action_view(self, view: str) -> None:
        if view == InboxView.ALL.value and Feature.ALL_VIEW not in self.client.features:
            self.notify(
                'The All view needs API v2 (set api_version = "v2").',
                severity="warning",
                markup=False,
            )
            return
        self.view_tabs.active = f"view-{view}"

    def action_filters(self) -> None:
        from tui.ui.screens.filters import FilterScreen

        def apply(query: ThreadQuery | None) -> None:
            if query is not None and query != self.thread_query:
                self.thread_query = query
                self._update_chips()
                self.load_threads()

        none_filters = Feature.NONE_FILTERS in self.client.features
        self.push_screen(
            FilterScreen(self.thread_query, self.directory, none_filters=none_filters), apply
        )

    def action_clear_filters(self) -> None:
        cleared = self.thread_query.cleared()
        if cleared != self.thread_query:
            self.thread_query = cleared
            self._update_chips()
            self.load_threads()

    def action_toggle_sort(self) -> None:
        self.thread_query = replace(
            self.thread_query, sort_order=self.thread_query.sort_order.toggled(), cursor=None
        )
        self._update_chips()
        self.load_threads()

    def action_refresh(self) -> None:
        self.load_threads()

    def action_lookup(self) -> None:
        from tui.ui.screens.lookup import LookupScreen

        def opened(thread: Thread | None) -> None:
            if thread is not None:
                self.open_thread(thread)

        self.push_screen(LookupScreen(self.directory), opened)

    def action_help(self) -> None:
        from tui.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.settings.keys))

    def action_toggle_sidebar(self) -> None:
        self.sidebar_preference = not self.sidebar_visible
        self._update_layout_for_width(self.size.width)

    def action_focus_list(self) -> None:
        self.thread_list.focus()

    # --- status and chips -------------------------------------------------------------------

    def _count_text(self) -> str:
        count = len(self.thread_list.threads)
        more = " (more load as you scroll)" if self.next_cursor else ""
        hidden = len(self.thread_list.hidden)
        under = f", {hidden} loaded under the minimum score" if hidden else ""
        return f"{count} thread{'s' if count != 1 else ''}{under}{more}"

    def notify(self, message: str, *, title: str = "", markup: bool = False, **kwargs: Any) -> None:
        """Every toast is plain text: never parsed as markup (a stranger's DM, a name or a
        server's error would be markup otherwise, and bad markup crashes the app), control
        characters shown as stand-ins, and no secret reaches the screen. `markup` is taken and
        ignored: the calls say False, the override makes sure."""
        super().notify(
            inert(redact(message)), title=one_line(redact(title)), markup=False, **kwargs
        )

    def _on_notify(self, event: Notify) -> None:
        """Over a dialog, one toast at a time: a pile of them hid the dialog's fields. (App's
        own handler, which shows the new one, runs after this one.)"""
        if len(self.screen_stack) > 1:
            self.clear_notifications()

    def _set_status(self, text: str, *, error: bool = False, transient: bool = False) -> None:
        """The status line. `transient`: what an action did ("Archived"), which gives way to
        the list's count after a few seconds unless something else was said meanwhile."""
        if self._status_timer is not None:
            self._status_timer.stop()
            self._status_timer = None
        budget = self.backend.client.rate_limit if self.backend is not None else None
        if budget is not None and budget.low:
            text = f"{text} · {budget.describe()}"
        text = one_line(redact(text))
        self.status_text = text
        line = self.status_line
        line.update(Text(text))
        line.set_class(error, "-error")
        if transient:
            self._status_timer = self.set_timer(
                STATUS_LINGER, lambda: self._set_status(self._count_text())
            )

    def _update_chips(self) -> None:
        q, d = self.thread_query, self.directory
        chips = Text()

        def group(title: str, names: Iterable[Text | str]) -> None:
            names = list(names)
            if names:
                chips.append(f"{title}: ", "bold")
                for i, name in enumerate(names):
                    if i:
                        chips.append(", ")
                    chips.append(name)
                chips.append("   ")

        def names_of(
            selected: tuple[str, ...],
            none_: bool,
            none_label: str,
            lookup: Callable[[str], Text | str],
        ) -> list[Text | str]:
            out: list[Text | str] = [lookup(i) for i in selected]
            if none_:
                out.append(none_label)
            return out

        def tag_chip(tag_id: str) -> Text:
            tag = d.tags.get(tag_id)
            return Text(
                f" {one_line(tag.name, 20) if tag else tag_id[:6]} ",
                chip_style(tag.color if tag else None),
            )

        def status_name(i: str) -> str:
            return one_line(d.statuses[i].name, 20) if i in d.statuses else i[:6]

        def member_name(i: str) -> str:
            return one_line(d.members[i].label, 20) if i in d.members else i[:6]

        def link_name(i: str) -> str:
            return one_line(d.account_links[i].name, 20) if i in d.account_links else i[:6]

        saved = self.saved_view_shown()
        if saved:
            chips.append(f" ★ {one_line(saved, 30)} ", "reverse")
            chips.append("   ")
        group("tags", names_of(q.tags.selected, q.tags.none_, "no tags", tag_chip))
        group("status", names_of(q.statuses.selected, q.statuses.none_, "no status", status_name))
        group(
            "assignee", names_of(q.assignees.selected, q.assignees.none_, "unassigned", member_name)
        )
        group(
            "campaign",
            names_of(
                q.campaigns.selected,
                q.campaigns.none_,
                "no campaign",
                lambda i: one_line(d.campaign_label(i), 24),
            ),
        )
        group("account", [link_name(i) for i in q.account_link_ids])
        if q.sort_order.value == "asc":
            group("sort", ["oldest first"])
        if self.min_score is not None:
            group("loaded", [f"score ≥ {self.min_score}"])
        if self.by_score:
            group("order", ["by lead score (loaded)"])
        widget = self.filter_chips
        if q.has_filters or q.sort_order.value == "asc":
            chips.append("(F clears)", "dim")
        widget.update(chips)
        widget.set_class(not chips.plain, "-empty")

    def on_thread_list_marks_changed(self, message: ThreadList.MarksChanged) -> None:
        self._set_status(
            f"{message.count} marked: e a t s apply to all of them"
            if message.count
            else self._count_text()
        )

    # --- crashes ----------------------------------------------------------------------------

    def _fatal_error(self) -> None:
        """A crash report without local variables (they can hold the API key), and with any
        known secret redacted. Replaces Textual's default, which shows locals."""
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        console = self.console
        with console.capture() as capture:
            console.print(Traceback(show_locals=False, width=None, suppress=[rich]))
        report = redact(capture.get())
        self._exit_renderables.append(Segments([Segment(report)]))
        self._close_messages_no_wait()

    # --- keys under dialogs -----------------------------------------------------------------

    _APP_ACTIONS = app_actions()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """App-wide keys act on the inbox, not on what a dialog shows: off under a dialog."""
        return not (action in self._APP_ACTIONS and len(self.screen_stack) > 1)

    # --- command palette --------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key in effective(self.settings.keys):
            if not key.palette:
                continue
            if key.scope == "app":
                callback = partial(self.run_action, key.action)
            elif key.scope == "list":
                callback = partial(self.run_action, key.action, self.thread_list)
            else:
                callback = partial(self.run_action, key.action, self.message_view)
            yield SystemCommand(key.description, f"key: {key.display}", callback)
        for index, view in enumerate(self.settings.views):
            yield SystemCommand(
                f"View: {view.name}",
                "Switch to this saved view" + (f" (key: {view.key})" if view.key else ""),
                partial(self.run_action, f"saved_view({index})"),
            )
        yield SystemCommand(
            "Save the current view…",
            "Name the current view and filters; written to the config file",
            partial(self.run_action, "save_view"),
        )
        for kind, word in (("tags", "tag"), ("statuses", "status")):
            yield SystemCommand(
                f"New {word}",
                f"Create a {word} (name and colour)",
                partial(self.run_action, f"manage_labels('{kind}', True)"),
            )

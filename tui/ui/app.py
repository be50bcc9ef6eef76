"""InboxApp: the panes, the start (first frame, connection, late panes), the app-wide keys,
and the wiring of the features (tui/ui/features/), which do the work.

Data flows one way: widgets post messages, features call the client in workers, results come
back as messages (tui/ui/messages.py) and update the widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Label, Static, Tab, Tabs

from tui.core.cache import ViewCache
from tui.core.config import Settings
from tui.core.directory import Directory
from tui.core.drafts import DraftStore
from tui.core.preferences import Preferences
from tui.core.query import InboxView, ThreadQuery
from tui.core.secrets import redact
from tui.core.text import inert, one_line
from tui.ui.describe import describe_error
from tui.ui.features.board import BoardFeature
from tui.ui.features.conversations import ConversationsFeature
from tui.ui.features.crm import CrmFeature
from tui.ui.features.export import ExportFeature
from tui.ui.features.labels import LabelsFeature
from tui.ui.features.live import LiveFeature
from tui.ui.features.lookup import LookupFeature
from tui.ui.features.message_actions import MessageActionsFeature
from tui.ui.features.ranking import RankingFeature
from tui.ui.features.reading import ReadingFeature
from tui.ui.features.reply import ReplyFeature
from tui.ui.features.saved_views import SavedViewsFeature
from tui.ui.features.shared import Feature
from tui.ui.features.targeting import TargetFeature
from tui.ui.features.team import TeamFeature
from tui.ui.features.threads import ThreadsFeature
from tui.ui.features.triage import TriageFeature
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
    FeatureRequest,
    RequestFailed,
    ThreadsLoaded,
)
from tui.ui.reloads import Reloads
from tui.ui.widgets.filter_chips import FilterChips
from tui.ui.widgets.sidebar import ProspectSidebar
from tui.ui.widgets.status_line import StatusLine
from tui.ui.widgets.thread_list import ThreadList

if TYPE_CHECKING:
    from textual.driver import Driver
    from textual.notifications import Notify

    from tui.backend import Backend
    from tui.core.model import Thread

NARROW_WIDTH = 100  # below this the sidebar collapses unless the user asked for it
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


class InboxApp(App[None]):
    TITLE = "inbox-tui"
    CSS_PATH = first_frame_style_paths()  # type: ignore[assignment]
    BINDINGS = bindings("app")

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
        self.generation = 0
        self.sidebar_preference: bool | None = None
        self.panes_mounted = False  # every pane is mounted (see _complete)
        self._panes_pending = False  # a first launch mounts them after its first page
        self._panes_held = False  # those of the first frame are
        self._panes_mounting = False  # the message pane, composer and footer are being mounted
        self._ending = False  # the terminal has gone: the app is on its way out
        # The thread the sidebar shows: the one person every action acts on (see target()).
        self.shown_target: Thread | None = None
        self.drafts = DraftStore(self.settings.resolved_data_dir())
        self.view_cache = ViewCache(self.settings.resolved_data_dir(), self.settings.cache_scope)
        self.connected = False  # the backend is made and the first loads have started
        self._input_ready = False  # connected and every pane mounted: input is handled
        self._held_input: list[events.Event] = []
        self.reloads = Reloads(self.set_timer)
        self._restore_sighup: Callable[[], object] | None = None
        self.preferences = Preferences(self.settings.resolved_data_dir())
        self._wire_features()
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

    def _wire_features(self) -> None:
        """Each feature, handed the app's shared state (the app itself, as an AppShared) and
        the features it uses. A feature's keys are bound as "<attribute>.<action>": Textual
        resolves the namespace to the app's attribute of that name."""
        self.targeting = TargetFeature(self)
        self.ranking = RankingFeature(self)
        self.labels = LabelsFeature(self)
        self.live = LiveFeature(self)
        self.reply = ReplyFeature(self)
        self.triage = TriageFeature(self, labels=self.labels)
        self.message_actions = MessageActionsFeature(self)
        self.saved_views = SavedViewsFeature(self)
        self.export = ExportFeature(self)
        self.board = BoardFeature(self, ranking=self.ranking)
        self.crm = CrmFeature(self, triage=self.triage)
        self.conversations = ConversationsFeature(self, live=self.live, reply=self.reply)
        self.reading = ReadingFeature(self, reply=self.reply)
        self.lookup = LookupFeature(self)
        self.threads = ThreadsFeature(self)
        self.team = TeamFeature(self, threads=self.threads)
        named = {name: value for name, value in vars(self).items() if isinstance(value, Feature)}
        self.all_features = tuple(named.values())
        self._action_targets |= set(named)

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
        yield FilterChips("", id="filter-chips")
        with Horizontal(id="panes"):
            yield ThreadList(id="thread-list", clock=self.clock)
            yield Vertical(id="conversation")  # the message pane and the composer: see _complete
            yield ProspectSidebar(id="sidebar")
        yield StatusLine(self.count_text, id="status-line")
        yield Static("", id="footer-slot")  # the footer's row until the footer is mounted
        # Features are mounted unseen (their workers and results need a place in the DOM):
        # those the first frame's start uses now, the others with the late panes.
        yield from (feature for feature in self.all_features if feature.at_start)

    def _hold_widgets(self) -> None:
        """The main screen's widgets, held so they are reachable while a modal is on top."""
        self.thread_list = self.query_one("#thread-list", ThreadList)
        self.sidebar = self.query_one("#sidebar", ProspectSidebar)
        self.status_line = self.query_one("#status-line", StatusLine)
        self.filter_chips = self.query_one("#filter-chips", FilterChips)
        self.view_tabs = self.query_one("#views", Tabs)
        self.backend_badge = self.query_one("#backend-badge", Label)
        self._panes_held = True

    async def on_mount(self) -> None:
        self._hold_widgets()
        self.thread_list.drafts = self.drafts.thread_ids()
        self.ranking.setup_scores()
        self.thread_list.focus()
        self._update_layout_for_width(self.size.width)
        self.update_chips()
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
        await self.mount_all(feature for feature in self.all_features if not feature.at_start)
        await self.query_one("#footer-slot").remove()
        self.screen.refresh_bindings()  # focus was set before the footer was there to hear it
        self.panes_mounted = True
        self.key_problems += self.saved_views.bind_saved_view_keys()
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
        self.set_status("Refreshing…")
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
            self.update_chips()
        if cached is None:
            return
        self.thread_list.set_threads(cached[1])
        self.threads.startup_cache = True
        self.set_status("Refreshing…")

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
            self.threads.load_first_rows(then=self._load_the_rest)
            return
        self.load_threads()  # first: the rows are what the user waits for
        self._load_the_rest()
        self.connected = True
        self._release_input()

    def _load_the_rest(self) -> None:
        """What the app loads after the view's first page: the team directory, live updates."""
        self.team.load_directory()
        self.live.start_live_updates()

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
            self.live.note_input()  # live updates poll more often while someone is there
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
        if self.panes_mounted:
            self.reply.save_live_draft()
        self._ending = True
        if self._panes_mounting:
            # Exits once they are mounted (an exit midway fails their mount), or soon anyway.
            self.set_timer(ENDING_WAIT, partial(self.exit, return_code=129))
            return
        self.exit(return_code=129)  # as a shell reports a hang-up (128 + SIGHUP)

    @on(FeatureRequest)
    def _to_feature(self, request: FeatureRequest) -> None:
        """A pane or a dialog asks for what a feature does: the feature with a handler of
        the request's name takes it."""
        for feature in self.all_features:
            handler = getattr(feature, request.handler_name, None)
            if handler is not None:
                handler(request)

    async def action_quit(self) -> None:
        self.reply.save_live_draft()  # what was typed in the last 0.3 s too
        await super().action_quit()

    async def on_unmount(self) -> None:
        if self._restore_sighup is not None:
            self._restore_sighup()
        if self.panes_mounted:
            self.reply.flush_draft()
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

    def load_threads(self) -> None:
        self.threads.load_threads()

    def on_threads_loaded(self, message: ThreadsLoaded) -> None:
        """(After the thread list has shown them.)"""
        if self.freeze_heap:
            self.freeze_heap = False
            self.call_after_refresh(freeze_long_lived)
        self.mount_pending_panes()  # a first launch: its rows are painted, the rest follows

    def on_directory_loaded(self, message: DirectoryLoaded) -> None:
        """(After the team feature has applied it.)"""
        if message.team is not None and self.backend is not None and not self.backend.is_demo:
            self._show_badge(one_line(message.team.name, 40))

    def on_request_failed(self, message: RequestFailed) -> None:
        """Any request that failed is said, in the user's words (after the feature that made
        it has done what it does about it)."""
        self.mount_pending_panes()  # a first launch whose first page failed: the rest now
        if message.generation is not None and message.generation != self.generation:
            return
        if message.quiet:
            return
        text = message.describe()
        self.set_status(text, error=True)
        self.notify(text, severity="error", timeout=6, markup=False)

    def on_action_failed(self, event: ActionFailed) -> None:
        self.notify(
            f"{event.what}: {describe_error(event.error)}",
            severity="error",
            timeout=8,
            markup=False,
        )

    # --- the target (see TargetFeature) ------------------------------------------------------

    def target(self) -> Thread | None:
        return self.targeting.target()

    def target_or_cursor(self) -> Thread | None:
        return self.targeting.target_or_cursor()

    def refresh_target(self) -> None:
        self.targeting.refresh_target()

    def latest(self, thread: Thread | None) -> Thread | None:
        return self.targeting.latest(thread)

    @on(Tabs.TabActivated, "#views")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        self.threads.show_view(InboxView((event.tab.id or "view-default").removeprefix("view-")))

    def open_thread(self, thread: Thread) -> None:
        self.reading.open_thread(thread)

    def show_sidebar_for(self, thread: Thread | None) -> None:
        self.shown_target = thread
        self.sidebar.show(thread, self.directory, self.currency)
        self.crm.show_crm_matches(thread)

    def show_conversation_header(self, thread: Thread | None) -> None:
        self.reading.show_conversation_header(thread)

    # --- actions ----------------------------------------------------------------------------

    def _show_badge(self, what: str) -> None:
        """Whose data this is (the team, or the demo) and which API version speaks for it."""
        client = getattr(self, "client", None)
        version = client.version if client is not None else self.settings.api_version
        self.backend_badge.update(Text(f"{what} · API {version}" if what else f"API {version}"))

    def action_help(self) -> None:
        from tui.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.settings.keys))

    def action_toggle_sidebar(self) -> None:
        self.sidebar_preference = not self.sidebar_visible
        self._update_layout_for_width(self.size.width)

    def action_focus_list(self) -> None:
        self.thread_list.focus()

    # --- status and chips -------------------------------------------------------------------

    def count_text(self) -> str:
        return self.threads.count_text()

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

    def set_status(self, text: str, *, error: bool = False, transient: bool = False) -> None:
        """The status line, with what is left of the API's rate limit when it runs low."""
        budget = self.backend.client.rate_limit if self.backend is not None else None
        if budget is not None and budget.low:
            text = f"{text} · {budget.describe()}"
        self.status_line.say(text, error=error, transient=transient)

    @property
    def status_text(self) -> str:
        return self.status_line.text

    def update_chips(self) -> None:
        self.filter_chips.show(
            self.thread_query,
            self.directory,
            saved_view=self.saved_views.saved_view_shown(),
            min_score=self.ranking.min_score,
            by_score=self.ranking.by_score,
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
                partial(self.run_action, f"saved_views.saved_view({index})"),
            )
        yield SystemCommand(
            "Save the current view…",
            "Name the current view and filters; written to the config file",
            partial(self.run_action, "saved_views.save_view"),
        )
        for kind, word in (("tags", "tag"), ("statuses", "status")):
            yield SystemCommand(
                f"New {word}",
                f"Create a {word} (name and colour)",
                partial(self.run_action, f"labels.manage_labels('{kind}', True)"),
            )

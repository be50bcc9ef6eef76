"""InboxApp: the panes, the app-wide keys and the screen stack, and the wiring of the
features (tui/ui/features/), which do the work. Its start is tui/ui/startup.py's.

Data flows one way: widgets post messages, features call the client in workers, results come
back as messages (tui/ui/messages.py) and update the widgets.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Label, Static, Tabs

from tui.core.cache import ViewCache
from tui.core.config import RunAccounts, Settings
from tui.core.directory import Directory
from tui.core.disk_faults import fault_sentence
from tui.core.drafts import DraftStore
from tui.core.preferences import Preferences
from tui.core.query import ThreadQuery
from tui.core.secrets import redact
from tui.core.text import inert, one_line, pasted
from tui.core.writing import DRAFT, EDIT, REMINDER, WritingStore
from tui.ui.crash import crash_report
from tui.ui.describe import describe_error
from tui.ui.desktop_notice import DesktopNotice
from tui.ui.features.accounts import AccountsFeature, Watched
from tui.ui.features.attachments import AttachmentsFeature
from tui.ui.features.board import BoardFeature
from tui.ui.features.conversations import ConversationsFeature
from tui.ui.features.crm import CrmFeature
from tui.ui.features.export import ExportFeature
from tui.ui.features.labels import LabelsFeature
from tui.ui.features.live import LiveFeature
from tui.ui.features.lookup import LookupFeature
from tui.ui.features.message_actions import MessageActionsFeature
from tui.ui.features.mirror import MirrorFeature
from tui.ui.features.offline import OfflineFeature
from tui.ui.features.ranking import RankingFeature
from tui.ui.features.reading import ReadingFeature
from tui.ui.features.reminders import RemindersFeature
from tui.ui.features.reply import ReplyFeature
from tui.ui.features.saved_views import SavedViewsFeature
from tui.ui.features.saving import SavingFeature
from tui.ui.features.search import SearchFeature
from tui.ui.features.shared import Feature
from tui.ui.features.snippets import SnippetsFeature
from tui.ui.features.targeting import TargetFeature
from tui.ui.features.team import TeamFeature
from tui.ui.features.threads import ThreadsFeature
from tui.ui.features.triage import TriageFeature
from tui.ui.features.typing import TypingFeature
from tui.ui.features.unread import UnreadFeature
from tui.ui.heap import freeze_long_lived
from tui.ui.key_overrides import key_overrides
from tui.ui.keymap import app_actions, bindings, keys_in
from tui.ui.messages import (
    ActionFailed,
    DirectoryLoaded,
    FeatureRequest,
    RequestFailed,
    ThreadsLoaded,
)
from tui.ui.palette import inbox_commands
from tui.ui.reloads import Reloads
from tui.ui.screens.main import MainScreen
from tui.ui.startup import Startup
from tui.ui.stylesheets import first_frame_style_paths
from tui.ui.terminal import window_cell_pixels
from tui.ui.widgets.filter_chips import FilterChips
from tui.ui.widgets.sidebar import ProspectSidebar
from tui.ui.widgets.status_line import StatusLine
from tui.ui.widgets.thread_list import ThreadList
from tui.ui.widgets.view_tabs import ViewTabs
from tui.ui.window_title import WindowTitle

if TYPE_CHECKING:
    from textual.driver import Driver
    from textual.notifications import Notify

    from tui.api.service import InboxApi
    from tui.backend import Backend
    from tui.core.model import Thread
    from tui.ui.kitty_pictures import KittyPictures
    from tui.ui.widgets.composer import Composer
    from tui.ui.widgets.message_view import MessageView

NARROW_WIDTH = 100  # below this the sidebar collapses unless the user asked for it


class ViewLeft(NamedTuple):
    """What an account showed when the user switched to another: shown again on return."""

    query: ThreadQuery  # the view, filters and order
    cursor_id: str | None
    open_id: str | None  # the conversation open


def _connect(settings: Settings) -> Backend:
    """A connection for another account (its watch): the API client, or a demo team's."""
    from tui.backend import make_backend

    return make_backend(settings)


QUIT_AGAIN_WITHIN = 3.0  # seconds: a second ctrl+q under a dialog quits
ALERTS_WIDTH = 125  # narrower, the header keeps its view tabs and leaves alerts to the sidebar


class InboxApp(App[None]):
    TITLE = "inbox-tui"
    CSS_PATH = first_frame_style_paths()  # type: ignore[assignment]
    BINDINGS = [
        *bindings("app"),
        # Textual's ctrl+q, with an action of its own: it quits even while typing, and under
        # a dialog it says first that the dialog's contents would go (see quit_anywhere).
        Binding("ctrl+q", "quit_anywhere", "Quit", show=False, priority=True, id="app.quit"),
    ]

    # Made by the start (tui/ui/startup.py): the connection, and the panes the first frame
    # does without.
    client: InboxApi
    conversation_header: Static
    message_view: MessageView
    composer: Composer

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        backend: Backend | None = None,
        clock: Callable[[], datetime] | None = None,
        startup_warnings: list[str] | None = None,
        freeze_heap: bool = False,
        picture_protocol: str | None = None,
        picture_cell: tuple[int, int] | None = None,
        typed_ahead: str = "",
        left: ViewLeft | None = None,
        watched: dict[str, Watched] | None = None,
        account_settings: Callable[[str], Settings] | None = None,
    ) -> None:
        super().__init__()
        # How pictures are drawn in the message pane (see tui/ui/pictures.py); None: not. And
        # a cell's size in pixels, where known (Kitty graphics are sized by it).
        self.picture_protocol = picture_protocol
        self.picture_cell = picture_cell
        # The command line runs one app per process: its start-up objects are frozen once the
        # first page is on screen (see tui/ui/heap.py). Tests run many apps in one process.
        self.freeze_heap = freeze_heap
        self.startup_warnings = list(startup_warnings or [])
        self.settings = settings or Settings()
        # Another account's settings, by name (the command line hands the run's, which keep
        # those of the account it opened).
        self.account_settings = account_settings or RunAccounts(self.settings)
        self.backend: Backend | None = backend
        self.clock = clock or (lambda: datetime.now(UTC))
        self.thread_query = ThreadQuery(limit=self.settings.page_size)
        # Switching accounts (#38): the account asked for (the command line opens it next), and
        # what this one showed, to be shown again when it is switched back to.
        self.switch_to: str | None = None
        self.switch_settings: Settings | None = None  # the account asked for, its settings
        self.left_behind: ViewLeft | None = None
        self._left = left
        self._carried_watch = watched  # the other accounts' watch, from the app before a switch
        if left is not None:
            self.thread_query = left.query
        self.directory = Directory()
        self.currency = "USD"
        self.generation = 0
        self.sidebar_preference: bool | None = None
        self.panes_mounted = False  # every pane is mounted (see Startup.mount_panes)
        self._panes_held = False  # those of the first frame are
        # The thread the sidebar shows: the one person every action acts on (see target()).
        self.shown_target: Thread | None = None
        # What the user wrote that the service does not have: drafts, reminders, waiting edits.
        self.writing = WritingStore(self.settings.resolved_data_dir(), self.settings.cache_scope)
        self.drafts = DraftStore(self.writing)
        self.view_cache = ViewCache(self.settings.resolved_data_dir(), self.settings.cache_scope)
        self.connected = False  # the backend is made and the first loads have started
        self.reloads = Reloads(self.set_timer)
        self.preferences = Preferences(self.settings.resolved_data_dir())
        # Keys typed while the command line asked the terminal a question: handled first.
        self.startup = Startup(self, typed_ahead)
        self.window_title = WindowTitle(self)
        self.desktop_notice = DesktopNotice(self, self.settings.notifications, os.environ)
        self._wire_features()
        keymap, self.key_problems = key_overrides(self.settings.keys)
        if keymap:
            self.set_keymap(keymap)

    def _wire_features(self) -> None:
        """Each feature, handed the app's shared state (the app itself, as an AppShared) and
        the features it uses. A feature's keys are bound as "<attribute>.<action>": Textual
        resolves the namespace to the app's attribute of that name."""
        self.targeting = TargetFeature(self)
        self.ranking = RankingFeature(self)
        self.labels = LabelsFeature(
            self,
            stored_carriers=lambda: self.mirror.label_carriers(),
            relabel_stored=lambda kind, old, new: self.mirror.relabel(kind, old, new),
        )
        self.typing = TypingFeature(self)
        self.offline = OfflineFeature(
            self,
            apply_edits=lambda edits, label: self.triage.apply_edits(edits, label),
            mark_draft=lambda thread_id: self.reply.mark_draft(thread_id),
            draft_sent=lambda thread_id, text, message: self.reply.draft_sent(
                thread_id, text, message
            ),
            let_go=lambda thread_id, text: self.reply.let_go(thread_id, text),
        )
        self.reply = ReplyFeature(self, typing=self.typing, offline=self.offline)
        self.triage = TriageFeature(
            self, labels=self.labels, undo_send=self.reply.undo_send, offline=self.offline
        )
        self.message_actions = MessageActionsFeature(self)
        self.attachments = AttachmentsFeature(self, open_profile=self.triage.action_open_profile)
        self.saved_views = SavedViewsFeature(self)
        self.reminders = RemindersFeature(
            self,
            triage=self.triage,
            notice=self.desktop_notice,
            window_title=self.window_title,
        )
        self.mirror = MirrorFeature(self)
        self.threads = ThreadsFeature(
            self,
            lead_with_due=self.reminders.lead_with_due,
            store=self.mirror.store_threads,
            stored_view=self.mirror.stored_view,
            clear_ranking=self.ranking.clear_ranking,
        )
        self.unread = UnreadFeature(
            self, triage=self.triage, threads=self.threads, window_title=self.window_title
        )
        self.live = LiveFeature(self, notice=self.desktop_notice, reminders=self.reminders)
        self.export = ExportFeature(self)
        self.board = BoardFeature(self, ranking=self.ranking)
        self.crm = CrmFeature(self, triage=self.triage)
        self.conversations = ConversationsFeature(self, live=self.live, reply=self.reply)
        self.reading = ReadingFeature(
            self,
            reply=self.reply,
            unread=self.unread,
            reminders=self.reminders,
            store=self.mirror.store_messages,
            stored=self.mirror.stored_messages,
        )
        self.lookup = LookupFeature(self)
        self.search = SearchFeature(self, lookup=self.lookup, threads=self.threads)
        self.snippets = SnippetsFeature(self)
        self.team = TeamFeature(self, threads=self.threads)
        self.saving = SavingFeature(self, store=self.writing, changed=self._written_elsewhere)
        self.accounts = AccountsFeature(
            self,
            notice=self.desktop_notice,
            window_title=self.window_title,
            settings_of=self.account_settings,
            connect=_connect,
            switch=self.switch_account,
            carried=self._carried_watch,
        )
        named = {name: value for name, value in vars(self).items() if isinstance(value, Feature)}
        self.all_features = tuple(named.values())
        self._action_targets |= set(named)

    # --- layout -----------------------------------------------------------------------------

    def get_driver_class(self) -> type[Driver]:
        from tui.ui.hangup import hangup_safe
        from tui.ui.paste import paste_safe

        return paste_safe(hangup_safe(super().get_driver_class()))

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(id="_default")

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Label("inbox-tui", id="brand")
            yield ViewTabs(self.settings.api_version, active=self.thread_query.inbox, id="views")
            yield Label("", id="link-alerts")  # account links that cannot send
            yield Label("", id="backend-badge")
        yield FilterChips("", id="filter-chips")
        with Horizontal(id="panes"):
            yield ThreadList(id="thread-list", clock=self.clock)
            yield Vertical(id="conversation")  # the message pane and the composer: see Startup
            yield ProspectSidebar(id="sidebar")
        yield StatusLine(self.count_text, lead=self._marks_said, id="status-line")
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
        self.view_tabs = self.query_one("#views", ViewTabs)
        self.backend_badge = self.query_one("#backend-badge", Label)
        self.link_alerts = self.query_one("#link-alerts", Label)
        self._panes_held = True

    async def on_mount(self) -> None:
        if self.settings.account:  # opened next time unless another is asked for
            self.preferences.remember_account(self.settings.account)
        self._hold_widgets()
        self.thread_list.drafts = self.drafts.thread_ids()
        self.reminders.show_kept_out()
        self.ranking.setup_scores()
        self.thread_list.focus()
        self._update_layout_for_width(self.size.width)
        self.update_chips()
        await self.startup.begin()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste):
            # Text, as the field it lands in shows it: no control character reaches the screen.
            event.text = pasted(event.text)
        if self.startup.holds(event):
            return  # handled once connected, in the order typed
        if isinstance(event, events.Key | events.MouseDown):
            self.live.note_input()  # live updates poll more often while someone is there
            self.mirror.note_input()  # and the mirror's walk waits
        await super().on_event(event)

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
        if self.writing.unsaved and not self.writing.retry():
            self._ask_before_losing_unsaved()
            return
        await super().action_quit()

    def _ask_before_losing_unsaved(self) -> None:
        """The disk refused what was typed (full, read-only): quitting now would lose it."""
        from tui.ui.screens.pickers import ConfirmScreen

        count, fault = self.writing.unsaved, self.writing.fault
        why = "the disk refused them" if fault is None else fault_sentence(fault, "they are")
        body = (
            f"{count} draft{'s' if count != 1 else ''} or reminder{'s' if count != 1 else ''}"
            f" could not be written to the data folder: {why}. Quitting now loses "
            f"{'it' if count == 1 else 'them'}; they are saved as soon as the disk has room."
        )

        def answered(answer: str | None) -> None:
            if answer == "quit":
                self.exit()

        choices = [("quit", "Quit and lose them", "error"), ("stay", "Stay", "primary")]
        self.push_screen(ConfirmScreen("Not saved", body, choices), answered)

    _quit_asked_at = 0.0  # when ctrl+q under a dialog last said what quitting would drop

    async def action_quit_anywhere(self) -> None:
        """ctrl+q: quits, from anywhere. Under a dialog (whose contents quitting drops), the
        first press says so and a second within a few seconds quits."""
        if len(self.screen_stack) > 1:
            now = time.monotonic()
            if now - self._quit_asked_at > QUIT_AGAIN_WITHIN:
                self._quit_asked_at = now
                self.notify(
                    "A dialog is open: escape closes it. Press ctrl+q again to quit anyway "
                    "(what the dialog holds is not kept; drafts are).",
                    severity="warning",
                    markup=False,
                )
                return
        await self.action_quit()

    def action_help_quit(self) -> None:
        """ctrl+c does not quit (in a text field it copies): say which keys do, in plain
        words. (Textual's own says it in markup, which this app's toasts never render.) A
        priority key (ctrl+q) quits even while typing; the others (q) only outside a text
        field."""
        quits = [
            (key, active.binding.priority)
            for key, active in self.active_bindings.items()
            if active.binding.action in ("quit", "app.quit", "quit_anywhere")
        ]
        keys = [key for key, priority in quits if not priority]
        anywhere = [key for key, priority in quits if priority]
        if not keys and not anywhere:
            return
        if keys and anywhere:
            message = f"Press {' or '.join(keys)} to quit ({' or '.join(anywhere)} while typing)."
        else:
            message = f"Press {' or '.join(keys or anywhere)} to quit."
        self.notify(message, title="Do you want to quit?", markup=False)

    async def on_unmount(self) -> None:
        self.startup.end()
        self.window_title.restore()
        if self.panes_mounted:
            self.reply.flush_draft()
        if self.backend is not None:
            await self.backend.aclose()
        self.view_cache.close()
        self.writing.close()

    def on_exit_app(self) -> None:
        """The pictures leave the terminal while the app's screen is still there: kitty keeps
        one store of pictures a screen, and the main screen's would not find them."""
        if self.panes_mounted and self.message_view.kitty is not None:
            self.message_view.kitty.forget_all()

    def on_resize(self, event: events.Resize) -> None:
        if self._panes_held:  # the first resize comes before mount
            self._update_layout_for_width(event.size.width)
        if self.panes_mounted and self.message_view.kitty is not None:
            self._measure_cells(self.message_view.kitty)

    def _measure_cells(self, kitty: KittyPictures) -> None:
        """The font may have changed with the size: pictures are boxed by the cell's pixels."""
        stdout = sys.__stdout__
        if stdout is None or self.is_headless or not stdout.isatty():
            return
        cell = window_cell_pixels(stdout.fileno())
        if cell is not None and kitty.use_cell(cell):
            self.message_view.restyled()

    def _update_layout_for_width(self, width: int) -> None:
        visible = self.sidebar_preference
        if visible is None:
            visible = width >= NARROW_WIDTH
        self.sidebar.set_class(not visible, "-hidden")
        self.link_alerts.set_class(width < ALERTS_WIDTH, "-compact")

    @property
    def sidebar_visible(self) -> bool:
        return not self.sidebar.has_class("-hidden")

    # --- workers ----------------------------------------------------------------------------

    def load_threads(self) -> None:
        left, self._left = self._left, None
        if left is not None:  # the account switched back to: its cursor and conversation again
            self._reopen = left.open_id
        self.threads.load_threads(select=left.cursor_id if left is not None else None)

    _reopen: str | None = None

    def switch_account(self, name: str) -> None:
        """Leave this account for `name`: what is typed is saved, what is shown is kept (the
        command line opens the other, and this one as it was when it comes back)."""
        from tui.core.config import ConfigError

        try:
            settings = self.account_settings(name)  # what is wrong with it is said here
        except ConfigError as error:
            self.notify(f"Cannot open {name}: {error}", severity="error", timeout=10, markup=False)
            return
        self.reply.save_live_draft()
        if under_way := self.reply.sends_under_way():
            # Leaving now would leave them for the next visit (offered, not sent): the user
            # pressed send and expects them to go.
            self.notify(
                f"Not switching yet: {under_way} message(s) still leaving (u brings one back "
                "while it waits). Switch once they have gone.",
                severity="warning",
                timeout=8,
                markup=False,
            )
            return
        if self.writing.unsaved and not self.writing.retry():
            self.notify(
                f"Not switching: {self.writing.unsaved} draft(s) or reminder(s) are not saved "
                "yet (the disk refused them) and would be lost; they are saved when it has room.",
                severity="warning",
                timeout=10,
                markup=False,
            )
            return
        current = self.thread_list.current if self._panes_held else None
        shown = self.message_view.thread if self.panes_mounted else None
        self.left_behind = ViewLeft(
            self.thread_query,
            current.id if current is not None else None,
            shown.id if shown is not None else None,
        )
        self.switch_to, self.switch_settings = name, settings
        self.exit()

    def on_threads_loaded(self, message: ThreadsLoaded) -> None:
        """(After the thread list has shown them.)"""
        if self.freeze_heap:
            self.freeze_heap = False
            self.call_after_refresh(freeze_long_lived)
        self.startup.mount_pending_panes()  # a first launch: its rows are painted, the rest follows
        reopen, self._reopen = self._reopen, None
        thread = self.thread_list.threads.find(reopen) if reopen else None
        if thread is not None:
            self.open_thread(thread)

    def on_directory_loaded(self, message: DirectoryLoaded) -> None:
        """(After the team feature has applied it.)"""
        if message.team is not None and self.backend is not None and not self.backend.is_demo:
            self.show_badge(one_line(message.team.name, 40))

    def on_request_failed(self, message: RequestFailed) -> None:
        """Any request that failed is said, in the user's words (after the feature that made
        it has done what it does about it)."""
        self.startup.mount_pending_panes()  # a first launch whose first page failed: the rest now
        if message.generation is not None and message.generation != self.generation:
            return
        if message.quiet:
            return
        text = message.describe()
        self.set_status(text, error=True)
        self.notify(text, severity="error", timeout=6, markup=False)

    def on_action_failed(self, event: ActionFailed) -> None:
        text = f"{event.what}: {describe_error(event.error)}"
        self.notify(text, severity="error", timeout=8, markup=False)

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
        self.threads.show_view(ViewTabs.view_of(event.tab))

    def open_thread(self, thread: Thread, at_message: str | None = None) -> None:
        self.reading.open_thread(thread, at_message)

    def show_sidebar_for(self, thread: Thread | None) -> None:
        self.shown_target = thread
        waiting = self.offline.edits.waiting_for(thread) if thread is not None else {}
        self.sidebar.show(thread, self.directory, self.currency, waiting)
        self.reply.follow_sidebar(thread)
        self.crm.show_crm_matches(thread)

    def show_conversation_header(self, thread: Thread | None) -> None:
        self.reading.show_conversation_header(thread)

    # --- actions ----------------------------------------------------------------------------

    def show_badge(self, what: str) -> None:
        """Whose data this is (the team, or the demo) and which API version speaks for it."""
        client = getattr(self, "client", None)
        version = client.version if client is not None else self.settings.api_version
        parts = [what] if what else []
        if len(self.settings.accounts) > 1:  # which of several accounts is on screen
            parts.insert(0, one_line(self.settings.account, 40))
        self.backend_badge.update(Text(" · ".join([*parts, f"API {version}"])))

    def action_help(self) -> None:
        from tui.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.settings.keys, refused=self._refused_keys()))

    def _refused_keys(self) -> frozenset[str]:
        """The ids of the message pane's keys that the open conversation does not allow (its
        feature's check_action says): help leaves them out, as the footer does."""
        refused = set()
        for key in keys_in("messages"):
            name, dot, action = key.action.partition(".")
            feature = getattr(self, name, None) if dot else None
            if isinstance(feature, Feature) and feature.check_action(action, ()) is False:
                refused.add(key.id)
        return frozenset(refused)

    def action_toggle_sidebar(self) -> None:
        self.sidebar_preference = not self.sidebar_visible
        self._update_layout_for_width(self.size.width)

    def action_focus_list(self) -> None:
        """Back to the list; from the list, out of a search."""
        if self.thread_list.has_focus and self.search.searching:
            self.search.leave_search()
        self.thread_list.focus()

    # --- status and chips -------------------------------------------------------------------

    def count_text(self) -> str:
        said = [self.threads.count_text(), self.mirror.progress, self.saving.unsaved_text]
        return " · ".join(part for part in said if part)

    def _written_elsewhere(self, kinds: set[str]) -> None:
        """Another window on this data folder changed what the user wrote: shown here too."""
        if DRAFT in kinds:
            self.thread_list.drafts = self.drafts.thread_ids()
            self.thread_list.set_directory(self.thread_list.directory)  # the rows' ✎, repainted
            self.reply.draft_written_elsewhere()
        if REMINDER in kinds:
            self.reminders.reread()
        if EDIT in kinds:
            self.show_sidebar_for(self.shown_target)  # its "waiting to be saved" marks

    def refresh_resting_status(self) -> None:
        self.status_line.resting_changed()

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

    def _marks_said(self) -> str:
        """While threads are marked the status line starts by saying so, whatever else it
        says (an error, the resting count): they are what e a t s U act on next."""
        thread_list = getattr(self, "thread_list", None)  # (not there before the first frame)
        marked = len(thread_list.marked_threads()) if thread_list and thread_list.marked else 0
        return f"{marked} marked: e a t s U apply to all of them" if marked else ""

    def set_status(self, text: str, *, error: bool = False, transient: bool = False) -> None:
        """The status line, with what is left of the API's rate limit when it runs low (and,
        first, the marks: see _marks_said)."""
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
        """A crash report that shows no secret (see tui/ui/crash.py)."""
        self.bell()
        self._exit_renderables.append(crash_report(self.console))
        self._close_messages_no_wait()

    # --- keys under dialogs -----------------------------------------------------------------

    _APP_ACTIONS = app_actions()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """App-wide keys act on the inbox, not on what a dialog shows: off under a dialog."""
        return not (action in self._APP_ACTIONS and len(self.screen_stack) > 1)

    # --- command palette --------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from inbox_commands(self)

"""AccountScreen: one account's inbox (#38). Its panes, its connection, its stores and its
features, wired; the app (tui/ui/app.py) keeps one for each account visited (installed: Textual
keeps it when another account's replaces it), so switching back to one shows it at once,
exactly as it was left: view, filters, cursor, open conversation, what the composer holds,
what is still leaving.

Data flows one way: widgets post messages, features call the client in workers, results come
back as messages (tui/ui/messages.py) and update the widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Label, Static, Tabs

from tui.core.cache import ViewCache
from tui.core.directory import Directory
from tui.core.drafts import DraftStore
from tui.core.query import ThreadQuery
from tui.core.text import one_line
from tui.core.writing import DRAFT, EDIT, REMINDER, WritingStore
from tui.ui.describe import describe_error
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
from tui.ui.keymap import keys_in
from tui.ui.messages import (
    ActionFailed,
    DirectoryLoaded,
    FeatureRequest,
    RequestFailed,
    ThreadsLoaded,
)
from tui.ui.reloads import Reloads
from tui.ui.startup import Startup
from tui.ui.widgets.filter_chips import FilterChips
from tui.ui.widgets.sidebar import ProspectSidebar
from tui.ui.widgets.status_line import StatusLine
from tui.ui.widgets.thread_list import ThreadList
from tui.ui.widgets.view_tabs import ViewTabs

if TYPE_CHECKING:
    from tui.api.service import InboxApi
    from tui.backend import Backend
    from tui.core.config import Settings
    from tui.core.model import Thread
    from tui.ui.app import InboxApp
    from tui.ui.widgets.composer import Composer
    from tui.ui.widgets.message_view import MessageView

NARROW_WIDTH = 100  # below this the sidebar collapses unless the user asked for it
ALERTS_WIDTH = 125  # narrower, the header keeps its view tabs and leaves alerts to the sidebar


class AccountScreen(Screen[None]):
    """One account's inbox: what its features see of the app (an AppShared).

    Focus starts on the thread list, not on the first focusable widget (the tabs), which
    would cost the first frame two restyles."""

    AUTO_FOCUS = "#thread-list"

    # Made by the start (tui/ui/startup.py): the connection, and the panes the first frame
    # does without.
    client: InboxApi
    conversation_header: Static
    message_view: MessageView
    composer: Composer

    def __init__(
        self,
        inbox: InboxApp,
        settings: Settings,
        *,
        backend: Backend | None = None,
        typed_ahead: str = "",
        first: bool = True,
        prepared: Backend | None = None,
    ) -> None:
        super().__init__()
        self.inbox = inbox  # the app: the terminal, the clock, the other accounts
        self.settings = settings
        # The connection, given (tests, the bench: nothing is read from disk), or made by the
        # start: from `prepared` (the watch's connection to this account) if there is one.
        self.backend: Backend | None = backend
        self.prepared = prepared
        self.first = first  # the app's first account: its start is the app's
        self.thread_query = ThreadQuery(limit=self.settings.page_size)
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
        # Keys typed while the command line asked the terminal a question: handled first.
        self.startup = Startup(self, typed_ahead)
        self.window_title = inbox.window_title.of(self.settings.account)
        self.away = False  # another account is on screen: this one's polling rests
        self._waiting_dialogs: list[tuple[Any, Any]] = []  # opened while away (push_screen)
        self._wire_features()

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.inbox.clock

    def _wire_features(self) -> None:
        """Each feature, handed the account's shared state (this screen, as an AppShared) and
        the features it uses. A feature's keys are bound as "<attribute>.<action>": Textual
        resolves the namespace on the app, which hands it the account on screen's."""
        notice = self.inbox.desktop_notice
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
            self, triage=self.triage, notice=notice, window_title=self.window_title
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
        self.live = LiveFeature(self, notice=notice, reminders=self.reminders)
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
        self.all_features = tuple(
            value for value in vars(self).values() if isinstance(value, Feature)
        )

    @property
    def own_features(self) -> tuple[Feature, ...]:
        """The features mounted here: the account's, and on the first account's screen (which
        the app keeps as long as it runs) the app's watch of the other accounts."""
        if self.first:
            return (*self.all_features, self.inbox.accounts)
        return self.all_features

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Label("inbox-tui", id="brand")
            yield ViewTabs(self.settings.api_version, id="views")
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
        yield from (feature for feature in self.own_features if feature.at_start)

    def _hold_widgets(self) -> None:
        """The widgets, held so they are reachable while a dialog is on top."""
        self.thread_list = self.query_one("#thread-list", ThreadList)
        self.sidebar = self.query_one("#sidebar", ProspectSidebar)
        self.status_line = self.query_one("#status-line", StatusLine)
        self.filter_chips = self.query_one("#filter-chips", FilterChips)
        self.view_tabs = self.query_one("#views", ViewTabs)
        self.backend_badge = self.query_one("#backend-badge", Label)
        self.link_alerts = self.query_one("#link-alerts", Label)
        self._panes_held = True

    async def on_mount(self) -> None:
        self._hold_widgets()
        self.thread_list.drafts = self.drafts.thread_ids()
        self.reminders.show_kept_out()
        self.ranking.setup_scores()
        self.thread_list.focus()
        self._update_layout_for_width(self.inbox.size.width)
        self.update_chips()
        await self.startup.begin()

    # Shown again by a switch of accounts: its styles are as they were left (a theme changed
    # meanwhile restyles every screen anyway), and restyling every widget took half the switch.
    switched_back = False

    def post_message(self, message: Message) -> bool:
        if isinstance(message, events.ScreenResume) and self.switched_back:
            self.switched_back = False
            message.refresh_styles = False
        return super().post_message(message)

    def on_screen_suspend(self, _event: events.ScreenSuspend) -> None:
        self._covered(True)

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        self._covered(False)

    def _covered(self, covered: bool) -> None:
        """Pictures are drawn as half-blocks under a dialog (whose shading would blank the
        terminal's own pictures: see MessageView.set_behind)."""
        from tui.ui.widgets.message_view import MessageView

        for view in self.query(MessageView):
            view.set_behind(covered)

    def on_resize(self, event: events.Resize) -> None:
        if self._panes_held:  # the first resize comes before mount
            self._update_layout_for_width(event.size.width)

    def _update_layout_for_width(self, width: int) -> None:
        visible = self.sidebar_preference
        if visible is None:
            visible = width >= NARROW_WIDTH
        self.sidebar.set_class(not visible, "-hidden")
        self.link_alerts.set_class(width < ALERTS_WIDTH, "-compact")

    @property
    def sidebar_visible(self) -> bool:
        return not self.sidebar.has_class("-hidden")

    # --- on screen and away (#38) ------------------------------------------------------------

    def note_input(self) -> None:
        """Someone pressed a key or clicked: live updates poll more often, the mirror's walk
        waits."""
        self.live.note_input()
        self.mirror.note_input()

    def go_away(self) -> None:
        """Another account is on screen: this one keeps what it shows and what is under way
        (a send, a save), while its event log is read by the app's watch, as every account
        not on screen is, and its mirror's walk rests."""
        self.away = True
        self.reply.save_live_draft()
        self.live.pause()
        self.mirror.pause()

    def come_back(self, announced: frozenset[str] = frozenset()) -> None:
        """On screen again: what changed meanwhile is read within a second (the threads in
        `announced`, the watch has said already); the dialogs that waited are shown."""
        self.away = False
        self.live.resume(announced)
        self.mirror.resume()
        self.window_title.shown()
        waiting, self._waiting_dialogs = self._waiting_dialogs, []
        for screen, callback in waiting:
            self.inbox.push_screen(screen, callback)

    @property
    def screen_stack(self) -> list[Screen[Any]]:
        return self.inbox.screen_stack

    def push_screen(self, screen: Any, callback: Any = None) -> Any:
        """A dialog of this account's. Away, it waits until the account is on screen again:
        over another account's inbox it would be answered there, for this one."""
        if self.away:
            self._waiting_dialogs.append((screen, callback))
            return None
        return self.inbox.push_screen(screen, callback)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast of this account's; away, it says whose it is (a reminder come due, an
        undo's "u undoes", a send that failed)."""
        if self.away:
            whose = f"{one_line(self.settings.account, 40)} · another account"
            title = f"{whose} · {title}" if title else whose
        self.inbox.notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    # --- results ----------------------------------------------------------------------------

    def load_threads(self) -> None:
        self.threads.load_threads()

    @on(FeatureRequest)
    def hand_to_feature(self, request: FeatureRequest) -> None:
        """A pane, a dialog or a feature asks for what a feature does: the feature with a
        handler of the request's name takes it."""
        request.stop()  # (the app hands those from dialogs here, not these again)
        for feature in self.own_features:
            handler = getattr(feature, request.handler_name, None)
            if handler is not None:
                handler(request)

    def on_threads_loaded(self, message: ThreadsLoaded) -> None:
        """(After the thread list has shown them.)"""
        if self.first and self.inbox.freeze_heap:
            self.inbox.freeze_heap = False
            self.inbox.call_after_refresh(freeze_long_lived)
        self.startup.mount_pending_panes()  # a first launch: its rows are painted, the rest follows

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
        if self.settings.relay_url:  # the team's copy, not the service: say so
            parts.append("via relay")
        if len(self.settings.accounts) > 1:  # which of several accounts is on screen
            parts.insert(0, one_line(self.settings.account, 40))
        self.backend_badge.update(Text(" · ".join([*parts, f"API {version}"])))

    def action_help(self) -> None:
        from tui.ui.screens.help import HelpScreen

        # With one account there is nothing to switch to: its key is left out, as the footer
        # leaves it out.
        absent = frozenset() if self.inbox.accounts.others() else frozenset({"accounts.switch"})
        self.push_screen(
            HelpScreen(self.settings.keys, refused=self._refused_keys(), absent=absent)
        )

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
        self._update_layout_for_width(self.inbox.size.width)

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

    # --- the end ----------------------------------------------------------------------------

    def save_typed(self) -> int:
        """What was typed in the last 0.3 s is saved; the number of drafts and reminders the
        disk still refuses is returned."""
        if self.panes_mounted:
            self.reply.save_live_draft()
        return self.writing.unsaved if self.writing.unsaved and not self.writing.retry() else 0

    async def close(self) -> None:
        """From the app's unmount: the draft flushed, the connection and the stores closed."""
        if self.panes_mounted:
            self.reply.flush_draft()
        if self.backend is not None:
            await self.backend.aclose()
        self.view_cache.close()
        self.writing.close()

"""What a feature may use of the app, declared once (`AppShared`), and what a feature is
(`Feature`), and what an action on a message needs (`Needs`).

A feature (triage, reply, labels, ...) owns its actions, its handlers and its workers' results.
It is handed the app's shared state as an `AppShared` (the connection, the team directory, the
view, the panes, and the helpers the app offers every feature) and any other feature it needs,
by the app that wires them; it never imports the app."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Protocol

from textual.widget import Widget

from tui.core.permissions import refusal

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.widgets import Label, Static

    from tui.api.service import InboxApi
    from tui.backend import Backend
    from tui.core.cache import ViewCache
    from tui.core.config import Settings
    from tui.core.directory import Directory
    from tui.core.drafts import DraftStore
    from tui.core.model import Thread
    from tui.core.query import ThreadQuery
    from tui.core.writing import WritingStore
    from tui.ui.reloads import Reloads
    from tui.ui.widgets.composer import Composer
    from tui.ui.widgets.message_view import MessageView
    from tui.ui.widgets.sidebar import ProspectSidebar
    from tui.ui.widgets.thread_list import ThreadList
    from tui.ui.widgets.view_tabs import ViewTabs


class AppShared(Protocol):
    """The app as its features see it: one account's (tui/ui/account.py's AccountScreen)."""

    # The connection and the team.
    settings: Settings
    backend: Backend | None
    client: InboxApi
    directory: Directory
    currency: str  # the team's, for valuations

    @property
    def clock(self) -> Callable[[], datetime]: ...

    reloads: Reloads
    view_cache: ViewCache  # each view's first page, and the directory, for a start and offline
    connected: bool  # the backend is made and the first loads have started

    # The view, and the panes.
    thread_query: ThreadQuery
    generation: int  # of the view's loads: an answer to an older one is dropped
    thread_list: ThreadList
    message_view: MessageView
    composer: Composer
    sidebar: ProspectSidebar
    conversation_header: Static  # whose conversation the message pane shows
    view_tabs: ViewTabs  # the inbox views (default, no-reply, ...)
    link_alerts: Label  # the header's word on account links that cannot send
    shown_target: Thread | None  # the thread the sidebar shows
    drafts: DraftStore
    writing: WritingStore  # what the user wrote (drafts' rows, reminders, waiting edits)
    panes_mounted: bool  # the message pane and the composer (a first launch mounts them late)

    @property
    def screen_stack(self) -> list[Screen[Any]]: ...

    def push_screen(self, screen: Any, callback: Any = None) -> Any: ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None: ...

    def target(self) -> Thread | None:
        """The thread every action acts on: the person the sidebar shows."""

    def target_or_cursor(self) -> Thread | None: ...

    def refresh_target(self) -> None: ...

    def latest(self, thread: Thread | None) -> Thread | None:
        """`thread` as the list holds it now (edits and live updates applied)."""

    def open_thread(self, thread: Thread, at_message: str | None = None) -> None: ...

    def load_threads(self) -> None: ...

    def set_status(self, text: str, *, error: bool = False, transient: bool = False) -> None: ...

    def count_text(self) -> str:
        """The status line's resting text: how many threads are loaded."""

    def refresh_resting_status(self) -> None:
        """The resting text changed (the mirror's progress): shown if nothing else is."""

    def update_chips(self) -> None: ...

    def show_sidebar_for(self, thread: Thread | None) -> None: ...

    def show_conversation_header(self, thread: Thread | None) -> None: ...


class Feature(Widget):
    """A feature: mounted unseen on the main screen, so its workers and the messages they send
    back are its own. Its keys are bound as "<name>.<action>" (see tui/ui/keymap.py)."""

    # Mounted with the first frame (its start uses it) rather than with the late panes, before
    # input is handled: each widget mounted before the first rows delays them.
    at_start: ClassVar[bool] = False

    def __init__(self, shell: AppShared) -> None:
        super().__init__()
        self.shell = shell
        self.display = False

    # Actions on the selected message that the conversation may not allow, by action name:
    # off (and off the footer) where it does not, and the key's second binding, `why_not`
    # (tui/ui/keymap.py), then says why.
    NEEDS: ClassVar[Mapping[str, Needs]] = {}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A feature acts on the inbox, not on what a dialog shows: its keys are off under one;
        and those in NEEDS, where the conversation does not allow them."""
        if len(self.shell.screen_stack) > 1:
            return False
        needs = self.NEEDS.get(action)
        return needs is None or message_refusal(self.shell, needs) is None

    def action_why_not(self, action: str) -> None:
        needs = self.NEEDS.get(action)
        why = None if needs is None else message_refusal(self.shell, needs)
        if needs is not None and why is not None:
            self.notify(f"{needs.what}: {why}{needs.instead}.", severity="warning", markup=False)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Plain text, always (the app's notify neutralises what it shows); the account's
        toast (it says whose while another account is on screen)."""
        self.shell.notify(message, title=title, severity=severity, timeout=timeout, markup=False)


class Needs(NamedTuple):
    """What a message action is called, the capability it needs (v2's string; or else
    `alternative`), and whether the platform's time window after sending applies to it."""

    what: str
    capability: str
    windowed: bool = True
    alternative: str = ""
    instead: str = ""  # what to do instead, said after why not (" (r replies plainly)")


def message_refusal(shell: AppShared, needs: Needs) -> str | None:
    """Why the open conversation's selected message does not allow the action (None: it
    does, or no conversation is open: the action then says what to do)."""
    if not shell.panes_mounted:
        return None  # (an account still starting: no conversation yet)
    view = shell.message_view
    if view.thread is None:
        return None
    message = view.selected_message if needs.windowed else None
    platform = shell.directory.platform_of(view.thread)
    why = refusal(needs.capability, view.thread, message, platform, shell.clock())
    if why is None or not needs.alternative:
        return why
    # Either capability will do.
    alternative = refusal(needs.alternative, view.thread, message, platform, shell.clock())
    return why if alternative else None

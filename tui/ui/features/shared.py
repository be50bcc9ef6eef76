"""What every feature reads of the app, declared once: the shared state (the connection, the
team directory, the view, the panes) and the helpers features call on each other. InboxApp
and the features provide them; a feature (a mixin on the app, for now) inherits this class
instead of declaring them again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from tui.api.service import InboxApi
    from tui.backend import Backend
    from tui.core.config import Settings
    from tui.core.directory import Directory
    from tui.core.drafts import DraftStore
    from tui.core.model import Thread
    from tui.core.query import ThreadQuery
    from tui.ui.features.triage import EditGroup
    from tui.ui.reloads import Reloads
    from tui.ui.widgets.composer import Composer
    from tui.ui.widgets.message_view import MessageView
    from tui.ui.widgets.sidebar import ProspectSidebar
    from tui.ui.widgets.thread_list import ThreadList


class AppShared(App[None]):
    # The connection and the team.
    settings: Settings
    backend: Backend | None
    client: InboxApi
    directory: Directory
    currency: str  # the team's, for valuations
    clock: Callable[[], datetime]
    reloads: Reloads

    # The view, and the panes.
    thread_query: ThreadQuery
    generation: int  # of the view's loads: an answer to an older one is dropped
    thread_list: ThreadList
    message_view: MessageView
    composer: Composer
    sidebar: ProspectSidebar
    shown_target: Thread | None  # the thread the sidebar shows
    drafts: DraftStore
    undo_stack: list[EditGroup]

    if TYPE_CHECKING:
        # Helpers one part of the app offers the others (the app, or another feature).

        def target(self) -> Thread | None:
            raise NotImplementedError

        def target_or_cursor(self) -> Thread | None:
            raise NotImplementedError

        def triage_targets(self) -> list[Thread]:
            raise NotImplementedError

        def refresh_target(self) -> None: ...

        def open_thread(self, thread: Thread) -> None: ...

        def load_threads(self) -> None: ...

        def poll_now(self) -> None: ...

        def action_reply(self) -> None: ...

        def score(self, thread: Thread) -> int:
            raise NotImplementedError

        def _server_order(self, threads: list[Thread]) -> list[Thread]:
            raise NotImplementedError

        def create_labels_then(
            self, kind: str, names: list[str], then: Callable[[list[str]], None]
        ) -> None: ...

        def _set_status(
            self, text: str, *, error: bool = False, transient: bool = False
        ) -> None: ...

        def _count_text(self) -> str:
            raise NotImplementedError

        def _update_chips(self) -> None: ...

        def _show_sidebar_for(self, thread: Thread | None) -> None: ...

        def _show_conversation_header(self, thread: Thread | None) -> None: ...

"""Looking up a username (/): the threads with that person, whatever the view and filters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from tui.api.errors import InboxError
from tui.ui.features.shared import Feature
from tui.ui.messages import LookupDone, RequestFailed

if TYPE_CHECKING:
    from tui.core.model import Thread
    from tui.ui.screens.lookup import LookupScreen

LOOKING_UP = "looking up a username"


class LookupFeature(Feature):
    def action_lookup(self, username: str = "") -> None:
        from tui.ui.screens.lookup import LookupScreen

        def opened(thread: Thread | None) -> None:
            if thread is not None:
                self.shell.open_thread(thread)

        self.shell.push_screen(LookupScreen(self.shell.directory, username), opened)

    def on_lookup_screen_requested(self, message: LookupScreen.Requested) -> None:
        self._lookup(message.username)

    @work(group="lookup", exclusive=True)
    async def _lookup(self, username: str) -> None:
        try:
            threads = await self.shell.client.lookup_threads_by_username(username)
        except InboxError as error:
            self.post_message(RequestFailed(LOOKING_UP, error))
            return
        self.post_message(LookupDone(username, threads))

    def _open_lookup(self) -> LookupScreen | None:
        from tui.ui.screens.lookup import LookupScreen

        screen = self.app.screen
        return screen if isinstance(screen, LookupScreen) else None

    def on_lookup_done(self, message: LookupDone) -> None:
        if lookup := self._open_lookup():
            lookup.show_results(message.username, message.threads)

    def on_request_failed(self, message: RequestFailed) -> None:
        """The dialog says it too (the app says what failed, as for any request)."""
        if lookup := self._open_lookup():
            lookup.show_error(message.describe())

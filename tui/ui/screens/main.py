"""The screen the app composes its panes into."""

from __future__ import annotations

from textual import events
from textual.screen import Screen


class MainScreen(Screen[None]):
    """Focus starts on the thread list, not on the first focusable widget (the tabs), which
    would cost the first frame two restyles."""

    AUTO_FOCUS = "#thread-list"

    def on_screen_suspend(self, _event: events.ScreenSuspend) -> None:
        self._covered(True)

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        self._covered(False)

    def _covered(self, covered: bool) -> None:
        from tui.ui.widgets.message_view import MessageView

        for view in self.query(MessageView):
            view.set_behind(covered)

"""The search box above the thread list (v2): it asks once typing pauses, not per key."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Input, Label

from tui.ui.messages import FeatureRequest

TYPING_PAUSE = 0.3  # seconds without a key before the text is searched


class SearchBar(Horizontal):
    BINDINGS = [Binding("escape", "leave", "Leave the search", id="search.leave")]

    class Changed(FeatureRequest):
        """The text to search for, once typing has paused."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Submitted(FeatureRequest):
        """Enter: search now (or look up an exact @username)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Left(FeatureRequest):
        """Escape: back to the view the search started from."""

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._initial = text
        self._pause: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Label("Search", id="search-label")
        yield Input(
            self._initial,
            placeholder="names, usernames, last messages · enter: to the list · @name: lookup",
            id="search-input",
        )

    def on_mount(self) -> None:
        self.input.focus()

    @property
    def input(self) -> Input:
        return self.query_one("#search-input", Input)

    def _cancel_pause(self) -> None:
        if self._pause is not None:
            self._pause.stop()
            self._pause = None

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._cancel_pause()
        text = event.value
        self._pause = self.set_timer(TYPING_PAUSE, lambda: self._paused(text))

    def _paused(self, text: str) -> None:
        self._pause = None
        self.post_message(self.Changed(text))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._cancel_pause()
        self.post_message(self.Submitted(event.value))

    def action_leave(self) -> None:
        self._cancel_pause()
        self.post_message(self.Left())

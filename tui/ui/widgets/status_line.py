"""The status line under the panes: what is loading, what an action did, what failed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from tui.core.secrets import redact
from tui.core.text import one_line

if TYPE_CHECKING:
    from textual.timer import Timer

LINGER = 5.0  # seconds an action's outcome stays before the resting text comes back


class StatusLine(Static):
    def __init__(
        self,
        resting: Callable[[], str],
        *,
        lead: Callable[[], str] = str,
        id: str | None = None,
    ) -> None:
        super().__init__("", id=id)
        self.resting = resting  # what the line says when nothing else is to be said
        # What the line always starts with, whatever else it says (what the next keys act on).
        self.lead = lead
        self.text = ""
        self._linger: Timer | None = None
        self.resting_shown = False  # the line shows its resting text (nothing else to say)

    def say(self, text: str, *, error: bool = False, transient: bool = False) -> None:
        """`transient`: what an action did ("Archived"), which gives way to the resting text
        after a few seconds unless something else was said meanwhile. Shown on one line, with
        control characters neutralised and any secret redacted."""
        if self._linger is not None:
            self._linger.stop()
            self._linger = None
        lead = self.lead()
        shown = f"{lead} · {text}" if lead else text
        self.text = one_line(redact(shown))
        self.resting_shown = not error and not transient and text == self.resting()
        self.update(Text(self.text))
        self.set_class(error, "-error")
        if transient:
            self._linger = self.set_timer(LINGER, lambda: self.say(self.resting()))

    def resting_changed(self) -> None:
        """What the resting text says has changed: shown, unless something else is."""
        if self.resting_shown:
            self.say(self.resting())

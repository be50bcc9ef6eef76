"""The terminal window's title (OSC 2): what waits, seen from another window or tab
("inbox-tui · 4 waiting": the default view's unread threads and the reminders that are due)."""

from __future__ import annotations

from typing import Any

from textual.app import App

from tui.core.text import one_line
from tui.ui.terminal import write_sequence

PUSH_TITLE = "\x1b[22;0t"  # keep the terminal's own title on its title stack (xterm's)
POP_TITLE = "\x1b[23;0t"  # and put it back at exit; terminals without a stack ignore both


class WindowTitle:
    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.text = ""  # the title shown (also in a headless app, which writes nothing)
        self._pushed = False
        self._waiting: dict[str, int] = {}  # what waits on the user, by what counts it

    def count(self, what: str, amount: int) -> None:
        """`amount` of `what` (unread threads, due reminders) wait on the user."""
        self._waiting[what] = amount
        waiting = sum(self._waiting.values())
        self.show(f"inbox-tui · {waiting} waiting" if waiting else "inbox-tui")

    def show(self, text: str) -> None:
        text = one_line(text, 80)  # no control character reaches the terminal
        if text == self.text:
            return
        self.text = text
        if not self._pushed:
            self._pushed = write_sequence(self.app, PUSH_TITLE)
        write_sequence(self.app, f"\x1b]2;{text}\x07")

    def restore(self) -> None:
        if self._pushed:
            write_sequence(self.app, POP_TITLE)
            self._pushed = False

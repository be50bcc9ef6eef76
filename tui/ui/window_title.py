"""The terminal window's title (OSC 2): what waits, seen from another window or tab
("inbox-tui · 4 waiting": the default view's unread threads and the reminders that are due;
with several accounts, each one's: "inbox-tui · Acme 3 · Beta 1", the one on screen first and
the others' new DMs since the app started and their reminders come due)."""

from __future__ import annotations

from typing import Any

from textual.app import App

from tui.core.text import one_line
from tui.ui.terminal import write_sequence

PUSH_TITLE = "\x1b[22;0t"  # keep the terminal's own title on its title stack (xterm's)
POP_TITLE = "\x1b[23;0t"  # and put it back at exit; terminals without a stack ignore both


class WindowTitle:
    def __init__(self, app: App[Any], account: str = "") -> None:
        self.app = app
        self.text = ""  # the title shown (also in a headless app, which writes nothing)
        self._pushed = False
        # What waits on the user, by account and what counts it.
        self._waiting: dict[tuple[str, str], int] = {}
        self._account = account  # the account on screen
        self._elsewhere: dict[str, int] = {}  # the others' new DMs, by account

    def of(self, account: str) -> AccountTitle:
        """What `account`'s features count in the title (its own while it is on screen)."""
        return AccountTitle(self, account)

    def count(self, what: str, amount: int, account: str = "") -> None:
        """`amount` of `what` (unread threads, due reminders) wait on the user in `account`."""
        self._waiting[account, what] = amount
        self._show_counts()

    def elsewhere(self, account: str, counts: dict[str, int]) -> None:
        """New DMs in the accounts not on screen (`account` is)."""
        self._account = account
        self._elsewhere = dict(counts)
        self._show_counts()

    def _show_counts(self) -> None:
        waiting = sum(n for (account, _), n in self._waiting.items() if account == self._account)
        # The others: their new DMs (the watch's), and the reminders come due in an account
        # visited and left (its own count; its unread count rests with its polling).
        elsewhere = dict(self._elsewhere)
        for (account, what), n in self._waiting.items():
            if account != self._account and what == "due":
                elsewhere[account] = elsewhere.get(account, 0) + n
        others = [(name, n) for name, n in elsewhere.items() if n]
        if not others:
            self.show(f"inbox-tui · {waiting} waiting" if waiting else "inbox-tui")
            return
        parts = [(self._account, waiting), *others] if waiting else others
        self.show(" · ".join(["inbox-tui", *(f"{one_line(n, 24)} {k}" for n, k in parts)]))

    def show(self, text: str) -> None:
        text = one_line(text, 80)  # no control character reaches the terminal
        if text == self.text:
            return
        self.text = text
        if not self._pushed:
            self._pushed = write_sequence(self.app, PUSH_TITLE)
        write_sequence(self.app, f"\x1b]2;{text}\x07")

    def shown(self, account: str) -> None:
        """`account` is on screen: its counts are the title's."""
        self._account = account
        self._show_counts()

    def restore(self) -> None:
        if self._pushed:
            write_sequence(self.app, POP_TITLE)
            self._pushed = False


class AccountTitle:
    """One account's side of the window's title."""

    def __init__(self, title: WindowTitle, account: str) -> None:
        self.title = title
        self.account = account

    def count(self, what: str, amount: int) -> None:
        self.title.count(what, amount, self.account)

    def shown(self) -> None:
        self.title.shown(self.account)

"""A desktop notification through the terminal when a message arrives: OSC 9 (iTerm2, WezTerm,
Ghostty), OSC 99 (kitty: the sender as the title, the first line as the body, one identifier
a thread), OSC 777 (foot, urxvt, VTE terminals), else the bell.

The sender's name and words are untrusted: they are made one inert line first (no ESC, BEL or
C1 control can end the sequence early and start another), and the field separator of OSC 777
is taken out. At most one notice per thread a minute; none for the thread being read.
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from textual.app import App

from tui.core.text import one_line
from tui.ui.terminal import write_sequence

NOTICE_EVERY = 60.0  # seconds between two notices for one thread
KEPT_SENT = 50  # the latest notices kept (for tests and the curious): a day of DMs stays flat
NOTIFICATION_MODES = ("desktop", "bell", "off")


def notice_sequence(env: Mapping[str, str], title: str, body: str, key: str = "") -> str | None:
    """What asks this terminal for a desktop notification; None when it speaks none that we
    know (or tmux sits between, which does not pass them on). `key` names what the notice is
    about (a thread): kitty replaces a shown notice of the same identifier."""
    title, body = one_line(title, 60).replace(";", ","), one_line(body, 120).replace(";", ",")
    if env.get("TMUX"):
        return None
    term = env.get("TERM", "")
    program = env.get("TERM_PROGRAM", "").lower()
    if env.get("KITTY_WINDOW_ID") or term == "xterm-kitty":
        # kitty's protocol takes the title and the body apart: the title in a first chunk
        # (d=0: more follows), the body in the last (p=body), both under one identifier.
        ident = "inbox-tui-" + hashlib.sha256(key.encode()).hexdigest()[:16]
        return f"\x1b]99;i={ident}:d=0;{title}\x1b\\\x1b]99;i={ident}:p=body;{body}\x1b\\"
    if program in ("iterm.app", "wezterm", "ghostty") or term == "xterm-ghostty":
        return f"\x1b]9;{title}: {body}\x07"
    if term.startswith(("foot", "rxvt")) or env.get("VTE_VERSION"):
        return f"\x1b]777;notify;{title};{body}\x07"
    return None


class DesktopNotice:
    def __init__(
        self,
        app: App[Any],
        mode: str,
        env: Mapping[str, str],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.mode = mode  # "desktop", "bell" or "off"
        self.env = env
        self.clock = clock
        self._last: dict[str, float] = {}  # thread ID -> when its last notice went
        # What was asked of the terminal lately (a bell is "bell").
        self.sent: deque[str] = deque(maxlen=KEPT_SENT)

    def new_message(self, thread_id: str, sender: str, text: str) -> None:
        if self.mode == "off":
            return
        now = self.clock()
        if now - self._last.get(thread_id, -NOTICE_EVERY) < NOTICE_EVERY:
            return
        if len(self._last) > 256:  # a day of DMs: the threads past their minute are let go
            self._last = {key: at for key, at in self._last.items() if now - at < NOTICE_EVERY}
        self._last[thread_id] = now
        first_line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
        title = f"inbox-tui: {sender}"
        sequence = (
            notice_sequence(self.env, title, first_line, thread_id)
            if self.mode == "desktop"
            else None
        )
        if sequence is None:
            self.sent.append("bell")
            self.app.bell()
            return
        self.sent.append(sequence)
        write_sequence(self.app, sequence)

"""Noticing that the terminal has gone (its window or tmux pane closed, an ssh connection
dropped). A hung-up terminal reads as end-of-file, which Textual's input thread takes for
"no input yet" and asks again at once: the app would spin at full CPU with nobody there (and,
with a real key, keep spending the team's request budget). SIGHUP says the same, but a parent
such as make may have set it to be ignored."""

from __future__ import annotations

import select
import signal
from collections.abc import Callable

_GONE = select.POLLHUP | select.POLLERR | select.POLLNVAL


def terminal_gone(fd: int) -> bool:
    """Whether the terminal (or pipe) behind `fd` has hung up. Reads nothing."""
    poller = select.poll()
    poller.register(fd, _GONE)
    try:
        return any(mask & _GONE for _, mask in poller.poll(0))
    except OSError:
        return True


def on_hangup(callback: Callable[[], object]) -> Callable[[], object]:
    """Call `callback` on SIGHUP, even when the parent made the process ignore it. Returns
    what puts the previous handler back."""
    previous = signal.signal(signal.SIGHUP, lambda _signum, _frame: callback())
    return lambda: signal.signal(signal.SIGHUP, previous)

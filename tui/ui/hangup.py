"""Noticing that the terminal has gone (its window or tmux pane closed, an ssh connection
dropped). A hung-up terminal reads as end-of-file, which Textual's input thread takes for
"no input yet" and asks again at once: the app would spin at full CPU with nobody there (and,
with a real key, keep spending the team's request budget). SIGHUP says the same, but a parent
such as make may have set it to be ignored."""

from __future__ import annotations

import select
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from textual.app import App
    from textual.driver import Driver

_GONE = select.POLLHUP | select.POLLERR | select.POLLNVAL


def terminal_gone(fd: int) -> bool:
    """Whether the terminal (or pipe) behind `fd` has hung up. Reads nothing."""
    poller = select.poll()
    poller.register(fd, _GONE)
    try:
        return any(mask & _GONE for _, mask in poller.poll(0))
    except OSError:
        return True


_early: list[bool] = []  # a hang-up came before the app could act on it


def guard_early_hangup() -> None:
    """From the process's start: a SIGHUP before the app watches the terminal is remembered
    (and acted on once it does), instead of killing the process with the drafts unsaved."""
    signal.signal(signal.SIGHUP, lambda _signum, _frame: _early.append(True))


def hung_up_early() -> bool:
    return bool(_early)


def on_hangup(callback: Callable[[], object]) -> Callable[[], object]:
    """Call `callback` on SIGHUP, even when the parent made the process ignore it. Returns
    what puts the previous handler back."""
    previous = signal.signal(signal.SIGHUP, lambda _signum, _frame: callback())
    return lambda: signal.signal(signal.SIGHUP, previous)


class TerminalOutput:
    """The terminal as Textual's writer thread writes to it: once a write or flush fails (the
    terminal has gone), output is dropped instead. Textual's writer thread dies on the first
    failed write; the app's next writes then fill its queue and block the app for ever, before
    it can notice the hang-up and exit."""

    def __init__(self, file: TextIO) -> None:
        self._file = file
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self._file.write(text)
            except OSError:
                self.gone = True
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self._file.flush()
            except OSError:
                self.gone = True

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return self._file.isatty()


def hangup_safe(driver: type[Driver]) -> type[Driver]:
    """`driver`, writing through TerminalOutput when it is the Linux/macOS driver (the one
    with a writer thread on a terminal that can hang up); any other driver as it is."""
    if driver.__module__ != "textual.drivers.linux_driver" or driver.__name__ != "LinuxDriver":
        return driver
    from textual.drivers.linux_driver import LinuxDriver

    class HangupSafeDriver(LinuxDriver):
        def __init__(
            self,
            app: App[Any],
            *,
            debug: bool = False,
            mouse: bool = True,
            size: tuple[int, int] | None = None,
        ) -> None:
            super().__init__(app, debug=debug, mouse=mouse, size=size)
            if self._file is not None:
                self._file = TerminalOutput(self._file)  # type: ignore[assignment]

    return HangupSafeDriver

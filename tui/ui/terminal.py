"""Asking the terminal what it can do, once, before the app takes it over.

The answers arrive on the terminal's input, where the user's typing arrives too. So the
questions end with DA1 (`CSI c`), which every terminal answers: the read stops at that answer
instead of waiting out a timeout, and whatever else arrived meanwhile is the user's typing,
kept in order and handed to the app (nothing typed at start is eaten).
"""

from __future__ import annotations

import os
import re
import select
import time
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from textual.app import App

KITTY_GRAPHICS = "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"  # a 1x1 query, nothing stored
XTVERSION = "\x1b[>0q"  # the terminal's name and version, e.g. "kitty(0.26.5)"
CELL_PIXELS = "\x1b[16t"  # a cell's size in pixels, where the window size does not say it
DA1 = "\x1b[c"

# Compiled when first used (re keeps them), not at every start: most starts ask nothing.
_KITTY_ANSWER = rb"\x1b_Gi=31;([^\x1b]*)\x1b\\"
_VERSION_ANSWER = rb"\x1bP>\|([^\x1b]*)\x1b\\"
_CELL_ANSWER = rb"\x1b\[6;(\d+);(\d+)t"
_DA1_ANSWER = rb"\x1b\[\?[\d;]*c"
ANSWER_WAIT = 0.5  # seconds at most: a terminal that names itself answers in milliseconds


class TerminalAnswers(NamedTuple):
    answered: bool  # DA1 came back: without it, nothing else it said can be trusted
    kitty_graphics: bool
    version: str | None  # XTVERSION's text, None when the terminal does not say
    cell_pixels: tuple[int, int] | None  # (width, height) of a cell
    typed: str  # what arrived that was no answer: the user's keys, in order


def ask_terminal(
    fd_in: int, fd_out: int, *, ask_cell: bool, wait: float = ANSWER_WAIT
) -> TerminalAnswers:
    """Kitty graphics support, the version and (with `ask_cell`) the cell size, in one round
    trip of at most `wait` seconds."""
    import termios

    questions = KITTY_GRAPHICS + XTVERSION + (CELL_PIXELS if ask_cell else "") + DA1
    saved = termios.tcgetattr(fd_in)
    quiet = termios.tcgetattr(fd_in)
    quiet[3] &= ~(termios.ICANON | termios.ECHO)  # bytes as they come, not shown
    received = b""
    try:
        termios.tcsetattr(fd_in, termios.TCSANOW, quiet)
        os.write(fd_out, questions.encode())
        deadline = time.monotonic() + wait
        while not re.search(_DA1_ANSWER, received):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd_in], [], [], remaining)[0]:
                break
            chunk = os.read(fd_in, 4096)
            if not chunk:
                break
            received += chunk
    finally:
        # TCSANOW, not TCSAFLUSH: keys typed since stay queued for the app.
        termios.tcsetattr(fd_in, termios.TCSANOW, saved)
    return read_answers(received)


def read_answers(received: bytes) -> TerminalAnswers:
    """The answers in what the terminal's input gave; the rest is what the user typed."""
    kitty = re.search(_KITTY_ANSWER, received)
    version = re.search(_VERSION_ANSWER, received)
    cell = re.search(_CELL_ANSWER, received)
    typed = received
    for pattern in (_KITTY_ANSWER, _VERSION_ANSWER, _CELL_ANSWER, _DA1_ANSWER):
        typed = re.sub(pattern, b"", typed, count=1)
    return TerminalAnswers(
        answered=re.search(_DA1_ANSWER, received) is not None,
        kitty_graphics=kitty is not None and kitty.group(1) == b"OK",
        version=version.group(1).decode("utf-8", errors="replace") if version else None,
        cell_pixels=(int(cell.group(2)), int(cell.group(1))) if cell else None,
        typed=typed.decode("utf-8", errors="replace"),
    )


def window_cell_pixels(fd: int) -> tuple[int, int] | None:
    """A cell's size from the window size the kernel keeps (no question asked); None where the
    terminal leaves the pixel fields at 0."""
    import fcntl
    import struct
    import termios

    try:
        packed = fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8)
    except OSError:
        return None
    rows, columns, width, height = struct.unpack("HHHH", packed)
    if not (rows and columns and width and height):
        return None
    return width // columns, height // rows


def write_sequence(app: App[Any], sequence: str) -> bool:
    """A sequence of our own (a title, a notice, a picture) to the terminal, in order with the
    screen's output. Textual has no public call for it: its driver is what writes. A headless
    app (a test) writes nothing: False."""
    driver = app._driver
    if driver is None or app.is_headless:
        return False
    driver.write(sequence)
    return True

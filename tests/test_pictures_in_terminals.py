"""Pictures in real terminals (#37): the command line, started as `make run` starts it, on a
pseudo-terminal whose other end this test plays. It answers the start's question as the
terminal named would (kitty 0.35, kitty 0.26.5) or not at all, and reads every byte the app
writes: the graphics commands and the placeholder cells in them, or the half-block cells.

The demo's top conversation has the pictures: two in one message and a GIF (a broken one and
one still processing as well)."""

from __future__ import annotations

import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.kitty_stream import commands, placeholder_cells, placeholder_ids, transmitted
from tests.test_terminal_query import ENV_NAMES as TERMINAL_NAMES

# Timing-bound (a terminal answered on a timer): these share one worker, one at a time.
pytestmark = pytest.mark.xdist_group("timing")

REPO = Path(__file__).resolve().parent.parent
# What names a terminal (as for the start's question), its colours, and COLUMNS and LINES, which
# pytest may set: Textual would take them over the window size.
ENV_NAMES = (*TERMINAL_NAMES, "COLORTERM", "COLUMNS", "LINES")
KITTY = {"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1", "COLORTERM": "truecolor"}
QUESTION_END = b"\x1b[c"  # DA1 closes the start's questions
CELL = (10, 20)  # pixels a cell, as the window size says (kitty fills those fields)


def pictures_drawn(stream: bytes) -> bool:
    """Placeholder cells, or a picture's worth of half-blocks (each cell is its own colours)."""
    return "\U0010eeee".encode() in stream or stream.count("▀".encode()) >= 40


def answers(version: str) -> bytes:
    return b"\x1b_Gi=31;OK\x1b\\\x1bP>|" + version.encode() + b"\x1b\\\x1b[?62;c"


class Terminal:
    """A terminal window running `inbox-tui --demo`; `stream` is every byte it was sent."""

    def __init__(self, data_dir: Path, environ: dict[str, str], answer: bytes | None) -> None:
        self.main, secondary = pty.openpty()
        self.resize(160, 48)
        env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
        env.update(environ, INBOX_TUI_DATA_DIR=str(data_dir))
        env.pop("TEXTUAL", None)
        self.child = subprocess.Popen(
            [sys.executable, "-m", "tui", "--demo"],
            stdin=secondary,
            stdout=secondary,
            stderr=secondary,
            cwd=REPO,
            env=env,
            start_new_session=True,
        )
        os.close(secondary)
        self.stream = b""
        self.answer = answer

    def resize(self, columns: int, rows: int) -> None:
        size = struct.pack("HHHH", rows, columns, columns * CELL[0], rows * CELL[1])
        import fcntl

        fcntl.ioctl(self.main, termios.TIOCSWINSZ, size)

    def read(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if select.select([self.main], [], [], min(left, 0.1))[0]:
                try:
                    chunk = os.read(self.main, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                self.stream += chunk
            if self.answer is not None and QUESTION_END in self.stream:
                os.write(self.main, self.answer)  # as the terminal answers: once
                self.answer = None

    def until(self, done: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            assert time.monotonic() < deadline, f"{what}: never; the terminal got {self.tail()}"
            self.read(0.1)

    def settle(self, quiet: float = 1.0, timeout: float = 30.0) -> None:
        """Read until nothing more has come for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = len(self.stream)
            self.read(quiet)
            if len(self.stream) == before:
                return

    def press(self, keys: bytes, settle: float = 0.4) -> None:
        os.write(self.main, keys)
        self.read(settle)

    def quit(self) -> None:
        os.write(self.main, b"q")
        deadline = time.monotonic() + 20
        while self.child.poll() is None and time.monotonic() < deadline:
            self.read(0.1)
        self.read(0.3)

    def close(self) -> None:
        if self.child.poll() is None:
            self.child.kill()
            self.child.wait()
        os.close(self.main)

    def tail(self) -> str:
        return repr(self.stream[-600:])


def open_the_pictures(terminal: Terminal) -> None:
    terminal.until(lambda: b"demo data" in terminal.stream, "the first frame")
    terminal.settle()
    terminal.press(b"\r")  # the top thread: its conversation has the pictures
    # One on screen, in placeholder cells or in half-blocks.
    terminal.until(lambda: pictures_drawn(terminal.stream), "a picture")
    terminal.settle()


def transmissions(stream: bytes) -> list[int]:
    return [int(c["i"]) for c in commands(stream) if c.get("a") == "t"]


def deletions(stream: bytes) -> list[int]:
    return [int(c["i"]) for c in commands(stream) if c.get("a") == "d"]


def placements(stream: bytes) -> list[tuple[int, int, int]]:
    return [(int(c["i"]), int(c["c"]), int(c["r"])) for c in commands(stream) if c.get("a") == "p"]


@pytest.fixture
def terminals(tmp_path: Path):  # type: ignore[no-untyped-def]
    started: list[Terminal] = []

    def start(environ: dict[str, str], answer: bytes | None) -> Terminal:
        terminal = Terminal(tmp_path, environ, answer)
        started.append(terminal)
        return terminal

    yield start
    for terminal in started:
        terminal.close()


def test_kitty_0_28_and_later_gets_each_picture_once_placed_by_id_and_deleted_at_exit(
    terminals,  # type: ignore[no-untyped-def]
) -> None:
    terminal = terminals(KITTY, answers("kitty(0.35.2)"))
    open_the_pictures(terminal)
    sent = transmissions(terminal.stream)
    # whiteboard.png, team.jpg and demo.gif (the broken one is a placeholder line; the one
    # still processing may have arrived too).
    assert 3 <= len(sent) <= 4 and len(set(sent)) == len(sent)
    for image_id in sent:  # each placed
        assert any(placed[0] == image_id for placed in placements(terminal.stream))
    # The cells on screen name pictures sent (those scrolled out of view are not drawn).
    assert placeholder_ids(terminal.stream) and placeholder_ids(terminal.stream) <= set(sent)
    rows = {row for row, _column in placeholder_cells(terminal.stream)}
    assert rows and max(rows) <= 9  # at most ten rows a picture
    assert "▀".encode() not in terminal.stream  # no half-blocks on the way

    # Away (another thread, maybe with pictures of its own) and back, twice, and the pane
    # rebuilt meanwhile: no picture is sent twice.
    for _ in range(2):
        terminal.press(b"\x1b", 0.2)  # back to the list
        terminal.press(b"j\r", 0.8)  # the next thread
        terminal.press(b"\x1b", 0.2)
        terminal.press(b"k\r", 0.8)  # the pictures again
    terminal.settle(quiet=1.0)
    pictures = transmitted(terminal.stream)
    assert len({data for _id, data in pictures}) == len(pictures)  # each picture once
    assert [image_id for image_id, _data in pictures[: len(sent)]] == sent
    assert all(data.startswith(b"\x89PNG") for _id, data in pictures)
    sent = [image_id for image_id, _data in pictures]
    assert deletions(terminal.stream) == []

    # A dialog on top: Textual shades what is under it, colours included, and a picture's
    # colour is its ID. Half-blocks meanwhile (shaded too), never cells naming another ID.
    # (At full width, where the pictures are in view around the dialog: at 100 columns, once
    # the messages' headers carry dates, after midnight, they were scrolled out of view.)
    opened = len(terminal.stream)
    terminal.press(b"z", 1.0)  # the reminder dialog
    under_dialog = terminal.stream[opened:]
    assert placeholder_ids(under_dialog) <= set(sent)
    assert "▀".encode() in under_dialog
    closed = len(terminal.stream)
    terminal.press(b"\x1b", 1.0)
    assert placeholder_ids(terminal.stream[closed:]) and transmissions(terminal.stream) == sent

    # Narrower: the same pictures placed in smaller boxes, not sent again.
    placed_before = len(placements(terminal.stream))
    terminal.resize(100, 48)
    os.kill(terminal.child.pid, signal.SIGWINCH)
    terminal.settle()
    assert transmissions(terminal.stream) == sent
    boxes = placements(terminal.stream)[placed_before:]
    assert boxes and all(image_id in sent for image_id, _c, _r in boxes)

    terminal.quit()
    assert terminal.child.returncode == 0
    assert sorted(deletions(terminal.stream)) == sorted(sent)  # nothing left in the terminal
    # ... deleted while the app's screen is still there (kitty keeps a store of pictures for
    # each screen: from the main one, a deletion finds nothing).
    left_app_screen = terminal.stream.rindex(b"\x1b[?1049l")
    assert sorted(deletions(terminal.stream[:left_app_screen])) == sorted(sent)


def test_kitty_0_26_gets_half_blocks_and_not_one_graphics_command(
    terminals,  # type: ignore[no-untyped-def]
) -> None:
    terminal = terminals(KITTY, answers("kitty(0.26.5)"))
    open_the_pictures(terminal)
    graphics = commands(terminal.stream)
    assert [c.get("a") for c in graphics] == ["q"]  # the start's question, and nothing else
    assert placeholder_cells(terminal.stream) == []
    assert pictures_drawn(terminal.stream)
    terminal.quit()
    assert terminal.child.returncode == 0


def test_a_terminal_naming_no_graphics_gets_no_graphics_sequence_at_all(
    terminals,  # type: ignore[no-untyped-def]
) -> None:
    terminal = terminals({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, None)
    open_the_pictures(terminal)
    assert b"\x1b_G" not in terminal.stream  # not even the question
    assert QUESTION_END not in terminal.stream
    assert "\U0010eeee".encode() not in terminal.stream
    assert pictures_drawn(terminal.stream)
    terminal.quit()
    assert terminal.child.returncode == 0

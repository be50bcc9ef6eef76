"""The start's question to the terminal (tui/ui/terminal.py, tui/ui/pictures.py): asked only
where the environment names a graphics terminal and no answer is kept, never eating a key.

The pty tests run the command line's detection in a child process on a pseudo-terminal whose
other end this test plays: it reads every byte the child writes to the terminal and answers as
the terminal named would.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.core.preferences import Preferences
from tui.ui.pictures import (
    GRAPHICS_VARIABLES,
    draws_placeholders,
    names_graphics_terminal,
    terminal_identity,
)
from tui.ui.startup import typed_events
from tui.ui.terminal import read_answers

# Timing-bound (a pseudo-terminal answered on a timer): these share one worker, one at a time.
pytestmark = pytest.mark.xdist_group("timing")

REPO = Path(__file__).resolve().parent.parent

CHILD = """
import json, os, select, sys, tty
from pathlib import Path
from tui.core.preferences import Preferences
from tui.ui.pictures import detect_protocol

support = detect_protocol(Preferences(Path(sys.argv[1])))
tty.setcbreak(0)  # what was typed after the answers, still queued: read it as the app would
rest = b""
while select.select([0], [], [], 0.5)[0]:
    chunk = os.read(0, 100)
    if not chunk:
        break
    rest += chunk
print("RESULT " + json.dumps(
    {"protocol": support.protocol, "typed": support.typed, "rest": rest.decode()}
))
"""

QUESTION_END = b"\x1b[c"  # DA1 closes the questions
KITTY_ANSWERS = b"\x1b_Gi=31;OK\x1b\\\x1bP>|kitty(0.35.2)\x1b\\\x1b[?62;c"
OLD_KITTY_ANSWERS = b"\x1b_Gi=31;OK\x1b\\\x1bP>|kitty(0.26.5)\x1b\\\x1b[?62;c"


def run_on_pty(
    data_dir: Path,
    environ: dict[str, str],
    answers: bytes | None,
    before: bytes = b"",
    after: bytes = b"",
) -> tuple[dict[str, str], bytes]:
    """The child's result, and every byte it wrote to the terminal. Once the questions are
    written, this terminal sends `before` (keys typed while asked), `answers` (None: it does not
    answer), then `after` (keys typed once answered)."""
    main, secondary = os.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    env.update(environ)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data_dir)],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        cwd=REPO,
        env=env,
        start_new_session=True,
    )
    os.close(secondary)
    written = b""
    sent = False
    deadline = time.monotonic() + 20
    try:
        while b"RESULT " not in written or not written.rstrip().endswith(b"}"):
            if time.monotonic() > deadline:
                raise AssertionError(f"no result; the terminal got {written!r}")
            if select.select([main], [], [], 0.1)[0]:
                try:
                    written += os.read(main, 4096)
                except OSError:
                    break
            if not sent and QUESTION_END in written:
                sent = True
                os.write(main, before)
                time.sleep(0.05)  # the keys arrive before the answers, as a user's would
                if answers is not None:
                    os.write(main, answers)
                time.sleep(0.1)
                os.write(main, after)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
        os.close(main)
    result_line = written[written.index(b"RESULT ") :].split(b"\n")[0]
    return json.loads(result_line[len(b"RESULT ") :]), written[: written.index(b"RESULT ")]


# What names a terminal: the child sees only what a test gives it.
ENV_NAMES = ("TERM", "TERM_PROGRAM", "TERM_PROGRAM_VERSION", "TMUX", *GRAPHICS_VARIABLES)


def test_a_terminal_the_environment_does_not_name_is_asked_nothing(tmp_path: Path) -> None:
    result, written = run_on_pty(tmp_path, {"TERM": "xterm-256color"}, answers=None)
    assert result["protocol"] == "halfcell"
    assert b"\x1b" not in written  # not one escape sequence: no question
    assert not (tmp_path / "preferences.json").exists()  # nothing learnt, nothing kept


def test_kitty_is_asked_once_and_the_keys_typed_meanwhile_are_kept(tmp_path: Path) -> None:
    environ = {"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"}
    result, written = run_on_pty(tmp_path, environ, KITTY_ANSWERS, before=b"jj\x1b[B", after=b"k")
    assert QUESTION_END in written and b"\x1b_Ga=q" in written.replace(b"i=31,s=1,v=1,", b"")
    assert result["protocol"] == "tgp"
    # Typed while asked: handed to the app; typed once answered: still queued for it (a slow
    # child may read both in the question's read). None eaten, all in order.
    assert result["typed"].startswith("jj\x1b[B")
    assert result["typed"] + result["rest"] == "jj\x1b[Bk"
    kept = Preferences(tmp_path).terminal(terminal_identity({"TERM": "xterm-kitty"}))
    assert kept is not None and kept["protocol"] == "tgp"

    again, written_again = run_on_pty(tmp_path, environ, answers=None, after=b"")
    assert again["protocol"] == "tgp"  # the kept answer
    assert b"\x1b" not in written_again  # and no question the second time


def test_a_kept_answer_is_asked_again_after_a_week(tmp_path: Path) -> None:
    """kitty names no version in the environment: an upgrade from 0.26 is noticed within a
    week (and a kept answer from before answers were dated is asked again once)."""
    environ = {"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"}
    result, _ = run_on_pty(tmp_path, environ, OLD_KITTY_ANSWERS)
    assert result["protocol"] == "halfcell"
    identity = terminal_identity({"TERM": "xterm-kitty"})
    kept = Preferences(tmp_path).terminal(identity)
    assert kept is not None
    Preferences(tmp_path).remember_terminal(identity, {**kept, "at": kept["at"] - 8 * 86400})
    upgraded, written = run_on_pty(tmp_path, environ, KITTY_ANSWERS)
    assert QUESTION_END in written  # asked again
    assert upgraded["protocol"] == "tgp"
    Preferences(tmp_path).remember_terminal(identity, {"protocol": "halfcell"})  # undated
    again, written = run_on_pty(tmp_path, environ, KITTY_ANSWERS)
    assert QUESTION_END in written and again["protocol"] == "tgp"


def test_a_kitty_that_cannot_place_pictures_gets_half_blocks(tmp_path: Path) -> None:
    result, _ = run_on_pty(tmp_path, {"TERM": "xterm-kitty"}, OLD_KITTY_ANSWERS)
    assert result["protocol"] == "halfcell"


def test_a_terminal_that_does_not_answer_keeps_the_keys_and_is_asked_again(
    tmp_path: Path,
) -> None:
    result, _ = run_on_pty(tmp_path, {"TERM_PROGRAM": "WezTerm"}, answers=None, before=b"q")
    assert result["protocol"] == "halfcell"
    assert result["typed"] + result["rest"] == "q"
    assert not (tmp_path / "preferences.json").exists()  # no answer kept: asked next time


@pytest.mark.parametrize(
    ("version", "draws"),
    [
        ("kitty(0.26.5)", False),
        ("kitty(0.28.0)", True),
        ("kitty(0.35.2)", True),
        ("ghostty 1.1.3", True),
        ("WezTerm 20240203-110809-5046fc22", False),
        (None, False),
    ],
)
def test_only_terminals_that_draw_placeholders_get_kitty_pictures(
    version: str | None, draws: bool
) -> None:
    answer = b"\x1b_Gi=31;OK\x1b\\"
    if version is not None:
        answer += b"\x1bP>|" + version.encode() + b"\x1b\\"
    assert draws_placeholders(read_answers(answer + b"\x1b[?62;c")) is draws


def test_answers_are_told_from_keys_in_any_order() -> None:
    answers = read_answers(b"a\x1b[?62;c" + b"\x1b[6;20;10tb\x1b_Gi=31;ENOTSUPPORTED\x1b\\c")
    assert answers.answered and not answers.kitty_graphics
    assert answers.cell_pixels == (10, 20)
    assert answers.typed == "abc"
    assert not read_answers(b"x").answered


def test_the_environment_names_graphics_terminals() -> None:
    assert names_graphics_terminal({"TERM": "xterm-kitty"})
    assert names_graphics_terminal({"TERM_PROGRAM": "ghostty"})
    assert names_graphics_terminal({"TERM": "tmux-256color", "KITTY_WINDOW_ID": "3"})
    assert not names_graphics_terminal({"TERM": "xterm-256color", "TERM_PROGRAM": "tmux"})


def test_keys_typed_ahead_become_the_events_the_driver_makes() -> None:
    keys = [getattr(event, "key", None) for event in typed_events("j\x1b[Bx\r")]
    assert keys == ["j", "down", "x", "enter"]

"""A paste is text (#34): everything between `ESC[200~` and `ESC[201~` is one paste, in order,
even with ESCs inside (tmux passes those of coloured output through); outside a text field it
runs nothing, and in one its control characters are stand-ins (no ESC reaches the terminal).

Textual's parser reads the paste's text after an ESC as keys (scripts/
textual_paste_escape_repro.py); the app reads its input with tui/ui/paste.py's PasteParser.
The app tests feed the terminal's bytes through the parser the app uses (`typed_events`, the
same as the driver's, see test_the_app_driver_reads_with_the_paste_parser) and post what it
makes, as the driver does.
"""

from __future__ import annotations

import inspect
import os
import threading
from pathlib import Path

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tests.app_helpers import make_app, painted_text, settle
from tests.test_actions import open_thread, reader
from tui.core.text import pasted
from tui.ui.account import AccountScreen
from tui.ui.app import InboxApp
from tui.ui.paste import PasteParser, paste_safe
from tui.ui.screens.pickers import NotesScreen, ValuationScreen
from tui.ui.startup import typed_events

COLOURED = "AAA \x1b[31mBBB\x1b[0m CCC"  # what tmux passes on of coloured output
# From the issue: `e` archived threads, `P` opened the board, `D` asked to delete a thread.
RUNS_KEYS = ["ok \x1b[0me", "see log: \x1b[0mP", "rm -rf \x1b[1mD\x1b[0m"]


def bracketed(text: str) -> str:
    return f"\x1b[200~{text}\x1b[201~"


def parse(*chunks: str) -> list[Message]:
    parser = PasteParser()
    return [message for chunk in (*chunks, "") for message in parser.feed(chunk)]


def shown(messages: list[Message]) -> list[str]:
    """Keys by name, pastes as `paste:<text>`."""
    return [
        f"paste:{m.text}" if isinstance(m, events.Paste) else getattr(m, "key", repr(m))
        for m in messages
    ]


# --- the parser ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", [*RUNS_KEYS, COLOURED, "\x1b", "a\x1b", "\x1b[201", "focus \x1b[I", "\x1b[200~x"]
)
def test_a_paste_is_one_paste_its_escapes_included(text: str) -> None:
    assert shown(parse(bracketed(text))) == [f"paste:{text}"]


def test_textual_parser_still_splits_a_paste() -> None:
    """Textual's bug, which tui/ui/paste.py works around: when this fails, Textual reads pastes
    whole, and PasteParser can go (keep the tests above)."""
    parser = XTermParser()
    got = shown([*parser.feed(bracketed("ok \x1b[0me")), *parser.feed("")])
    assert got == ["circumflex_accent", "left_square_bracket", "0", "m", "e", "paste:ok "]


def test_a_paste_arriving_in_pieces_is_one_paste() -> None:
    data = "j" + bracketed(COLOURED + "\r\nline two") + "k"
    whole = ["j", f"paste:{COLOURED}\r\nline two", "k"]
    assert shown(parse(data)) == whole
    assert shown(parse(*data)) == whole  # a character at a time: the brackets split too
    assert shown(parse(data[:3], data[3:9], data[9:-4], data[-4:])) == whole


@pytest.mark.parametrize(
    "typed",
    [
        "j\x1b[Bx\r",  # keys, an arrow, enter
        "a\x1b\x1b[Ab",  # escape, then an arrow
        "\x1b",  # escape alone, at the end
        "\x1bx",  # alt+x
        "\x1b[2~\x1b[20~\x1b[2",  # insert, F9, a sequence cut short
        "\x1b[<35;10;5M\x1b[I\x1b[O",  # the mouse, focus in and out
    ],
)
def test_input_outside_pastes_parses_as_textual_parses_it(typed: str) -> None:
    textual = XTermParser()
    expected = [*textual.feed(typed), *textual.feed("")]
    assert [repr(m) for m in parse(typed)] == [repr(m) for m in expected]


def test_keys_before_a_paste_come_before_it() -> None:
    """An escape sequence cut short by the paste's start ends there (as at Textual's timeout),
    its keys first."""
    got = shown(parse("x\x1b[1" + bracketed("y") + "z"))
    assert got == ["x", "left_square_bracket", "1", "paste:y", "z"]
    assert shown(parse("\x1b" + bracketed("y"))) == ["escape", "paste:y"]


def test_pasted_text_keeps_newlines_and_tabs_drops_colours_and_shows_controls() -> None:
    assert pasted(COLOURED) == "AAA BBB CCC"  # the colours go, the text stays
    assert pasted("see \x1b]8;;https://x.invalid\x1b\\link\x1b]8;;\x07 \x1b[2J") == "see link "
    assert pasted("lone \x1b escape") == "lone ␛ escape"
    assert pasted("one\r\ntwo\rthree\nfour\tfive") == "one\ntwo\nthree\nfour\tfive"
    assert pasted("bell\x07 c1\x9b del\x7f rtl\u202e") == "bell␇ c1\ufffd del␡ rtl\ufffd"


# --- the driver ---------------------------------------------------------------------------------


def test_the_app_driver_reads_with_the_paste_parser() -> None:
    """The driver the app runs on (Linux/macOS) reads a terminal's input with PasteParser: its
    input thread, on a pipe, makes one paste of the bytes of a coloured paste."""
    app, _ = make_app()
    driver_class = app.get_driver_class()
    driver = driver_class.__new__(driver_class)  # not its __init__: it takes the terminal
    read_end, write_end = os.pipe()
    received: list[Message] = []
    done = threading.Event()

    def process_message(message: Message) -> None:
        received.append(message)
        if isinstance(message, events.Paste):
            done.set()

    driver.fileno = read_end  # type: ignore[attr-defined]
    driver._debug = False
    driver.exit_event = threading.Event()  # type: ignore[attr-defined]
    driver.process_message = process_message  # type: ignore[method-assign]
    thread = threading.Thread(target=driver.run_input_thread)  # type: ignore[attr-defined]
    thread.start()
    try:
        os.write(write_end, ("j" + bracketed(COLOURED)).encode())
        assert done.wait(10)
    finally:
        driver.exit_event.set()  # type: ignore[attr-defined]
        thread.join(10)
        os.close(read_end)
        os.close(write_end)
    assert shown(received) == ["j", f"paste:{COLOURED}"]


def test_textual_still_builds_its_parser_by_that_name() -> None:
    """paste_safe points the name Textual's input thread builds its parser from at PasteParser:
    when Textual builds it otherwise, this fails (and the driver test above with it)."""
    from textual.drivers import linux_driver

    source = inspect.getsource(linux_driver.LinuxDriver.run_input_thread)
    assert "XTermParser(" in source
    paste_safe(linux_driver.LinuxDriver)
    assert linux_driver.XTermParser is PasteParser


def test_other_drivers_are_left_alone() -> None:
    from textual.drivers.headless_driver import HeadlessDriver

    assert paste_safe(HeadlessDriver) is HeadlessDriver


# --- the app ------------------------------------------------------------------------------------


async def paste(pilot: Pilot[None], text: str) -> None:
    """The terminal's bytes for a paste of `text`, through the app's parser, posted as the
    driver posts them."""
    for event in typed_events(bracketed(text)):
        pilot.app.post_message(event)
    await settle(pilot)


async def test_a_paste_in_the_thread_list_runs_no_key(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert app.focused is app.thread_list
        before = [t.id for t in app.thread_list.threads]
        for text in RUNS_KEYS:
            await paste(pilot, text)
            assert isinstance(app.screen, AccountScreen), f"{text!r} opened {app.screen}"
        assert [t.id for t in app.thread_list.threads] == before
        assert not any([(await reader(api).get_thread(id_)).done for id_ in before[:3]])
        assert app.focused is app.thread_list
        assert not [e for e in api.request_log if e[0] != "GET"]


async def test_a_coloured_paste_lands_in_the_composer_whole(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: True)
        await pilot.press("r", *"Hi ")
        await paste(pilot, COLOURED + "\r\nsecond\tline")
        composer = app.composer.input
        assert composer.text == "Hi AAA BBB CCC\nsecond\tline"
        assert "\x1b" not in painted_text(composer)


async def test_a_paste_in_the_notes_and_an_input_is_text(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        notes = app.screen.query_one(TextArea)
        notes.text = ""
        await paste(pilot, "Met at \x1b[1mSaaStr\x1b[0m.\rWants\x07 a pilot.")
        assert notes.text == "Met at SaaStr.\nWants␇ a pilot."
        assert "\x1b" not in painted_text(notes)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#answer-discard")
        await settle(pilot)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ValuationScreen)
        field = app.screen.query_one(Input)
        field.value = ""
        await paste(pilot, "75\x1b[0mk\x1b\r\nnext line")
        assert field.value == "75k␛"  # a one-line field takes the first line
        assert isinstance(app, InboxApp)

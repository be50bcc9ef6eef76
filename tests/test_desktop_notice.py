"""Notifications (#21): a message arriving while the app is open asks the terminal for a
desktop notification (OSC 9 / 99 / 777 where it speaks one, else the bell), naming the sender
and the first line, made inert; never for the thread being read; at most one per thread a
minute; `notifications = "bell"` or `"off"`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app_helpers import make_app, settle
from tests.test_actions import open_thread
from tui.core.text import one_line
from tui.ui.desktop_notice import DesktopNotice, notice_sequence

HOSTILE = "Mallory\x1b]0;pwned\x07\x9c;x"


@pytest.mark.parametrize(
    ("env", "start", "end"),
    [
        ({"TERM_PROGRAM": "iTerm.app"}, "\x1b]9;", "\x07"),
        ({"TERM_PROGRAM": "WezTerm"}, "\x1b]9;", "\x07"),
        ({"TERM": "foot"}, "\x1b]777;notify;", "\x07"),
        ({"TERM": "xterm-256color", "VTE_VERSION": "7600"}, "\x1b]777;notify;", "\x07"),
    ],
)
def test_each_terminal_gets_its_sequence_and_nothing_else(
    env: dict[str, str], start: str, end: str
) -> None:
    sequence = notice_sequence(env, f"inbox-tui: {HOSTILE}", "first line\x1b[2J\nsecond")
    assert sequence is not None and sequence.startswith(start) and sequence.endswith(end)
    inside = sequence[len(start) : -len(end)]
    # No control character is left inside to end the sequence early or start another.
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in inside)
    assert "Mallory␛]0,pwned␇" in inside and "first line␛[2J second" in inside
    if start.endswith("notify;"):
        assert inside.count(";") == 1  # title;body, the name's own ";" taken out


def test_kitty_gets_the_title_and_the_body_apart_under_one_identifier_a_thread() -> None:
    """kitty's OSC 99: a first chunk with the title (d=0: more follows), then the body
    (p=body), both with the thread's identifier (i=), so a second notice replaces the first."""
    kitty = {"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"}
    sequence = notice_sequence(kitty, f"inbox-tui: {HOSTILE}", "first line\x1b[2J\nsecond", "t1")
    assert sequence is not None
    chunks = sequence.split("\x1b\\")
    assert chunks[-1] == "" and len(chunks) == 3
    (head, title), (tail, body) = (c.removeprefix("\x1b]99;").split(";", 1) for c in chunks[:2])
    ident = head.split(":")[0]
    assert ident.startswith("i=inbox-tui-") and head == f"{ident}:d=0"
    assert tail == f"{ident}:p=body"
    assert title.startswith("inbox-tui: Mallory␛]0,pwned␇") and title.endswith(",x")
    assert body == "first line␛[2J second"
    for text in (title, body):  # nothing inside can end the sequence early or start another
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in text)
    again = notice_sequence(kitty, "inbox-tui: Nadia", "Later", "t1")
    other = notice_sequence(kitty, "inbox-tui: Omar", "Hi", "t2")
    assert again is not None and other is not None
    assert again.split(":")[0] == sequence.split(":")[0] != other.split(":")[0]


def test_tmux_and_unknown_terminals_get_the_bell() -> None:
    assert notice_sequence({"TMUX": "/tmp/tmux", "TERM_PROGRAM": "iTerm.app"}, "t", "b") is None
    assert notice_sequence({"TERM": "xterm-256color"}, "t", "b") is None


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_one_notice_per_thread_a_minute_and_the_modes(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(100, 30)):
        clock = Clock()
        notice = DesktopNotice(app, "desktop", {"TERM_PROGRAM": "iTerm.app"}, clock)
        notice.new_message("t1", "Nadia", "Hello\nthere")
        notice.new_message("t1", "Nadia", "Again")  # within the minute: not again
        notice.new_message("t2", "Omar", "Hi")
        clock.now += 61
        notice.new_message("t1", "Nadia", "Later")
        assert list(notice.sent) == [
            "\x1b]9;inbox-tui: Nadia: Hello\x07",
            "\x1b]9;inbox-tui: Omar: Hi\x07",
            "\x1b]9;inbox-tui: Nadia: Later\x07",
        ]
        bell = DesktopNotice(app, "bell", {"TERM_PROGRAM": "iTerm.app"}, clock)
        bell.new_message("t1", "Nadia", "Hello")
        assert list(bell.sent) == ["bell"]
        off = DesktopNotice(app, "off", {"TERM_PROGRAM": "iTerm.app"}, clock)
        off.new_message("t1", "Nadia", "Hello")
        assert not off.sent


async def test_a_day_of_notices_keeps_memory_flat(data_dir: Path) -> None:
    """Thousands of threads notified over a day: what is kept stays bounded, and the minute's
    rule still holds for a thread notified just now."""
    from tui.ui.desktop_notice import KEPT_SENT

    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(100, 30)):
        clock = Clock()
        notice = DesktopNotice(app, "desktop", {"TERM_PROGRAM": "iTerm.app"}, clock)
        for n in range(5000):
            clock.now += 20
            notice.new_message(f"t{n}", "Someone", "Hi")
        assert len(notice.sent) == KEPT_SENT
        assert len(notice._last) <= 257
        sent = len(notice.sent), notice.sent[-1]
        notice.new_message("t4999", "Someone", "Again")  # within its minute: not again
        assert (len(notice.sent), notice.sent[-1]) == sent


async def test_an_arriving_message_notifies_unless_its_thread_is_open(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        app.desktop_notice.env = {"TERM_PROGRAM": "WezTerm"}
        app.live.poll_now()  # learns where the event log ends
        await settle(pilot)
        opened = await open_thread(pilot, lambda t: True)
        far = next(t for t in api.store._order[1:40] if t.id != opened.id and not t.done)
        api.store.receive_message(far, "Are you still there?\nSecond line")
        api.store.receive_message(api.store.threads[opened.id], "One more question")
        app.live.poll_now()
        await settle(pilot)
        name = one_line(far.prospect.display_name, 60)
        assert list(app.desktop_notice.sent) == [  # not for the open conversation
            f"\x1b]9;inbox-tui: {name}: Are you still there?\x07"
        ]

"""Kitty graphics (#37): a picture is transmitted once and placed again by ID, what leaves is
deleted, the terminal's share stays bounded, and a picture fills its box. Each test reads the
sequences written, as a terminal would (tests/kitty_stream.py parses them)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from PIL import Image

from tests.app_helpers import make_app, settle
from tests.kitty_stream import commands, placeholder_cells
from tui.ui.kitty_pictures import (
    CHUNK,
    DIACRITICS,
    PLACEHOLDER,
    KittyPictures,
    placeholder_lines,
)


def picture(width: int, height: int, colour: tuple[int, int, int] = (200, 80, 40)) -> Image.Image:
    return Image.new("RGB", (width, height), colour)


class Terminal:
    """What the terminal was sent, as one stream."""

    def __init__(self) -> None:
        self.stream = ""

    def write(self, sequence: str) -> None:
        self.stream += sequence

    def commands(self) -> list[dict[str, str]]:
        return commands(self.stream.encode())


def transmitted(terminal: Terminal) -> list[int]:
    return [int(c["i"]) for c in terminal.commands() if c.get("a") == "t"]


def deleted(terminal: Terminal) -> list[int]:
    return [int(c["i"]) for c in terminal.commands() if c.get("a") == "d"]


def placed(terminal: Terminal) -> list[tuple[int, int, int]]:
    return [
        (int(c["i"]), int(c["c"]), int(c["r"])) for c in terminal.commands() if c.get("a") == "p"
    ]


def test_the_diacritics_are_the_protocols_combining_marks() -> None:
    assert ord(DIACRITICS[0]) == 0x0305 and ord(DIACRITICS[-1]) == 0x0658
    assert len(set(DIACRITICS)) == len(DIACRITICS) == 64
    assert all(unicodedata.combining(mark) for mark in DIACRITICS)


def test_a_picture_drawn_again_is_placed_by_its_id_not_sent_again() -> None:
    terminal = Terminal()
    kitty = KittyPictures(terminal.write, cell=(10, 20), first_id=500)
    whiteboard = picture(480, 320)
    first = kitty.lines(("m1", 0), whiteboard, 40, 10)
    for _ in range(20):  # the pane rebuilt: a message arrived, a scroll, a restyle
        assert kitty.lines(("m1", 0), whiteboard, 40, 10) == first
    narrower = kitty.lines(("m1", 0), whiteboard, 24, 10)  # the window got narrower
    kitty.lines(("m1", 0), whiteboard, 40, 10)  # and wide again
    assert transmitted(terminal) == [500]
    assert kitty.transmissions == 1
    # Placed once for each box it took: 40 columns, 24, then 40 again; never sent again.
    assert placed(terminal) == [(500, 30, 10), (500, 24, 8), (500, 30, 10)]
    assert len(first) == 10 and len(narrower) == 8
    assert deleted(terminal) == []


def test_a_transmission_is_chunked_as_the_protocol_says() -> None:
    terminal = Terminal()
    kitty = KittyPictures(terminal.write, cell=(10, 20), first_id=7)
    noise = Image.effect_noise((400, 200), 80).convert("RGB")  # does not compress: many chunks
    kitty.lines("noise", noise, 40, 10)
    sent = [c for c in terminal.commands() if c.get("a") != "p"]
    assert len(sent) > 2
    keys = [{k: v for k, v in c.items() if k != ";"} for c in sent]
    assert keys[0] == {"a": "t", "f": "100", "t": "d", "i": "7", "m": "1", "q": "2"}
    assert all(set(c) == {"m", "q"} for c in keys[1:])  # the rest carry only whether more follow
    assert [c["m"] for c in sent] == ["1"] * (len(sent) - 1) + ["0"]
    assert all(len(c.get(";", "")) <= CHUNK for c in sent)


def test_placeholder_lines_name_the_image_row_and_column_in_every_cell() -> None:
    lines = placeholder_lines(0x0A0B0C, columns=5, rows=3)
    assert [line.cell_length for line in lines] == [5, 5, 5]
    for row, line in enumerate(lines):
        segments = list(line)
        # One segment a cell: a line cut anywhere never parts a cell from its marks.
        assert [s.text for s in segments] == [
            PLACEHOLDER + DIACRITICS[row] + DIACRITICS[col] for col in range(5)
        ]
        for segment in segments:
            assert segment.style is not None and segment.style.color is not None
            assert segment.style.color.triplet == (0x0A, 0x0B, 0x0C)
        for cut in range(6):
            left, right = line.divide([cut, 5])[:2]
            assert all(s.text.startswith(PLACEHOLDER) for s in list(left) + list(right))


def test_the_open_conversations_pictures_are_never_deleted_to_make_room() -> None:
    """More pictures in one conversation than the limit: all stay while it is open (its lines
    name them all, drawn or a scroll away), and a full redraw sends none again."""
    terminal = Terminal()
    kitty = KittyPictures(terminal.write, keep_pictures=4, first_id=1)
    keys = frozenset(("open", n) for n in range(10))
    kitty.pin(keys)
    for _ in range(3):  # laid out, then twice more (a resize, a theme)
        for n in range(10):
            kitty.lines(("open", n), picture(300, 200), 40 - _, 10)
    assert transmitted(terminal) == list(range(1, 11)) and deleted(terminal) == []
    kitty.pin(frozenset())  # the conversation closes: now they count
    kitty.lines("another", picture(300, 200), 40, 10)
    assert len(kitty) == 4 and deleted(terminal) == [1, 2, 3, 4, 5, 6, 7]


def test_a_picture_is_sent_again_sharper_when_the_font_grows() -> None:
    terminal = Terminal()
    kitty = KittyPictures(terminal.write, cell=(8, 16), first_id=1)
    photo = picture(1600, 1200)
    kitty.lines("p", photo, 40, 10)
    kitty.use_cell((10, 20))  # a little larger: placed again, not sent again
    kitty.lines("p", photo, 40, 10)
    assert transmitted(terminal) == [1]
    kitty.use_cell((16, 32))  # twice the size: sent again at the new size, the old deleted
    kitty.lines("p", photo, 40, 10)
    assert transmitted(terminal) == [1, 2] and deleted(terminal) == [1]
    small = picture(40, 40)  # never larger than itself: never sent again for a bigger font
    kitty.lines("small", small, 40, 10)
    kitty.use_cell((32, 64))
    kitty.lines("small", small, 40, 10)
    assert transmitted(terminal) == [1, 2, 3]


def test_the_terminals_share_is_bounded_and_every_picture_is_deleted_at_exit() -> None:
    terminal = Terminal()
    kitty = KittyPictures(terminal.write, cell=(10, 20), keep_pictures=4, first_id=1)
    for n in range(10):  # ten conversations, one picture each
        kitty.lines(("m", n), picture(300, 200), 40, 10)
    assert len(kitty) == 4
    assert deleted(terminal) == [1, 2, 3, 4, 5, 6]  # the least recently drawn, as they left
    kitty.lines(("m", 9), picture(300, 200), 40, 10)  # still held: not sent again
    assert kitty.transmissions == 10
    kitty.forget_all()
    assert sorted(deleted(terminal)) == transmitted(terminal) == list(range(1, 11))


def test_pixels_are_bounded_too_and_the_picture_drawn_is_never_the_one_deleted() -> None:
    terminal = Terminal()
    # 400 x 200 pixels sent (its slot at 10 x 20 cells): 320,000 bytes in the terminal each.
    kitty = KittyPictures(terminal.write, cell=(10, 20), keep_bytes=700_000, first_id=1)
    for n in range(3):
        kitty.lines(n, picture(800, 400), 40, 10)
        assert kitty.kept_bytes <= 700_000
    assert deleted(terminal) == [1]
    huge = KittyPictures(Terminal().write, cell=(10, 20), keep_bytes=10, first_id=1)
    assert len(huge.lines("big", picture(800, 400), 40, 10)) == 10  # drawn, though over
    assert "big" in huge


def test_ids_stay_in_24_bits_and_never_clash_with_one_held() -> None:
    terminal = Terminal()
    kitty = KittyPictures(terminal.write, first_id=(1 << 24) - 2, keep_pictures=3)
    for n in range(6):
        kitty.lines(n, picture(10, 10), 40, 10)
    assert transmitted(terminal) == [(1 << 24) - 2, (1 << 24) - 1, 1, 2, 3, 4]


@settings(max_examples=300, deadline=None)
@given(
    width=st.integers(1, 5000),
    height=st.integers(1, 5000),
    columns=st.integers(1, 80),
    rows=st.integers(1, 20),
    cell=st.tuples(st.integers(4, 30), st.integers(8, 60)),
)
def test_a_picture_fills_its_box_with_less_than_a_cell_to_spare(
    width: int, height: int, columns: int, rows: int, cell: tuple[int, int]
) -> None:
    """The terminal fits the picture into its box, proportions kept: whatever the slot and the
    cell, the box is within the slot, and what the picture leaves blank of it is less than a
    cell across and less than a line down (no blank line under it)."""
    kitty = KittyPictures(Terminal().write, cell=cell)
    box_columns, box_rows = kitty.box((width, height), columns, rows)
    assert 1 <= box_columns <= columns and 1 <= box_rows <= rows
    box_width, box_height = box_columns * cell[0], box_rows * cell[1]
    scale = min(box_width / width, box_height / height)
    drawn_width, drawn_height = width * scale, height * scale
    if box_columns > 1 or drawn_width >= cell[0]:  # a one-cell box cannot be made narrower
        assert box_width - drawn_width < cell[0] + 1e-6
    if box_rows > 1 or drawn_height >= cell[1]:
        assert box_height - drawn_height < cell[1] + 1e-6
    # Never larger than the picture itself (a small icon stays small).
    assert box_columns <= max(1, -(-width // cell[0])) and box_rows <= max(1, -(-height // cell[1]))


SIZES = ((480, 320), (320, 320), (240, 160), (360, 480), (1200, 80))


class PicturesOverADay(RuleBasedStateMachine):
    """Any sequence of drawing pictures (new, again, in other widths), font changes and exits:
    the stream never holds more than the limits, never sends a held picture again, never
    deletes what it did not send, and leaves nothing behind at exit."""

    def __init__(self) -> None:
        super().__init__()
        self.terminal = Terminal()
        self.kitty = KittyPictures(self.terminal.write, keep_pictures=5, keep_bytes=2_000_000)
        self.sent_at: dict[int, tuple[int, int]] = {}  # picture -> the pixels it was sent at

    @rule(key=st.integers(0, 12), columns=st.integers(4, 60))
    def draw(self, key: int, columns: int) -> None:
        size = SIZES[key % len(SIZES)]  # a key is one picture: one size
        # Sent at the most its slot (40 x 10 cells) can show, never enlarged; sent again only
        # when the font has grown so much that it would be blurred.
        cell = self.kitty.cell
        scale = min(1.0, 40 * cell[0] / size[0], 10 * cell[1] / size[1])
        wanted = (round(size[0] * scale), round(size[1] * scale))
        held = key in self.kitty and self.sent_at.get(key, (0, 0))[0] >= wanted[0] * 0.75
        before = len(transmitted(self.terminal))
        lines = self.kitty.lines(key, picture(*size), columns, 10)
        assert 1 <= len(lines) <= 10
        assert len(transmitted(self.terminal)) == before + (0 if held else 1)
        if not held:
            self.sent_at[key] = wanted

    @rule(cell=st.sampled_from([(8, 16), (10, 20), (12, 24)]))
    def font_changed(self, cell: tuple[int, int]) -> None:
        self.kitty.use_cell(cell)

    @rule()
    def exit(self) -> None:
        """(And start again: the next session begins with nothing in the terminal.)"""
        self.kitty.forget_all()
        self.sent_at.clear()
        assert len(self.kitty) == 0
        assert sorted(deleted(self.terminal)) == sorted(transmitted(self.terminal))

    @invariant()
    def held_within_limits_and_the_stream_agrees(self) -> None:
        sent, gone = transmitted(self.terminal), deleted(self.terminal)
        assert len(gone) == len(set(gone)) and set(gone) <= set(sent)
        in_terminal = set(sent) - set(gone)
        assert len(in_terminal) == len(self.kitty) <= 5
        assert self.kitty.kept_bytes <= 2_000_000


TestPicturesOverADay = PicturesOverADay.TestCase
TestPicturesOverADay.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)


def test_placeholder_cells_parse_back() -> None:
    """The test's own reader of placeholder cells agrees with what is drawn."""
    text = "".join(segment.text for line in placeholder_lines(77, 3, 2) for segment in line)
    assert placeholder_cells(text.encode()) == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]


@pytest.mark.parametrize(
    ("environ", "drawn_with"),
    [
        ({"COLORTERM": "truecolor"}, "tgp"),
        ({"COLORTERM": "truecolor", "NO_COLOR": "1"}, "halfcell"),  # Textual greys every colour
        ({"COLORTERM": "", "TERM": "xterm-256color"}, "halfcell"),  # the ID would be rounded
    ],
)
async def test_kitty_pictures_only_where_textual_keeps_their_colours(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], drawn_with: str
) -> None:
    """A picture's ID is the 24-bit colour of its cells: where Textual draws fewer colours, or
    through a filter that changes them, half-blocks."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    app, _api = make_app(40)
    app.picture_protocol = "tgp"
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.message_view.picture_protocol == drawn_with
        assert (app.message_view.kitty is not None) is (drawn_with == "tgp")


async def test_a_conversation_with_more_pictures_than_the_limit_keeps_them_all_while_open(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The demo's picture conversation, with a limit of one picture: every picture it shows
    stays in the terminal while it is open, a resize places them again without sending them,
    and once another conversation is open they count, and go."""
    from tests.test_attachments import open_showcase, without_waits

    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)
    app, _api = make_app(40)
    app.picture_protocol = "tgp"
    without_waits(app)
    terminal = Terminal()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.message_view.kitty = KittyPictures(terminal.write, keep_pictures=1, first_id=1)
        await open_showcase(pilot)
        for _ in range(3):
            await settle(pilot)
        sent = transmitted(terminal)
        assert len(sent) >= 3 and deleted(terminal) == []
        drawn = {
            segment.style.color.triplet
            for line in app.message_view._lines
            for segment in line
            if segment.text.startswith(PLACEHOLDER) and segment.style and segment.style.color
        }
        assert {(0, 0, image_id) for image_id in sent} == drawn  # every one on its lines
        await pilot.resize_terminal(120, 48)
        await settle(pilot)
        assert transmitted(terminal) == sent and deleted(terminal) == []
        app.thread_list.focus()
        await pilot.press("j", "enter")  # another conversation: the old ones count now
        await settle(pilot)
        assert len(app.message_view.kitty) <= 1 + len(app.message_view.kitty._pinned)
        assert set(deleted(terminal)) <= set(sent) and deleted(terminal)

"""Kitty graphics (#37): a picture is transmitted once and placed again by ID, what leaves is
deleted, the terminal's share stays bounded, and a picture fills its box. Each test reads the
sequences written, as a terminal would (tests/kitty_stream.py parses them)."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from PIL import Image

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
        (segment,) = list(line)
        assert segment.style is not None and segment.style.color is not None
        assert segment.style.color.triplet == (0x0A, 0x0B, 0x0C)
        cells = [segment.text[i : i + 3] for i in range(0, len(segment.text), 3)]
        assert cells == [PLACEHOLDER + DIACRITICS[row] + DIACRITICS[col] for col in range(5)]


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


class PicturesOverADay(RuleBasedStateMachine):
    """Any sequence of drawing pictures (new, again, in other widths), font changes and exits:
    the stream never holds more than the limits, never sends a held picture again, never
    deletes what it did not send, and leaves nothing behind at exit."""

    def __init__(self) -> None:
        super().__init__()
        self.terminal = Terminal()
        self.kitty = KittyPictures(self.terminal.write, keep_pictures=5, keep_bytes=2_000_000)

    @rule(
        key=st.integers(0, 12),
        size=st.sampled_from([(480, 320), (320, 320), (240, 160), (360, 480), (1200, 80)]),
        columns=st.integers(4, 60),
    )
    def draw(self, key: int, size: tuple[int, int], columns: int) -> None:
        held = key in self.kitty
        before = len(transmitted(self.terminal))
        lines = self.kitty.lines(key, picture(*size), columns, 10)
        assert 1 <= len(lines) <= 10
        assert len(transmitted(self.terminal)) == before + (0 if held else 1)

    @rule(cell=st.sampled_from([(8, 16), (10, 20), (12, 24)]))
    def font_changed(self, cell: tuple[int, int]) -> None:
        self.kitty.use_cell(cell)

    @rule()
    def exit(self) -> None:
        """(And start again: the next session begins with nothing in the terminal.)"""
        self.kitty.forget_all()
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

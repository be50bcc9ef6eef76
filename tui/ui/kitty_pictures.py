"""Pictures drawn with Kitty's graphics protocol, placed by Unicode placeholders, and what this
session leaves in the terminal's memory.

A picture is transmitted once a session (PNG, at the largest size its slot can take, so a
narrower pane only places it again), under an image ID of its own, with one virtual placement:
the box of cells it fills, its proportions kept. The pane's lines are placeholder cells:
U+10EEEE with the row and the column as diacritics, the image ID in the foreground colour.

The terminal keeps what it was sent until told otherwise, all day. So the session keeps at most
KEEP_PICTURES pictures and KEEP_BYTES of pixels (as the terminal holds them, four bytes a pixel)
there besides the open conversation's (which are on screen or a scroll away, and never
deleted while it is open): past either limit the least recently drawn of the others is
deleted (`a=d,d=I`, data and placements), and all of them before the app leaves the screen.
"""

from __future__ import annotations

import base64
import io
import math
import random
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

KEEP_PICTURES = 32
KEEP_BYTES = 32 * 1024 * 1024
CHUNK = 4096  # the protocol's largest payload in one escape sequence
PLACEHOLDER = "\U0010eeee"
# Row and column numbers as combining marks (the protocol's table, from rowcolumn-diacritics.txt;
# 0 is U+0305). Our boxes are at most PICTURE_ROWS x PICTURE_COLUMNS, so the first 64 do.
DIACRITICS = (
    "\u0305\u030d\u030e\u0310\u0312\u033d\u033e\u033f\u0346\u034a\u034b\u034c\u0350\u0351\u0352"
    "\u0357\u035b\u0363\u0364\u0365\u0366\u0367\u0368\u0369\u036a\u036b\u036c\u036d\u036e\u036f"
    "\u0483\u0484\u0485\u0486\u0487\u0592\u0593\u0594\u0595\u0597\u0598\u0599\u059c\u059d\u059e"
    "\u059f\u05a0\u05a1\u05a8\u05a9\u05ab\u05ac\u05af\u05c4\u0610\u0611\u0612\u0613\u0614\u0615"
    "\u0616\u0617\u0657\u0658"
)
MAX_CELLS = len(DIACRITICS)
ID_LIMIT = 1 << 24  # the ID is the 24-bit foreground colour (no fourth diacritic needed)


def graphics(keys: str, payload: str = "") -> str:
    """One graphics command. `q=2`: the terminal answers nothing (Textual reads the input)."""
    return f"\x1b_G{keys},q=2" + (f";{payload}" if payload else "") + "\x1b\\"


@dataclass
class Kept:
    image_id: int
    size: tuple[int, int]  # pixels, as transmitted
    box: tuple[int, int] | None = None  # (columns, rows) of its placement

    @property
    def terminal_bytes(self) -> int:
        return self.size[0] * self.size[1] * 4


class KittyPictures:
    """What this session has given the terminal, by picture (a key of the caller's: message ID
    and position). `write` sends a sequence to the terminal, in order with the screen's output."""

    def __init__(
        self,
        write: Callable[[str], object],
        *,
        cell: tuple[int, int] = (10, 20),
        max_box: tuple[int, int] = (40, 10),
        keep_pictures: int = KEEP_PICTURES,
        keep_bytes: int = KEEP_BYTES,
        first_id: int | None = None,
    ) -> None:
        self.write = write
        self.cell = cell  # a cell's (width, height) in pixels
        self.max_box = max_box  # (columns, rows): the largest slot a picture gets
        self.keep_pictures = keep_pictures
        self.keep_bytes = keep_bytes
        # IDs are shared with whatever else runs in this terminal window: start somewhere random.
        self._next_id = first_id if first_id is not None else random.randrange(1, ID_LIMIT // 2)
        self._kept: OrderedDict[Hashable, Kept] = OrderedDict()  # least recently drawn first
        self._pinned: frozenset[Hashable] = frozenset()  # the open conversation's: kept
        self.transmissions = 0
        self.deletions = 0

    @property
    def kept_bytes(self) -> int:
        return sum(kept.terminal_bytes for kept in self._kept.values())

    def __len__(self) -> int:
        return len(self._kept)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._kept

    def use_cell(self, cell: tuple[int, int]) -> bool:
        """The cell's size in pixels (it changes with the font); True when it did change."""
        cell = (max(1, cell[0]), max(1, cell[1]))
        changed = cell != self.cell
        self.cell = cell
        return changed

    def pin(self, keys: frozenset[Hashable]) -> None:
        """The pictures the open conversation holds: its lines name them (drawn or a scroll
        away), so none of them is deleted to make room, whatever the limits say. Those of the
        conversation before count again, and go past the limits."""
        if keys != self._pinned:
            self._pinned = keys
            self._trim(protect=None)

    def box(self, size: tuple[int, int], columns: int, rows: int) -> tuple[int, int]:
        """The cells a picture of `size` pixels fills within `columns` x `rows`, never larger
        than the picture itself. The cells it covers, rounded up: the terminal fits the
        picture into them (its proportions kept), so it fills the box but for less than a
        cell on one side, and leaves no blank line under it."""
        width, height = max(1, size[0]), max(1, size[1])
        cell_width, cell_height = self.cell
        columns, rows = max(1, min(columns, MAX_CELLS)), max(1, min(rows, MAX_CELLS))
        scale = min(1.0, columns * cell_width / width, rows * cell_height / height)
        box_columns = math.ceil(width * scale / cell_width - 1e-9)
        box_rows = math.ceil(height * scale / cell_height - 1e-9)
        return max(1, min(columns, box_columns)), max(1, min(rows, box_rows))

    def lines(self, key: Hashable, picture: Any, columns: int, rows: int) -> list[Strip]:
        """The picture (a PIL image) as placeholder lines at most `columns` x `rows`: sent the
        first time, placed again only when its box changed."""
        kept = self._kept.get(key)
        if kept is not None and _much_smaller(kept.size, self._sent_size(picture.size)):
            self.forget(key)  # sent for smaller cells (the font grew): sharper again
            kept = None
        if kept is None:
            kept = self._transmit(key, picture)
        else:
            self._kept.move_to_end(key)
        box = self.box(kept.size, columns, rows)
        if box != kept.box:
            kept.box = box
            # One placement an image (p=1): placing it again replaces the old box.
            self.write(graphics(f"a=p,U=1,i={kept.image_id},p=1,c={box[0]},r={box[1]}"))
        self._trim(protect=key)
        return placeholder_lines(kept.image_id, *box)

    def _sent_size(self, size: tuple[int, int]) -> tuple[int, int]:
        """The pixels a picture is sent at: the largest its slot can show, never enlarged."""
        width, height = max(1, size[0]), max(1, size[1])
        limit_width = self.max_box[0] * self.cell[0]
        limit_height = self.max_box[1] * self.cell[1]
        scale = min(1.0, limit_width / width, limit_height / height)
        return max(1, round(width * scale)), max(1, round(height * scale))

    def _transmit(self, key: Hashable, picture: Any) -> Kept:
        size = self._sent_size(picture.size)
        sent = picture if size == picture.size else picture.resize(size)
        buffer = io.BytesIO()
        sent.save(buffer, format="PNG", compress_level=1)
        data = base64.standard_b64encode(buffer.getvalue()).decode("ascii")
        image_id = self._take_id()
        chunks = [data[start : start + CHUNK] for start in range(0, len(data), CHUNK)] or [""]
        for n, chunk in enumerate(chunks):
            more = int(n < len(chunks) - 1)
            # The first chunk says what it is; the others only whether more follow.
            keys = f"a=t,f=100,t=d,i={image_id},m={more}" if n == 0 else f"m={more}"
            self.write(graphics(keys, chunk))
        self.transmissions += 1
        kept = Kept(image_id, size)
        self._kept[key] = kept
        return kept

    def _take_id(self) -> int:
        in_use = {kept.image_id for kept in self._kept.values()}
        while True:
            image_id = self._next_id
            self._next_id = self._next_id + 1 if self._next_id + 1 < ID_LIMIT else 1
            if image_id not in in_use:
                return image_id

    def _trim(self, protect: Hashable | None) -> None:
        """Past a limit, the least recently drawn go: never the one just drawn, nor one the
        open conversation holds (the limits count only the others)."""
        counted = [key for key in self._kept if key not in self._pinned]
        count = len(counted)
        total = sum(self._kept[key].terminal_bytes for key in counted)
        for key in counted:
            if count <= self.keep_pictures and total <= self.keep_bytes:
                return
            if key == protect:
                continue
            count -= 1
            total -= self._kept[key].terminal_bytes
            self.forget(key)

    def forget(self, key: Hashable) -> None:
        """The picture is deleted from the terminal (it is sent again if drawn again)."""
        kept = self._kept.pop(key, None)
        if kept is not None:
            self.write(graphics(f"a=d,d=I,i={kept.image_id}"))
            self.deletions += 1

    def forget_all(self) -> None:
        """At exit: nothing of ours stays in the terminal."""
        for key in list(self._kept):
            self.forget(key)


def _much_smaller(sent: tuple[int, int], wanted: tuple[int, int]) -> bool:
    return sent[0] < wanted[0] * 0.75 and sent[1] < wanted[1] * 0.75


def placeholder_lines(image_id: int, columns: int, rows: int) -> list[Strip]:
    """The cells that show image `image_id`'s placement: every cell names its row and column
    (a cell drawn alone, as Textual redraws a changed part of a line, is still the right part),
    and each is a segment of its own, so a line cut (at an overlay's edge) never parts a cell
    from its marks."""
    red, green, blue = (image_id >> 16) & 255, (image_id >> 8) & 255, image_id & 255
    style = Style(color=Color.from_rgb(red, green, blue))
    return [
        Strip(
            [
                Segment(PLACEHOLDER + DIACRITICS[row] + DIACRITICS[column], style)
                for column in range(columns)
            ],
            columns,
        )
        for row in range(rows)
    ]

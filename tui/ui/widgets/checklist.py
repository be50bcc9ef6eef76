"""A selection list whose boxes say their state by glyph, not only by colour (a checked box
and an unchecked one looked alike on a monochrome or colour-blind screen)."""

from __future__ import annotations

from typing import TypeVar

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

T = TypeVar("T")

CHECKED = "✓"
UNCHECKED = " "


class CheckList(SelectionList[T]):
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        # The box SelectionList draws (the same glyph as a checkbox's), second after its edge.
        if len(segments) < 2 or segments[1].text != Checkbox.BUTTON_INNER:
            return strip
        _, scroll_y = self.scroll_offset
        try:
            selection = self.get_option_at_index(scroll_y + y)
        except OptionDoesNotExist:
            return strip
        glyph = CHECKED if selection.value in self._selected else UNCHECKED
        segments[1] = Segment(glyph, segments[1].style)
        return Strip(segments, strip.cell_length)

"""How an attachment reads in the message pane: one line naming it (kind, name, size, image
dimensions, duration; a link card's title and domain), and, for pictures, the picture itself.

Names and titles come from other people: they are made inert and kept to one line. Pictures
are drawn into lines of cells: coloured half-blocks (two pixels a cell, any colour terminal),
or with Kitty's graphics protocol where the terminal draws its placeholders (see
tui/ui/kitty_pictures.py). A Sixel image cannot live inside the pane's lines, so Sixel
terminals get half-blocks too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from tui.core.text import one_line

if TYPE_CHECKING:
    from tui.core.model import Attachment

ICONS = {"image": "▣", "gif": "▶", "video": "▶", "audio": "♪", "file": "▤", "card": "↗"}
KIND_NAMES = {"image": "image", "gif": "GIF", "video": "video", "audio": "audio", "file": "file"}
PICTURE_ROWS = 10  # a picture's height in the pane, at most (cells)
PICTURE_COLUMNS = 40


def size_text(size: float | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{int(size)} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def describe(attachment: Attachment) -> str:
    """E.g. `▣ whiteboard.png · image 480 by 320 · 2.4 KB`, or `↗ Pricing — example.com`."""
    icon = ICONS.get(attachment.kind, ICONS["file"])
    if attachment.is_card:
        title = one_line(attachment.title or attachment.url or "link", 60)
        domain = one_line(attachment.domain or "", 40)
        return f"{icon} {title}" + (f" — {domain}" if domain else "")
    kind = KIND_NAMES.get(attachment.kind, "file")
    parts = [one_line(attachment.filename or kind, 48)]
    detail = kind
    if attachment.width and attachment.height:
        detail += f" {int(attachment.width)}×{int(attachment.height)}"
    if attachment.duration_seconds is not None:
        detail += f" {duration_text(attachment.duration_seconds)}"
    parts.append(detail)
    if attachment.size_bytes is not None:
        parts.append(size_text(attachment.size_bytes))
    if attachment.status in ("pending", "processing"):
        parts.append("processing")
    elif attachment.status == "failed":
        parts.append("unavailable")
    return f"{icon} " + " · ".join(parts)


def attachment_row(attachment: Attachment, style: Style) -> Text:
    return Text(describe(attachment), style, no_wrap=True, overflow="ellipsis")


def picture_columns(columns: int) -> int:
    """How wide a picture may be in a bubble `columns` wide."""
    return max(4, min(columns, PICTURE_COLUMNS))


def halfcell_lines(picture: Any, columns: int, rows: int) -> list[Strip]:
    """`▀` cells: the upper pixel is the foreground, the lower one the background (a cell is
    about twice as tall as it is wide, so its two halves are square pixels)."""
    width, height = picture.size
    scale = min(columns / width, rows * 2 / height)
    cells_wide = max(1, round(width * scale))
    pixels_high = max(2, round(height * scale / 2) * 2)
    small = picture.resize((cells_wide, pixels_high))
    pixel = small.load()
    lines = []
    for y in range(0, pixels_high, 2):
        cells = [
            Segment(
                "▀",
                Style(color=Color.from_rgb(*pixel[x, y]), bgcolor=Color.from_rgb(*pixel[x, y + 1])),
            )
            for x in range(cells_wide)
        ]
        lines.append(Strip(cells, cells_wide))
    return lines

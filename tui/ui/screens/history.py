"""A message's edit history: every version oldest first, and its deletion, read-only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.core.text import inert, one_line
from tui.core.timefmt import stamp

if TYPE_CHECKING:
    from tui.core.model import MessageHistory


def history_text(history: MessageHistory, now: datetime) -> Text:
    """The versions as one text: a heading per version, its content as inert text."""
    text = Text()
    if not history.versions:
        text.append("No versions were returned for this message.\n", "italic")
    for number, version in enumerate(history.versions):
        label = "Original" if number == 0 else f"Edit {number}"
        origin = f" · via {one_line(version.edit_origin, 20)}" if version.edit_origin else ""
        text.append(f"{label} · {stamp(version.created_at, now)}{origin}\n", "bold")
        text.append(inert(version.content) + "\n\n")
    deletion = history.deletion
    if deletion is not None:
        who = "for everyone" if deletion.deletion_type == "all" else "for you"
        text.append(f"Deleted {who} · {stamp(deletion.deleted_at, now)}\n", "bold")
    return text


class HistoryScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,h", "close", "Close", id="history.close")]

    def __init__(self, history: MessageHistory, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.history = history
        self.clock = clock

    def compose(self) -> ComposeResult:
        with Vertical(id="history-dialog", classes="dialog"):
            count = max(0, len(self.history.versions) - 1)
            edits = "1 edit" if count == 1 else f"{count} edits"
            yield Label(Text(f"Message history · {edits} (esc closes)"), classes="dialog-title")
            with VerticalScroll(id="history-body"):
                yield Static(history_text(self.history, self.clock()), id="history-text")

    def action_close(self) -> None:
        self.dismiss(None)

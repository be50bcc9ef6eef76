"""The help screen: every key, generated from the keymap so it cannot drift."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.ui.keymap import BUILTIN_KEYS, effective

NAMES = {"less_than_sign": "<", "greater_than_sign": ">", "escape": "esc"}
SCOPES = (
    ("app", "Everywhere"),
    ("list", "Thread list"),
    ("messages", "Message pane"),
    ("sidebar", "Prospect sidebar (tab into it)"),
)


def keymap_table(
    overrides: dict[str, str] | None = None, refused: frozenset[str] = frozenset()
) -> Table:
    """Every key (with the user's overrides) and the binding id to override it with; those in
    `refused` (the open conversation does not allow them) are named apart, at their pane's end."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column("key", no_wrap=True, style="bold")
    table.add_column("action")
    table.add_column("id", style="dim", no_wrap=True)
    keys = effective(overrides or {})
    for scope, title in SCOPES:
        table.add_row("", "", "")
        table.add_row(title, "", "", style="underline")
        for key in keys:
            if key.scope == scope and key.id not in refused:
                table.add_row(key.display, key.description, key.id)
        off = [key.display for key in keys if key.scope == scope and key.id in refused]
        if off:
            table.add_row(", ".join(off), "Not in this conversation (it does not allow them)", "")
    from tui.ui.screens.board import BoardScreen
    from tui.ui.widgets.composer import ComposerInput

    for title, owner in (("Composer", ComposerInput), ("Pipeline board (P)", BoardScreen)):
        table.add_row("", "", "")
        table.add_row(title, "", "", style="underline")
        for binding in owner.BINDINGS:
            if isinstance(binding, Binding):
                bound = (overrides or {}).get(binding.id or "", binding.key)
                display = " / ".join(NAMES.get(k.strip(), k.strip()) for k in bound.split(","))
                table.add_row(display, binding.tooltip or binding.description, binding.id or "")
    table.add_row("", "", "")
    table.add_row("Textual", "", "", style="underline")
    for shortcut, description in BUILTIN_KEYS:
        table.add_row(shortcut, description, "")
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
    ]

    def __init__(
        self, overrides: dict[str, str] | None = None, *, refused: frozenset[str] = frozenset()
    ) -> None:
        super().__init__()
        self.overrides = overrides or {}
        self.refused = refused

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Label("Keys  (esc closes)", id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(keymap_table(self.overrides, self.refused))

    def action_close(self) -> None:
        self.dismiss(None)

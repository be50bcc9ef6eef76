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


def keymap_table(overrides: dict[str, str] | None = None) -> Table:
    """Every key (with the user's overrides) and the binding id to override it with."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column("key", no_wrap=True, style="bold")
    table.add_column("action")
    table.add_column("id", style="dim", no_wrap=True)
    keys = effective(overrides or {})
    for scope, title in SCOPES:
        table.add_row("", "", "")
        table.add_row(title, "", "", style="underline")
        for key in keys:
            if key.scope == scope:
                table.add_row(key.display, key.description, key.id)
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

    def __init__(self, overrides: dict[str, str] | None = None) -> None:
        super().__init__()
        self.overrides = overrides or {}

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Label("Keys  (esc closes)", id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(keymap_table(self.overrides))

    def action_close(self) -> None:
        self.dismiss(None)

"""The help screen: every key, generated from the keymap so it cannot drift."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text
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


# Narrower than this, the binding ids go under the descriptions rather than beside them (at 60
# columns a column of their own left the descriptions no room).
WIDE = 70
Row = tuple[str, str, str]  # the keys, what they do, the binding id ("" when none)


def _sections(
    overrides: dict[str, str], refused: frozenset[str], absent: frozenset[str] = frozenset()
) -> list[tuple[str, list[Row]]]:
    """Every key (with the user's overrides) and the binding id to override it with; those in
    `refused` (the open conversation does not allow them) are named apart, at their pane's end;
    those in `absent` (nothing to do here: switching account with one account) are left out."""
    sections: list[tuple[str, list[Row]]] = []
    keys = effective(overrides)
    for scope, title in SCOPES:
        rows = [(k.display, k.description, k.id) for k in keys if k.scope == scope]
        rows = [row for row in rows if row[2] not in refused and row[2] not in absent]
        off = [key.display for key in keys if key.scope == scope and key.id in refused]
        if off:
            rows.append((", ".join(off), "Not in this conversation (it does not allow them)", ""))
        sections.append((title, rows))
    from tui.ui.screens.board import BoardScreen
    from tui.ui.widgets.composer import ComposerInput

    for title, owner in (("Composer", ComposerInput), ("Pipeline board (P)", BoardScreen)):
        rows = []
        for binding in owner.BINDINGS:
            if isinstance(binding, Binding):
                bound = overrides.get(binding.id or "", binding.key)
                display = " / ".join(NAMES.get(k.strip(), k.strip()) for k in bound.split(","))
                rows.append((display, binding.tooltip or binding.description, binding.id or ""))
        sections.append((title, rows))
    sections.append(("Textual", [(shortcut, what, "") for shortcut, what in BUILTIN_KEYS]))
    return sections


def keymap_table(
    overrides: dict[str, str] | None = None,
    refused: frozenset[str] = frozenset(),
    *,
    narrow: bool = False,
    absent: frozenset[str] = frozenset(),
) -> Group:
    """Every key by section; `narrow`: each binding id under its description, not beside it.
    The section titles are lines of their own (in the keys' column they made it as wide as the
    longest title), and every section's columns are as wide as every other's."""
    sections = _sections(overrides or {}, refused, absent)
    rows = [row for _, section in sections for row in section]
    key_width = max(len(key) for key, _, _ in rows if ", " not in key)
    id_width = max(len(binding_id) for _, _, binding_id in rows)
    parts: list[RenderableType] = []
    for title, section in sections:
        parts += [Text(""), Text(title, style="underline")]
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
        table.add_column("key", style="bold", width=key_width, overflow="fold")
        table.add_column("action", ratio=1)
        if not narrow:
            table.add_column("id", style="dim", no_wrap=True, width=id_width)
        for key, description, binding_id in section:
            if narrow:
                action = Text(description)
                if binding_id:
                    action.append(f"\n{binding_id}", "dim")
                table.add_row(key, action)
            else:
                table.add_row(key, description, binding_id)
        parts.append(table)
    return Group(*parts)


class KeymapTable:
    """The keys, laid out for the width the help screen gives them (see WIDE)."""

    def __init__(
        self, overrides: dict[str, str], refused: frozenset[str], absent: frozenset[str]
    ) -> None:
        self.overrides = overrides
        self.refused = refused
        self.absent = absent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        narrow = options.max_width < WIDE
        yield keymap_table(self.overrides, self.refused, narrow=narrow, absent=self.absent)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
    ]

    def __init__(
        self,
        overrides: dict[str, str] | None = None,
        *,
        refused: frozenset[str] = frozenset(),
        absent: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__()
        self.overrides = overrides or {}
        self.refused = refused
        self.absent = absent

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Label("Keys  (esc closes)", id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(KeymapTable(self.overrides, self.refused, self.absent))

    def action_close(self) -> None:
        self.dismiss(None)

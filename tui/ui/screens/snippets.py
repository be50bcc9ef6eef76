"""The snippet picker: type to filter (fuzzy, by name and body), see the text as it will be
inserted, `enter` inserts it. A variable the conversation cannot fill is named first, and a
second `enter` inserts it as written."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.snippets import Snippet, expand
from tui.core.text import inert, one_line


class SnippetPickerScreen(ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="snippets.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="snippets.next"),
        Binding("up", "move(-1)", "Previous", show=False, id="snippets.previous"),
    ]

    def __init__(self, snippets: list[Snippet], values: dict[str, str]) -> None:
        super().__init__()
        self.snippets = snippets
        self.values = values  # what each variable means in the open conversation
        self.shown: list[Snippet] = []
        self.warned: str | None = None  # the snippet whose unknown variables were named

    def compose(self) -> ComposeResult:
        with Vertical(id="snippet-dialog", classes="dialog"):
            yield Label(
                Text("Insert a snippet  (type to filter · enter inserts · esc cancels)"),
                classes="dialog-title",
            )
            yield Input(placeholder="filter by name or text", id="snippet-filter")
            with Horizontal(id="snippet-body"):
                yield OptionList(id="snippet-list")
                yield Static("", id="snippet-preview")
            yield Label("", id="snippet-warning")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#snippet-filter", Input).focus()

    def _fill(self, typed: str) -> None:
        needle = typed.strip()
        if needle:
            matcher = Matcher(needle)
            scored = [
                (max(matcher.match(s.name), matcher.match(s.body) * 0.6), i, s)
                for i, s in enumerate(self.snippets)
            ]
            self.shown = [s for score, _, s in sorted(scored, key=lambda x: (-x[0], x[1])) if score]
        else:
            self.shown = list(self.snippets)
        options = self.query_one("#snippet-list", OptionList)
        options.clear_options()
        options.add_options(
            [Option(Text(one_line(s.name, 40)), id=str(i)) for i, s in enumerate(self.shown)]
        )
        if self.shown:
            options.highlighted = 0
        self._preview()

    def _current(self) -> Snippet | None:
        highlighted = self.query_one("#snippet-list", OptionList).highlighted
        if highlighted is None or not 0 <= highlighted < len(self.shown):
            return None
        return self.shown[highlighted]

    def _preview(self) -> None:
        snippet = self._current()
        preview = self.query_one("#snippet-preview", Static)
        warning = self.query_one("#snippet-warning", Label)
        self.warned = None
        warning.update("")
        if snippet is None:
            none = "No snippets yet: ctrl+n in the composer saves one" if not self.snippets else ""
            preview.update(Text(none or "No snippet matches.", style="dim"))
            return
        text, unknown = expand(snippet.body, self.values)
        preview.update(Text(inert(text)))
        if unknown:
            names = ", ".join("{" + name + "}" for name in unknown)
            warning.update(Text(f"Not known here: {names} (left as written)"))

    @on(Input.Changed, "#snippet-filter")
    def _filtered(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(OptionList.OptionHighlighted, "#snippet-list")
    def _highlighted(self) -> None:
        self._preview()

    @on(Input.Submitted, "#snippet-filter")
    @on(OptionList.OptionSelected, "#snippet-list")
    def _chosen(self) -> None:
        snippet = self._current()
        if snippet is None:
            return
        text, unknown = expand(snippet.body, self.values)
        if unknown and self.warned != snippet.name:
            # Said once, then inserted as written on the next enter.
            self.warned = snippet.name
            names = ", ".join("{" + name + "}" for name in unknown)
            self.query_one("#snippet-warning", Label).update(
                Text(f"Not known here: {names}. enter again inserts it as written.")
            )
            return
        self.dismiss(text)

    def action_move(self, step: int) -> None:
        options = self.query_one("#snippet-list", OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)

"""Managing the team's tags and statuses: list, create, rename, recolour, delete.

The screen only shows and asks; it posts what the user chose and the app makes the change
through the API, then hands the screen the new lists.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Tab, Tabs
from textual.widgets.option_list import Option

from tui.core.label_kinds import KINDS, LabelChange, LabelRow
from tui.core.text import one_line
from tui.ui.messages import FeatureRequest
from tui.ui.screens.pickers import ConfirmScreen
from tui.ui.widgets.chips import dot_style

if TYPE_CHECKING:
    from tui.core.model import Color

HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_NAME_LENGTH = 255  # the API's limit for tag and status names


def check_color(value: str, colors: list[Color]) -> str | None:
    """None when `value` is a predefined colour name (in any case) or a #rrggbb code, else
    what is wrong."""
    if not value or HEX_COLOR.match(value):
        return None
    if any(c.name.lower() == value.lower() for c in colors):
        return None
    names = ", ".join(c.name for c in colors) or "none loaded"
    return f"Colour: one of {names}, or a code like #3b82f6."


def check_name(name: str, taken: frozenset[str]) -> str | None:
    """What is wrong with a tag or status name (the API's rules: 1 to 255 characters, unique
    in the team), said before anything is sent: the dialog stays open with what was typed."""
    if not name:
        return "A name is needed."
    if len(name) > MAX_NAME_LENGTH:
        return f"At most {MAX_NAME_LENGTH} characters ({len(name)} typed)."
    if name.lower() in taken:
        return f"“{one_line(name, 30)}” exists already: choose another name."
    return None


def carried_text(row: LabelRow) -> str:
    """Who carries a label about to be deleted, saying where they were counted: the local
    mirror (every view it holds), or the view's loaded rows alone."""
    count = row.carried_by
    if row.everywhere:
        if not count:
            return "No prospect carries it, as far as the local mirror knows (every view)."
        who = "1 prospect carries" if count == 1 else f"{count} prospects carry"
        return f"{who} it, as far as the local mirror knows (every view): it is removed from them."
    others = "Other views are not counted (the local mirror is off)."
    if not count:
        return f"No prospect in this view carries it. {others}"
    who = (
        "1 prospect in this view carries" if count == 1 else f"{count} prospects in this view carry"
    )
    return f"{who} it: it is removed from them. {others}"


class LabelFormScreen(ModalScreen[tuple[str, str | None] | None]):
    """A name and a colour (predefined name or hex); returns (name, colour or None)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="label-form.cancel")]

    def __init__(
        self,
        title: str,
        colors: list[Color],
        name: str = "",
        color: str | None = None,
        focus_color: bool = False,
        taken: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__()
        self.title_text = title
        self.taken = taken  # the other names of this kind, lower-cased: names are unique
        self.palette = colors
        self.label_name = name
        self.color = color or ""
        self.focus_color = focus_color

    def compose(self) -> ComposeResult:
        with Vertical(id="label-form", classes="dialog"):
            yield Label(
                Text(f"{self.title_text} (enter saves · esc cancels)"), classes="dialog-title"
            )
            yield Input(value=self.label_name, placeholder="name", id="label-name")
            yield Input(value=self.color, placeholder="colour (optional)", id="label-color")
            swatches = Text("Colours: ")
            for color in self.palette:
                swatches.append("● ", dot_style(color.hex))
                swatches.append(f"{one_line(color.name, 20)}  ")
            yield Label(swatches, id="label-colors")
            yield Label("", id="label-message")

    def on_mount(self) -> None:
        self.query_one("#label-color" if self.focus_color else "#label-name", Input).focus()

    def on_input_submitted(self) -> None:
        name = self.query_one("#label-name", Input).value.strip()
        color = self.query_one("#label-color", Input).value.strip()
        message = self.query_one("#label-message", Label)
        problem = check_name(name, self.taken) or check_color(color, self.palette)
        if problem is not None:
            message.update(Text(problem))
            return
        # A name as the palette spells it ("Blue" is "blue"): what v1 accepts too.
        color = next((c.name for c in self.palette if c.name.lower() == color.lower()), color)
        self.dismiss((name, color or None))

    def action_cancel(self) -> None:
        self.dismiss(None)


class LabelsScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q", "close", "Close", id="labels.close"),
        Binding("n", "create", "New", id="labels.create"),
        Binding("r,enter", "rename", "Rename", id="labels.rename"),
        Binding("c", "recolour", "Colour", id="labels.recolour"),
        Binding("d", "delete", "Delete", id="labels.delete"),
        Binding("tab", "switch", "Tags / statuses", id="labels.switch"),
    ]

    class Changed(FeatureRequest):
        """The user asked for a change."""

        def __init__(self, change: LabelChange) -> None:
            super().__init__()
            self.change = change

    def __init__(
        self,
        rows: dict[str, list[LabelRow]],
        colors: dict[str, list[Color]],
        kind: str = "tags",
        create: bool = False,
    ) -> None:
        super().__init__()
        self.rows = rows
        self.palette = colors
        self.kind = kind
        self.create_now = create  # opened to create one (from the command palette)

    def compose(self) -> ComposeResult:
        with Vertical(id="labels-dialog", classes="dialog"):
            yield Label(Text("Tags and statuses  (esc closes)"), classes="dialog-title")
            yield Tabs(Tab("Tags", id="tags"), Tab("Statuses", id="statuses"), id="labels-kind")
            yield OptionList(id="labels-list")
            yield Label(
                Text("tab tags / statuses · n new · r rename · c colour · d delete"),
                id="labels-hint",
            )

    def on_mount(self) -> None:
        self.query_one(Tabs).active = self.kind
        self._fill()
        self.query_one(OptionList).focus()
        if self.create_now:
            kind = self.kind  # the tabs settle after this: ask for this kind regardless
            self.call_after_refresh(lambda: self.action_create(kind))

    def show(self, rows: dict[str, list[LabelRow]], colors: dict[str, list[Color]]) -> None:
        """New lists from the server, keeping the highlighted label where it still is."""
        current = self.current
        self.rows, self.palette = rows, colors
        self._fill(current.id if current else None)

    def _fill(self, keep: str | None = None) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        rows = self.rows.get(self.kind, [])
        for row in rows:
            label = Text("● ", dot_style(row.color))
            label.append(one_line(row.name, 40))
            where = "in the local mirror" if row.everywhere else "in this view"
            label.append(f"   {row.carried_by or 'none'} {where}", "dim")
            options.add_option(Option(label, id=row.id))
        if not rows:
            options.add_option(Option(Text(f"No {self.kind} yet: n creates one"), disabled=True))
            return
        ids = [r.id for r in rows]
        options.highlighted = ids.index(keep) if keep in ids else 0

    @on(Tabs.TabActivated, "#labels-kind")
    def _kind_changed(self, event: Tabs.TabActivated) -> None:
        self.kind = event.tab.id or "tags"
        self._fill()

    @property
    def current(self) -> LabelRow | None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        option_id = options.get_option_at_index(options.highlighted).id
        return next((r for r in self.rows.get(self.kind, []) if r.id == option_id), None)

    def action_switch(self) -> None:
        self.query_one(Tabs).active = "statuses" if self.kind == "tags" else "tags"

    def action_create(self, kind: str | None = None) -> None:
        kind = kind or self.kind

        def entered(result: tuple[str, str | None] | None) -> None:
            if result is not None:
                self.post_message(self.Changed(LabelChange(kind, "create", None, *result)))

        title = f"New {KINDS[kind]}"
        form = LabelFormScreen(title, self.palette.get(kind, []), taken=self._names(kind))
        self.app.push_screen(form, entered)

    def _names(self, kind: str, but: str | None = None) -> frozenset[str]:
        return frozenset(row.name.lower() for row in self.rows.get(kind, []) if row.id != but)

    def _edit(self, focus_color: bool) -> None:
        row, kind = self.current, self.kind
        if row is None:
            return

        def entered(result: tuple[str, str | None] | None) -> None:
            if result is None:
                return
            name, color = result
            if name == row.name and color == row.color:
                return
            change = LabelChange(kind, "update", row.id, name, color)
            self.post_message(self.Changed(change))

        form = LabelFormScreen(
            f"Edit {KINDS[kind]} “{one_line(row.name, 30)}”",
            self.palette.get(kind, []),
            row.name,
            row.color,
            focus_color,
            taken=self._names(kind, but=row.id),
        )
        self.app.push_screen(form, entered)

    def action_rename(self) -> None:
        self._edit(focus_color=False)

    def action_recolour(self) -> None:
        self._edit(focus_color=True)

    def action_delete(self) -> None:
        row, kind = self.current, self.kind
        if row is None:
            return
        carried = carried_text(row)

        def answered(answer: str | None) -> None:
            if answer == "delete":
                self.post_message(self.Changed(LabelChange(kind, "delete", row.id, row.name)))

        self.app.push_screen(
            ConfirmScreen(
                f"Delete the {KINDS[kind]} “{one_line(row.name, 30)}”?",
                carried,
                [("delete", "Delete", "error"), ("keep", "Keep", "default")],
            ),
            answered,
        )

    def action_close(self) -> None:
        self.dismiss(None)

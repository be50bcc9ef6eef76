"""What was written offline, offered when the connection is back: each reply and each edit is
sent, kept or dropped on its own. Nothing is decided for the user: every item starts as
"keep", so `enter`, `escape` or a stray key typed as the dialog opened loses nothing."""

from __future__ import annotations

from typing import NamedTuple

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList
from textual.widgets.option_list import Option

SEND, KEEP, DROP = "send", "keep", "drop"
CHOICE_LABELS = {SEND: "send ", KEEP: "keep ", DROP: "drop "}
CHOICE_STYLES = {SEND: "bold", KEEP: "dim", DROP: "bold strike"}


class WaitingItem(NamedTuple):
    key: str  # the feature's own name for it ("reply:<thread>", "edit:<n>")
    text: Text  # what it is and whom it is for (made from untrusted text: never markup)
    keep_means: str  # what "keep" does with it, said under the list


class WaitingScreen(ModalScreen[dict[str, str] | None]):
    """Each item sent, kept or dropped: `s` `k` `d` on the highlighted one, `S` sends all,
    `enter` applies the choices shown, `escape` keeps everything (None)."""

    BINDINGS = [
        Binding("s", "choose('send')", "Send this", id="waiting.send"),
        Binding("k", "choose('keep')", "Keep this", id="waiting.keep"),
        Binding("d", "choose('drop')", "Drop this", id="waiting.drop"),
        Binding("S", "send_all", "Send all", id="waiting.send_all"),
        Binding("escape", "later", "Decide later", id="waiting.later"),
    ]

    def __init__(self, title: str, items: list[WaitingItem]) -> None:
        super().__init__()
        self.title_text = title
        self.items = items
        self.choices = {item.key: KEEP for item in items}

    def compose(self) -> ComposeResult:
        with Vertical(id="waiting-dialog", classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Label(
                Text(
                    "s sends · k keeps · d drops the highlighted one · enter applies · "
                    "S sends all · esc decides later (everything kept)"
                ),
                id="waiting-hint",
            )
            yield OptionList(
                *(Option(self._line(item), id=item.key) for item in self.items), id="waiting-list"
            )
            keeps = sorted({item.keep_means for item in self.items})
            yield Label(Text("Kept: " + "; ".join(keeps) + "."), id="waiting-keep")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Send all", id="answer-send", variant="primary")
                yield Button("Apply", id="answer-apply", variant="default")
                yield Button("Later", id="answer-keep", variant="default")

    def on_mount(self) -> None:
        self.query_one("#waiting-list", OptionList).focus()

    def _line(self, item: WaitingItem) -> Text:
        choice = self.choices[item.key]
        line = Text(CHOICE_LABELS[choice], CHOICE_STYLES[choice])
        line.append_text(item.text)
        return line

    def action_choose(self, choice: str) -> None:
        options = self.query_one("#waiting-list", OptionList)
        index = options.highlighted
        if index is None:
            return
        item = self.items[index]
        self.choices[item.key] = choice
        options.replace_option_prompt_at_index(index, self._line(item))
        if index + 1 < len(self.items):
            options.highlighted = index + 1

    @on(OptionList.OptionSelected, "#waiting-list")
    def _apply(self, _: OptionList.OptionSelected) -> None:
        self.dismiss(dict(self.choices))

    def action_send_all(self) -> None:
        self.dismiss({item.key: SEND for item in self.items})

    def action_later(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "answer-send":
            self.action_send_all()
        elif event.button.id == "answer-apply":
            self.dismiss(dict(self.choices))
        else:
            self.action_later()

"""The reply composer: multi-line, a character counter, send with ctrl+s or alt+enter."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Label, TextArea

X_DM_LIMIT = 10_000


class ComposerInput(TextArea):
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", show=True, id="composer.send"),
        Binding("alt+enter", "send", "Send", show=False, id="composer.send_alt"),
        Binding("ctrl+e", "external_editor", "$EDITOR", show=True, id="composer.editor"),
        Binding("escape", "leave", "Back to list", show=False, id="composer.leave"),
    ]

    class Send(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Leave(Message):
        pass

    class EditorRequested(Message):
        pass

    def action_send(self) -> None:
        self.post_message(self.Send(self.text))

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    def action_external_editor(self) -> None:
        self.post_message(self.EditorRequested())


class Composer(Vertical):
    """The input plus a line with the hint and the length against the platform's limit."""

    def __init__(self, *, limit: int = X_DM_LIMIT, id: str | None = None) -> None:
        super().__init__(id=id)
        self.limit = limit

    def compose(self) -> ComposeResult:
        with Horizontal(id="composer-bar"):
            yield Label(
                Text("r reply · ctrl+s send · ctrl+e $EDITOR · esc back"), id="composer-hint"
            )
            yield Label("", id="composer-count")
        yield ComposerInput(
            id="composer-input", soft_wrap=True, show_line_numbers=False, tab_behavior="focus"
        )

    @property
    def input(self) -> ComposerInput:
        return self.query_one(ComposerInput)

    def on_mount(self) -> None:
        self.update_count()

    def on_text_area_changed(self) -> None:
        self.update_count()

    def update_count(self) -> None:
        length = len(self.input.text)
        label = self.query_one("#composer-count", Label)
        label.update(Text(f"{length:,} / {self.limit:,}"))
        label.set_class(length > self.limit, "-over")

"""The reply composer: multi-line, a character counter, send with ctrl+s or alt+enter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, TextArea

if TYPE_CHECKING:
    from tui.core.model import Platform

from tui.core.model import X_PLATFORM
from tui.core.text import one_line
from tui.ui.messages import FeatureRequest

X_DM_LIMIT = X_PLATFORM.max_characters


class ComposerInput(TextArea):
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", show=True, id="composer.send", tooltip="Send"),
        Binding(
            "alt+enter",
            "send",
            "Send",
            show=False,
            id="composer.send_alt",
            tooltip="Send (inside tmux it arrives as enter: a new line)",
        ),
        Binding(
            "ctrl+e",
            "external_editor",
            "$EDITOR",
            show=True,
            id="composer.editor",
            tooltip="Write the reply in $EDITOR",
        ),
        Binding(
            "escape",
            "leave",
            "Back to list",
            show=False,
            id="composer.leave",
            tooltip="Back to the list, keeping the draft",
        ),
        Binding(
            "ctrl+g",
            "drop_quote",
            "Unquote",
            show=False,
            id="composer.unquote",
            tooltip="Drop the quoted message (reply to the thread)",
        ),
        Binding(
            "ctrl+u",
            "clear_draft",
            "Clear",
            show=False,
            id="composer.clear",
            tooltip="Clear the draft (asks when it is long; ctrl+z brings it back)",
        ),
        Binding(
            "ctrl+a",
            "select_all",
            "Select all",
            show=False,
            id="composer.all",
            tooltip="Select the whole draft",
        ),
        Binding(
            "ctrl+t",
            "insert_snippet",
            "Snippet",
            show=True,
            id="snippets.insert",
            tooltip="Insert a snippet (canned reply), filled from the conversation",
        ),
        Binding(
            "ctrl+n",
            "save_snippet",
            "Save as snippet",
            show=False,
            id="snippets.save",
            tooltip="Save the draft as a new snippet (in the config file)",
        ),
    ]

    # Keys that insert a snippet straight away (a snippet's `key`): the snippets feature sets
    # this composer's own.
    snippet_keys: dict[str, str] = {}
    # A sent message waits out the send delay: u in the empty composer brings it back.
    undo_send_available = False

    class Edited(FeatureRequest):
        """The text changed (the user typed, or the program set it)."""

    class Send(FeatureRequest):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Leave(FeatureRequest):
        pass

    class EditorRequested(FeatureRequest):
        pass

    class DropQuote(FeatureRequest):
        pass

    class SnippetRequested(FeatureRequest):
        """Insert a snippet: the one named, or one chosen in the picker (None)."""

        def __init__(self, name: str | None = None) -> None:
            super().__init__()
            self.name = name

    class UndoSendRequested(FeatureRequest):
        """u in the empty composer while a sent message waits out the delay."""

    class ClearRequested(FeatureRequest):
        """Clear the draft: a long one only once the user says so."""

    class SaveSnippetRequested(FeatureRequest):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    async def _on_key(self, event: events.Key) -> None:
        if event.character == "u" and self.undo_send_available and not self.text:
            event.stop()
            event.prevent_default()
            self.post_message(self.UndoSendRequested())
            return
        name = self.snippet_keys.get(event.key)
        if name is not None:  # before the text area takes it as text
            event.stop()
            event.prevent_default()
            self.post_message(self.SnippetRequested(name))
            return
        await super()._on_key(event)

    def action_clear_draft(self) -> None:
        if self.text:
            self.post_message(self.ClearRequested())

    def action_insert_snippet(self) -> None:
        self.post_message(self.SnippetRequested())

    def action_save_snippet(self) -> None:
        self.post_message(self.SaveSnippetRequested(self.text))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.post_message(self.Edited())

    def action_send(self) -> None:
        self.post_message(self.Send(self.text))

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    def action_external_editor(self) -> None:
        self.post_message(self.EditorRequested())

    def action_drop_quote(self) -> None:
        self.post_message(self.DropQuote())


class ComposerHint(Label):
    """The composer's keys: as many whole ones as fit beside the count (never one cut off
    from what it does, nor run into the count)."""

    KEYS = ("ctrl+s send", "ctrl+t snippet", "ctrl+e $EDITOR", "esc back")

    def on_resize(self, event: events.Resize) -> None:
        self.fit(event.size.width)

    def fit(self, width: int) -> None:
        shown: list[str] = []
        for key in self.KEYS:
            if len(" · ".join([*shown, key])) > width:
                break
            shown.append(key)
        self.update(Text(" · ".join(shown)))


class Composer(Vertical):
    """The input plus a line with the hint and the length against the platform's limit."""

    def __init__(self, *, limit: int | None = X_DM_LIMIT, id: str | None = None) -> None:
        super().__init__(id=id)
        self.limit = limit  # characters a message may have on the thread's platform (None: any)
        self.platform_name = "X"

    def compose(self) -> ComposeResult:
        with Horizontal(id="composer-bar"):
            yield ComposerHint(Text(" · ".join(ComposerHint.KEYS)), id="composer-hint")
            yield Label("", id="composer-count")
        yield Label("", id="composer-quote", classes="-hidden")
        yield ComposerInput(
            id="composer-input", soft_wrap=True, show_line_numbers=False, tab_behavior="focus"
        )

    @property
    def input(self) -> ComposerInput:
        return self.query_one(ComposerInput)

    def on_mount(self) -> None:
        self.update_count()

    def show_quote(self, quoted: str | None) -> None:
        """The message the reply answers, above the input (None: a plain reply)."""
        label = self.query_one("#composer-quote", Label)
        label.set_class(quoted is None, "-hidden")
        if quoted is not None:
            # The key first: a long quote wraps below it rather than hiding it.
            label.update(Text("↩ ctrl+g unquotes · replying to: " + one_line(quoted, 120)))

    def on_text_area_changed(self) -> None:
        self.update_count()

    def set_platform(self, platform: Platform | None) -> None:
        """The open thread's platform: its name and its message length limit (None: not
        known yet, as before the directory is read; X's stays)."""
        if platform is None:
            return
        self.platform_name, self.limit = platform.label, platform.max_characters
        if self.is_mounted:
            self.update_count()

    def update_count(self) -> None:
        length = len(self.input.text)
        label = self.query_one("#composer-count", Label)
        if self.limit is None:
            label.update(Text(f"{length:,}"))
        else:
            label.update(Text(f"{length:,} / {self.limit:,}"))
        label.set_class(self.limit is not None and length > self.limit, "-over")

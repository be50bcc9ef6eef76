"""Look up a username: every thread with that person, across account links, or a clear 'none'."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.core.model import Thread
from tui.core.text import one_line
from tui.ui.messages import FeatureRequest

if TYPE_CHECKING:
    from tui.core.directory import Directory

USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


def normalise_username(raw: str) -> str | None:
    """X usernames: letters, digits and underscores, up to 15; an @ prefix is dropped."""
    name = raw.strip().removeprefix("@").lower()
    if not name or len(name) > 50 or not set(name) <= USERNAME_CHARS:
        return None
    return name


class LookupScreen(ModalScreen[Thread | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="lookup.cancel")]

    class Requested(FeatureRequest):
        def __init__(self, username: str) -> None:
            super().__init__()
            self.username = username

    def __init__(self, directory: Directory, username: str = "") -> None:
        """With `username`, that one is looked up at once (typed as @name in the search box)."""
        super().__init__()
        self.directory = directory
        self.username = username
        self.results: list[Thread] = []

    async def on_mount(self) -> None:
        if self.username:
            field = self.query_one("#lookup-input", Input)
            field.value = self.username
            await field.action_submit()

    def compose(self) -> ComposeResult:
        with Vertical(id="lookup-dialog"):
            yield Label("Look up a username (exact, without @)", id="lookup-title")
            yield Input(placeholder="username", id="lookup-input")
            yield Label("", id="lookup-message")
            yield OptionList(id="lookup-results")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        username = normalise_username(event.value)
        message = self.query_one("#lookup-message", Label)
        if not event.value.strip().removeprefix("@"):
            message.update(Text("Type a username (the @ is optional)."))
            return
        if username is None:
            message.update(Text("A username has only letters, digits and underscores."))
            return
        message.update(Text(f"Looking up @{username}…"))
        self.post_message(self.Requested(username))

    def show_results(self, username: str, threads: list[Thread]) -> None:
        self.results = threads
        message = self.query_one("#lookup-message", Label)
        results = self.query_one("#lookup-results", OptionList)
        results.clear_options()
        if not threads:
            message.update(Text(f"No conversation with @{username} exists."))
            return
        count = len(threads)
        message.update(Text(f"@{username}: {count} thread{'s' if count > 1 else ''}"))
        for thread in threads:
            link = self.directory.account_links.get(thread.account_link_id)
            preview = one_line(thread.last_message.content if thread.last_message else "", 50)
            label = Text(one_line(thread.prospect.display_name, 30))
            label.append(f"  via {one_line(link.name, 24) if link else '?'}", "dim")
            label.append(f"  {preview}")
            results.add_option(Option(label, id=thread.id))
        results.highlighted = 0
        results.focus()

    def show_error(self, text: str) -> None:
        self.query_one("#lookup-message", Label).update(Text(text))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        chosen = next((t for t in self.results if t.id == event.option.id), None)
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)

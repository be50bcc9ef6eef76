"""Search inside every conversation the mirror holds (ctrl+f): results as you type, best
first, the matching words marked in context; enter opens the conversation at that message."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.core.mirror import SearchError, SearchHit
from tui.core.text import one_line
from tui.core.timefmt import stamp

HINT = 'words, "a phrase", prefix*, NOT · from:me from:them tag: status: before: after:'
TYPING_PAUSE = 0.12  # seconds: a search runs once typing pauses


class MirrorSearchScreen(ModalScreen[SearchHit | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="msearch.cancel"),
        Binding("down", "to_results", "Results", show=False, id="msearch.results"),
    ]

    def __init__(
        self,
        search: Callable[[str], list[SearchHit]],
        now: Callable[[], datetime],
        progress: str,
        text: str = "",
    ) -> None:
        super().__init__()
        self.search = search  # raises SearchError for what cannot be read
        self.now = now
        self.progress = progress  # how far the mirror is filled
        self.text = text
        self.hits: list[SearchHit] = []
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="msearch-dialog", classes="dialog"):
            yield Label(
                Text(
                    "Search every conversation  (enter opens · esc closes)\n"
                    f"{one_line(self.progress, 90)}"
                ),
                classes="dialog-title",
            )
            yield Input(self.text, placeholder=HINT, id="msearch-input")
            yield Label("", id="msearch-status")
            yield OptionList(id="msearch-results")

    def on_mount(self) -> None:
        self.query_one("#msearch-input", Input).focus()
        if self.text:
            self.run_search()

    @on(Input.Changed, "#msearch-input")
    def _typed(self, event: Input.Changed) -> None:
        self.text = event.value
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(TYPING_PAUSE, self.run_search)

    def run_search(self) -> None:
        self._timer = None
        status = self.query_one("#msearch-status", Label)
        results = self.query_one("#msearch-results", OptionList)
        results.clear_options()
        self.hits = []
        if not self.text.strip():
            status.update("")
            return
        started = time.perf_counter()
        try:
            self.hits = self.search(self.text)
        except SearchError as error:
            status.update(Text(str(error)))
            return
        took = (time.perf_counter() - started) * 1000
        count = len(self.hits)
        status.update(
            Text(f"{count} match{'es' if count != 1 else ''} · {took:.0f} ms", style="dim")
            if count
            else Text("No match in the conversations the mirror holds.")
        )
        now = self.now()
        results.add_options(
            [Option(self._line(hit, now), id=str(i)) for i, hit in enumerate(self.hits)]
        )
        if self.hits:
            results.highlighted = 0

    @staticmethod
    def _line(hit: SearchHit, now: datetime) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(one_line(hit.name, 30) or "(no name)", "bold")
        line.append(f" {one_line(hit.handle, 30)}", "dim")
        if hit.at is not None:
            line.append(f" · {stamp(hit.at, now)}", "dim")
        line.append("\n   ")
        if hit.message_id is None:
            line.append("profile: ", "italic")
        else:
            line.append("you: " if hit.outbound else "them: ", "bold")
        for text, matched in hit.parts():
            # (Stored inert: only its line breaks are folded, its spaces kept.)
            line.append(text.replace("\n", " "), "reverse bold" if matched else "")
        return line

    def action_to_results(self) -> None:
        results = self.query_one("#msearch-results", OptionList)
        if self.hits and not results.has_focus:
            results.focus()

    @on(Input.Submitted, "#msearch-input")
    def _submitted(self) -> None:
        if self._timer is not None:  # enter before the pause: search now
            self._timer.stop()
            self.run_search()
        results = self.query_one("#msearch-results", OptionList)
        if self.hits:
            self.dismiss(self.hits[results.highlighted or 0])

    @on(OptionList.OptionSelected, "#msearch-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[int(event.option.id or 0)])

    def action_cancel(self) -> None:
        self.dismiss(None)

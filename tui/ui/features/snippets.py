"""Snippets in the composer: `ctrl+t` picks one (filled from the open conversation) and inserts
it at the cursor; a snippet's own key inserts it straight away; `ctrl+n` (or the palette) saves
the draft as a new snippet in the config file, keeping the rest of the file as written."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from tui.core.config_file import update_config_file, with_snippet
from tui.core.snippets import EXAMPLE_SNIPPETS, Snippet, every_snippet, expand, values_for
from tui.core.text import one_line
from tui.ui.features.shared import AppShared, Feature
from tui.ui.keymap import normalise_keys

if TYPE_CHECKING:
    from tui.ui.widgets.composer import ComposerInput


class SnippetsFeature(Feature):
    def __init__(self, shell: AppShared) -> None:
        super().__init__(shell)
        self._snippets: list[Snippet] | None = None  # read when first asked for

    def snippets(self) -> list[Snippet]:
        """The config file's and the folder's, read once (a saved one is added)."""
        if self._snippets is None:
            settings = self.shell.settings
            self._snippets = every_snippet(settings.snippets, settings.snippets_dir)
            if not self._snippets and settings.use_demo:
                self._snippets = list(EXAMPLE_SNIPPETS)
        return self._snippets

    def on_mount(self) -> None:
        # The keys that insert one snippet each, in the composer.
        self.shell.composer.input.snippet_keys = {
            key: s.name
            for s in self.snippets()
            if s.key
            for key in normalise_keys(s.key).split(",")
        }

    def _values(self) -> dict[str, str] | None:
        thread = self.shell.latest(self.shell.message_view.thread)
        if thread is None:
            self.notify("Open a thread first: a snippet is filled from it.", markup=False)
            return None
        backend = self.shell.backend
        # The config file's `me`, else who the backend says the user is (the demo's Alex Chen).
        me = self.shell.settings.me or (backend.user_name if backend is not None else "")
        return values_for(thread, self.shell.directory, me)

    def _insert(self, text: str) -> None:
        composer = self.shell.composer.input
        composer.insert(text)  # at the cursor, replacing a selection; saved as a draft
        composer.focus()

    def on_composer_input_snippet_requested(self, request: ComposerInput.SnippetRequested) -> None:
        self.pick(request.name)

    def pick(self, name: str | None = None) -> None:
        """Insert the snippet called `name`, or (None) one chosen in the picker."""
        values = self._values()
        if values is None:
            return
        if name is not None:
            snippet = next((s for s in self.snippets() if s.name == name), None)
            if snippet is None:
                return
            text, unknown = expand(snippet.body, values)
            if unknown:
                names = ", ".join("{" + name + "}" for name in unknown)
                self.notify(f"Not known here: {names} (left as written).", markup=False)
            self._insert(text)
            return
        from tui.ui.screens.snippets import SnippetPickerScreen

        def chosen(text: str | None) -> None:
            if text is not None:
                self._insert(text)

        self.shell.push_screen(SnippetPickerScreen(self.snippets(), values), chosen)

    def on_composer_input_save_snippet_requested(
        self, request: ComposerInput.SaveSnippetRequested
    ) -> None:
        self.save_draft_as_snippet(request.text)

    def save_draft_as_snippet(self, text: str | None = None) -> None:
        from tui.ui.screens.pickers import TextPromptScreen

        body = (self.shell.composer.input.text if text is None else text).strip()
        if not body:
            self.notify("Nothing to save: the composer is empty.", severity="warning", markup=False)
            return
        taken = {s.name for s in self.snippets()}

        def check(name: str) -> str | None:
            return f"A snippet is already called {name!r}." if name in taken else None

        def named(name: str | None) -> None:
            if name:
                self._save(Snippet(name=name, body=body))

        # A name to start from: the draft's first few words.
        suggested = " ".join(one_line(body.splitlines()[0]).split()[:4])[:40]
        prompt = TextPromptScreen("Save the draft as a snippet named", suggested, check=check)
        self.shell.push_screen(prompt, named)

    def _save(self, snippet: Snippet) -> None:
        path = self.shell.settings.config_path
        problem = update_config_file(path, lambda text: with_snippet(text, snippet))
        if problem is not None:
            self.notify(f"Not saved: {problem}", severity="error", timeout=10, markup=False)
            return
        self.shell.settings.snippets = [*self.shell.settings.snippets, snippet]
        # The examples make way for the user's own.
        kept = [s for s in self.snippets() if s.source != "example"]
        self._snippets = [*kept, replace(snippet, source="config")]
        self.notify(f"Saved the snippet {snippet.name!r} in {path}", markup=False)

"""Saved views (gh-dash's sections): named combinations of inbox view, filters, account links
and sort order from the config file; a switcher (V), palette commands, optional keys, and
"save the current view" writing the file."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text

from tui.core.config_file import update_config_file, with_view
from tui.core.saved_views import from_query, to_query
from tui.core.text import one_line
from tui.ui.features.shared import AppShared, Feature
from tui.ui.keymap import effective

if TYPE_CHECKING:
    from tui.core.query import ThreadQuery
    from tui.ui.answers import PickResult

SAVE = "\x00save"


class SavedViewsFeature(Feature):
    def __init__(self, shell: AppShared) -> None:
        super().__init__(shell)
        self.active_view_name = ""
        self._active_view_query: ThreadQuery | None = None

    def saved_view_shown(self) -> str:
        """The saved view's name while its query is the one on screen."""
        shown = self._active_view_query
        if shown is not None and shown == self.shell.thread_query.with_cursor(None):
            return self.active_view_name
        return ""

    def bind_saved_view_keys(self) -> list[str]:
        """Keys given to saved views in the config; returns the problems (taken keys)."""
        problems = []
        taken = {
            name for key in effective(self.shell.settings.keys) for name in key.keys.split(",")
        }
        for spec in self.shell.settings.views:
            if not spec.key:
                continue
            if spec.key in taken:
                problems.append(f"view {spec.name!r}: the key {spec.key!r} is already used")
                continue
            # Bound on the app, by key, not index: each account's views are its own, and the
            # key opens the view the account on screen gives it (see saved_view_key).
            self.app.bind(
                spec.key,
                f"saved_views.saved_view_key({spec.key!r})",
                description=spec.name,
                show=False,
            )
            taken.add(spec.key)
        return problems

    def action_saved_view_key(self, key: str) -> None:
        """A saved view's own key: this account's view with that key, if it has one."""
        for index, spec in enumerate(self.shell.settings.views):
            if spec.key == key:
                self.action_saved_view(index)
                return
        self.notify(f"No saved view has the key {key} in this account.", markup=False)

    def action_saved_view(self, index: int) -> None:
        if not 0 <= index < len(self.shell.settings.views):
            return
        spec = self.shell.settings.views[index]
        query, unknown = to_query(spec, self.shell.directory, self.shell.settings.page_size)
        if unknown:
            self.notify(
                f"View {spec.name!r}: not found and left out: {', '.join(unknown)}",
                severity="warning",
                timeout=8,
                markup=False,
            )
        self.active_view_name = spec.name
        self._active_view_query = query
        self.shell.thread_query = query
        self.shell.view_tabs.activate(query.inbox)
        self.shell.update_chips()
        self.shell.load_threads()

    def action_views(self) -> None:
        """The switcher: every saved view, and saving the current one."""
        from tui.ui.screens.pickers import PickerScreen

        options = [
            (str(i), Text(one_line(spec.name, 50) + (f"  ({spec.key})" if spec.key else "")))
            for i, spec in enumerate(self.shell.settings.views)
        ]
        options.append((SAVE, Text("+ Save the current view…")))

        def picked(result: PickResult | None) -> None:
            if result is None or not result.values:
                return
            if result.values[0] == SAVE:
                self.action_save_view()
            else:
                self.action_saved_view(int(result.values[0]))

        self.shell.push_screen(PickerScreen("Saved views", options), picked)

    def action_save_view(self, name: str | None = None) -> None:
        from tui.ui.screens.pickers import ConfirmScreen, TextPromptScreen

        def named(name: str | None) -> None:
            if not name:
                return
            if all(view.name != name for view in self.shell.settings.views):
                self._save_view(name)
                return

            def answered(answer: str | None) -> None:
                if answer == "replace":
                    self._save_view(name)
                else:  # back to the name, as typed
                    self.action_save_view(name)

            self.shell.push_screen(
                ConfirmScreen(
                    f"Replace the saved view “{one_line(name, 40)}”?",
                    "Its filters, account links and sort order become the current ones.",
                    [
                        ("replace", "Replace", "error"),
                        ("rename", "Choose another name", "primary"),
                    ],
                ),
                answered,
            )

        prompt = TextPromptScreen("Save the current view as", name or self.active_view_name)
        self.shell.push_screen(prompt, named)

    def _save_view(self, name: str) -> None:
        keyed = next((v.key for v in self.shell.settings.views if v.name == name), None)
        spec = from_query(name, self.shell.thread_query, self.shell.directory)
        spec = replace(spec, key=keyed)
        path = self.shell.settings.config_path
        problem = update_config_file(path, lambda text: with_view(text, spec))
        if problem is not None:
            self.notify(f"Not saved: {problem}", severity="error", timeout=10, markup=False)
            return
        self.shell.settings.views = [
            *(v for v in self.shell.settings.views if v.name != name),
            spec,
        ]
        self.active_view_name = name
        self._active_view_query = self.shell.thread_query.with_cursor(None)
        self.shell.update_chips()
        self.notify(f"Saved the view {name!r} in {path}", markup=False)

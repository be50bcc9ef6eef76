"""Searching threads (`/`, v2): a box above the list; once typing pauses, the current view and
filters are asked again with the text (v2's `q`: names, usernames, the last activity's
preview), a newer text superseding an older one. A text that finds nothing in the view is
looked for in every folder (the All view); the chip says where the search looked. `enter` goes
to the results, `escape` back to the view the search started from, cursor where it was.
`@name` + `enter` looks that username up across account links; on v1, which cannot search, `/`
is that lookup."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from tui.core.api_versions import ApiFeature
from tui.ui.features.shared import AppShared, Feature

if TYPE_CHECKING:
    from tui.core.query import ThreadQuery
    from tui.ui.features.lookup import LookupFeature
    from tui.ui.features.threads import ThreadsFeature
    from tui.ui.widgets.search_bar import SearchBar


class SearchFeature(Feature):
    def __init__(self, shell: AppShared, *, lookup: LookupFeature, threads: ThreadsFeature) -> None:
        super().__init__(shell)
        self.lookup = lookup  # v1's `/`, and an exact @username
        self.threads = threads  # shows each text's results, and the view the search left
        # Where the search started: that view and filters, and the thread under the cursor.
        self._origin: tuple[ThreadQuery, str | None] | None = None
        self._bar: SearchBar | None = None

    @property
    def searching(self) -> bool:
        return self._bar is not None

    def action_search(self) -> None:
        if ApiFeature.SEARCH not in self.shell.client.features:
            self.lookup.action_lookup()
            return
        if self._bar is not None:
            self._bar.input.focus()
            return
        from tui.ui.widgets.search_bar import SearchBar

        current = self.shell.thread_list.current
        self._origin = (self.shell.thread_query, current.id if current else None)
        self._bar = SearchBar(self.shell.thread_query.search, id="search-bar")
        self.screen.mount(self._bar, before="#panes")  # it takes the focus (see SearchBar)

    def on_search_bar_changed(self, message: SearchBar.Changed) -> None:
        text = message.text.strip()
        if text.startswith("@"):
            return  # a username: looked up on enter, not searched
        self._search(text)

    def on_search_bar_submitted(self, message: SearchBar.Submitted) -> None:
        text = message.text.strip()
        if text.startswith("@"):
            # A jump to a person, not a search: the lookup dialog takes it (and says what is
            # wrong with a name that cannot be one), from the view the search started in.
            self.leave_search()
            self.lookup.action_lookup(text.removeprefix("@"))
            return
        self._search(text)
        self.shell.thread_list.focus()
        # The person under the cursor is the target now, as if the user had moved there
        # (results that are still coming make the sidebar follow the cursor when they do).
        self.shell.show_sidebar_for(self.shell.thread_list.current)

    def on_search_bar_left(self, message: SearchBar.Left) -> None:
        self.leave_search()

    def _search(self, text: str) -> None:
        query = replace(self.shell.thread_query, search=text, cursor=None)
        self.threads.show_query(query, or_everywhere=True)

    def leave_search(self) -> None:
        """Back to the view the search started from, the cursor on the thread it was on."""
        if self._bar is None or self._origin is None:
            return
        bar, self._bar = self._bar, None
        query, selected = self._origin
        self._origin = None
        bar.remove()
        self.shell.thread_list.focus()
        self.threads.show_query(query, select=selected)
        self.shell.view_tabs.activate(query.inbox)  # (a search may have moved to All)

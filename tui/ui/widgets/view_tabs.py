"""The inbox views as tabs (1 Default, 2 No reply, ...): one tab per view the API version has."""

from __future__ import annotations

from textual.widgets import Tab, Tabs

from tui.core.api_versions import ApiVersion
from tui.core.query import InboxView


class ViewTabs(Tabs):
    def __init__(self, api_version: ApiVersion, *, id: str | None = None) -> None:
        super().__init__(
            *(
                Tab(self.label_of(view), id=self.tab_id(view))
                for view in InboxView
                # The All view is v2's folder=all: v1 has no such view.
                if view is not InboxView.ALL or api_version != "v1"
            ),
            id=id,
        )

    @staticmethod
    def label_of(view: InboxView, unread: int = 0) -> str:
        number = list(InboxView).index(view) + 1  # its key
        return f"{number} {view.label}" + (f" ({unread})" if unread else "")

    def show_unread(self, counts: dict[InboxView, int]) -> None:
        """Each view's unread threads, as far as they are known, beside its name."""
        for tab in self.query(Tab):
            view = self.view_of(tab)
            label = self.label_of(view, counts.get(view, 0))
            if tab.label.plain != label:
                tab.label = label

    @staticmethod
    def tab_id(view: InboxView) -> str:
        return f"view-{view.value}"

    @staticmethod
    def view_of(tab: Tab) -> InboxView:
        return InboxView((tab.id or "view-default").removeprefix("view-"))

    def activate(self, view: InboxView) -> None:
        """Makes `view`'s tab the active one (which says so with a TabActivated)."""
        self.active = self.tab_id(view)

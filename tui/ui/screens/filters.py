"""The filter panel: tags, statuses, assignees, campaigns, account links, platforms (when
the team has several) and sort order."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, RadioButton, RadioSet, SelectionList
from textual.widgets.selection_list import Selection

from tui.core.query import IdFilter, SortOrder, ThreadQuery
from tui.core.text import one_line
from tui.ui.widgets.checklist import CheckList
from tui.ui.widgets.chips import dot_style

if TYPE_CHECKING:
    from tui.core.directory import Directory

NONE = "__none__"


def _options(
    items: list[tuple[str, Text]], none_label: str | None, current: IdFilter
) -> list[Selection[str]]:
    """The choices of one filter; `none_label` None: the API has no "has none" filter here."""
    options = [] if none_label is None else [Selection(Text(none_label), NONE, current.none_)]
    options += [Selection(label, value, value in current.selected) for value, label in items]
    return options


def _id_filter(values: list[str]) -> IdFilter:
    return IdFilter(tuple(v for v in values if v != NONE), NONE in values)


def _dot_label(name: str, color: str | None) -> Text:
    label = Text("● ", dot_style(color))
    label.append(one_line(name, 40))
    return label


class FilterScreen(ModalScreen[ThreadQuery | None]):
    # Narrow (under 80 columns), the groups are stacked rather than side by side, and the panel
    # scrolls: at 60 columns three abreast cut their names and the last row fell off the end.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]
    BINDINGS = [
        Binding("ctrl+s", "apply", "Apply", id="filters.apply"),
        Binding("escape", "cancel", "Cancel", id="filters.cancel"),
        Binding("F", "clear", "Clear all", id="filters.clear_all"),
    ]

    def __init__(
        self, query: ThreadQuery, directory: Directory, *, none_filters: bool = True
    ) -> None:
        """`none_filters`: whether the API can filter by "no tags / no status / no campaign"
        (v1 only: on v2 they are not offered, rather than faked)."""
        super().__init__()
        self.query_in = query
        self.directory = directory
        self.none_filters = none_filters

    def compose(self) -> ComposeResult:
        d, q = self.directory, self.query_in
        only_v1 = (lambda label: label) if self.none_filters else (lambda label: None)
        tags = [(t.id, _dot_label(t.name, t.color)) for t in d.tags.values()]
        statuses = [(s.id, _dot_label(s.name, s.color)) for s in d.statuses.values()]
        members = [(m.id, Text(one_line(m.label, 40))) for m in d.members.values()]
        campaigns = [(c, Text(one_line(d.campaign_label(c), 40))) for c in d.campaign_ids]
        links = [
            (a.id, Text(one_line(f"{a.name} {d.link_username(a)}", 40)))
            for a in d.account_links.values()
        ]
        # Offered when the team has more than one (v2 says which; v1 knows X alone).
        platforms = [(p.id, Text(one_line(p.label, 30))) for p in d.platforms.values()]
        with Vertical(id="filter-dialog"):
            yield Label("Filters (space toggles · ctrl+s applies · esc cancels)", id="filter-title")
            with VerticalScroll(id="filter-body"):
                with Horizontal(classes="filter-row"):
                    with Vertical(classes="filter-group"):
                        yield Label("Tags (any of)")
                        yield CheckList[str](
                            *_options(tags, only_v1("No tags"), q.tags), id="f-tags"
                        )
                    with Vertical(classes="filter-group"):
                        yield Label("Status")
                        yield CheckList[str](
                            *_options(statuses, only_v1("No status"), q.statuses), id="f-statuses"
                        )
                with Horizontal(classes="filter-row"):
                    with Vertical(classes="filter-group"):
                        yield Label("Assignee")
                        yield CheckList[str](
                            *_options(members, "Unassigned", q.assignees), id="f-assignees"
                        )
                    with Vertical(classes="filter-group"):
                        yield Label("Campaign")
                        yield CheckList[str](
                            *_options(campaigns, only_v1("No campaign"), q.campaigns),
                            id="f-campaigns",
                        )
                with Horizontal(classes="filter-row"):
                    with Vertical(classes="filter-group"):
                        yield Label("Account links (none selected: all)")
                        yield CheckList[str](
                            *_options(links, None, IdFilter(q.account_link_ids)), id="f-links"
                        )
                    if d.multiple_platforms:
                        with Vertical(classes="filter-group"):
                            yield Label("Platforms (none selected: all)")
                            yield CheckList[str](
                                *_options(platforms, None, IdFilter(q.platforms)),
                                id="f-platforms",
                            )
                    with Vertical(classes="filter-group"):
                        yield Label("Sort order")
                        with RadioSet(id="f-sort"):
                            yield RadioButton(
                                "Newest first", q.sort_order is SortOrder.DESC, id="sort-desc"
                            )
                            yield RadioButton(
                                "Oldest first", q.sort_order is SortOrder.ASC, id="sort-asc"
                            )
            with Horizontal(id="filter-buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Clear all", id="clear")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        # Arrows and space work at once: the first list has focus (nothing had, until tab).
        self.query_one("#f-tags").focus()

    def _selected(self, widget_id: str) -> list[str]:
        return list(self.query_one(f"#{widget_id}", SelectionList).selected)

    def current(self) -> ThreadQuery:
        ascending = self.query_one("#sort-asc", RadioButton).value
        return replace(
            self.query_in,
            tags=_id_filter(self._selected("f-tags")),
            statuses=_id_filter(self._selected("f-statuses")),
            assignees=_id_filter(self._selected("f-assignees")),
            campaigns=_id_filter(self._selected("f-campaigns")),
            account_link_ids=tuple(self._selected("f-links")),
            platforms=tuple(self._selected("f-platforms"))
            if self.directory.multiple_platforms
            else self.query_in.platforms,
            sort_order=SortOrder.ASC if ascending else SortOrder.DESC,
            cursor=None,
        )

    def action_apply(self) -> None:
        self.dismiss(self.current())

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_clear(self) -> None:
        self.dismiss(self.query_in.cleared())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"apply": self.action_apply, "clear": self.action_clear, "cancel": self.action_cancel}[
            event.button.id or "cancel"
        ]()

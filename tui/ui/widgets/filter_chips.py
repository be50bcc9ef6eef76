"""The row of chips under the tabs: the saved view shown, the filters, the sort order and the
lead-score ranking in force, each named as the user knows it (tag chips in their colours)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from tui.core.text import one_line
from tui.ui.widgets.chips import chip_style

if TYPE_CHECKING:
    from tui.core.directory import Directory
    from tui.core.query import ThreadQuery


class FilterChips(Static):
    def show(
        self,
        query: ThreadQuery,
        directory: Directory,
        *,
        saved_view: str = "",
        min_score: int | None = None,
        by_score: bool = False,
    ) -> None:
        chips = chips_text(query, directory, saved_view, min_score, by_score)
        self.update(chips)
        self.set_class(not chips.plain, "-empty")


def chips_text(
    q: ThreadQuery, d: Directory, saved_view: str, min_score: int | None, by_score: bool
) -> Text:
    chips = Text()

    def group(title: str, names: Iterable[Text | str]) -> None:
        names = list(names)
        if names:
            chips.append(f"{title}: ", "bold")
            for i, name in enumerate(names):
                if i:
                    chips.append(", ")
                chips.append(name)
            chips.append("   ")

    def names_of(
        selected: tuple[str, ...],
        none_: bool,
        none_label: str,
        lookup: Callable[[str], Text | str],
    ) -> list[Text | str]:
        out: list[Text | str] = [lookup(i) for i in selected]
        if none_:
            out.append(none_label)
        return out

    def tag_chip(tag_id: str) -> Text:
        tag = d.tags.get(tag_id)
        return Text(
            f" {one_line(tag.name, 20) if tag else tag_id[:6]} ",
            chip_style(tag.color if tag else None),
        )

    def status_name(i: str) -> str:
        return one_line(d.statuses[i].name, 20) if i in d.statuses else i[:6]

    def member_name(i: str) -> str:
        return one_line(d.members[i].label, 20) if i in d.members else i[:6]

    def link_name(i: str) -> str:
        return one_line(d.account_links[i].name, 20) if i in d.account_links else i[:6]

    if q.search:
        chips.append(f" Search: {one_line(q.search, 40)} ", "reverse")
        where = "everywhere" if q.inbox.value == "all" else f"in {q.inbox.label}"
        chips.append(f" {where} · esc leaves it   ", "dim")
    if saved_view:
        chips.append(f" ★ {one_line(saved_view, 30)} ", "reverse")
        chips.append("   ")
    group("tags", names_of(q.tags.selected, q.tags.none_, "no tags", tag_chip))
    group("status", names_of(q.statuses.selected, q.statuses.none_, "no status", status_name))
    group("assignee", names_of(q.assignees.selected, q.assignees.none_, "unassigned", member_name))
    group(
        "campaign",
        names_of(
            q.campaigns.selected,
            q.campaigns.none_,
            "no campaign",
            lambda i: one_line(d.campaign_label(i), 24),
        ),
    )
    group("account", [link_name(i) for i in q.account_link_ids])
    group("platform", [one_line(p.label if (p := d.platform(i)) else i, 20) for i in q.platforms])
    if q.sort_order.value == "asc":
        group("sort", ["oldest first"])
    if min_score is not None:
        group("loaded", [f"score ≥ {min_score}"])
    if by_score:
        group("order", ["by lead score (loaded)"])
    if q.has_filters or min_score is not None or by_score:  # what F clears (not the order)
        chips.append("(F clears)", "dim")
    return chips

"""How v2 spells a thread query: one key per value, repeated (`?tag=a&tag=b`), never brackets
or comma lists; the view is a `folder`."""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.query import InboxView, SortOrder, ThreadQuery

FOLDERS: dict[InboxView, str] = {
    InboxView.DEFAULT: "inbox",
    InboxView.NO_REPLY: "noReply",
    InboxView.REQUESTS: "requests",
    InboxView.ARCHIVED: "archived",
    InboxView.ALL: "all",
}


@dataclass(frozen=True)
class ThreadFilters:
    """The filters of `GET /threads` (all optional; every one narrows the folder)."""

    folder: str | None = None
    account_link_ids: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    contact_ids: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    assignee_ids: tuple[str, ...] = ()
    unassigned: bool = False
    campaign_ids: tuple[str, ...] = ()
    q: str | None = None
    order: str | None = None

    def __post_init__(self) -> None:
        if self.unassigned and self.assignee_ids:
            raise ValueError("unassigned cannot be combined with assignee IDs")

    def to_params(self) -> list[tuple[str, str]]:
        params: list[tuple[str, str]] = []
        if self.folder:
            params.append(("folder", self.folder))
        for key, values in (
            ("accountLinkId", self.account_link_ids),
            ("platform", self.platforms),
            ("contactId", self.contact_ids),
            ("tag", self.tags),
            ("status", self.statuses),
            ("assigneeId", self.assignee_ids),
            ("campaignId", self.campaign_ids),
        ):
            params += [(key, value) for value in values]
        if self.unassigned:
            params.append(("unassigned", "true"))
        if self.q:
            params.append(("q", self.q))
        if self.order:
            params.append(("order", self.order))
        return params


def filters_for(query: ThreadQuery) -> ThreadFilters:
    """The app's query in v2's terms. "No tags / no status / no campaign" have no v2 filter:
    the UI does not offer them on v2, and one that reaches here is refused, not dropped."""
    for kind in ("tags", "statuses", "campaigns"):
        if query.filters()[kind].none_:
            raise ValueError(f"the 'no {kind}' filter needs API v1")
    assignees = query.assignees
    return ThreadFilters(
        folder=FOLDERS[query.inbox.served],  # the app's own views are read from the API's
        account_link_ids=query.account_link_ids,
        platforms=query.platforms,
        tags=query.tags.selected,
        statuses=query.statuses.selected,
        # "Unassigned" together with members cannot be one v2 query: members win, as chosen.
        assignee_ids=assignees.selected,
        unassigned=assignees.none_ and not assignees.selected,
        campaign_ids=query.campaigns.selected,
        order=None if query.sort_order is SortOrder.DESC else query.sort_order.value,
        q=query.search or None,
    )

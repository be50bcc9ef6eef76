"""Named views: an inbox view, filters, account links and sort order written with names (as
people write them in the config file), turned into a ThreadQuery with the team's directory,
and back again to save the current view."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Literal

from tui.core.checks import Invalid, Table, flag, one_of, optional, short_text, text, texts
from tui.core.query import IdFilter, InboxView, SortOrder, ThreadQuery

if TYPE_CHECKING:
    from tui.core.directory import Directory

Sort = Literal["newest", "oldest"]


@dataclass
class ViewSpec:
    """One `[[views]]` entry of the config file (also the export command's filters)."""

    name: str = ""
    view: str = "default"
    tags: list[str] = field(default_factory=list)  # names or IDs, any of
    no_tags: bool = False
    statuses: list[str] = field(default_factory=list)
    no_status: bool = False
    assignees: list[str] = field(default_factory=list)  # member names, emails or IDs
    unassigned: bool = False
    campaigns: list[str] = field(default_factory=list)
    no_campaign: bool = False
    account_links: list[str] = field(default_factory=list)  # names, @usernames or IDs
    platforms: list[str] = field(default_factory=list)  # names or IDs: "Instagram", "twitter"
    sort: Sort = "newest"
    key: str | None = None  # a key that switches to it, e.g. "ctrl+1"


VIEW_FIELDS = {f.name for f in fields(ViewSpec)}


def _sort(value: object) -> Sort:
    if value == "newest" or value == "oldest":
        return value
    raise Invalid("must be newest or oldest")


def read_view(table: Table) -> ViewSpec:
    """A `[[views]]` table, checked (problems go to the table)."""
    table.reject_unknown(VIEW_FIELDS)
    spec = ViewSpec()
    return ViewSpec(
        name=table.take("name", short_text(60), spec.name),
        view=table.take("view", one_of(*(v.value for v in InboxView)), spec.view),
        tags=table.take("tags", texts, spec.tags),
        no_tags=table.take("no_tags", flag, spec.no_tags),
        statuses=table.take("statuses", texts, spec.statuses),
        no_status=table.take("no_status", flag, spec.no_status),
        assignees=table.take("assignees", texts, spec.assignees),
        unassigned=table.take("unassigned", flag, spec.unassigned),
        campaigns=table.take("campaigns", texts, spec.campaigns),
        no_campaign=table.take("no_campaign", flag, spec.no_campaign),
        account_links=table.take("account_links", texts, spec.account_links),
        platforms=table.take("platforms", texts, spec.platforms),
        sort=table.take("sort", _sort, spec.sort),
        key=table.take("key", optional(text), spec.key),
    )


def _find(wanted: str, candidates: dict[str, list[str]]) -> str | None:
    """The ID whose ID or one of whose names equals `wanted` (case-insensitive)."""
    needle = wanted.strip().removeprefix("@").lower()
    for item_id, names in candidates.items():
        if needle == item_id.lower() or needle in (n.lower() for n in names if n):
            return item_id
    return None


def to_query(spec: ViewSpec, directory: Directory, limit: int) -> tuple[ThreadQuery, list[str]]:
    """The query a view means, and what in it the directory does not know (left out)."""
    unknown: list[str] = []

    def ids(values: list[str], candidates: dict[str, list[str]], what: str) -> tuple[str, ...]:
        found = []
        for value in values:
            item_id = _find(value, candidates)
            if item_id is None:
                unknown.append(f"{what} {value!r}")
            else:
                found.append(item_id)
        return tuple(dict.fromkeys(found))

    tags = {t.id: [t.name] for t in directory.tags.values()}
    statuses = {s.id: [s.name] for s in directory.statuses.values()}
    members = {m.id: [m.label, m.name or "", m.email or ""] for m in directory.members.values()}
    campaigns = {c: [directory.campaign_label(c)] for c in directory.campaign_ids}
    links = {a.id: [a.name, a.username or ""] for a in directory.account_links.values()}
    platforms = {p.id: [p.name] for p in directory.platforms.values()}
    query = ThreadQuery(
        inbox=InboxView(spec.view),
        account_link_ids=ids(spec.account_links, links, "account link"),
        platforms=ids(spec.platforms, platforms, "platform"),
        tags=IdFilter(ids(spec.tags, tags, "tag"), spec.no_tags),
        statuses=IdFilter(ids(spec.statuses, statuses, "status"), spec.no_status),
        assignees=IdFilter(ids(spec.assignees, members, "member"), spec.unassigned),
        campaigns=IdFilter(ids(spec.campaigns, campaigns, "campaign"), spec.no_campaign),
        sort_order=SortOrder.ASC if spec.sort == "oldest" else SortOrder.DESC,
        limit=limit,
    )
    return query, unknown


def from_query(name: str, query: ThreadQuery, directory: Directory) -> ViewSpec:
    """The current view, written with names where the directory has them."""

    def names(selected: tuple[str, ...], lookup: dict[str, str]) -> list[str]:
        return [lookup.get(item_id, item_id) for item_id in selected]

    return ViewSpec(
        name=name,
        view=query.inbox.value,
        tags=names(query.tags.selected, {t.id: t.name for t in directory.tags.values()}),
        no_tags=query.tags.none_,
        statuses=names(
            query.statuses.selected, {s.id: s.name for s in directory.statuses.values()}
        ),
        no_status=query.statuses.none_,
        assignees=names(
            query.assignees.selected, {m.id: m.label for m in directory.members.values()}
        ),
        unassigned=query.assignees.none_,
        campaigns=list(query.campaigns.selected),
        no_campaign=query.campaigns.none_,
        account_links=names(
            query.account_link_ids, {a.id: a.name for a in directory.account_links.values()}
        ),
        platforms=names(query.platforms, {p.id: p.label for p in directory.platforms.values()}),
        sort="oldest" if query.sort_order is SortOrder.ASC else "newest",
    )

"""What the app knows beyond one screen: the team's directory, fetched once and cached."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.core.text import one_line

if TYPE_CHECKING:
    from tui.api.service import InboxApi
    from tui.core.model import AccountLink, Member, Platform, Status, Tag, Thread


@dataclass
class Directory:
    """Account links, members, tags, statuses and platforms by ID, plus the campaign IDs seen
    so far.

    Campaigns have no endpoint in v1: they are known by the IDs that appear on threads and
    messages, named from the config file where the user gave a name."""

    account_links: dict[str, AccountLink] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    members_by_user: dict[str, Member] = field(default_factory=dict)
    tags: dict[str, Tag] = field(default_factory=dict)
    statuses: dict[str, Status] = field(default_factory=dict)
    campaign_names: dict[str, str] = field(default_factory=dict)
    platforms: dict[str, Platform] = field(default_factory=dict)
    campaigns_seen: dict[str, None] = field(default_factory=dict)  # ordered set
    loaded: bool = False

    @classmethod
    def build(
        cls,
        account_links: list[AccountLink],
        members: list[Member],
        tags: list[Tag],
        statuses: list[Status],
        campaign_names: dict[str, str] | None = None,
        platforms: list[Platform] | None = None,
    ) -> Directory:
        return cls(
            account_links={a.id: a for a in account_links},
            members={m.id: m for m in members},
            members_by_user={m.user_id: m for m in members if m.user_id},
            tags={t.id: t for t in tags},
            statuses={s.id: s for s in statuses},
            campaign_names=dict(campaign_names or {}),
            platforms={p.id: p for p in platforms or ()},
            loaded=True,
        )

    @property
    def account_link_ids(self) -> frozenset[str]:
        return frozenset(self.account_links)

    @property
    def multiple_account_links(self) -> bool:
        return len(self.account_links) > 1

    @property
    def multiple_platforms(self) -> bool:
        """More than one platform in use: rows then say which (a badge), and the filters
        offer them."""
        return len({a.platform for a in self.account_links.values()} | set(self.platforms)) > 1

    def platform(self, platform_id: str) -> Platform | None:
        return self.platforms.get(platform_id)

    def whose(self, thread: Thread) -> str:
        """Whose thread it is, in a sentence: the person, and (when the team has several
        account links: a person can then have a thread with each) which of ours it is with,
        as the list's rows say it: "Nadia Yilmaz via acmecorp"."""
        name = one_line(thread.prospect.display_name, 30) or "(no name)"
        link = self.account_links.get(thread.account_link_id)
        if link is None or not self.multiple_account_links:
            return name
        return f"{name} via {one_line(link.username or link.name, 24)}"

    def platform_of(self, thread: Thread) -> Platform | None:
        """The platform the thread is on (its account link's), when the service said."""
        link = self.account_links.get(thread.account_link_id)
        return self.platforms.get(link.platform if link is not None else thread.platform)

    def platform_label(self, thread: Thread) -> str:
        """The name of the thread's platform ("X", "LinkedIn"), or its ID when the service
        did not name it."""
        platform = self.platform_of(thread)
        if platform is not None:
            return platform.label
        return "X" if thread.platform == "twitter" else thread.platform

    def link_username(self, link: AccountLink) -> str:
        """The account link's username as its platform shows it: "@acmecorp" on X, with no
        prefix on LinkedIn (its `usernamePrefix`); "" when it has none."""
        platform = self.platforms.get(link.platform)
        prefix = platform.username_prefix if platform is not None else "@"
        return prefix + link.username if link.username else ""

    def platform_badge(self, platform_id: str) -> str:
        from tui.core.model import platform_badge

        known = self.platforms.get(platform_id)
        return platform_badge(platform_id, known.name if known is not None else "")

    def unavailable_links(self) -> list[AccountLink]:
        """The account links that cannot send now: paused (see their pauseReasons) or
        offline (to reconnect in Inboxapp)."""
        return [a for a in self.account_links.values() if a.status != "active"]

    def why_cannot_send(self, account_link_id: str) -> str | None:
        """Why a message from this account link would be refused, before asking; None if it
        can send (or is not known: the service then says)."""
        link = self.account_links.get(account_link_id)
        if link is None or link.status == "active":
            return None
        return link_state(link)

    def member_for_user(self, user_id: str | None) -> Member | None:
        """Messages carry the sender's userId; members are matched on it (or on their id)."""
        if not user_id:
            return None
        return self.members_by_user.get(user_id) or self.members.get(user_id)

    def campaign_label(self, campaign_id: str) -> str:
        return self.campaign_names.get(campaign_id) or f"campaign {campaign_id[:6]}"

    def note_campaigns(self, threads: list[Thread]) -> None:
        for thread in threads:
            if thread.last_message and thread.last_message.campaign_id:
                self.campaigns_seen.setdefault(thread.last_message.campaign_id, None)

    def note_campaign(self, campaign_id: str | None) -> None:
        if campaign_id:
            self.campaigns_seen.setdefault(campaign_id, None)

    @property
    def campaign_ids(self) -> list[str]:
        ids = dict.fromkeys(self.campaign_names)
        ids.update(self.campaigns_seen)
        return list(ids)


async def fetch_directory(client: InboxApi, campaign_names: dict[str, str]) -> Directory:
    """The team's account links, members, tags, statuses and platforms, asked for together
    (once a session: the directory is kept, and cached for the next start)."""
    links, members, tags, statuses, platforms = await asyncio.gather(
        client.list_account_links(),
        client.list_members(),
        client.list_tags(),
        client.list_statuses(),
        client.list_platforms(),
    )
    return Directory.build(links, members, tags, statuses, campaign_names, platforms)


def link_state(link: AccountLink) -> str:
    """`Acme Support is paused (billing)`, `… is offline: reconnect it in Inboxapp`: names
    and reasons come from the service, and are shown as one line each."""
    name = one_line(link.name or link.username or link.id, 40)
    if link.status == "paused":
        reasons = pause_reasons(link)
        return f"{name} is paused" + (f" ({reasons})" if reasons else "")
    if link.status == "offline":
        return f"{name} is offline: reconnect it in Inboxapp"
    return f"{name} is {one_line(link.status, 20)}"


def pause_reasons(link: AccountLink) -> str:
    """Why the service paused the link (its words, a few of them, one line each)."""
    return ", ".join(one_line(r, 30) for r in link.pause_reasons[:4])
